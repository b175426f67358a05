// SPDX-License-Identifier: GPL-2.0
/*
 * shmdev mappings: the mmap handler of a region fd, the vm_ops that wrap
 * shmem's so that the driver sees every open, close and fault, the
 * mappings of the semaphore area, and the revocation that makes every
 * mapping of a region refault after its permissions change.
 *
 * The VMA's vm_file is the region fd that mapped it (a file of the
 * region's shmem inode with shmdev's file operations), never the shmem
 * file: every kernel path that starts from a mapping's file (a re-mmap
 * through remap_file_pages(), fallocate, /proc/PID/map_files) meets
 * shmdev. The pages are the shmem inode's, so rmap, reclaim, swap,
 * migration and process-shared futexes work as for any shmem mapping.
 *
 * The semaphore area (sem.c) is mapped at %SHMDEV_SEM_MMAP_OFFSET of the
 * same file, as raw page frames (VM_PFNMAP) inserted one fault at a time
 * after a SYNC check: such PTEs have no struct page behind them for GUP,
 * so nothing can pin the area, read it through /proc/PID/mem or splice
 * it, and a revocation's zap takes it away as it does the data.
 */

#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/pagemap.h>
#include <linux/pagevec.h>
#include <linux/rcupdate.h>
#include <linux/rwsem.h>

#include "shmdev.h"

/* Each VMA counts as one mapping of its region. */
static void shmdev_vm_open(struct vm_area_struct *vma)
{
	struct shmdev_file *sf = vma->vm_private_data;

	atomic_long_inc(&sf->region->mappings);
	/* Pairs with the barrier in shmdev_region_revoke(). */
	smp_mb__after_atomic();
	atomic_long_inc(&shmdev_stats.mappings);
}

static void shmdev_vm_close(struct vm_area_struct *vma)
{
	struct shmdev_file *sf = vma->vm_private_data;

	atomic_long_dec(&shmdev_stats.mappings);
	atomic_long_dec(&sf->region->mappings);
}

/* The rights a fault in @vma needs: READ, and WRITE to write. */
static bool shmdev_vm_allowed(struct vm_area_struct *vma, bool write)
{
	u32 need = SHMDEV_ACCESS_READ | (write ? SHMDEV_ACCESS_WRITE : 0);

	return (shmdev_handle_rights(vma->vm_private_data) & need) == need;
}

static const struct vm_operations_struct *
shmdev_vm_backing(struct vm_area_struct *vma)
{
	struct shmdev_file *sf = vma->vm_private_data;

	return READ_ONCE(sf->region->backing_vm_ops);
}

/*
 * The rights are checked again once shmem returns the folio locked: the
 * PTE is installed before the folio is unlocked, and a revocation locks
 * every folio after publishing the new permissions, so either this check
 * sees them or the revocation sees the PTE and zaps it.
 */
static vm_fault_t shmdev_vm_fault(struct vm_fault *vmf)
{
	bool write = vmf->flags & FAULT_FLAG_WRITE;
	vm_fault_t ret;

	if (!shmdev_vm_allowed(vmf->vma, write))
		return VM_FAULT_SIGBUS;
	ret = shmdev_vm_backing(vmf->vma)->fault(vmf);
	if (!(ret & VM_FAULT_LOCKED) || shmdev_vm_allowed(vmf->vma, write))
		return ret;
	unlock_page(vmf->page);
	put_page(vmf->page);
	vmf->page = NULL;
	return VM_FAULT_SIGBUS;
}

/*
 * Fault-around maps pages already in memory, read-only, inside one RCU
 * read-side section (taken here as well for 6.1, where map_pages takes it
 * itself): a revocation waits for it with synchronize_rcu().
 */
static vm_fault_t shmdev_vm_map_pages(struct vm_fault *vmf, pgoff_t start,
				      pgoff_t end)
{
	vm_fault_t ret = 0;

	rcu_read_lock();
	if (shmdev_vm_allowed(vmf->vma, false))
		ret = shmdev_vm_backing(vmf->vma)->map_pages(vmf, start, end);
	rcu_read_unlock();
	return ret;
}

/*
 * Having page_mkwrite makes shared writable mappings write-notify: PTEs
 * start read-only and the first write to each page comes here, so WRITE
 * is checked on every page made writable, also after a read refault.
 */
static vm_fault_t shmdev_vm_page_mkwrite(struct vm_fault *vmf)
{
	struct folio *folio = page_folio(vmf->page);

	folio_lock(folio);
	if (folio->mapping != vmf->vma->vm_file->f_mapping) {
		folio_unlock(folio);
		return VM_FAULT_NOPAGE;
	}
	if (!shmdev_vm_allowed(vmf->vma, true)) {
		folio_unlock(folio);
		return VM_FAULT_SIGBUS;
	}
	return VM_FAULT_LOCKED;
}

/*
 * Whether mprotect() may give @vma @newflags: any access needs @any among
 * the handle's rights now, and writing needs @write too.
 */
static int shmdev_vm_protect(struct vm_area_struct *vma,
			     unsigned long newflags, u32 any, u32 write)
{
	u32 rights = shmdev_handle_rights(vma->vm_private_data);

	if (newflags & (VM_READ | VM_WRITE | VM_EXEC) && !(rights & any))
		return -EACCES;
	if (newflags & VM_WRITE && !(rights & write))
		return -EACCES;
	return 0;
}

/* mprotect() may not add what the handle's rights no longer allow. */
static int shmdev_vm_mprotect(struct vm_area_struct *vma, unsigned long start,
			      unsigned long end, unsigned long newflags)
{
	return shmdev_vm_protect(vma, newflags, SHMDEV_ACCESS_READ,
				 SHMDEV_ACCESS_WRITE);
}

static const struct vm_operations_struct shmdev_vm_ops = {
	.open		= shmdev_vm_open,
	.close		= shmdev_vm_close,
	.fault		= shmdev_vm_fault,
	.map_pages	= shmdev_vm_map_pages,
	.page_mkwrite	= shmdev_vm_page_mkwrite,
	.mprotect	= shmdev_vm_mprotect,
};

/*
 * Orders faults on the semaphore area against revocations; it protects no
 * data. A fault holds it for reading from its SYNC check until its PTE is
 * in place; a revocation takes it for writing once the new permissions
 * are published, so that each fault either sees them or inserts its PTE
 * before the zap that follows.
 */
static DECLARE_RWSEM(shmdev_sem_fault_lock);

static vm_fault_t shmdev_sem_vm_fault(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct shmdev_file *sf = vma->vm_private_data;
	pgoff_t page = vmf->pgoff - (SHMDEV_SEM_MMAP_OFFSET >> PAGE_SHIFT);
	vm_fault_t ret = VM_FAULT_SIGBUS;

	if (page >= shmdev_sem_area_pages(sf->region))
		return VM_FAULT_SIGBUS;
	down_read(&shmdev_sem_fault_lock);
	if (shmdev_handle_rights(sf) & SHMDEV_ACCESS_SYNC)
		ret = vmf_insert_pfn(vma, vmf->address,
				     shmdev_sem_area_pfn(sf->region, page));
	up_read(&shmdev_sem_fault_lock);
	return ret;
}

/* mprotect() may not give access to a handle that lost SYNC. */
static int shmdev_sem_vm_mprotect(struct vm_area_struct *vma,
				  unsigned long start, unsigned long end,
				  unsigned long newflags)
{
	return shmdev_vm_protect(vma, newflags, SHMDEV_ACCESS_SYNC,
				 SHMDEV_ACCESS_SYNC);
}

static const struct vm_operations_struct shmdev_sem_vm_ops = {
	.open		= shmdev_vm_open,
	.close		= shmdev_vm_close,
	.fault		= shmdev_sem_vm_fault,
	.mprotect	= shmdev_sem_vm_mprotect,
};

/**
 * shmdev_region_revoke - make every mapping of a region refault
 * @r: the region, whose permissions were just replaced
 *
 * Every PTE of the region, its semaphore area's too, is zapped, so each
 * access faults again and is checked against the new permissions: a
 * handle that lost WRITE gets SIGBUS on the next write, one that lost
 * READ on any access of the data, one that lost SYNC on any access of
 * the semaphore area. Faults that
 * checked the old permissions and are still running are waited for: those
 * in fault-around with synchronize_rcu(), those in ->fault and
 * ->page_mkwrite by locking each folio and zapping it again if mapped,
 * those on the semaphore area with shmdev_sem_fault_lock.
 * Takes no shmdev lock; may sleep.
 */
void shmdev_region_revoke(struct shmdev_region *r)
{
	struct address_space *mapping = r->shm_inode->i_mapping;
	struct folio_batch fbatch;
	pgoff_t index = 0;
	unsigned int i;

	/* Order the new permissions before reading the mapping count. */
	smp_mb();
	if (!atomic_long_read(&r->mappings))
		return;
	synchronize_rcu();
	down_write(&shmdev_sem_fault_lock);
	up_write(&shmdev_sem_fault_lock);
	unmap_mapping_range(mapping, 0, 0, 1);
	folio_batch_init(&fbatch);
	while (filemap_get_folios(mapping, &index, ULONG_MAX, &fbatch)) {
		for (i = 0; i < folio_batch_count(&fbatch); i++) {
			struct folio *folio = fbatch.folios[i];

			folio_lock(folio);
			if (folio_mapped(folio))
				unmap_mapping_pages(mapping, folio->index,
						    folio_nr_pages(folio), false);
			folio_unlock(folio);
		}
		folio_batch_release(&fbatch);
		cond_resched();
	}
}

/*
 * Map the semaphore area, which @vma asks for at %SHMDEV_SEM_MMAP_OFFSET
 * or further: shared, within the area, and with SYNC, which is all a
 * wait or post needs. Pages are inserted at fault time, after a SYNC
 * check. VM_PFNMAP makes the VMA special, which 6.1 and 6.12 never merge,
 * so changing the flags here cannot lose a ->close.
 */
static int shmdev_sem_mmap(struct shmdev_file *sf, struct vm_area_struct *vma)
{
	struct shmdev_region *r = sf->region;
	unsigned long end, start = vma->vm_pgoff -
				   (SHMDEV_SEM_MMAP_OFFSET >> PAGE_SHIFT);

	if (!(vma->vm_flags & VM_MAYSHARE))
		return -EINVAL;
	if (check_add_overflow(start, vma_pages(vma), &end) ||
	    end > shmdev_sem_area_pages(r))
		return -ENXIO;
	if (!(shmdev_handle_rights(sf) & SHMDEV_ACCESS_SYNC))
		return -EACCES;
	/* A read-only file's shared mapping lost VM_SHARED: COW is refused. */
	if (!(vma->vm_flags & VM_SHARED))
		return -EACCES;
	shmdev_vm_flags_set(vma, VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP);
	vma->vm_ops = &shmdev_sem_vm_ops;
	vma->vm_private_data = sf;
	shmdev_vm_open(vma);
	shmdev_touch_attach(r);
	return 0;
}

/**
 * shmdev_mmap - map a region through one of its region fds
 * @file: the region fd, which becomes the VMA's vm_file
 * @vma: the new mapping
 *
 * Mappings must be shared and lie within the region's pages, or within
 * its semaphore area at %SHMDEV_SEM_MMAP_OFFSET. Mapping data needs READ,
 * and writable mappings WRITE. A region fd bound without WRITE or SYNC is
 * open read-only, so the VFS has already cleared VM_MAYWRITE; one bound
 * with SYNC but not WRITE is open read-write, for its semaphore area, and
 * here its data mappings are refused PROT_WRITE. For one that lacks
 * WRITE, the ->mprotect hook refuses PROT_WRITE, as long as the right is
 * missing. The VM flags are left as the VFS set them: changing
 * them here would make 6.12 retry a merge after ->mmap, which frees the
 * VMA without ->close and so leaks a mapping count.
 *
 * A new mapping of this file comes here, remap_file_pages() included,
 * unless the kernel extends an adjacent VMA of the same file and flags
 * instead (6.12); the faults, which check every page, are where rights
 * are enforced, and this check only refuses early.
 *
 * Return: 0 or a negative errno.
 */
int shmdev_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct shmdev_file *sf = file->private_data;
	struct shmdev_region *r = sf->region;
	unsigned long end;
	u32 rights;
	int ret;

	/* VM_SHARED is dropped for read-only files; VM_MAYSHARE is not. */
	if (vma->vm_pgoff >= SHMDEV_SEM_MMAP_OFFSET >> PAGE_SHIFT)
		return shmdev_sem_mmap(sf, vma);
	if (!(vma->vm_flags & VM_MAYSHARE))
		return -EINVAL;
	if (check_add_overflow(vma->vm_pgoff, vma_pages(vma), &end) ||
	    end > DIV_ROUND_UP(r->size, PAGE_SIZE))
		return -ENXIO;
	rights = shmdev_handle_rights(sf);
	if (!(rights & SHMDEV_ACCESS_READ))
		return -EACCES;
	if (vma->vm_flags & VM_WRITE && !(rights & SHMDEV_ACCESS_WRITE))
		return -EACCES;

	/*
	 * shmem's ->mmap sets its vm_ops; it looks at the file's inode only,
	 * which is shmem's, and the VMA keeps the region fd as its file.
	 */
	ret = r->shm_fop->mmap(file, vma);
	if (ret)
		return ret;
	WRITE_ONCE(r->backing_vm_ops, vma->vm_ops);
	vma->vm_ops = &shmdev_vm_ops;
	vma->vm_private_data = sf;
	shmdev_vm_open(vma);
	shmdev_touch_attach(r);
	return 0;
}
