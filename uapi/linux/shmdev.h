/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * shmdev - named shared-memory regions with access-control lists and
 * kernel semaphores, reached through the misc device /dev/shmdev.
 *
 * /dev/shmdev is a control device: it holds no state. CREATE and OPEN on it
 * return a new file descriptor for the region (a region fd), bound to the
 * region with a set of rights and the caller's credentials. mmap and every
 * per-region ioctl (STAT, UNLINK, GET_ACL, SET_ACL, SET_PERM, SEM_*) act on
 * a region fd; VERSION works on both kinds of descriptor.
 *
 * ABI rules: fixed-width fields only, naturally aligned, explicit padding,
 * pointers carried as __u64. Every flags field is checked against a VALID
 * mask and every reserved or padding field must be zero, or the ioctl fails
 * with EINVAL before anything changes.
 */

#ifndef _UAPI_LINUX_SHMDEV_H
#define _UAPI_LINUX_SHMDEV_H

#include <linux/ioctl.h>
#include <linux/types.h>

/* Interface revision reported by SHMDEV_IOC_VERSION. */
#define SHMDEV_API_VERSION	2

/* Size of a name buffer, terminating NUL included. */
#define SHMDEV_NAME_MAX		256

/* Largest value a semaphore can hold. */
#define SHMDEV_SEM_VALUE_MAX	0x7fffffff

/* Valid bits of struct shmdev_version.flags (none are defined yet). */
#define SHMDEV_VERSION_FLAGS_VALID	0

/* Bits of struct shmdev_version.features. */
#define SHMDEV_FEATURE_REGIONS	0x1ULL	/* CREATE..LIST and mmap */
#define SHMDEV_FEATURE_ACL	0x2ULL	/* GET_ACL, SET_ACL, SET_PERM */
#define SHMDEV_FEATURE_SEMS	0x4ULL	/* SEM_WAIT, SEM_POST, SEM_GET, SEM_SET */
#define SHMDEV_FEATURE_SEM_FD	0x8ULL	/* SEM_FD: pollable semaphore fds */
#define SHMDEV_FEATURE_SEM_MAP	0x10ULL	/* the mapped semaphore area */

/**
 * struct shmdev_version - argument of %SHMDEV_IOC_VERSION
 * @flags: in: must be zero (no flags are defined yet)
 * @api_version: out: %SHMDEV_API_VERSION of the loaded module
 * @features: out: %SHMDEV_FEATURE_* bits of what the loaded module supports
 * @name_max: out: %SHMDEV_NAME_MAX, the size of a name buffer
 * @sem_value_max: out: %SHMDEV_SEM_VALUE_MAX
 * @reserved: in: must be zero; out: zero
 *
 * Output fields are written only when the call succeeds; their input values
 * are ignored.
 */
struct shmdev_version {
	__u32 flags;
	__u32 api_version;
	__u64 features;
	__u32 name_max;
	__u32 sem_value_max;
	__u64 reserved[4];
};

/*
 * Access rights. A region fd is bound with a set of rights; every operation
 * needs its right both in the region fd and in the region's current
 * permissions for the credentials that bound it.
 */
#define SHMDEV_ACCESS_READ	0x1	/* map readable, stat */
#define SHMDEV_ACCESS_WRITE	0x2	/* map writable */
#define SHMDEV_ACCESS_SYNC	0x4	/* semaphore wait and post */
#define SHMDEV_ACCESS_ADMIN	0x8	/* change the ACL, unlink */
/* Every right; what CREATE binds and what OPEN may request. */
#define SHMDEV_ACCESS_ALL \
	(SHMDEV_ACCESS_READ | SHMDEV_ACCESS_WRITE | SHMDEV_ACCESS_SYNC | \
	 SHMDEV_ACCESS_ADMIN)
#define SHMDEV_OPEN_ACCESS_VALID	SHMDEV_ACCESS_ALL

/* Flags of struct shmdev_create. */
#define SHMDEV_CREATE_TRANSIENT	0x1	/* freed with its last user */
#define SHMDEV_CREATE_POPULATE	0x2	/* allocate every page now */
#define SHMDEV_CREATE_NOCLOEXEC	0x4	/* region fd without FD_CLOEXEC */
#define SHMDEV_CREATE_FLAGS_VALID \
	(SHMDEV_CREATE_TRANSIENT | SHMDEV_CREATE_POPULATE | \
	 SHMDEV_CREATE_NOCLOEXEC)

/* Permission bits of a region: rwx for owner, group, other. */
#define SHMDEV_MODE_VALID	0777

/* Most semaphores one region can carry. */
#define SHMDEV_SEMS_MAX		1024

/**
 * struct shmdev_create - argument of %SHMDEV_IOC_CREATE
 *
 * CREATE is issued on /dev/shmdev and returns a new region fd bound with
 * %SHMDEV_ACCESS_ALL, close-on-exec unless %SHMDEV_CREATE_NOCLOEXEC.
 *
 * @name: in: user pointer to the region's name, NUL-terminated
 * @size: in: size in bytes, 1 to the max_region_bytes limit, and a page
 *	or more below %SHMDEV_SEM_MMAP_OFFSET; kept exactly.
 *	Mappings cover whole pages, so the rest of the last page is usable
 *	too
 * @mode: in: permission bits, within %SHMDEV_MODE_VALID
 * @flags: in: %SHMDEV_CREATE_TRANSIENT: freed with the last region fd and
 *	mapping; %SHMDEV_CREATE_POPULATE: allocate every page now, so that
 *	later faults need no allocation (a mapping still takes a fault per
 *	page at its first access unless it is populated too, with
 *	``madvise(MADV_POPULATE_WRITE)``, which shmdev_map() does for a
 *	populated region); %SHMDEV_CREATE_NOCLOEXEC: the region fd is not
 *	close-on-exec
 * @nsems: in: number of semaphores, 0 to %SHMDEV_SEMS_MAX
 * @pad: in: must be zero
 * @reserved: in: must be zero
 */
struct shmdev_create {
	__u64 name;
	__u64 size;
	__u32 mode;
	__u32 flags;
	__u32 nsems;
	__u32 pad;
	__u64 reserved[4];
};

/* Flags of struct shmdev_open. */
#define SHMDEV_OPEN_NOCLOEXEC	0x1	/* region fd without FD_CLOEXEC */
#define SHMDEV_OPEN_OWNER	0x2	/* EPERM unless owned by @owner */
#define SHMDEV_OPEN_FLAGS_VALID	(SHMDEV_OPEN_NOCLOEXEC | SHMDEV_OPEN_OWNER)

/**
 * struct shmdev_open - argument of %SHMDEV_IOC_OPEN
 * @name: in: user pointer to the region's name, NUL-terminated
 * @access: in: rights to bind with, within %SHMDEV_ACCESS_ALL, at least one
 * @flags: in: %SHMDEV_OPEN_NOCLOEXEC, %SHMDEV_OPEN_OWNER
 * @owner: in: with %SHMDEV_OPEN_OWNER, the user id, in the caller's user
 *	namespace, that must own the region, or OPEN fails with %EPERM (a
 *	region someone else created under the name); otherwise must be zero
 * @pad: in: must be zero
 * @reserved: in: must be zero
 *
 * OPEN is issued on /dev/shmdev and returns a new region fd, close-on-exec
 * unless %SHMDEV_OPEN_NOCLOEXEC. The fd is opened for writing (FMODE_WRITE)
 * only when @access has %SHMDEV_ACCESS_WRITE.
 */
struct shmdev_open {
	__u64 name;
	__u32 access;
	__u32 flags;
	__u32 owner;
	__u32 pad;
	__u64 reserved[3];
};

/*
 * Flags of struct shmdev_unlink. KEEP_SEMS removes only the name: the
 * semaphores keep working for region fds already open, as POSIX sem_unlink()
 * requires, instead of failing with EIDRM. ORPHANED, on /dev/shmdev with
 * @name 0 and CAP_SYS_ADMIN in the initial user namespace (EPERM), removes
 * the names of every region whose IPC namespace is gone (state
 * %SHMDEV_STATE_ORPHANED) and returns the number of namespaces so ended.
 */
#define SHMDEV_UNLINK_KEEP_SEMS		0x1
#define SHMDEV_UNLINK_ORPHANED		0x2
#define SHMDEV_UNLINK_FLAGS_VALID \
	(SHMDEV_UNLINK_KEEP_SEMS | SHMDEV_UNLINK_ORPHANED)

/**
 * struct shmdev_unlink - argument of %SHMDEV_IOC_UNLINK
 * @name: in: on /dev/shmdev, user pointer to the region's name,
 *	NUL-terminated, looked up in the caller's IPC namespace (0 with
 *	%SHMDEV_UNLINK_ORPHANED); on a region fd, 0: that fd's region
 * @flags: in: %SHMDEV_UNLINK_KEEP_SEMS or 0
 * @pad: in: must be zero
 * @reserved: in: must be zero
 */
struct shmdev_unlink {
	__u64 name;
	__u32 flags;
	__u32 pad;
	__u64 reserved[2];
};

/* State bits of struct shmdev_stat.state and struct shmdev_list_entry. */
#define SHMDEV_STATE_TRANSIENT	0x1	/* created transient */
#define SHMDEV_STATE_POPULATED	0x2	/* populated at create */
#define SHMDEV_STATE_UNLINKED	0x4	/* name removed */
#define SHMDEV_STATE_ORPHANED	0x8	/* its IPC namespace is gone */

/* Valid bits of struct shmdev_stat.flags (none are defined yet). */
#define SHMDEV_STAT_FLAGS_VALID	0

/**
 * struct shmdev_stat - argument of %SHMDEV_IOC_STAT
 * @name: in: on /dev/shmdev, user pointer to a region name, looked up in
 *	the caller's IPC namespace; on a region fd, 0: that fd's region
 * @flags: in: must be zero (no flags are defined yet)
 * @pad: in: must be zero
 * @size: out: size in bytes
 * @uid: out: owner, mapped into the caller's user namespace
 * @gid: out: group, mapped into the caller's user namespace
 * @cuid: out: creator, mapped into the caller's user namespace
 * @cgid: out: creator's group, mapped into the caller's user namespace
 * @mode: out: permission bits
 * @state: out: %SHMDEV_STATE_* bits
 * @creator_pid: out: creator's thread-group id in the caller's pid
 *	namespace, 0 if not visible there
 * @nsems: out: number of semaphores
 * @access: out: rights the region fd was bound with (0 for by-name STAT)
 * @acl_count: out: number of named entries in the region's ACL
 * @create_time: out: creation time, ns since the epoch, as
 *	CLOCK_REALTIME_COARSE reads it (the three times have its granularity)
 * @attach_time: out: last OPEN or mmap, ns since the epoch
 * @change_time: out: last change of permissions or of the name (UNLINK),
 *	ns since the epoch; the creation time until then
 * @handles: out: region fds of the region: open file descriptions, which
 *	a dup() or fork() shares
 * @mappings: out: memory mappings (VMAs) of the region, in all processes;
 *	a partial munmap() that splits one makes two, fork() copies them
 * @resident_pages: out: pages allocated to the region, not counting
 *	swapped-out pages
 * @id: out: the region's id, unique in its IPC namespace while the
 *	module is loaded
 * @ipc_ns: out: the inode number of the IPC namespace the region's name
 *	belongs to, as /proc/PID/ns/ipc shows it
 * @pad2: out: zero
 * @reserved: out: zero
 * @name_out: out: the region's name, NUL-terminated
 */
struct shmdev_stat {
	__u64 name;
	__u32 flags;
	__u32 pad;
	__u64 size;
	__u32 uid;
	__u32 gid;
	__u32 cuid;
	__u32 cgid;
	__u32 mode;
	__u32 state;
	__u32 creator_pid;
	__u32 nsems;
	__u32 access;
	__u32 acl_count;
	__u64 create_time;
	__u64 attach_time;
	__u64 change_time;
	__u64 handles;
	__u64 mappings;
	__u64 resident_pages;
	__u64 id;
	__u32 ipc_ns;
	__u32 pad2;
	__u64 reserved[3];
	char name_out[SHMDEV_NAME_MAX];
};

/**
 * struct shmdev_list_entry - one region in the output of %SHMDEV_IOC_LIST
 * @id: the region's id in its IPC namespace; entries come in increasing id
 *	order, namespace by namespace
 * @size: size in bytes
 * @uid: owner, mapped into the caller's user namespace
 * @gid: group, mapped into the caller's user namespace
 * @mode: permission bits
 * @state: %SHMDEV_STATE_* bits
 * @ipc_ns: the inode number of the region's IPC namespace, as
 *	/proc/PID/ns/ipc shows it
 * @pad: zero
 * @name: the region's name, NUL-terminated
 */
struct shmdev_list_entry {
	__u64 id;
	__u64 size;
	__u32 uid;
	__u32 gid;
	__u32 mode;
	__u32 state;
	__u32 ipc_ns;
	__u32 pad;
	char name[SHMDEV_NAME_MAX];
};

/*
 * Flags of struct shmdev_list. ALL_NAMESPACES lists the regions of every
 * IPC namespace, not only the caller's, those of namespaces that are gone
 * included; it needs CAP_SYS_ADMIN in the initial user namespace (EPERM).
 */
#define SHMDEV_LIST_ALL_NAMESPACES	0x1
#define SHMDEV_LIST_FLAGS_VALID		SHMDEV_LIST_ALL_NAMESPACES

/* Most entries one LIST call returns, whatever @count asks for. */
#define SHMDEV_LIST_BATCH_MAX	64

/**
 * struct shmdev_list - argument of %SHMDEV_IOC_LIST
 * @cursor: in: 0 to start, then the value the previous call returned;
 *	out: where the next call continues
 * @entries: in: user pointer to an array of struct shmdev_list_entry
 * @count: in: capacity of @entries; out: entries written, 0 at the end
 * @flags: in: %SHMDEV_LIST_ALL_NAMESPACES or 0; the same on every call of
 *	one listing
 * @reserved: in: must be zero
 *
 * The caller's IPC namespace's regions, or with %SHMDEV_LIST_ALL_NAMESPACES
 * every namespace's, one namespace after the other in the order they first
 * used shmdev.
 */
struct shmdev_list {
	__u64 cursor;
	__u64 entries;
	__u32 count;
	__u32 flags;
	__u64 reserved[2];
};

/* Tags of struct shmdev_acl_entry. */
#define SHMDEV_ACL_USER		1	/* @id is a user id */
#define SHMDEV_ACL_GROUP	2	/* @id is a group id */

/* Most named entries one region's ACL can hold. */
#define SHMDEV_ACL_MAX		64

/**
 * struct shmdev_acl_entry - one named entry of a region's ACL
 * @tag: %SHMDEV_ACL_USER or %SHMDEV_ACL_GROUP
 * @id: the user or group id, in the caller's user namespace
 * @rights: %SHMDEV_ACCESS_* rights the entry grants; 0 denies
 * @reserved: must be zero; GET_ACL writes zero
 */
struct shmdev_acl_entry {
	__u32 tag;
	__u32 id;
	__u32 rights;
	__u32 reserved;
};

/* Valid bits of struct shmdev_acl.flags (none are defined yet). */
#define SHMDEV_ACL_FLAGS_VALID	0

/**
 * struct shmdev_acl - argument of %SHMDEV_IOC_GET_ACL and %SHMDEV_IOC_SET_ACL
 * @entries: in: user pointer to an array of struct shmdev_acl_entry
 * @count: GET: in: capacity of @entries; out: number of entries in the ACL
 *	(also when it exceeds the capacity, with %ERANGE).
 *	SET: in: number of entries, 0 to %SHMDEV_ACL_MAX
 * @flags: in: must be zero (no flags are defined yet)
 * @reserved: in: must be zero
 *
 * GET writes the entries sorted by tag, then id. SET replaces the whole
 * list at once.
 */
struct shmdev_acl {
	__u64 entries;
	__u32 count;
	__u32 flags;
	__u64 reserved[2];
};

/* Bits of struct shmdev_perm.flags: which fields to change. */
#define SHMDEV_PERM_MODE	0x1
#define SHMDEV_PERM_UID		0x2
#define SHMDEV_PERM_GID		0x4
#define SHMDEV_PERM_FLAGS_VALID \
	(SHMDEV_PERM_MODE | SHMDEV_PERM_UID | SHMDEV_PERM_GID)

/**
 * struct shmdev_perm - argument of %SHMDEV_IOC_SET_PERM
 * @flags: in: %SHMDEV_PERM_* bits naming the fields to change, at least one
 * @mode: in: new permission bits, within %SHMDEV_MODE_VALID
 * @uid: in: new owner, in the caller's user namespace
 * @gid: in: new group, in the caller's user namespace
 * @reserved: in: must be zero
 */
struct shmdev_perm {
	__u32 flags;
	__u32 mode;
	__u32 uid;
	__u32 gid;
	__u64 reserved[2];
};

/* Flags of struct shmdev_sem_wait and struct shmdev_sem_post. */
#define SHMDEV_SEM_UNDO		0x1	/* reverse when the caller lets go of the fd */
#define SHMDEV_SEM_TRY		0x2	/* wait: EAGAIN instead of sleeping */
#define SHMDEV_SEM_REALTIME	0x4	/* wait: timeout on CLOCK_REALTIME */
#define SHMDEV_SEM_WAIT_FLAGS_VALID \
	(SHMDEV_SEM_UNDO | SHMDEV_SEM_TRY | SHMDEV_SEM_REALTIME)
#define SHMDEV_SEM_POST_FLAGS_VALID	SHMDEV_SEM_UNDO

/* A timeout that never expires. */
#define SHMDEV_SEM_FOREVER	(~0ULL)

/*
 * The semaphore area. A region with semaphores has, apart from its data,
 * an area of struct shmdev_sem_shared, one per semaphore in index order,
 * that a region fd holding SYNC maps with mmap(MAP_SHARED) at offset
 * %SHMDEV_SEM_MMAP_OFFSET, SHMDEV_SEM_AREA_SIZE(nsems) bytes. It
 * carries the semaphores' state, so that a wait or post that need not
 * sleep or wake anyone is an atomic operation on it, with no system call:
 *
 *  - while @state has %SHMDEV_SEM_KERNEL clear, the value is @state
 *    itself: a wait may compare-and-swap it from v > 0 to v - 1, and a
 *    post from v to v + n as long as v + n stays within
 *    %SHMDEV_SEM_VALUE_MAX;
 *  - while %SHMDEV_SEM_KERNEL is set, the kernel holds the value (someone
 *    sleeps or polls, an undo is unreported, or the region was unlinked),
 *    and every wait and post must be a SEM_WAIT or SEM_POST ioctl, which
 *    queue and hand off in order.
 *
 * SHMDEV_SEM_UNDO waits and posts are always ioctls. The kernel takes a
 * value from the area only while user space holds it, masked to
 * %SHMDEV_SEM_VALUE_MAX, and never trusts the area while it holds the
 * value itself: a process that writes anything else there confuses that
 * region's semaphores, not the kernel or another region
 * (Documentation/userspace-api.rst, "The semaphore area").
 */
#define SHMDEV_SEM_MMAP_OFFSET	0x80000000000ULL	/* 8 TiB */
#define SHMDEV_SEM_KERNEL	0x80000000U

/**
 * struct shmdev_sem_shared - one semaphore's entry in the semaphore area
 * @state: the value, or %SHMDEV_SEM_KERNEL while the kernel holds it
 * @reserved: not used; keeps each semaphore on a cache line of its own
 */
struct shmdev_sem_shared {
	__u32 state;
	__u32 reserved[15];
};

/* Bytes of the semaphore area of @nsems semaphores; mappings round it up. */
#define SHMDEV_SEM_AREA_SIZE(nsems) \
	((__u64)(nsems) * sizeof(struct shmdev_sem_shared))

/*
 * SEM_WAIT returns this (a positive value, with success) and SEM_GET sets
 * it in @status when an undo changed the semaphore since the last
 * successful SEM_WAIT: the previous holder died holding it.
 */
#define SHMDEV_SEM_UNDONE	0x1

/**
 * struct shmdev_sem_wait - argument of %SHMDEV_IOC_SEM_WAIT
 * @index: in: the semaphore, below the region's nsems
 * @flags: in: %SHMDEV_SEM_UNDO, %SHMDEV_SEM_TRY, %SHMDEV_SEM_REALTIME
 * @timeout: in: absolute deadline in ns on CLOCK_MONOTONIC, or on
 *	CLOCK_REALTIME with %SHMDEV_SEM_REALTIME (so that sem_timedwait()
 *	maps to it without a conversion race; a realtime deadline follows
 *	clock changes). A deadline that has passed fails with ETIMEDOUT
 *	without sleeping when no unit is free, and takes one that is. A
 *	value of 2^63 or more, such as %SHMDEV_SEM_FOREVER, waits without
 *	one
 * @reserved: in: must be zero
 */
struct shmdev_sem_wait {
	__u32 index;
	__u32 flags;
	__u64 timeout;
	__u64 reserved[2];
};

/**
 * struct shmdev_sem_post - argument of %SHMDEV_IOC_SEM_POST
 * @index: in: the semaphore, below the region's nsems
 * @flags: in: %SHMDEV_SEM_UNDO
 * @count: in: units to add, 1 to %SHMDEV_SEM_VALUE_MAX
 * @pad: in: must be zero
 * @reserved: in: must be zero
 */
struct shmdev_sem_post {
	__u32 index;
	__u32 flags;
	__u32 count;
	__u32 pad;
	__u64 reserved[2];
};

/* Valid bits of struct shmdev_sem_get.flags and _set.flags (none yet). */
#define SHMDEV_SEM_GET_FLAGS_VALID	0
#define SHMDEV_SEM_SET_FLAGS_VALID	0

/**
 * struct shmdev_sem_get - argument of %SHMDEV_IOC_SEM_GET
 * @index: in: the semaphore, below the region's nsems
 * @flags: in: must be zero (no flags are defined yet)
 * @value: out: the value, 0 whenever there are waiters
 * @waiters: out: tasks sleeping in SEM_WAIT on it
 * @status: out: %SHMDEV_SEM_UNDONE if an undo changed the semaphore since
 *	the last successful SEM_WAIT (reading it does not clear it)
 * @pad: out: zero
 * @reserved: in: must be zero
 */
struct shmdev_sem_get {
	__u32 index;
	__u32 flags;
	__u32 value;
	__u32 waiters;
	__u32 status;
	__u32 pad;
	__u64 reserved[2];
};

/**
 * struct shmdev_sem_set - argument of %SHMDEV_IOC_SEM_SET
 * @index: in: the semaphore, below the region's nsems
 * @flags: in: must be zero (no flags are defined yet)
 * @value: in: the new value, at most %SHMDEV_SEM_VALUE_MAX
 * @pad: in: must be zero
 * @reserved: in: must be zero
 */
struct shmdev_sem_set {
	__u32 index;
	__u32 flags;
	__u32 value;
	__u32 pad;
	__u64 reserved[2];
};

/* Flags of struct shmdev_sem_fd. */
#define SHMDEV_SEM_FD_NONBLOCK	0x1	/* the new fd is O_NONBLOCK */
#define SHMDEV_SEM_FD_NOCLOEXEC	0x2	/* the new fd is not O_CLOEXEC */
#define SHMDEV_SEM_FD_FLAGS_VALID \
	(SHMDEV_SEM_FD_NONBLOCK | SHMDEV_SEM_FD_NOCLOEXEC)

/**
 * struct shmdev_sem_fd - argument of %SHMDEV_IOC_SEM_FD
 * @index: in: the semaphore, below the region's nsems
 * @flags: in: %SHMDEV_SEM_FD_NONBLOCK, %SHMDEV_SEM_FD_NOCLOEXEC
 * @reserved: in: must be zero
 *
 * SEM_FD returns a new file descriptor for semaphore @index, which behaves
 * as an eventfd(EFD_SEMAPHORE): poll() reports it readable while the
 * semaphore's value is above 0, read() of 8 bytes takes one unit and
 * reads the __u64 1, and write() of a __u64 count posts that many.
 */
struct shmdev_sem_fd {
	__u32 index;
	__u32 flags;
	__u64 reserved[2];
};

/* Magic 0xBC is free in Documentation/userspace-api/ioctl/ioctl-number.rst. */
#define SHMDEV_IOC_MAGIC	0xBC

/*
 * On /dev/shmdev: VERSION, CREATE, OPEN, UNLINK and STAT by name, LIST.
 * On a region fd: VERSION, STAT and UNLINK of its region, GET_ACL, SET_ACL,
 * SET_PERM, SEM_WAIT, SEM_POST, SEM_GET, SEM_SET, SEM_FD. Any other command
 * on either kind of descriptor, or on a semaphore fd, fails with ENOTTY.
 */
#define SHMDEV_IOC_VERSION	_IOWR(SHMDEV_IOC_MAGIC, 0x00, struct shmdev_version)
#define SHMDEV_IOC_CREATE	_IOW(SHMDEV_IOC_MAGIC, 0x01, struct shmdev_create)
#define SHMDEV_IOC_OPEN		_IOW(SHMDEV_IOC_MAGIC, 0x02, struct shmdev_open)
#define SHMDEV_IOC_UNLINK	_IOW(SHMDEV_IOC_MAGIC, 0x03, struct shmdev_unlink)
#define SHMDEV_IOC_STAT		_IOWR(SHMDEV_IOC_MAGIC, 0x04, struct shmdev_stat)
#define SHMDEV_IOC_LIST		_IOWR(SHMDEV_IOC_MAGIC, 0x05, struct shmdev_list)
#define SHMDEV_IOC_GET_ACL	_IOWR(SHMDEV_IOC_MAGIC, 0x06, struct shmdev_acl)
#define SHMDEV_IOC_SET_ACL	_IOW(SHMDEV_IOC_MAGIC, 0x07, struct shmdev_acl)
#define SHMDEV_IOC_SET_PERM	_IOW(SHMDEV_IOC_MAGIC, 0x08, struct shmdev_perm)
#define SHMDEV_IOC_SEM_WAIT	_IOW(SHMDEV_IOC_MAGIC, 0x09, struct shmdev_sem_wait)
#define SHMDEV_IOC_SEM_POST	_IOW(SHMDEV_IOC_MAGIC, 0x0A, struct shmdev_sem_post)
#define SHMDEV_IOC_SEM_GET	_IOWR(SHMDEV_IOC_MAGIC, 0x0B, struct shmdev_sem_get)
#define SHMDEV_IOC_SEM_SET	_IOW(SHMDEV_IOC_MAGIC, 0x0C, struct shmdev_sem_set)
#define SHMDEV_IOC_SEM_FD	_IOW(SHMDEV_IOC_MAGIC, 0x0D, struct shmdev_sem_fd)

#endif /* _UAPI_LINUX_SHMDEV_H */
