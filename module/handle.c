// SPDX-License-Identifier: GPL-2.0
/*
 * shmdev region fds: the handle that CREATE and OPEN return, its file
 * operations (the per-region ioctls, mmap, fdinfo, release) and what the
 * region's inode answers to an open by path.
 *
 * A region fd is a file of the region's shmem inode with shmdev's file
 * operations: the creator's is the file shmem_file_setup() made, adopted,
 * and OPEN makes others as shmem_file_setup() makes its own. Its f_mapping
 * is the shmem mapping, so the file is what a mapping's vm_file is, and
 * the kernel finds the pages through it as through any shmem file. It
 * carries the rights it was bound with and the binder's credentials; a
 * dup, fork or SCM_RIGHTS shares it, as for any file.
 */

#include <linux/cred.h>
#include <linux/fdtable.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/module.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include "shmdev.h"

/* Handles come from their own accounted cache so that leaks show by name. */
static struct kmem_cache *shmdev_file_cache;

/*
 * The region's inode is reachable by path through /proc/PID/fd,
 * /proc/PID/map_files and open_by_handle_at(); an open that way fails,
 * as it does for an anonymous inode, so nobody gets a shmem file of it.
 */
static int shmdev_inode_open(struct inode *inode, struct file *file)
{
	return -ENXIO;
}

const struct file_operations shmdev_inode_fops = {
	.owner	= THIS_MODULE,
	.open	= shmdev_inode_open,
};

static struct shmdev_file *shmdev_handle_alloc(struct shmdev_region *r,
					       u32 access, bool ipc_owner)
{
	struct shmdev_file *sf;

	sf = kmem_cache_zalloc(shmdev_file_cache, GFP_KERNEL_ACCOUNT);
	if (!sf)
		return NULL;
	sf->region = r;
	sf->access = access;
	sf->ipc_owner = ipc_owner;
	sf->cred = get_current_cred();
	spin_lock_init(&sf->undo_lock);
	INIT_LIST_HEAD(&sf->undos);
	return sf;
}

static void shmdev_handle_free(struct shmdev_file *sf)
{
	put_cred(sf->cred);
	kmem_cache_free(shmdev_file_cache, sf);
}

static int shmdev_handle_release(struct inode *inode, struct file *file)
{
	struct shmdev_file *sf = file->private_data;
	struct shmdev_region *r = sf->region;

	shmdev_sem_undo(sf);
	atomic_long_dec(&r->handles);
	atomic_long_dec(&shmdev_stats.handles);
	shmdev_handle_free(sf);
	shmdev_region_put(r);
	return 0;
}

static int shmdev_same_file(const void *file, struct file *f, unsigned int fd)
{
	return f == file;
}

/**
 * shmdev_files_hold - whether an fd table holds a descriptor of a file
 * @files: the fd table
 * @file: the file
 *
 * Return: true if a descriptor of @files refers to @file.
 */
bool shmdev_files_hold(struct files_struct *files, struct file *file)
{
	return iterate_fd(files, 0, shmdev_same_file, file);
}

/*
 * A close of a descriptor in fd table @id (also as an exiting or exec'ing
 * process closes its own): the table's SEM_UNDO adjustments are reversed
 * once it holds no descriptor of the file, as POSIX record locks are
 * released from this hook.
 */
static int shmdev_handle_flush(struct file *file, fl_owner_t id)
{
	struct shmdev_file *sf = file->private_data;

	if (!id || list_empty(&sf->undos) || shmdev_files_hold(id, file))
		return 0;
	shmdev_sem_undo_owner(sf, id);
	return 0;
}

static long shmdev_handle_ioctl(struct file *file, unsigned int cmd,
				unsigned long arg)
{
	struct shmdev_file *sf = file->private_data;
	void __user *argp = (void __user *)arg;

	switch (cmd) {
	case SHMDEV_IOC_VERSION:
		return shmdev_ioc_version(argp);
	case SHMDEV_IOC_STAT:
		return shmdev_ioc_stat(sf, argp);
	case SHMDEV_IOC_UNLINK:
		return shmdev_ioc_unlink(sf, argp);
	case SHMDEV_IOC_GET_ACL:
		return shmdev_ioc_get_acl(sf, argp);
	case SHMDEV_IOC_SET_ACL:
		return shmdev_ioc_set_acl(sf, argp);
	case SHMDEV_IOC_SET_PERM:
		return shmdev_ioc_set_perm(file, argp);
	case SHMDEV_IOC_SEM_WAIT:
		return shmdev_ioc_sem_wait(file, argp);
	case SHMDEV_IOC_SEM_POST:
		return shmdev_ioc_sem_post(file, argp);
	case SHMDEV_IOC_SEM_GET:
		return shmdev_ioc_sem_get(sf, argp);
	case SHMDEV_IOC_SEM_SET:
		return shmdev_ioc_sem_set(sf, argp);
	case SHMDEV_IOC_SEM_FD:
		return shmdev_ioc_sem_fd(file, argp);
	default:
		return -ENOTTY;
	}
}

/* /proc/PID/fdinfo: the region, and the rights bound and usable now. */
static void shmdev_handle_show_fdinfo(struct seq_file *m, struct file *file)
{
	struct shmdev_file *sf = file->private_data;

	seq_printf(m, "shmdev-id:\t%u\nshmdev-name:\t%s\n", sf->region->id,
		   sf->region->name);
	seq_puts(m, "shmdev-access:\t");
	shmdev_seq_rights(m, sf->access);
	seq_puts(m, "\nshmdev-rights:\t");
	shmdev_seq_rights(m, shmdev_handle_rights(sf));
	seq_putc(m, '\n');
}

static const struct file_operations shmdev_handle_fops = {
	.owner		= THIS_MODULE,
	.flush		= shmdev_handle_flush,
	.release	= shmdev_handle_release,
	.unlocked_ioctl	= shmdev_handle_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.mmap		= shmdev_mmap,
	.show_fdinfo	= shmdev_handle_show_fdinfo,
};

/* Make @file, holding its module reference, the region fd @sf. */
static void shmdev_handle_attach(struct file *file, struct shmdev_file *sf)
{
	file->private_data = sf;
	atomic_long_inc(&sf->region->handles);
	atomic_long_inc(&shmdev_stats.handles);
}

/**
 * shmdev_handle_new - a new region fd's file, not yet installed
 * @r: the region; on success the file owns the caller's reference
 * @access: %SHMDEV_ACCESS_* rights to bind with
 * @ipc_owner: current has CAP_IPC_OWNER in @r's user namespace
 *
 * The file is opened for writing only when @access has WRITE or SYNC, so
 * the VFS itself refuses a writable shared mapping of a handle with
 * neither; SYNC alone opens it for writing to map the semaphore area
 * writable, and shmdev_mmap() refuses such a handle writable data.
 *
 * Return: the file, or an ERR_PTR() with @r's reference still the
 * caller's.
 */
struct file *shmdev_handle_new(struct shmdev_region *r, u32 access,
			       bool ipc_owner)
{
	int flags = access & (SHMDEV_ACCESS_WRITE | SHMDEV_ACCESS_SYNC) ?
		    O_RDWR : O_RDONLY;
	char name[SHMDEV_FILE_NAME_MAX];
	struct inode *inode = r->shm_inode;
	struct shmdev_file *sf;
	struct file *file;

	sf = shmdev_handle_alloc(r, access, ipc_owner);
	if (!sf)
		return ERR_PTR(-ENOMEM);
	shmdev_file_name(name, r);
	ihold(inode);
	file = alloc_file_pseudo(inode, r->shm_mnt, name, flags,
				 &shmdev_handle_fops);
	if (IS_ERR(file))
		goto err_put_inode;
	/* Dropped by fput(), as for every file with an owner. */
	__module_get(THIS_MODULE);
	shmdev_handle_attach(file, sf);
	shmdev_touch_attach(r);
	return file;

err_put_inode:
	iput(inode);
	shmdev_handle_free(sf);
	return file;
}

/**
 * shmdev_handle_adopt - make a new region's shmem file its creator's fd
 * @file: the shmem file shmem_file_setup() made for @r's pages, not yet
 *	installed, opened read-write
 * @r: the region; on success the file owns the caller's reference
 * @ipc_owner: current has CAP_IPC_OWNER in @r's user namespace
 *
 * The file becomes a region fd bound with every right, so that a CREATE
 * makes one file, as memfd_create() does, not a shmem file and a second
 * file beside it. Nothing of shmem's file operations stays: alloc_file()
 * derived FMODE_LSEEK, FMODE_CAN_READ and FMODE_CAN_WRITE from them, and
 * a region fd has none of those operations.
 *
 * Return: 0, or -ENOMEM with @file still shmem's and @r's reference still
 * the caller's.
 */
int shmdev_handle_adopt(struct file *file, struct shmdev_region *r,
			bool ipc_owner)
{
	struct shmdev_file *sf;

	sf = shmdev_handle_alloc(r, SHMDEV_ACCESS_ALL, ipc_owner);
	if (!sf)
		return -ENOMEM;
	file->f_mode &= ~(FMODE_LSEEK | FMODE_CAN_READ | FMODE_CAN_WRITE);
	__module_get(THIS_MODULE);
	replace_fops(file, &shmdev_handle_fops);
	shmdev_handle_attach(file, sf);
	return 0;
}

/**
 * shmdev_handle_init - create the handle cache
 *
 * Return: 0 or -ENOMEM.
 */
int shmdev_handle_init(void)
{
	shmdev_file_cache = KMEM_CACHE(shmdev_file, SLAB_ACCOUNT);
	return shmdev_file_cache ? 0 : -ENOMEM;
}

/**
 * shmdev_handle_exit - destroy the handle cache; no handle is left
 */
void shmdev_handle_exit(void)
{
	kmem_cache_destroy(shmdev_file_cache);
}
