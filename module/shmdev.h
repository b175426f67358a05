/* SPDX-License-Identifier: GPL-2.0 */
/*
 * shmdev private definitions.
 *
 * Objects and their lifetime
 * --------------------------
 * /dev/shmdev is a control device and holds no state. A region fd (a
 * handle, struct shmdev_file) is a struct file of its own, made by CREATE
 * and OPEN (handle.c); it lives as long as that file, so the VFS file
 * reference count is its reference count. Its file is opened on the
 * region's shmem inode, so that file is what every mapping's vm_file is:
 * a VMA holds a reference to the region fd that mapped it, and through it
 * the region and the module (the file operations' owner).
 *
 * struct shmdev_region is reference counted (ref). References are held by
 * each region fd and, for a persistent region, by the registry while the
 * region has its name. A transient region is named but holds no registry
 * reference, so it goes with its last region fd (and so its last mapping).
 * The count only drops to zero under shmdev_registry_lock (kref_put_mutex),
 * so a region found in the registry under that lock can be kref_get() and
 * the release removes it from the registry before anyone can find it.
 *
 * A region's permissions (owner, group, mode and ACL) are one immutable
 * struct shmdev_permset, replaced whole under shmdev_region.lock and read
 * under RCU, so that the rights check on every fault takes no lock.
 *
 * A region's name belongs to an IPC namespace, struct shmdev_ns (ns.c),
 * which the region references; it is findable while the namespace lives.
 *
 * Lock order, outermost first:
 *   shmdev_registry_lock      names, the namespaces and their id trees,
 *                             per-user, per-namespace and global
 *                             accounting, every region's @linked and @id
 *   fsnotify's own locks      taken to put a mark on a namespace
 *   shmdev_region.lock        the writers of a region's permissions
 *   shmdev_sem.lock           one semaphore (spinlock; one at
 *                             a time, never held while sleeping)
 * A fault on the semaphore area holds shmdev_sem_fault_lock (mmap.c) for
 * reading, inside the mmap lock; a revocation takes it for writing alone.
 * Page faults take no shmdev lock: they check rights under RCU and the
 * folio lock (see shmdev_region_revoke()). No spinlock is held across
 * copy_from_user/copy_to_user, and no lock is held while a region's pages
 * are allocated.
 */

#ifndef _SHMDEV_H
#define _SHMDEV_H

#include <linux/atomic.h>
#include <linux/cred.h>
#include <linux/fsnotify_backend.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/poll.h>
#include <linux/rcupdate.h>
#include <linux/rbtree_types.h>
#include <linux/rhashtable-types.h>
#include <linux/shmdev.h>
#include <linux/spinlock_types.h>
#include <linux/types.h>
#include <linux/uidgid.h>
#include <linux/wait.h>

#include "compat.h"

struct file;
struct inode;
struct seq_file;
struct vfsmount;

#define SHMDEV_DEVNAME	"shmdev"

/* Optional features this build reports through SHMDEV_IOC_VERSION. */
#define SHMDEV_FEATURES \
	(SHMDEV_FEATURE_REGIONS | SHMDEV_FEATURE_ACL | SHMDEV_FEATURE_SEMS | \
	 SHMDEV_FEATURE_SEM_FD | SHMDEV_FEATURE_SEM_MAP)

struct shmdev_user;

/**
 * struct shmdev_ns - the regions of one IPC namespace (ns.c)
 * @mark: fsnotify mark on the IPC namespace's mqueue superblock, whose
 *	->freeing_mark tells that the namespace is gone
 * @ref: reference count: held by @mark until fsnotify frees it, by each
 *	region of the namespace, and briefly by code that drops the
 *	registry lock; the last drop takes the lock (kref_put_mutex)
 * @hnode: link in the table of live namespaces, keyed by @sb, until @dead
 * @list: link in the list of every namespace in memory, by @serial
 * @sb: the mqueue superblock that stands for the namespace; dereferenced
 *	only while not @dead, when @mark keeps it in memory
 * @serial: the namespace's place in the list, from 1
 * @inum: the IPC namespace's inode number, as /proc/PID/ns/ipc shows it
 * @user_ns: the user namespace that owns the IPC namespace (a reference),
 *	where CAP_IPC_OWNER and CAP_SYS_ADMIN count for its regions
 * @initial: it is the initial IPC namespace, the host's
 * @dead: the IPC namespace is gone (or the module is): its names have
 *	been removed and no region can be named in it
 * @ids: its regions by id
 * @next_id: the last id given to a region of the namespace
 * @regions: regions charged to the namespace
 * @bytes: page-rounded bytes charged to the namespace
 *
 * Every field but @mark and @ref is protected by shmdev_registry_lock.
 */
struct shmdev_ns {
	struct fsnotify_mark mark;
	struct kref ref;
	struct hlist_node hnode;
	struct list_head list;
	struct super_block *sb;
	u32 serial;
	unsigned int inum;
	struct user_namespace *user_ns;
	bool initial;
	bool dead;
	struct rb_root ids;
	u32 next_id;
	unsigned long regions;
	u64 bytes;
};

/**
 * struct shmdev_sem - one counting semaphore of a region
 * @lock: protects every field here
 * @rt_queue: real-time tasks sleeping in SEM_WAIT, served first: highest
 *	priority first, then oldest first, as futex ranks its waiters
 * @queue: every other task sleeping in SEM_WAIT, oldest first, served
 *	after @rt_queue
 * @shared: its entry in the region's semaphore area, which user space
 *	maps and may write anything into
 * @value: units available while @kernel; always 0 while anyone sleeps,
 *	because a post hands its units to the first waiters directly (no
 *	barging)
 * @waiters: number of sleepers, in both queues
 * @pollq: semaphore fds polled for it, woken when the value becomes
 *	positive, the rights may have changed or the region is unlinked
 * @removed: the region was unlinked; every call fails with EIDRM
 * @undone: an undo changed @value since a SEM_WAIT reported it
 * @kernel: the kernel holds the value, in @value, and @shared->state is
 *	%SHMDEV_SEM_KERNEL unless user space scribbled on it; when clear,
 *	the value is @shared->state and @value is stale
 */
struct shmdev_sem {
	spinlock_t lock;		/* guards every field of this semaphore */
	struct list_head rt_queue;
	struct list_head queue;
	struct wait_queue_head pollq;
	struct shmdev_sem_shared *shared;
	u32 value;
	u32 waiters;
	bool removed;
	bool undone;
	bool kernel;
};

/**
 * struct shmdev_ace - one named ACL entry as stored
 * @tag: %SHMDEV_ACL_USER or %SHMDEV_ACL_GROUP
 * @rights: %SHMDEV_ACCESS_* rights granted
 * @uid: the user, for %SHMDEV_ACL_USER
 * @gid: the group, for %SHMDEV_ACL_GROUP
 */
struct shmdev_ace {
	u32 tag;
	u32 rights;
	union {
		kuid_t uid;
		kgid_t gid;
	};
};

/**
 * struct shmdev_permset - a region's permissions
 * @rcu: frees a replaced set after readers are done
 * @uid: owner
 * @gid: group
 * @mode: permission bits
 * @count: entries in @ace
 * @ace: named entries, sorted by tag then id, no duplicates
 *
 * Never changed once published in a region: a change publishes a new set.
 */
struct shmdev_permset {
	struct rcu_head rcu;
	kuid_t uid;
	kgid_t gid;
	umode_t mode;
	u32 count;
	struct shmdev_ace ace[];
};

/**
 * struct shmdev_region - a named shared-memory region
 * @ref: reference count, see the top of this file
 * @node: link in the name table, while @linked
 * @id_node: link in its namespace's id tree, while @id is not 0
 * @id: registry id, unique among its namespace's live regions; 0 until
 *	registered
 * @linked: the name is in the name table; written under the registry
 *	lock, read with READ_ONCE() elsewhere (STAT's "unlinked" state)
 * @ns: the IPC namespace the name belongs to (a reference); with @name,
 *	the name table's key
 * @name: NUL-terminated name, zero-padded; follows @ns directly
 * @shm_inode: the shmem inode holding the pages (a reference); set
 *	before the region is findable and never changed. Region fds are
 *	files of it.
 * @shm_mnt: the internal shmem mount @shm_inode is on (a reference)
 * @shm_fop: shmem's file operations of @shm_inode, which
 *	shmdev_backing_seal() replaced in the inode and the region's release
 *	puts back; shmdev_mmap() calls their ->mmap
 * @backing_vm_ops: shmem's vm_ops for this region's mappings, learnt at
 *	the first mmap (the same value every time; READ_ONCE/WRITE_ONCE)
 * @size: size in bytes as created
 * @flags: %SHMDEV_CREATE_* flags
 * @nsems: number of semaphores
 * @sems: the semaphores (@nsems of them), each with its own lock
 * @sem_area: the semaphore area (vmalloc), shared with user space through
 *	mappings at %SHMDEV_SEM_MMAP_OFFSET; NULL without semaphores
 * @user_ns: the user namespace that owns the region's IPC namespace (a
 *	reference), where CAP_IPC_OWNER and CAP_SYS_ADMIN count, as for
 *	System V objects
 * @user: per-user accounting entry of the creator, charged for this region
 * @creator: creator's thread-group pid
 * @cuid: creator
 * @cgid: creator's group
 * @create_time: creation time, ns since the epoch
 * @lock: serialises the writers of @perm
 * @perm: permissions; written under @lock, read under RCU
 * @attach_time: last OPEN or mmap, ns since the epoch; a stamp, written
 *	and read with WRITE_ONCE/READ_ONCE, under no lock
 * @change_time: last change of permissions or name, ns since the epoch,
 *	likewise
 * @handles: region fds of the region
 * @mappings: VMAs mapping the region
 */
struct shmdev_region {
	struct kref ref;
	struct rhash_head node;
	struct rb_node id_node;
	u32 id;
	bool linked;
	struct shmdev_ns *ns;
	char name[SHMDEV_NAME_MAX];
	struct inode *shm_inode;
	struct vfsmount *shm_mnt;
	const struct file_operations *shm_fop;
	const struct vm_operations_struct *backing_vm_ops;
	u64 size;
	u32 flags;
	u32 nsems;
	struct shmdev_sem *sems;
	struct shmdev_sem_shared *sem_area;
	struct user_namespace *user_ns;
	struct shmdev_user *user;
	struct pid *creator;
	kuid_t cuid;
	kgid_t cgid;
	u64 create_time;

	struct mutex lock;	/* serialises the writers of perm */
	struct shmdev_permset __rcu *perm;
	u64 attach_time;
	u64 change_time;

	atomic_long_t handles;
	atomic_long_t mappings;
};

/**
 * struct shmdev_file - a region fd (a handle), the private data of its file
 * @region: the region; the handle holds a reference
 * @access: %SHMDEV_ACCESS_* rights bound with
 * @ipc_owner: the binder had CAP_IPC_OWNER in the region's user namespace
 * @cred: credentials of the process that bound the handle, the file's
 *	f_cred
 * @undo_lock: protects @undos and the adjustments in them
 * @undos: the SEM_UNDO records of the fd tables that used this file, one
 *	per table (struct shmdev_undo, sem.c)
 *
 * Every field but @undos is set before the file is installed and never
 * changes, so it is read without a lock.
 */
struct shmdev_file {
	struct shmdev_region *region;
	u32 access;
	bool ipc_owner;
	const struct cred *cred;
	spinlock_t undo_lock;	/* guards @undos and their adjustments */
	struct list_head undos;
};

/**
 * struct shmdev_region_info - a snapshot of a region, for STAT, LIST and
 *	/proc/driver/shmdev
 * @uid: owner, in the reader's user namespace
 * @gid: group, in the reader's user namespace
 * @mode: permission bits
 * @state: %SHMDEV_STATE_* bits
 * @acl_count: named ACL entries
 * @attach_time: last OPEN or mmap
 * @change_time: last change of permissions or name
 * @handles: region fds
 * @mappings: VMAs
 * @resident_pages: pages allocated
 */
struct shmdev_region_info {
	u32 uid;
	u32 gid;
	u32 mode;
	u32 state;
	u32 acl_count;
	u64 attach_time;
	u64 change_time;
	u64 handles;
	u64 mappings;
	u64 resident_pages;
};

/**
 * struct shmdev_stats - live object counts, shown in debugfs
 * @handles: region fds
 * @regions: regions in memory, named or not
 * @mappings: VMAs mapping a region
 */
struct shmdev_stats {
	atomic_long_t handles;
	atomic_long_t regions;
	atomic_long_t mappings;
};

extern struct shmdev_stats shmdev_stats;

/* region.c */
extern struct mutex shmdev_registry_lock;
#define SHMDEV_FILE_NAME_MAX	(sizeof("shmdev:") + SHMDEV_NAME_MAX)
int shmdev_name_valid(const char *name, size_t len);
void shmdev_file_name(char *buf, const struct shmdev_region *r);
int shmdev_region_init(void);
void shmdev_region_exit(void);
void shmdev_region_put(struct shmdev_region *r);
void shmdev_region_info(struct shmdev_region *r, struct user_namespace *ns,
			struct shmdev_region_info *info);
u64 shmdev_now(void);
void shmdev_touch_attach(struct shmdev_region *r);
int shmdev_ioc_create(void __user *arg);
int shmdev_ioc_open(void __user *arg);
int shmdev_ioc_unlink(struct shmdev_file *sf, void __user *arg);
int shmdev_ioc_stat(struct shmdev_file *sf, void __user *arg);
int shmdev_ioc_list(void __user *arg);
void shmdev_regions_unlink_ns(struct shmdev_ns *ns);

/* ns.c */
struct shmdev_ns *shmdev_ns_find(void);
struct shmdev_ns *shmdev_ns_get(void);
void shmdev_ns_put(struct shmdev_ns *ns);
bool shmdev_ns_orphaned(struct shmdev_ns *ns);
int shmdev_ns_reap_orphans(void);
struct shmdev_ns *shmdev_ns_first(u32 serial);
struct shmdev_ns *shmdev_ns_next(struct shmdev_ns *ns);
int shmdev_ns_init(void);
void shmdev_ns_exit(void);

/* handle.c */
bool shmdev_files_hold(struct files_struct *files, struct file *file);
struct file *shmdev_handle_new(struct shmdev_region *r, u32 access,
			       bool ipc_owner);
int shmdev_handle_adopt(struct file *file, struct shmdev_region *r,
			bool ipc_owner);
extern const struct file_operations shmdev_inode_fops;
int shmdev_handle_init(void);
void shmdev_handle_exit(void);

/* main.c */
int shmdev_ioc_version(void __user *arg);

/* mmap.c */
int shmdev_mmap(struct file *file, struct vm_area_struct *vma);
void shmdev_region_revoke(struct shmdev_region *r);

/* sem.c */
int shmdev_sems_new(struct shmdev_region *r);
void shmdev_sems_free(struct shmdev_region *r);
unsigned long shmdev_sem_area_pages(struct shmdev_region *r);
unsigned long shmdev_sem_area_pfn(struct shmdev_region *r, pgoff_t page);
void shmdev_sems_remove(struct shmdev_region *r);
void shmdev_sem_undo(struct shmdev_file *sf);
void shmdev_sem_undo_owner(struct shmdev_file *sf, fl_owner_t owner);
void shmdev_sems_rights_changed(struct shmdev_region *r);
struct shmdev_sem *shmdev_sem_lookup(struct shmdev_file *sf, u32 index,
				     u32 right);
int shmdev_sem_take(struct shmdev_sem *sem, struct shmdev_file *sf,
		    bool nonblock);
void shmdev_sem_untake(struct shmdev_sem *sem);
int shmdev_sem_give(struct shmdev_sem *sem, u32 count);
__poll_t shmdev_sem_poll(struct shmdev_sem *sem, struct file *file,
			 poll_table *wait);
int shmdev_ioc_sem_wait(struct file *file, void __user *arg);
int shmdev_ioc_sem_post(struct file *file, void __user *arg);
int shmdev_ioc_sem_get(struct shmdev_file *sf, void __user *arg);
int shmdev_ioc_sem_set(struct shmdev_file *sf, void __user *arg);

/* semfd.c */
int shmdev_ioc_sem_fd(struct file *file, void __user *arg);

/* acl.c */
struct shmdev_permset *shmdev_permset_new(kuid_t uid, kgid_t gid,
					  umode_t mode, u32 count);
u32 shmdev_permset_rights(const struct shmdev_permset *p,
			  const struct cred *cred);
u32 shmdev_rights(struct shmdev_region *r, const struct cred *cred,
		  bool ipc_owner);
bool shmdev_current_ipc_owner(struct shmdev_region *r);
u32 shmdev_current_rights(struct shmdev_region *r);
u32 shmdev_handle_rights(struct shmdev_file *sf);
void shmdev_seq_rights(struct seq_file *m, u32 rights);
void shmdev_seq_acl(struct seq_file *m, struct shmdev_region *r);
int shmdev_ioc_get_acl(struct shmdev_file *sf, void __user *arg);
int shmdev_ioc_set_acl(struct shmdev_file *sf, void __user *arg);
int shmdev_ioc_set_perm(struct file *file, void __user *arg);

#endif /* _SHMDEV_H */
