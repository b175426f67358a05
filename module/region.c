// SPDX-License-Identifier: GPL-2.0
/*
 * shmdev regions: the registry of names and ids, per-user, per-namespace
 * and global limits, region lifetime and backing memory, the region ioctls
 * (CREATE, OPEN, UNLINK, STAT, LIST) and the /proc/driver/shmdev table.
 * A name belongs to an IPC namespace (ns.c): the name table's key is the
 * namespace and the name, and each namespace numbers its own regions.
 *
 * A region's pages live in a shmem file, as for System V shared memory, so
 * they are zeroed, swappable and charged to the memory cgroup of the task
 * that faults them in, and futexes inside a region work across processes.
 * Region fds are files of that shmem inode with shmdev's file operations
 * (handle.c), and they are what mappings map (mmap.c).
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
#include <linux/pid_namespace.h>
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
#include <linux/rbtree.h>

#include "shmdev.h"

/*
 * Limits, checked at CREATE. Region sizes count whole pages. Root may
 * change them at run time in /sys/module/shmdev/parameters; a change
 * applies to later CREATEs. The defaults let one user take a sixteenth
 * of the host's limits, so that four users leave three quarters to
 * everyone else, and an IPC namespace other than the host's (a container)
 * a quarter; the host's own namespace is bounded by the host's limits.
 * Root (uid 0 of the initial user namespace) has no per-user limit.
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

static unsigned long max_ns_regions = 16384;
module_param(max_ns_regions, ulong, 0644);
MODULE_PARM_DESC(max_ns_regions, "Most regions of one IPC namespace (ENOSPC)");

static unsigned long max_ns_bytes = 16UL << 30;
module_param(max_ns_bytes, ulong, 0644);
MODULE_PARM_DESC(max_ns_bytes, "Most bytes of one IPC namespace (ENOSPC)");

static unsigned long max_user_regions = 4096;
module_param(max_user_regions, ulong, 0644);
MODULE_PARM_DESC(max_user_regions, "Most regions charged to one user (EDQUOT)");

static unsigned long max_user_bytes = 4UL << 30;
module_param(max_user_bytes, ulong, 0644);
MODULE_PARM_DESC(max_user_bytes, "Most bytes charged to one user (EDQUOT)");

/**
 * struct shmdev_user - what one user's regions use, for the per-user limits
 * @node: link in shmdev_users
 * @uid: the user the regions are charged to (shmdev_charged_uid())
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
 * shmdev_registry_lock protects the name table, the namespaces (ns.c) and
 * their id trees, the users table, the totals and every region's @linked.
 * See shmdev.h for the order.
 */
DEFINE_MUTEX(shmdev_registry_lock);
static struct rhashtable shmdev_names;
static DEFINE_HASHTABLE(shmdev_users, 6);
static unsigned long shmdev_total_regions;
static u64 shmdev_total_bytes;

/*
 * The name table's key: the namespace, then the name, zero-padded to
 * SHMDEV_NAME_MAX, as a region holds them (@ns, then @name).
 */
struct shmdev_key {
	struct shmdev_ns *ns;
	char name[SHMDEV_NAME_MAX];
};

static_assert(offsetof(struct shmdev_region, name) -
	      offsetof(struct shmdev_region, ns) ==
	      offsetof(struct shmdev_key, name));

static const struct rhashtable_params shmdev_name_params = {
	.key_len		= sizeof(struct shmdev_key),
	.key_offset		= offsetof(struct shmdev_region, ns),
	.head_offset		= offsetof(struct shmdev_region, node),
	.automatic_shrinking	= true,
};

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

/**
 * shmdev_now - the time a region's create, attach and change stamps record
 *
 * The coarse realtime clock, updated once a tick, as file timestamps and
 * System V's times are: reading the clock source at each CREATE, OPEN,
 * mmap and UNLINK would cost more than some of those calls (in a guest
 * without a stable TSC, a device register read each time).
 *
 * Return: ns since the epoch, as CLOCK_REALTIME_COARSE reads it.
 */
u64 shmdev_now(void)
{
	return ktime_get_coarse_real_ns();
}

/**
 * shmdev_file_name - the name of a region's files, "shmdev:NAME"
 * @buf: %SHMDEV_FILE_NAME_MAX bytes
 * @r: the region
 *
 * /proc/PID/maps shows it for every mapping, as "memfd:NAME" for a memfd.
 */
void shmdev_file_name(char *buf, const struct shmdev_region *r)
{
	static const char prefix[] = "shmdev:";

	/* The name is NUL-padded to SHMDEV_NAME_MAX: its end is copied too. */
	memcpy(buf, prefix, sizeof(prefix) - 1);
	memcpy(buf + sizeof(prefix) - 1, r->name, SHMDEV_NAME_MAX);
}

/* --- ids -------------------------------------------------------------- */

/*
 * Each namespace's regions by id, in an rbtree whose nodes live in the
 * regions, so that a region's id costs no allocation. Ids are given in
 * increasing order and never reused until the namespace's 32-bit counter
 * wraps, so LIST and /proc walk the tree in creation order from a cursor.
 */
static struct shmdev_region *shmdev_id_entry(struct rb_node *node)
{
	return node ? rb_entry(node, struct shmdev_region, id_node) : NULL;
}

/* The region of @ns with the lowest id at or above @id, or NULL. */
static struct shmdev_region *shmdev_id_from(struct shmdev_ns *ns, u64 id)
{
	struct rb_node *node = ns->ids.rb_node, *found = NULL;

	lockdep_assert_held(&shmdev_registry_lock);
	while (node) {
		if (shmdev_id_entry(node)->id >= id) {
			found = node;
			node = node->rb_left;
		} else {
			node = node->rb_right;
		}
	}
	return shmdev_id_entry(found);
}

static struct shmdev_region *shmdev_id_next(struct shmdev_region *r)
{
	return shmdev_id_entry(rb_next(&r->id_node));
}

/*
 * Give @r the next free id of its namespace, 1 or more. The counter only
 * repeats an id after 2^32 regions, and then skips those still in use.
 */
static void shmdev_id_insert(struct shmdev_region *r)
{
	struct rb_root *ids = &r->ns->ids;
	struct rb_node **link, *parent;
	u32 id;

	lockdep_assert_held(&shmdev_registry_lock);
	for (;;) {
		id = ++r->ns->next_id;
		if (!id)
			continue;
		link = &ids->rb_node;
		parent = NULL;
		while (*link) {
			u32 at = shmdev_id_entry(*link)->id;

			parent = *link;
			if (id == at)
				break;
			link = id < at ? &parent->rb_left : &parent->rb_right;
		}
		if (!*link)
			break;
	}
	r->id = id;
	rb_link_node(&r->id_node, parent, link);
	rb_insert_color(&r->id_node, ids);
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

/*
 * The user a new region is charged to: the user who made the outermost
 * of the creator's user namespaces that root did not make, or the creator
 * if there is none. Every id mapped in a user namespace is its maker's to
 * use, as the kernel's ucounts charge a namespace's owner, so that nobody
 * gets more than one user's share by making namespaces with ids of their
 * own; the namespaces root makes (a container runtime's) charge the ids
 * of their own. Only a creator with root's own uid is charged to root.
 */
static kuid_t shmdev_charged_uid(void)
{
	const struct user_namespace *ns;
	kuid_t uid = current_fsuid();

	for (ns = current_user_ns(); ns != &init_user_ns; ns = ns->parent)
		if (!uid_eq(ns->owner, GLOBAL_ROOT_UID))
			uid = ns->owner;
	return uid;
}

/*
 * Whether one more region of @add bytes, on top of @regions regions of
 * @bytes, passes the limits @max_n and @max_bytes.
 */
static bool shmdev_over(unsigned long regions, u64 bytes, u64 add,
			unsigned long max_n, unsigned long max_bytes)
{
	u64 total;

	return regions >= max_n || check_add_overflow(bytes, add, &total) ||
	       total > max_bytes;
}

/*
 * Charge one region of @bytes to the totals, namespace @ns and the user
 * shmdev_charged_uid(), within the limits.
 */
static int shmdev_charge(struct shmdev_ns *ns, u64 bytes,
			 struct shmdev_user **userp)
{
	struct shmdev_user *u;

	lockdep_assert_held(&shmdev_registry_lock);
	/* The parameters may change at any time: each is read once. */
	if (shmdev_over(shmdev_total_regions, shmdev_total_bytes, bytes,
			READ_ONCE(max_regions), READ_ONCE(max_total_bytes)) ||
	    (!ns->initial &&
	     shmdev_over(ns->regions, ns->bytes, bytes,
			 READ_ONCE(max_ns_regions), READ_ONCE(max_ns_bytes))))
		return -ENOSPC;
	u = shmdev_user_get(shmdev_charged_uid());
	if (!u)
		return -ENOMEM;
	if (!uid_eq(u->uid, GLOBAL_ROOT_UID) &&
	    shmdev_over(u->regions, u->bytes, bytes,
			READ_ONCE(max_user_regions), READ_ONCE(max_user_bytes))) {
		shmdev_user_put_if_unused(u);
		return -EDQUOT;
	}
	u->regions++;
	u->bytes += bytes;
	ns->regions++;
	ns->bytes += bytes;
	shmdev_total_regions++;
	shmdev_total_bytes += bytes;
	*userp = u;
	return 0;
}

static void shmdev_uncharge(struct shmdev_ns *ns, struct shmdev_user *u,
			    u64 bytes)
{
	lockdep_assert_held(&shmdev_registry_lock);
	u->regions--;
	u->bytes -= bytes;
	ns->regions--;
	ns->bytes -= bytes;
	shmdev_total_regions--;
	shmdev_total_bytes -= bytes;
	shmdev_user_put_if_unused(u);
}

/* --- backing memory ------------------------------------------------ */

/*
 * The internal shmem mount has no size or inode limit, so shmem's -ENOSPC
 * (a failed inode allocation, a refused memory commitment) means memory
 * ran out; ENOSPC is ours to mean "a shmdev limit was reached".
 */
static int shmdev_shmem_errno(int err)
{
	return err == -ENOSPC ? -ENOMEM : err;
}

/*
 * Make the region's shmem inode shmdev's. Region fds are files of this
 * inode with shmdev's file operations, so every mapping's vm_file is one
 * of them; what is left is the inode itself, which /proc/PID/fd,
 * /proc/PID/map_files and open_by_handle_at() reach by path:
 *  - no file type, as an anonymous inode has none: nothing treats it as
 *    a regular file, so truncate(), ftruncate() and fallocate() refuse
 *    it, and shmem never gives huge pages (MADV_COLLAPSE, khugepaged) to
 *    its mappings behind the fault handler's back;
 *  - owned by root with mode 0600, and an open that fails with ENXIO:
 *    nobody opens the pages as a shmem file, and only root may change the
 *    inode's attributes.
 * Nothing else has seen the inode yet, so no lock is needed; it is sealed
 * before it has pages, so that none of them is a huge folio.
 */
static void shmdev_backing_seal(struct shmdev_region *r)
{
	struct inode *inode = r->shm_inode;

	r->shm_fop = inode->i_fop;
	inode->i_mode = 0600;
	inode->i_uid = GLOBAL_ROOT_UID;
	inode->i_gid = GLOBAL_ROOT_GID;
	inode->i_fop = &shmdev_inode_fops;
}

/*
 * Drop the pages, then give the inode shmem's file operations back, so
 * that nothing of the module is left in it should something still hold it
 * (an inotify watch, an O_PATH descriptor), and make it a regular file
 * again, as shmem frees one, but with no permission bits: an open by path
 * gets an empty file, and only with CAP_DAC_OVERRIDE. Then drop the
 * region's references to the inode and its mount. No region fd, and so no
 * mapping, is left.
 */
static void shmdev_backing_release(struct shmdev_region *r)
{
	struct inode *inode = r->shm_inode;

	inode_lock(inode);
	shmem_truncate_range(inode, 0, (loff_t)-1);
	inode->i_fop = r->shm_fop;
	inode->i_mode = S_IFREG;
	inode_unlock(inode);
	iput(inode);
	mntput(r->shm_mnt);
}

/*
 * The shmem file of a new region's pages, which CREATE makes the
 * creator's region fd (shmdev_handle_adopt()), so that a region costs one
 * file, as a memfd does. The region keeps its own references to the
 * inode and the mount, for the region fds that OPEN makes.
 */
static struct file *shmdev_region_backing(struct shmdev_region *r)
{
	char fname[SHMDEV_FILE_NAME_MAX];
	struct file *file;
	int ret;

	shmdev_file_name(fname, r);
	/* Pages are charged as they are allocated, as for memfd. */
	file = shmem_file_setup(fname, r->size, VM_NORESERVE);
	if (IS_ERR(file))
		return ERR_PTR(shmdev_shmem_errno(PTR_ERR(file)));
	r->shm_inode = file_inode(file);
	ihold(r->shm_inode);
	r->shm_mnt = mntget(file->f_path.mnt);
	shmdev_backing_seal(r);
	if (!(r->flags & SHMDEV_CREATE_POPULATE))
		return file;
	/*
	 * Populating more than the machine can spare would end in the OOM
	 * killer, which picks processes that do not even hold the pages.
	 * shmem's own fallocate, as vfs_fallocate() refuses the inode now that
	 * it is no regular file; as none, it gets no huge folio either.
	 */
	ret = -ENOMEM;
	if (PAGE_ALIGN(r->size) >> PAGE_SHIFT <= si_mem_available())
		ret = shmdev_shmem_errno(file->f_op->fallocate(file, 0, 0,
							       r->size));
	if (!ret)
		return file;
	fput(file);
	return ERR_PTR(ret);
}

/* --- lifetime ------------------------------------------------------- */

/* The region named @name in @ns (NULL: none yet), or NULL. */
static struct shmdev_region *shmdev_lookup(struct shmdev_ns *ns,
					   const char *name)
{
	struct shmdev_key key;

	lockdep_assert_held(&shmdev_registry_lock);
	if (!ns)
		return NULL;
	key.ns = ns;
	memcpy(key.name, name, SHMDEV_NAME_MAX);
	return rhashtable_lookup_fast(&shmdev_names, &key, shmdev_name_params);
}

/* Make @r unfindable and return its charge; the registry lock is held. */
static void shmdev_region_unregister(struct shmdev_region *r)
{
	lockdep_assert_held(&shmdev_registry_lock);
	if (r->linked) {
		rhashtable_remove_fast(&shmdev_names, &r->node,
				       shmdev_name_params);
		WRITE_ONCE(r->linked, false);
	}
	if (r->id) {
		rb_erase(&r->id_node, &r->ns->ids);
		r->id = 0;
	}
	if (r->user)
		shmdev_uncharge(r->ns, r->user, PAGE_ALIGN(r->size));
	r->user = NULL;
}

/* Free an unregistered region; may sleep, takes no lock. */
static void shmdev_region_free(struct shmdev_region *r)
{
	if (r->shm_inode)
		shmdev_backing_release(r);
	put_pid(r->creator);
	put_user_ns(r->user_ns);
	shmdev_ns_put(r->ns);
	/* No handle, so no fault or waiter, can reach the region any more. */
	kfree(rcu_dereference_protected(r->perm, true));
	shmdev_sems_free(r);
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

/*
 * Find a region by name in current's IPC namespace and take a reference;
 * NULL if there is none.
 */
static struct shmdev_region *shmdev_region_find(const char *name)
{
	struct shmdev_region *r;

	mutex_lock(&shmdev_registry_lock);
	r = shmdev_lookup(shmdev_ns_find(), name);
	if (r)
		kref_get(&r->ref);
	mutex_unlock(&shmdev_registry_lock);
	return r;
}

/**
 * shmdev_touch_attach - record an OPEN or mmap in a region's attach time
 * @r: the region
 */
void shmdev_touch_attach(struct shmdev_region *r)
{
	WRITE_ONCE(r->attach_time, shmdev_now());
}

/* --- CREATE --------------------------------------------------------- */

static int shmdev_create_check(const struct shmdev_create *args)
{
	if (args->flags & ~SHMDEV_CREATE_FLAGS_VALID || args->pad ||
	    memchr_inv(args->reserved, 0, sizeof(args->reserved)))
		return -EINVAL;
	if (args->mode & ~SHMDEV_MODE_VALID || args->nsems > SHMDEV_SEMS_MAX)
		return -EINVAL;
	/* A page apart: no data VMA can merge with one of the area. */
	if (!args->size || args->size > SHMDEV_SEM_MMAP_OFFSET - PAGE_SIZE ||
	    args->size > READ_ONCE(max_region_bytes))
		return -EINVAL;
	return 0;
}

/*
 * Charge a populated region to the caller within the limits before its
 * pages are allocated, so that a taken name or a full quota costs no
 * memory. The name is checked again when the region is linked.
 */
static int shmdev_reserve(struct shmdev_ns *ns, const char *name, u64 size,
			  struct shmdev_user **u)
{
	int ret;

	mutex_lock(&shmdev_registry_lock);
	if (ns->dead)
		ret = -ENOENT;
	else if (shmdev_lookup(ns, name))
		ret = -EEXIST;
	else
		ret = shmdev_charge(ns, PAGE_ALIGN(size), u);
	mutex_unlock(&shmdev_registry_lock);
	return ret;
}

static void shmdev_unreserve(struct shmdev_ns *ns, struct shmdev_user *u,
			     u64 size)
{
	mutex_lock(&shmdev_registry_lock);
	shmdev_uncharge(ns, u, PAGE_ALIGN(size));
	mutex_unlock(&shmdev_registry_lock);
}

/*
 * A new, unregistered region of @ns with one reference, and in @filep the
 * shmem file of its pages. It holds a reference to @ns of its own, and
 * the charge @u if one was reserved; on failure, the caller keeps @u.
 */
static struct shmdev_region *shmdev_region_new(struct shmdev_ns *ns,
					       const char *name,
					       const struct shmdev_create *args,
					       struct shmdev_user *u,
					       struct file **filep)
{
	struct shmdev_region *r;

	r = kzalloc(sizeof(*r), GFP_KERNEL_ACCOUNT);
	if (!r)
		return ERR_PTR(-ENOMEM);
	atomic_long_inc(&shmdev_stats.regions);
	kref_init(&r->ref);
	mutex_init(&r->lock);
	kref_get(&ns->ref);
	r->ns = ns;
	memcpy(r->name, name, SHMDEV_NAME_MAX);
	r->size = args->size;
	r->flags = args->flags & ~SHMDEV_CREATE_NOCLOEXEC;
	r->nsems = args->nsems;
	r->user_ns = get_user_ns(ns->user_ns);
	r->creator = get_task_pid(current, PIDTYPE_TGID);
	r->cuid = current_fsuid();
	r->cgid = current_fsgid();
	r->create_time = shmdev_now();
	r->attach_time = r->create_time;
	r->change_time = r->create_time;
	RCU_INIT_POINTER(r->perm, shmdev_permset_new(r->cuid, r->cgid,
						     args->mode, 0));
	if (!rcu_access_pointer(r->perm) || shmdev_sems_new(r)) {
		shmdev_region_free(r);
		return ERR_PTR(-ENOMEM);
	}

	*filep = shmdev_region_backing(r);
	if (IS_ERR(*filep)) {
		shmdev_region_free(r);
		return ERR_CAST(*filep);
	}
	r->user = u;
	return r;
}

/*
 * Make a fully built region findable, charging it to its creator unless a
 * charge was reserved: one registry section for the name's check, the
 * charge and the links. On failure the caller still holds the region,
 * unregistered, with whatever charge it holds, which its release returns.
 */
static int shmdev_region_register(struct shmdev_region *r)
{
	int ret;

	mutex_lock(&shmdev_registry_lock);
	/*
	 * current keeps its namespace alive, so it cannot be dead here; but
	 * nothing may be named in a namespace whose names were removed.
	 */
	if (r->ns->dead) {
		ret = -ENOENT;
		goto out_unlock;
	}
	if (shmdev_lookup(r->ns, r->name)) {
		ret = -EEXIST;
		goto out_unlock;
	}
	if (!r->user) {
		ret = shmdev_charge(r->ns, PAGE_ALIGN(r->size), &r->user);
		if (ret)
			goto out_unlock;
	}
	ret = rhashtable_insert_fast(&shmdev_names, &r->node,
				     shmdev_name_params);
	if (ret) {
		ret = -ENOMEM;
		goto out_unlock;
	}
	shmdev_id_insert(r);
	WRITE_ONCE(r->linked, true);
	/* A persistent region is kept by the registry while named. */
	if (!(r->flags & SHMDEV_CREATE_TRANSIENT))
		kref_get(&r->ref);
	ret = 0;
out_unlock:
	mutex_unlock(&shmdev_registry_lock);
	return ret;
}

/*
 * Reserve the descriptor a new region fd gets, before anything else is
 * done, so that running out of descriptors leaves nothing behind.
 */
static int shmdev_fd_reserve(bool nocloexec)
{
	return get_unused_fd_flags(nocloexec ? 0 : O_CLOEXEC);
}

/**
 * shmdev_ioc_create - SHMDEV_IOC_CREATE: create a region, return its fd
 * @uarg: user pointer to struct shmdev_create
 *
 * Return: a new region fd bound with every right, or a negative errno;
 * on failure nothing is left behind.
 */
int shmdev_ioc_create(void __user *uarg)
{
	char name[SHMDEV_NAME_MAX];
	struct shmdev_create args;
	struct shmdev_region *r;
	struct shmdev_user *u;
	struct shmdev_ns *ns;
	struct file *file;
	int fd, ret;

	if (copy_from_user(&args, uarg, sizeof(args)))
		return -EFAULT;
	ret = shmdev_create_check(&args);
	if (ret)
		return ret;
	ret = shmdev_name_from_user(name, args.name);
	if (ret)
		return ret;

	fd = shmdev_fd_reserve(args.flags & SHMDEV_CREATE_NOCLOEXEC);
	if (fd < 0)
		return fd;
	ns = shmdev_ns_get();
	if (IS_ERR(ns)) {
		ret = PTR_ERR(ns);
		goto err_put_fd;
	}
	u = NULL;
	if (args.flags & SHMDEV_CREATE_POPULATE) {
		ret = shmdev_reserve(ns, name, args.size, &u);
		if (ret)
			goto err_put_ns;
	}
	r = shmdev_region_new(ns, name, &args, u, &file);
	if (IS_ERR(r)) {
		if (u)
			shmdev_unreserve(ns, u, args.size);
		ret = PTR_ERR(r);
		goto err_put_ns;
	}
	ret = shmdev_handle_adopt(file, r, shmdev_current_ipc_owner(r));
	if (ret) {
		fput(file);
		shmdev_region_put(r);
		goto err_put_ns;
	}
	ret = shmdev_region_register(r);
	if (ret)
		goto err_put_file;
	shmdev_ns_put(ns);
	fd_install(fd, file);
	return fd;

err_put_file:
	/* The handle holds the only reference: this frees the region. */
	fput(file);
err_put_ns:
	shmdev_ns_put(ns);
err_put_fd:
	put_unused_fd(fd);
	return ret;
}

/* --- OPEN and UNLINK -------------------------------------------------- */

/*
 * The owner an OPEN insists on, in @owner (INVALID_UID: none): EINVAL for
 * an id that is not mapped in the caller's user namespace, or for one
 * given without %SHMDEV_OPEN_OWNER.
 */
static int shmdev_open_owner(const struct shmdev_open *args, kuid_t *owner)
{
	*owner = INVALID_UID;
	if (!(args->flags & SHMDEV_OPEN_OWNER))
		return args->owner ? -EINVAL : 0;
	*owner = make_kuid(current_user_ns(), args->owner);
	return uid_valid(*owner) ? 0 : -EINVAL;
}

/* Whether @uid owns @r now. */
static bool shmdev_owned_by(struct shmdev_region *r, kuid_t uid)
{
	bool owned;

	rcu_read_lock();
	owned = uid_eq(rcu_dereference(r->perm)->uid, uid);
	rcu_read_unlock();
	return owned;
}

/**
 * shmdev_ioc_open - SHMDEV_IOC_OPEN: return a new fd for an existing region
 * @uarg: user pointer to struct shmdev_open
 *
 * Return: a new region fd bound with the rights asked for, or a negative
 * errno.
 */
int shmdev_ioc_open(void __user *uarg)
{
	char name[SHMDEV_NAME_MAX];
	struct shmdev_region *r;
	struct shmdev_open args;
	struct file *file;
	bool ipc_owner;
	kuid_t owner;
	int fd, ret;

	if (copy_from_user(&args, uarg, sizeof(args)))
		return -EFAULT;
	if (args.flags & ~SHMDEV_OPEN_FLAGS_VALID || args.pad ||
	    memchr_inv(args.reserved, 0, sizeof(args.reserved)) ||
	    !args.access || args.access & ~SHMDEV_OPEN_ACCESS_VALID)
		return -EINVAL;
	ret = shmdev_open_owner(&args, &owner);
	if (ret)
		return ret;
	ret = shmdev_name_from_user(name, args.name);
	if (ret)
		return ret;

	fd = shmdev_fd_reserve(args.flags & SHMDEV_OPEN_NOCLOEXEC);
	if (fd < 0)
		return fd;
	r = shmdev_region_find(name);
	if (!r) {
		ret = -ENOENT;
		goto err_put_fd;
	}
	if (uid_valid(owner) && !shmdev_owned_by(r, owner)) {
		ret = -EPERM;
		goto err_put_region;
	}
	ipc_owner = shmdev_current_ipc_owner(r);
	if ((shmdev_rights(r, current_cred(), ipc_owner) & args.access) !=
	    args.access) {
		ret = -EACCES;
		goto err_put_region;
	}
	file = shmdev_handle_new(r, args.access, ipc_owner);
	if (IS_ERR(file)) {
		ret = PTR_ERR(file);
		goto err_put_region;
	}
	fd_install(fd, file);
	return fd;

err_put_region:
	shmdev_region_put(r);
err_put_fd:
	put_unused_fd(fd);
	return ret;
}

/*
 * Remove the name of @r, found under the registry lock, and drop the lock.
 * The semaphores fail with EIDRM unless @flags keeps them.
 */
static void shmdev_region_unlink(struct shmdev_region *r, u32 flags)
{
	lockdep_assert_held(&shmdev_registry_lock);
	rhashtable_remove_fast(&shmdev_names, &r->node, shmdev_name_params);
	WRITE_ONCE(r->linked, false);
	WRITE_ONCE(r->change_time, shmdev_now());
	/* Keep it while its semaphores' sleepers are sent away. */
	kref_get(&r->ref);
	/* Drop the registry's reference; ours keeps it above zero. */
	if (!(r->flags & SHMDEV_CREATE_TRANSIENT))
		kref_put(&r->ref, shmdev_region_unregister_ref);
	mutex_unlock(&shmdev_registry_lock);
	if (!(flags & SHMDEV_UNLINK_KEEP_SEMS))
		shmdev_sems_remove(r);
	shmdev_region_put(r);
}

/*
 * The name an UNLINK or STAT gives in @uptr: one on /dev/shmdev (@sf
 * NULL), where 0 is a NULL pointer like any other; none (0, meaning @sf's
 * own region) on a region fd.
 */
static int shmdev_name_arg(struct shmdev_file *sf, u64 uptr, char *name)
{
	if (sf)
		return uptr ? -EINVAL : 0;
	return shmdev_name_from_user(name, uptr);
}

/*
 * UNLINK with %SHMDEV_UNLINK_ORPHANED: an administrator's end to the
 * namespaces that are gone but whose superblock something still holds.
 */
static int shmdev_unlink_orphaned(struct shmdev_file *sf,
				  const struct shmdev_unlink *args)
{
	if (sf || args->name || args->flags != SHMDEV_UNLINK_ORPHANED)
		return -EINVAL;
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	return shmdev_ns_reap_orphans();
}

/**
 * shmdev_regions_unlink_ns - remove the names of a dying namespace's regions
 * @ns: the namespace, out of the table already so that no name comes
 *
 * As UNLINK does for each: the semaphores fail with EIDRM, the memory goes
 * with the last region fd and mapping. Takes the registry lock.
 */
void shmdev_regions_unlink_ns(struct shmdev_ns *ns)
{
	struct shmdev_region *r;
	u64 id = 0;

	for (;;) {
		mutex_lock(&shmdev_registry_lock);
		for (r = shmdev_id_from(ns, id); r && !r->linked;
		     r = shmdev_id_next(r))
			;
		if (!r) {
			mutex_unlock(&shmdev_registry_lock);
			return;
		}
		id = (u64)r->id + 1;
		shmdev_region_unlink(r, 0);
	}
}

/**
 * shmdev_ioc_unlink - SHMDEV_IOC_UNLINK: remove a region's name
 * @sf: the region fd whose region goes, or NULL on /dev/shmdev (by name)
 * @uarg: user pointer to struct shmdev_unlink
 *
 * The name goes at once; the memory goes with the last region fd and
 * mapping. The semaphores fail with EIDRM from now on, unless the caller
 * asked %SHMDEV_UNLINK_KEEP_SEMS.
 *
 * Return: 0 or a negative errno.
 */
int shmdev_ioc_unlink(struct shmdev_file *sf, void __user *uarg)
{
	char name[SHMDEV_NAME_MAX];
	struct shmdev_unlink args;
	struct shmdev_region *r;
	u32 rights;
	int ret;

	if (copy_from_user(&args, uarg, sizeof(args)))
		return -EFAULT;
	if (args.flags & ~SHMDEV_UNLINK_FLAGS_VALID || args.pad ||
	    memchr_inv(args.reserved, 0, sizeof(args.reserved)))
		return -EINVAL;
	if (args.flags & SHMDEV_UNLINK_ORPHANED)
		return shmdev_unlink_orphaned(sf, &args);
	ret = shmdev_name_arg(sf, args.name, name);
	if (ret)
		return ret;

	mutex_lock(&shmdev_registry_lock);
	r = sf ? sf->region : shmdev_lookup(shmdev_ns_find(), name);
	if (!r || !r->linked) {
		ret = -ENOENT;
		goto out_unlock;
	}
	rights = sf ? shmdev_handle_rights(sf) : shmdev_current_rights(r);
	if (!(rights & SHMDEV_ACCESS_ADMIN)) {
		ret = -EACCES;
		goto out_unlock;
	}
	shmdev_region_unlink(r, args.flags);
	return 0;

out_unlock:
	mutex_unlock(&shmdev_registry_lock);
	return ret;
}

/* --- STAT and LIST ---------------------------------------------------- */

/* Its state; the registry lock is held, for that of its namespace. */
static u32 shmdev_region_state(struct shmdev_region *r)
{
	u32 state = shmdev_ns_orphaned(r->ns) ? SHMDEV_STATE_ORPHANED : 0;

	if (r->flags & SHMDEV_CREATE_TRANSIENT)
		state |= SHMDEV_STATE_TRANSIENT;
	if (r->flags & SHMDEV_CREATE_POPULATE)
		state |= SHMDEV_STATE_POPULATED;
	if (!READ_ONCE(r->linked))
		state |= SHMDEV_STATE_UNLINKED;
	return state;
}

/**
 * shmdev_region_info - take a snapshot of a region's changing attributes
 * @r: the region
 * @ns: the user namespace to show its owner and group in
 * @info: the snapshot
 *
 * The registry lock is held, for the state of @r's namespace.
 */
void shmdev_region_info(struct shmdev_region *r, struct user_namespace *ns,
			struct shmdev_region_info *info)
{
	const struct shmdev_permset *p;

	rcu_read_lock();
	p = rcu_dereference(r->perm);
	info->uid = from_kuid_munged(ns, p->uid);
	info->gid = from_kgid_munged(ns, p->gid);
	info->mode = p->mode;
	info->acl_count = p->count;
	rcu_read_unlock();
	info->attach_time = READ_ONCE(r->attach_time);
	info->change_time = READ_ONCE(r->change_time);
	info->state = shmdev_region_state(r);
	info->handles = atomic_long_read(&r->handles);
	info->mappings = atomic_long_read(&r->mappings);
	info->resident_pages = READ_ONCE(r->shm_inode->i_mapping->nrpages);
}

static void shmdev_fill_stat(struct shmdev_region *r, struct shmdev_stat *st)
{
	struct user_namespace *ns = current_user_ns();
	struct shmdev_region_info info;

	mutex_lock(&shmdev_registry_lock);
	shmdev_region_info(r, ns, &info);
	mutex_unlock(&shmdev_registry_lock);
	st->uid = info.uid;
	st->gid = info.gid;
	st->mode = info.mode;
	st->acl_count = info.acl_count;
	st->state = info.state;
	st->attach_time = info.attach_time;
	st->change_time = info.change_time;
	st->handles = info.handles;
	st->mappings = info.mappings;
	st->resident_pages = info.resident_pages;
	st->size = r->size;
	st->cuid = from_kuid_munged(ns, r->cuid);
	st->cgid = from_kgid_munged(ns, r->cgid);
	st->creator_pid = pid_vnr(r->creator);
	st->nsems = r->nsems;
	st->create_time = r->create_time;
	st->id = r->id;
	st->ipc_ns = r->ns->inum;
	st->pad2 = 0;
	memcpy(st->name_out, r->name, SHMDEV_NAME_MAX);
	memset(st->reserved, 0, sizeof(st->reserved));
}

/*
 * The region a STAT describes, with a reference, and the caller's rights
 * on it: @sf's own, even once unlinked, or the one named at @uptr on
 * /dev/shmdev.
 */
static struct shmdev_region *shmdev_stat_region(struct shmdev_file *sf,
						u64 uptr, u32 *rights)
{
	char name[SHMDEV_NAME_MAX];
	struct shmdev_region *r;
	int ret;

	ret = shmdev_name_arg(sf, uptr, name);
	if (ret)
		return ERR_PTR(ret);
	if (sf) {
		kref_get(&sf->region->ref);
		*rights = shmdev_handle_rights(sf);
		return sf->region;
	}
	r = shmdev_region_find(name);
	if (!r)
		return ERR_PTR(-ENOENT);
	*rights = shmdev_current_rights(r);
	return r;
}

/**
 * shmdev_ioc_stat - SHMDEV_IOC_STAT: describe a region
 * @sf: the region fd to describe, or NULL on /dev/shmdev (by name)
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
	r = shmdev_stat_region(sf, st->name, &rights);
	if (IS_ERR(r)) {
		ret = PTR_ERR(r);
		goto out_free;
	}
	ret = rights & SHMDEV_ACCESS_READ ? 0 : -EACCES;
	if (!ret) {
		shmdev_fill_stat(r, st);
		st->access = sf ? sf->access : 0;
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
	struct shmdev_region_info info;

	shmdev_region_info(r, current_user_ns(), &info);
	e->id = r->id;
	e->size = r->size;
	e->uid = info.uid;
	e->gid = info.gid;
	e->mode = info.mode;
	e->state = info.state;
	e->ipc_ns = r->ns->inum;
	memcpy(e->name, r->name, SHMDEV_NAME_MAX);
}

/*
 * Where a listing goes on: @cursor is an id in current's namespace, or
 * with @all the serial of a namespace in its top 32 bits and an id in it
 * below. The first region at or after it, or NULL at the end.
 */
static struct shmdev_region *shmdev_list_from(u64 cursor, bool all)
{
	struct shmdev_region *r;
	struct shmdev_ns *ns;

	lockdep_assert_held(&shmdev_registry_lock);
	if (!all) {
		ns = shmdev_ns_find();
		return ns ? shmdev_id_from(ns, cursor) : NULL;
	}
	for (ns = shmdev_ns_first(cursor >> 32); ns; ns = shmdev_ns_next(ns)) {
		r = shmdev_id_from(ns, ns->serial == cursor >> 32 ?
				   cursor & U32_MAX : 0);
		if (r)
			return r;
	}
	return NULL;
}

/* The region after @r in a listing, or NULL; see shmdev_list_from(). */
static struct shmdev_region *shmdev_list_next(struct shmdev_region *r,
					      bool all)
{
	struct shmdev_region *next = shmdev_id_next(r);
	struct shmdev_ns *ns = r->ns;

	while (!next && all && (ns = shmdev_ns_next(ns)))
		next = shmdev_id_from(ns, 0);
	return next;
}

/* The cursor that continues a listing after @r. */
static u64 shmdev_list_cursor(struct shmdev_region *r, bool all)
{
	return (all ? (u64)r->ns->serial << 32 : 0) + r->id + 1;
}

/**
 * shmdev_ioc_list - SHMDEV_IOC_LIST: enumerate regions in id order
 * @uarg: user pointer to struct shmdev_list
 *
 * The regions of current's IPC namespace, or of every namespace with
 * %SHMDEV_LIST_ALL_NAMESPACES, which needs CAP_SYS_ADMIN in the initial
 * user namespace, as reading another namespace's objects would.
 * Each call walks at most %SHMDEV_LIST_BATCH_MAX regions under the
 * registry lock and copies them out after dropping it.
 *
 * Return: 0 or a negative errno.
 */
int shmdev_ioc_list(void __user *uarg)
{
	struct shmdev_list_entry *buf;
	struct shmdev_region *r;
	struct shmdev_list args;
	u32 n, count = 0;
	int ret = 0;
	bool all;

	if (copy_from_user(&args, uarg, sizeof(args)))
		return -EFAULT;
	if (args.flags & ~SHMDEV_LIST_FLAGS_VALID || !args.count ||
	    memchr_inv(args.reserved, 0, sizeof(args.reserved)))
		return -EINVAL;
	all = args.flags & SHMDEV_LIST_ALL_NAMESPACES;
	if (all && !capable(CAP_SYS_ADMIN))
		return -EPERM;
	n = min_t(u32, args.count, SHMDEV_LIST_BATCH_MAX);
	buf = kcalloc(n, sizeof(*buf), GFP_KERNEL);
	if (!buf)
		return -ENOMEM;

	mutex_lock(&shmdev_registry_lock);
	for (r = shmdev_list_from(args.cursor, all); r && count < n;
	     r = shmdev_list_next(r, all)) {
		shmdev_fill_entry(r, &buf[count++]);
		args.cursor = shmdev_list_cursor(r, all);
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

/* --- /proc/driver/shmdev ----------------------------------------------- */

/*
 * The table shows the regions of the IPC namespace of the process that
 * opened it, as /proc/sysvipc does, with their owners in the opener's user
 * namespace and their creators in the pid namespace of this /proc. The
 * seq_file's private data is that namespace, with a reference.
 *
 * The registry lock is held from ->start() to ->stop(): one read() call.
 */
static void *shmdev_seq_start(struct seq_file *m, loff_t *pos)
{
	struct shmdev_region *r;

	mutex_lock(&shmdev_registry_lock);
	if (!*pos)
		return SEQ_START_TOKEN;
	/* The region at *pos may be gone: go on from the one found. */
	r = shmdev_id_from(m->private, *pos);
	if (r)
		*pos = r->id;
	return r;
}

static void *shmdev_seq_next(struct seq_file *m, void *v, loff_t *pos)
{
	struct shmdev_region *r;

	r = v == SEQ_START_TOKEN ? shmdev_id_from(m->private, 1) :
				   shmdev_id_next(v);
	*pos = r ? r->id : *pos + 1;
	return r;
}

static void shmdev_seq_stop(struct seq_file *m, void *v)
{
	mutex_unlock(&shmdev_registry_lock);
}

static int shmdev_seq_show(struct seq_file *m, void *v)
{
	struct pid_namespace *pid_ns = proc_pid_ns(file_inode(m->file)->i_sb);
	struct shmdev_region_info info;
	struct shmdev_region *r = v;

	if (v == SEQ_START_TOKEN) {
		seq_puts(m, "      id name                             size   uid   gid mode state handles mappings resident   cpid acl\n");
		return 0;
	}
	shmdev_region_info(r, seq_user_ns(m), &info);
	seq_printf(m, "%8u %-24s %16llu %5u %5u %04o %5x %7llu %8llu %8llu %6d ",
		   r->id, r->name, r->size, info.uid, info.gid, info.mode,
		   info.state, info.handles, info.mappings,
		   info.resident_pages, pid_nr_ns(r->creator, pid_ns));
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

static int shmdev_proc_open(struct inode *inode, struct file *file)
{
	struct shmdev_ns *ns = shmdev_ns_get();
	int ret;

	if (IS_ERR(ns))
		return PTR_ERR(ns);
	ret = seq_open(file, &shmdev_seq_ops);
	if (ret) {
		shmdev_ns_put(ns);
		return ret;
	}
	((struct seq_file *)file->private_data)->private = ns;
	return 0;
}

static int shmdev_proc_release(struct inode *inode, struct file *file)
{
	struct seq_file *m = file->private_data;

	shmdev_ns_put(m->private);
	return seq_release(inode, file);
}

static const struct proc_ops shmdev_proc_ops = {
	.proc_open	= shmdev_proc_open,
	.proc_read	= seq_read,
	.proc_lseek	= seq_lseek,
	.proc_release	= shmdev_proc_release,
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

	ret = shmdev_ns_init();
	if (ret)
		return ret;
	ret = rhashtable_init(&shmdev_names, &shmdev_name_params);
	if (ret)
		goto err_ns_exit;
	if (!proc_create("driver/shmdev", 0444, NULL, &shmdev_proc_ops)) {
		ret = -ENOMEM;
		goto err_names_destroy;
	}
	return 0;

err_names_destroy:
	rhashtable_destroy(&shmdev_names);
err_ns_exit:
	shmdev_ns_exit();
	return ret;
}

/**
 * shmdev_region_exit - free the persistent regions and the registry
 *
 * Handles and mappings pin the module, so at unload only the registry's
 * references to persistent regions are left: ending every namespace
 * (shmdev_ns_exit()) drops them. /proc/driver/shmdev goes first, since an
 * open table holds its namespace.
 */
void shmdev_region_exit(void)
{
	remove_proc_entry("driver/shmdev", NULL);
	shmdev_ns_exit();
	WARN_ON(shmdev_total_regions);
	rhashtable_destroy(&shmdev_names);
}
