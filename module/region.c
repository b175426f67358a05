// SPDX-License-Identifier: GPL-2.0
/*
 * shmdev regions: the registry of names and ids, per-user and global
 * limits, region lifetime, the region ioctls (CREATE, OPEN, UNLINK, STAT,
 * LIST), the mmap handler and the /proc/driver/shmdev table.
 *
 * A region's pages live in a shmem file, as for System V shared memory, so
 * they are zeroed, swappable and charged to the memory cgroup of the task
 * that faults them in, and futexes inside a region work across processes.
 * The mmap handler points the VMA at the shmem file and wraps shmem's
 * vm_ops, so the driver still sees every open, close and fault.
 */

#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/hashtable.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/moduleparam.h>
#include <linux/overflow.h>
#include <linux/pagemap.h>
#include <linux/pagevec.h>
#include <linux/pid.h>
#include <linux/proc_fs.h>
#include <linux/rhashtable.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/shmem_fs.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>
#include <linux/user_namespace.h>
#include <linux/xarray.h>

#include "shmdev.h"

/*
 * Limits, checked at CREATE. Region sizes count whole pages. Root may
 * change them at run time in /sys/module/shmdev/parameters; a change
 * applies to later CREATEs.
 */
static unsigned long max_regions = 65536;
module_param(max_regions, ulong, 0644);
MODULE_PARM_DESC(max_regions, "Most regions at once (ENOSPC)");

static unsigned long max_region_bytes = 16UL << 30;
module_param(max_region_bytes, ulong, 0644);
MODULE_PARM_DESC(max_region_bytes, "Largest region in bytes (EINVAL)");

static unsigned long max_total_bytes = 64UL << 30;
module_param(max_total_bytes, ulong, 0644);
MODULE_PARM_DESC(max_total_bytes, "Most bytes in all regions (ENOSPC)");

static unsigned long max_user_regions = 16384;
module_param(max_user_regions, ulong, 0644);
MODULE_PARM_DESC(max_user_regions, "Most regions one user may create (EDQUOT)");

static unsigned long max_user_bytes = 16UL << 30;
module_param(max_user_bytes, ulong, 0644);
MODULE_PARM_DESC(max_user_bytes, "Most bytes one user may create (EDQUOT)");

/**
 * struct shmdev_user - what one user's regions use, for the per-user limits
 * @node: link in shmdev_users
 * @uid: the user, the creator of the regions charged here
 * @regions: regions charged
 * @bytes: page-rounded bytes charged
 */
struct shmdev_user {
	struct hlist_node node;
	kuid_t uid;
	unsigned long regions;
	u64 bytes;
};

/*
 * shmdev_registry_lock protects the name table, the id array, the users
 * table, the totals and every region's @linked. See shmdev.h for the order.
 */
static DEFINE_MUTEX(shmdev_registry_lock);
static struct rhashtable shmdev_names;
static DEFINE_XARRAY_ALLOC1(shmdev_ids);
static u32 shmdev_next_id;
static DEFINE_HASHTABLE(shmdev_users, 6);
static unsigned long shmdev_total_regions;
static u64 shmdev_total_bytes;

/* Names are zero-padded to SHMDEV_NAME_MAX, so the whole buffer is the key. */
static const struct rhashtable_params shmdev_name_params = {
	.key_len		= SHMDEV_NAME_MAX,
	.key_offset		= offsetof(struct shmdev_region, name),
	.head_offset		= offsetof(struct shmdev_region, node),
	.automatic_shrinking	= true,
};

/* The wrapped vm_ops of shmem, recorded at the first mmap. */
static const struct vm_operations_struct *shmdev_backing_vm_ops;

/**
 * shmdev_name_valid - check a region name
 * @name: the name, NUL-terminated
 * @len: its length, without the NUL
 *
 * A name has 1 to %SHMDEV_NAME_MAX - 1 bytes, each a printable ASCII
 * character other than space and '/', so that it reads as one field in
 * tables and can never look like a path.
 *
 * Return: 0 if valid, -EINVAL if empty or with a forbidden byte,
 * -ENAMETOOLONG if too long.
 */
int shmdev_name_valid(const char *name, size_t len)
{
	size_t i;

	if (!len)
		return -EINVAL;
	if (len >= SHMDEV_NAME_MAX)
		return -ENAMETOOLONG;
	for (i = 0; i < len; i++)
		if (name[i] <= ' ' || name[i] > '~' || name[i] == '/')
			return -EINVAL;
	return 0;
}

/*
 * Copy a name from user memory into @buf (SHMDEV_NAME_MAX bytes), zero
 * padded, and validate it. strncpy_from_user() tells a string that does
 * not end within the buffer by returning the buffer's size.
 */
static int shmdev_name_from_user(char *buf, u64 uptr)
{
	long len;

	memset(buf, 0, SHMDEV_NAME_MAX);
	len = strncpy_from_user(buf, u64_to_user_ptr(uptr), SHMDEV_NAME_MAX);
	if (len < 0)
		return len;
	return shmdev_name_valid(buf, len);
}

static u64 shmdev_now(void)
{
	return ktime_get_real_ns();
}

/* --- accounting ----------------------------------------------------- */

static struct shmdev_user *shmdev_user_get(kuid_t uid)
{
	struct shmdev_user *u;

	lockdep_assert_held(&shmdev_registry_lock);
	hash_for_each_possible(shmdev_users, u, node, __kuid_val(uid))
		if (uid_eq(u->uid, uid))
			return u;
	u = kzalloc(sizeof(*u), GFP_KERNEL_ACCOUNT);
	if (!u)
		return NULL;
	u->uid = uid;
	hash_add(shmdev_users, &u->node, __kuid_val(uid));
	return u;
}

static void shmdev_user_put_if_unused(struct shmdev_user *u)
{
	if (!u->regions) {
		hash_del(&u->node);
		kfree(u);
	}
}

/* Charge one region of @bytes to @uid and the totals, within the limits. */
static int shmdev_charge(kuid_t uid, u64 bytes, struct shmdev_user **userp)
{
	struct shmdev_user *u;
	u64 total, user_total;

	lockdep_assert_held(&shmdev_registry_lock);
	if (shmdev_total_regions >= READ_ONCE(max_regions) ||
	    check_add_overflow(shmdev_total_bytes, bytes, &total) ||
	    total > READ_ONCE(max_total_bytes))
		return -ENOSPC;
	u = shmdev_user_get(uid);
	if (!u)
		return -ENOMEM;
	if (u->regions >= READ_ONCE(max_user_regions) ||
	    check_add_overflow(u->bytes, bytes, &user_total) ||
	    user_total > READ_ONCE(max_user_bytes)) {
		shmdev_user_put_if_unused(u);
		return -EDQUOT;
	}
	u->regions++;
	u->bytes = user_total;
	shmdev_total_regions++;
	shmdev_total_bytes = total;
	*userp = u;
	return 0;
}

static void shmdev_uncharge(struct shmdev_user *u, u64 bytes)
{
	lockdep_assert_held(&shmdev_registry_lock);
	u->regions--;
	u->bytes -= bytes;
	shmdev_total_regions--;
	shmdev_total_bytes -= bytes;
	shmdev_user_put_if_unused(u);
}

/* --- lifetime ------------------------------------------------------- */

static struct shmdev_region *shmdev_lookup(const char *name)
{
	lockdep_assert_held(&shmdev_registry_lock);
	return rhashtable_lookup_fast(&shmdev_names, name, shmdev_name_params);
}

/* Make @r unfindable and return its charge; the registry lock is held. */
static void shmdev_region_unregister(struct shmdev_region *r)
{
	lockdep_assert_held(&shmdev_registry_lock);
	if (r->linked) {
		rhashtable_remove_fast(&shmdev_names, &r->node,
				       shmdev_name_params);
		r->linked = false;
	}
	if (r->id)
		xa_erase(&shmdev_ids, r->id);
	if (r->user)
		shmdev_uncharge(r->user, PAGE_ALIGN(r->size));
	r->user = NULL;
}

/* Free an unregistered region; may sleep, takes no lock. */
static void shmdev_region_free(struct shmdev_region *r)
{
	if (r->shm_file)
		fput(r->shm_file);
	put_pid(r->creator);
	put_user_ns(r->user_ns);
	/* No handle, so no fault or waiter, can reach the region any more. */
	kfree(rcu_dereference_protected(r->perm, true));
	shmdev_sems_free(r->sems);
	mutex_destroy(&r->lock);
	kfree(r);
	atomic_long_dec(&shmdev_stats.regions);
}

/* kref release with the registry lock held by the caller, who frees. */
static void shmdev_region_unregister_ref(struct kref *ref)
{
	shmdev_region_unregister(container_of(ref, struct shmdev_region, ref));
}

/* kref_put_mutex() release: called with the registry lock, drops it. */
static void shmdev_region_release(struct kref *ref)
{
	struct shmdev_region *r = container_of(ref, struct shmdev_region, ref);

	shmdev_region_unregister(r);
	mutex_unlock(&shmdev_registry_lock);
	shmdev_region_free(r);
}

/**
 * shmdev_region_put - drop a reference to a region
 * @r: the region
 *
 * The last reference unregisters and frees the region. Takes the registry
 * lock if it may be the last, so must not be called with it held.
 */
void shmdev_region_put(struct shmdev_region *r)
{
	kref_put_mutex(&r->ref, shmdev_region_release, &shmdev_registry_lock);
}

/* Find a region by name and take a reference; NULL if there is none. */
static struct shmdev_region *shmdev_region_find(const char *name)
{
	struct shmdev_region *r;

	mutex_lock(&shmdev_registry_lock);
	r = shmdev_lookup(name);
	if (r)
		kref_get(&r->ref);
	mutex_unlock(&shmdev_registry_lock);
	return r;
}

/* --- handles -------------------------------------------------------- */

/**
 * shmdev_file_region - the region a handle is bound to
 * @sf: the handle
 *
 * The binding never changes once made, and the handle holds a reference to
 * the region, so the result stays valid while the caller holds the file.
 *
 * Return: the region, or NULL if the handle is not bound.
 */
struct shmdev_region *shmdev_file_region(struct shmdev_file *sf)
{
	/* Pairs with shmdev_file_bind(): a region seen has its binding set. */
	return smp_load_acquire(&sf->region);
}

static void shmdev_touch_attach(struct shmdev_region *r)
{
	mutex_lock(&r->lock);
	r->attach_time = shmdev_now();
	mutex_unlock(&r->lock);
}

/* Lock @sf for binding it; -EBUSY, unlocked, if it is bound already. */
static int shmdev_file_lock_unbound(struct shmdev_file *sf)
{
	mutex_lock(&sf->lock);
	if (!sf->region)
		return 0;
	mutex_unlock(&sf->lock);
	return -EBUSY;
}

/* Bind @sf to @r, handing it the caller's reference to @r. */
static void shmdev_file_bind(struct shmdev_file *sf, struct shmdev_region *r,
			     u32 access, bool ipc_owner)
{
	lockdep_assert_held(&sf->lock);
	sf->access = access;
	sf->ipc_owner = ipc_owner;
	sf->sys_admin = ns_capable_noaudit(r->user_ns, CAP_SYS_ADMIN);
	sf->cred = get_current_cred();
	atomic_long_inc(&r->handles);
	shmdev_touch_attach(r);
	/* Publish the binding last; pairs with shmdev_file_region(). */
	smp_store_release(&sf->region, r);
}

/**
 * shmdev_file_unbind - release a handle's binding, as its file goes away
 * @sf: the handle
 */
void shmdev_file_unbind(struct shmdev_file *sf)
{
	struct shmdev_region *r = sf->region;

	if (!r)
		return;
	shmdev_sem_undo(sf);
	atomic_long_dec(&r->handles);
	put_cred(sf->cred);
	shmdev_region_put(r);
}

/* --- CREATE --------------------------------------------------------- */

static int shmdev_create_check(const struct shmdev_create *args)
{
	if (args->flags & ~SHMDEV_CREATE_FLAGS_VALID || args->pad ||
	    memchr_inv(args->reserved, 0, sizeof(args->reserved)))
		return -EINVAL;
	if (args->mode & ~SHMDEV_MODE_VALID || args->nsems > SHMDEV_SEMS_MAX)
		return -EINVAL;
	if (!args->size || args->size > MAX_LFS_FILESIZE ||
	    args->size > READ_ONCE(max_region_bytes))
		return -EINVAL;
	return 0;
}

/*
 * Charge a new region to the caller within the limits, before any memory
 * is spent on it. Fails early with -EEXIST if the name is taken; the name
 * is checked again when the region is linked.
 */
static int shmdev_reserve(const char *name, u64 size, struct shmdev_user **u)
{
	int ret;

	mutex_lock(&shmdev_registry_lock);
	if (shmdev_lookup(name))
		ret = -EEXIST;
	else
		ret = shmdev_charge(current_fsuid(), PAGE_ALIGN(size), u);
	mutex_unlock(&shmdev_registry_lock);
	return ret;
}

static void shmdev_unreserve(struct shmdev_user *u, u64 size)
{
	mutex_lock(&shmdev_registry_lock);
	shmdev_uncharge(u, PAGE_ALIGN(size));
	mutex_unlock(&shmdev_registry_lock);
}

/*
 * The internal shmem mount has no size or inode limit, so shmem's -ENOSPC
 * (a failed inode allocation, a refused memory commitment) means memory
 * ran out; ENOSPC is ours to mean "a shmdev limit was reached".
 */
static int shmdev_shmem_errno(int err)
{
	return err == -ENOSPC ? -ENOMEM : err;
}

static int shmdev_region_backing(struct shmdev_region *r)
{
	struct file *file;
	char *fname;
	int ret;

	fname = kasprintf(GFP_KERNEL, "shmdev:%s", r->name);
	if (!fname)
		return -ENOMEM;
	/* Pages are charged as they are allocated, as for memfd. */
	file = shmem_file_setup(fname, r->size, VM_NORESERVE);
	kfree(fname);
	if (IS_ERR(file))
		return shmdev_shmem_errno(PTR_ERR(file));
	r->shm_file = file;
	if (!(r->flags & SHMDEV_CREATE_POPULATE))
		return 0;
	/*
	 * Populating more than the machine can spare would end in the OOM
	 * killer, which picks processes that do not even hold the pages.
	 */
	if (PAGE_ALIGN(r->size) >> PAGE_SHIFT > si_mem_available())
		return -ENOMEM;
	ret = vfs_fallocate(file, 0, 0, r->size);
	return shmdev_shmem_errno(ret);
}

/* A new, unregistered region holding the charge @u; one reference. */
static struct shmdev_region *shmdev_region_new(const char *name,
					       const struct shmdev_create *args,
					       struct shmdev_user *u)
{
	struct shmdev_region *r;
	int ret;

	r = kzalloc(sizeof(*r), GFP_KERNEL_ACCOUNT);
	if (!r)
		return ERR_PTR(-ENOMEM);
	atomic_long_inc(&shmdev_stats.regions);
	kref_init(&r->ref);
	mutex_init(&r->lock);
	memcpy(r->name, name, SHMDEV_NAME_MAX);
	r->size = args->size;
	r->flags = args->flags;
	r->nsems = args->nsems;
	r->user_ns = get_user_ns(current_user_ns());
	r->creator = get_task_pid(current, PIDTYPE_TGID);
	r->cuid = current_fsuid();
	r->cgid = current_fsgid();
	r->create_time = shmdev_now();
	r->change_time = r->create_time;
	RCU_INIT_POINTER(r->perm, shmdev_permset_new(r->cuid, r->cgid,
						     args->mode, 0));
	r->sems = shmdev_sems_new(r->nsems);
	if (!rcu_access_pointer(r->perm) || IS_ERR(r->sems)) {
		if (IS_ERR(r->sems))
			r->sems = NULL;
		shmdev_region_free(r);
		return ERR_PTR(-ENOMEM);
	}

	ret = shmdev_region_backing(r);
	if (ret) {
		shmdev_region_free(r);
		return ERR_PTR(ret);
	}
	r->user = u;
	return r;
}

/* Make a fully built region findable; on failure it is freed. */
static int shmdev_region_register(struct shmdev_region *r)
{
	int ret;

	mutex_lock(&shmdev_registry_lock);
	if (shmdev_lookup(r->name)) {
		ret = -EEXIST;
		goto err_unregister;
	}
	ret = xa_alloc_cyclic(&shmdev_ids, &r->id, r, xa_limit_32b,
			      &shmdev_next_id, GFP_KERNEL);
	if (ret < 0)
		goto err_unregister;
	ret = rhashtable_insert_fast(&shmdev_names, &r->node,
				     shmdev_name_params);
	if (ret) {
		ret = -ENOMEM;
		goto err_unregister;
	}
	r->linked = true;
	/* A persistent region is kept by the registry while named. */
	if (!(r->flags & SHMDEV_CREATE_TRANSIENT))
		kref_get(&r->ref);
	mutex_unlock(&shmdev_registry_lock);
	return 0;

err_unregister:
	shmdev_region_unregister(r);
	mutex_unlock(&shmdev_registry_lock);
	shmdev_region_free(r);
	return ret;
}

/**
 * shmdev_ioc_create - SHMDEV_IOC_CREATE: create a region and bind to it
 * @sf: the handle, bound with every right on success
 * @uarg: user pointer to struct shmdev_create
 *
 * Return: 0 or a negative errno; on failure nothing is left behind.
 */
int shmdev_ioc_create(struct shmdev_file *sf, void __user *uarg)
{
	char name[SHMDEV_NAME_MAX];
	struct shmdev_create args;
	struct shmdev_region *r;
	struct shmdev_user *u;
	int ret;

	if (copy_from_user(&args, uarg, sizeof(args)))
		return -EFAULT;
	ret = shmdev_create_check(&args);
	if (ret)
		return ret;
	ret = shmdev_name_from_user(name, args.name);
	if (ret)
		return ret;

	ret = shmdev_file_lock_unbound(sf);
	if (ret)
		return ret;
	ret = shmdev_reserve(name, args.size, &u);
	if (ret)
		goto out_unlock;
	r = shmdev_region_new(name, &args, u);
	if (IS_ERR(r)) {
		shmdev_unreserve(u, args.size);
		ret = PTR_ERR(r);
		goto out_unlock;
	}
	ret = shmdev_region_register(r);
	if (ret)
		goto out_unlock;
	shmdev_file_bind(sf, r, SHMDEV_ACCESS_ALL, shmdev_current_ipc_owner(r));
out_unlock:
	mutex_unlock(&sf->lock);
	return ret;
}

/* --- OPEN and UNLINK -------------------------------------------------- */

/**
 * shmdev_ioc_open - SHMDEV_IOC_OPEN: bind a handle to an existing region
 * @sf: the handle
 * @uarg: user pointer to struct shmdev_open
 *
 * Return: 0 or a negative errno.
 */
int shmdev_ioc_open(struct shmdev_file *sf, void __user *uarg)
{
	char name[SHMDEV_NAME_MAX];
	struct shmdev_region *r;
	struct shmdev_open args;
	bool ipc_owner;
	int ret;

	if (copy_from_user(&args, uarg, sizeof(args)))
		return -EFAULT;
	if (args.flags & ~SHMDEV_OPEN_FLAGS_VALID ||
	    memchr_inv(args.reserved, 0, sizeof(args.reserved)) ||
	    !args.access || args.access & ~SHMDEV_OPEN_ACCESS_VALID)
		return -EINVAL;
	ret = shmdev_name_from_user(name, args.name);
	if (ret)
		return ret;

	ret = shmdev_file_lock_unbound(sf);
	if (ret)
		return ret;
	r = shmdev_region_find(name);
	if (!r) {
		ret = -ENOENT;
		goto out_unlock;
	}
	ipc_owner = shmdev_current_ipc_owner(r);
	if ((shmdev_rights(r, current_cred(), ipc_owner) & args.access) !=
	    args.access) {
		shmdev_region_put(r);
		ret = -EACCES;
		goto out_unlock;
	}
	shmdev_file_bind(sf, r, args.access, ipc_owner);
out_unlock:
	mutex_unlock(&sf->lock);
	return ret;
}

/**
 * shmdev_ioc_unlink - SHMDEV_IOC_UNLINK: remove a region's name
 * @sf: the handle (need not be bound)
 * @uarg: user pointer to struct shmdev_unlink
 *
 * The name goes at once; the memory goes with the last handle and mapping.
 * The semaphores fail with EIDRM from now on, unless the caller asked
 * %SHMDEV_UNLINK_KEEP_SEMS.
 *
 * Return: 0 or a negative errno.
 */
int shmdev_ioc_unlink(struct shmdev_file *sf, void __user *uarg)
{
	char name[SHMDEV_NAME_MAX];
	struct shmdev_unlink args;
	struct shmdev_region *r;
	int ret;

	if (copy_from_user(&args, uarg, sizeof(args)))
		return -EFAULT;
	if (args.flags & ~SHMDEV_UNLINK_FLAGS_VALID || args.pad ||
	    memchr_inv(args.reserved, 0, sizeof(args.reserved)))
		return -EINVAL;
	ret = shmdev_name_from_user(name, args.name);
	if (ret)
		return ret;

	mutex_lock(&shmdev_registry_lock);
	r = shmdev_lookup(name);
	if (!r) {
		ret = -ENOENT;
		goto out_unlock;
	}
	if (!(shmdev_current_rights(r) & SHMDEV_ACCESS_ADMIN)) {
		ret = -EACCES;
		goto out_unlock;
	}
	rhashtable_remove_fast(&shmdev_names, &r->node, shmdev_name_params);
	r->linked = false;
	mutex_lock(&r->lock);
	r->unlinked = true;
	r->change_time = shmdev_now();
	mutex_unlock(&r->lock);
	/* Keep it while its semaphores' sleepers are sent away. */
	kref_get(&r->ref);
	/* Drop the registry's reference; ours keeps it above zero. */
	if (!(r->flags & SHMDEV_CREATE_TRANSIENT))
		kref_put(&r->ref, shmdev_region_unregister_ref);
	mutex_unlock(&shmdev_registry_lock);
	if (!(args.flags & SHMDEV_UNLINK_KEEP_SEMS))
		shmdev_sems_remove(r);
	shmdev_region_put(r);
	return 0;

out_unlock:
	mutex_unlock(&shmdev_registry_lock);
	return ret;
}

/* --- STAT and LIST ---------------------------------------------------- */

static u32 shmdev_region_state(struct shmdev_region *r)
{
	u32 state = 0;

	lockdep_assert_held(&r->lock);
	if (r->flags & SHMDEV_CREATE_TRANSIENT)
		state |= SHMDEV_STATE_TRANSIENT;
	if (r->flags & SHMDEV_CREATE_POPULATE)
		state |= SHMDEV_STATE_POPULATED;
	if (r->unlinked)
		state |= SHMDEV_STATE_UNLINKED;
	return state;
}

/* Owner, group (in @ns), mode and ACL size of @r. */
static void shmdev_perm_fill(struct shmdev_region *r,
			     struct user_namespace *ns, u32 *uid, u32 *gid,
			     u32 *mode, u32 *acl_count)
{
	const struct shmdev_permset *p;

	rcu_read_lock();
	p = rcu_dereference(r->perm);
	*uid = from_kuid_munged(ns, p->uid);
	*gid = from_kgid_munged(ns, p->gid);
	*mode = p->mode;
	if (acl_count)
		*acl_count = p->count;
	rcu_read_unlock();
}

static void shmdev_fill_stat(struct shmdev_region *r, struct shmdev_stat *st)
{
	struct user_namespace *ns = current_user_ns();

	mutex_lock(&r->lock);
	shmdev_perm_fill(r, ns, &st->uid, &st->gid, &st->mode, &st->acl_count);
	st->state = shmdev_region_state(r);
	st->attach_time = r->attach_time;
	st->change_time = r->change_time;
	mutex_unlock(&r->lock);
	st->size = r->size;
	st->cuid = from_kuid_munged(ns, r->cuid);
	st->cgid = from_kgid_munged(ns, r->cgid);
	st->creator_pid = pid_vnr(r->creator);
	st->nsems = r->nsems;
	st->create_time = r->create_time;
	st->handles = atomic_long_read(&r->handles);
	st->mappings = atomic_long_read(&r->mappings);
	st->resident_pages = READ_ONCE(r->shm_file->f_mapping->nrpages);
	st->id = r->id;
	memcpy(st->name_out, r->name, SHMDEV_NAME_MAX);
}

/**
 * shmdev_ioc_stat - SHMDEV_IOC_STAT: describe a region
 * @sf: the handle; its region is described when no name is given
 * @uarg: user pointer to struct shmdev_stat
 *
 * Return: 0 or a negative errno.
 */
int shmdev_ioc_stat(struct shmdev_file *sf, void __user *uarg)
{
	struct shmdev_region *r;
	struct shmdev_stat *st;
	u32 rights;
	int ret;

	st = kmalloc(sizeof(*st), GFP_KERNEL);
	if (!st)
		return -ENOMEM;
	if (copy_from_user(st, uarg, sizeof(*st))) {
		ret = -EFAULT;
		goto out_free;
	}
	if (st->flags & ~SHMDEV_STAT_FLAGS_VALID || st->pad) {
		ret = -EINVAL;
		goto out_free;
	}
	if (st->name) {
		char *name = st->name_out;	/* scratch until filled */

		ret = shmdev_name_from_user(name, st->name);
		if (ret)
			goto out_free;
		r = shmdev_region_find(name);
		if (!r) {
			ret = -ENOENT;
			goto out_free;
		}
		rights = shmdev_current_rights(r);
		st->access = 0;
	} else {
		r = shmdev_file_region(sf);
		if (!r) {
			ret = -ENXIO;
			goto out_free;
		}
		kref_get(&r->ref);
		rights = shmdev_handle_rights(sf);
		st->access = sf->access;
	}
	if (rights & SHMDEV_ACCESS_READ) {
		shmdev_fill_stat(r, st);
		memset(st->reserved, 0, sizeof(st->reserved));
		ret = 0;
	} else {
		ret = -EACCES;
	}
	shmdev_region_put(r);
	if (!ret && copy_to_user(uarg, st, sizeof(*st)))
		ret = -EFAULT;
out_free:
	kfree(st);
	return ret;
}

static void shmdev_fill_entry(struct shmdev_region *r,
			      struct shmdev_list_entry *e)
{
	e->id = r->id;
	e->size = r->size;
	memcpy(e->name, r->name, SHMDEV_NAME_MAX);
	mutex_lock(&r->lock);
	shmdev_perm_fill(r, current_user_ns(), &e->uid, &e->gid, &e->mode, NULL);
	e->state = shmdev_region_state(r);
	mutex_unlock(&r->lock);
}

/**
 * shmdev_ioc_list - SHMDEV_IOC_LIST: enumerate regions in id order
 * @sf: the handle (need not be bound)
 * @uarg: user pointer to struct shmdev_list
 *
 * Each call walks at most %SHMDEV_LIST_BATCH_MAX regions under the
 * registry lock and copies them out after dropping it.
 *
 * Return: 0 or a negative errno.
 */
int shmdev_ioc_list(struct shmdev_file *sf, void __user *uarg)
{
	struct shmdev_list_entry *buf;
	struct shmdev_region *r;
	struct shmdev_list args;
	unsigned long index;
	u32 n, count = 0;
	int ret = 0;

	if (copy_from_user(&args, uarg, sizeof(args)))
		return -EFAULT;
	if (args.flags & ~SHMDEV_LIST_FLAGS_VALID || !args.count ||
	    memchr_inv(args.reserved, 0, sizeof(args.reserved)))
		return -EINVAL;
	n = min_t(u32, args.count, SHMDEV_LIST_BATCH_MAX);
	buf = kcalloc(n, sizeof(*buf), GFP_KERNEL);
	if (!buf)
		return -ENOMEM;

	mutex_lock(&shmdev_registry_lock);
	xa_for_each_start(&shmdev_ids, index, r, args.cursor) {
		shmdev_fill_entry(r, &buf[count]);
		args.cursor = (u64)index + 1;
		if (++count == n)
			break;
	}
	mutex_unlock(&shmdev_registry_lock);
	args.count = count;
	if (copy_to_user(u64_to_user_ptr(args.entries), buf,
			 count * sizeof(*buf)) ||
	    copy_to_user(uarg, &args, sizeof(args)))
		ret = -EFAULT;
	kfree(buf);
	return ret;
}

/* --- mmap ----------------------------------------------------------- */

/*
 * A VMA of a region points at the region's shmem file and keeps the handle
 * that mapped it in vm_private_data, holding a reference to the handle's
 * file. Faults go to shmem through these wrappers.
 */
static void shmdev_vm_open(struct vm_area_struct *vma)
{
	struct shmdev_file *sf = vma->vm_private_data;

	get_file(sf->file);
	atomic_long_inc(&sf->region->mappings);
	atomic_long_inc(&shmdev_stats.mappings);
}

static void shmdev_vm_close(struct vm_area_struct *vma)
{
	struct shmdev_file *sf = vma->vm_private_data;

	atomic_long_dec(&shmdev_stats.mappings);
	atomic_long_dec(&sf->region->mappings);
	fput(sf->file);
}

/* The rights a fault in @vma needs: READ, and WRITE to write. */
static bool shmdev_vm_allowed(struct vm_area_struct *vma, bool write)
{
	u32 need = SHMDEV_ACCESS_READ | (write ? SHMDEV_ACCESS_WRITE : 0);

	return (shmdev_handle_rights(vma->vm_private_data) & need) == need;
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
	ret = shmdev_backing_vm_ops->fault(vmf);
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
		ret = shmdev_backing_vm_ops->map_pages(vmf, start, end);
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

/* mprotect() may not add what the handle's rights no longer allow. */
static int shmdev_vm_mprotect(struct vm_area_struct *vma, unsigned long start,
			      unsigned long end, unsigned long newflags)
{
	u32 rights = shmdev_handle_rights(vma->vm_private_data);

	if (newflags & (VM_READ | VM_WRITE | VM_EXEC) &&
	    !(rights & SHMDEV_ACCESS_READ))
		return -EACCES;
	if (newflags & VM_WRITE && !(rights & SHMDEV_ACCESS_WRITE))
		return -EACCES;
	return 0;
}

static const struct vm_operations_struct shmdev_vm_ops = {
	.open		= shmdev_vm_open,
	.close		= shmdev_vm_close,
	.fault		= shmdev_vm_fault,
	.map_pages	= shmdev_vm_map_pages,
	.page_mkwrite	= shmdev_vm_page_mkwrite,
	.mprotect	= shmdev_vm_mprotect,
};

/**
 * shmdev_region_revoke - make every mapping of a region refault
 * @r: the region, whose permissions were just replaced
 *
 * Every PTE of the region is zapped, so each access faults again and is
 * checked against the new permissions: a handle that lost WRITE gets
 * SIGBUS on the next write, one that lost READ on any access. Faults that
 * checked the old permissions and are still running are waited for: those
 * in fault-around with synchronize_rcu(), those in ->fault and
 * ->page_mkwrite by locking each folio and zapping it again if mapped.
 * Takes no shmdev lock; may sleep.
 */
void shmdev_region_revoke(struct shmdev_region *r)
{
	struct address_space *mapping = r->shm_file->f_mapping;
	struct folio_batch fbatch;
	pgoff_t index = 0;
	unsigned int i;

	/* Order the new permissions before reading the mapping count. */
	smp_mb();
	if (!atomic_long_read(&r->mappings))
		return;
	synchronize_rcu();
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

/**
 * shmdev_mmap - map the bound region
 * @file: a file of /dev/shmdev
 * @vma: the new mapping
 *
 * Mappings must be shared and lie within the region's pages. Mapping needs
 * READ, and writable mappings WRITE; without WRITE, VM_MAYWRITE is cleared
 * so that mprotect() cannot add it later.
 *
 * Return: 0 or a negative errno.
 */
int shmdev_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct shmdev_file *sf = file->private_data;
	struct shmdev_region *r = shmdev_file_region(sf);
	unsigned long end;
	u32 rights;
	int ret;

	if (!r)
		return -ENXIO;
	/* VM_SHARED is dropped for read-only files; VM_MAYSHARE is not. */
	if (!(vma->vm_flags & VM_MAYSHARE))
		return -EINVAL;
	if (check_add_overflow(vma->vm_pgoff, vma_pages(vma), &end) ||
	    end > DIV_ROUND_UP(r->size, PAGE_SIZE))
		return -ENXIO;
	rights = shmdev_handle_rights(sf);
	if (!(rights & SHMDEV_ACCESS_READ))
		return -EACCES;
	if (!(rights & SHMDEV_ACCESS_WRITE)) {
		if (vma->vm_flags & VM_WRITE)
			return -EACCES;
		vm_flags_clear(vma, VM_MAYWRITE);
	}

	vma_set_file(vma, r->shm_file);
	ret = call_mmap(r->shm_file, vma);
	if (ret)
		return ret;
	WRITE_ONCE(shmdev_backing_vm_ops, vma->vm_ops);
	vma->vm_ops = &shmdev_vm_ops;
	vma->vm_private_data = sf;
	shmdev_vm_open(vma);
	shmdev_touch_attach(r);
	return 0;
}

/* --- /proc/driver/shmdev ----------------------------------------------- */

/* The registry lock is held from ->start() to ->stop(): one read() call. */
static void *shmdev_seq_start(struct seq_file *m, loff_t *pos)
{
	unsigned long index = *pos;

	mutex_lock(&shmdev_registry_lock);
	if (!*pos)
		return SEQ_START_TOKEN;
	return xa_find(&shmdev_ids, &index, ULONG_MAX, XA_PRESENT);
}

static void *shmdev_seq_next(struct seq_file *m, void *v, loff_t *pos)
{
	unsigned long index = v == SEQ_START_TOKEN ? 1 : *pos + 1;
	void *r = xa_find(&shmdev_ids, &index, ULONG_MAX, XA_PRESENT);

	*pos = r ? index : *pos + 1;
	return r;
}

static void shmdev_seq_stop(struct seq_file *m, void *v)
{
	mutex_unlock(&shmdev_registry_lock);
}

static int shmdev_seq_show(struct seq_file *m, void *v)
{
	struct shmdev_region *r = v;
	u32 uid, gid, mode;

	if (v == SEQ_START_TOKEN) {
		seq_puts(m, "      id name                             size   uid   gid mode state handles mappings resident   cpid acl\n");
		return 0;
	}
	mutex_lock(&r->lock);
	shmdev_perm_fill(r, seq_user_ns(m), &uid, &gid, &mode, NULL);
	seq_printf(m, "%8u %-24s %16llu %5u %5u %04o %5x %7ld %8ld %8lu %6d ",
		   r->id, r->name, r->size, uid, gid, mode,
		   shmdev_region_state(r), atomic_long_read(&r->handles),
		   atomic_long_read(&r->mappings),
		   READ_ONCE(r->shm_file->f_mapping->nrpages),
		   pid_vnr(r->creator));
	mutex_unlock(&r->lock);
	shmdev_seq_acl(m, r);
	seq_putc(m, '\n');
	return 0;
}

static const struct seq_operations shmdev_seq_ops = {
	.start	= shmdev_seq_start,
	.next	= shmdev_seq_next,
	.stop	= shmdev_seq_stop,
	.show	= shmdev_seq_show,
};

/* --- init and exit --------------------------------------------------- */

/**
 * shmdev_region_init - set up the registry and /proc/driver/shmdev
 *
 * Return: 0 or a negative errno.
 */
int shmdev_region_init(void)
{
	int ret;

	ret = rhashtable_init(&shmdev_names, &shmdev_name_params);
	if (ret)
		return ret;
	if (!proc_create_seq("driver/shmdev", 0444, NULL, &shmdev_seq_ops)) {
		rhashtable_destroy(&shmdev_names);
		return -ENOMEM;
	}
	return 0;
}

/**
 * shmdev_region_exit - free the persistent regions and the registry
 *
 * Handles and mappings pin the module, so at unload only the registry's
 * references to persistent regions are left.
 */
void shmdev_region_exit(void)
{
	struct shmdev_region *r;
	unsigned long index;

	remove_proc_entry("driver/shmdev", NULL);
	mutex_lock(&shmdev_registry_lock);
	xa_for_each(&shmdev_ids, index, r) {
		shmdev_region_unregister(r);
		mutex_unlock(&shmdev_registry_lock);
		shmdev_region_free(r);
		mutex_lock(&shmdev_registry_lock);
	}
	mutex_unlock(&shmdev_registry_lock);
	rhashtable_destroy(&shmdev_names);
	xa_destroy(&shmdev_ids);
}
