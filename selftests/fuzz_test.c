// SPDX-License-Identifier: GPL-2.0
/*
 * Seeded random-ioctl fuzzer. Each ioctl is described field by field
 * (flags with their VALID mask, reserved words, integers with edge values,
 * outputs), in the spirit of syzkaller's descriptions. A few processes run
 * random sequences of described and undescribed ioctls, open, dup, close,
 * mmap, munmap, mprotect and fork, passing arguments through good, NULL,
 * unmapped, read-only, page-straddling and kernel pointers. Mappings of
 * semaphore areas get random states scribbled into them, as a hostile
 * SYNC holder may write.
 *
 * The oracle: every call returns, with success or an errno the description
 * allows; a successful call's outputs are right; nothing leaks (the driver's
 * counters); the kernel log stays clean (judged by the runner).
 *
 * $SHMDEV_FUZZ_CALLS sets the number of calls (default 20000), and
 * $SHMDEV_FUZZ_SEED the seed (default: time). The seed is printed first,
 * so a failing run can be replayed. $SHMDEV_FUZZ_SECONDS (default 0: none)
 * stops the workers early when that much time has passed, so that a busy
 * host does not run the lane out of time; then at least
 * $SHMDEV_FUZZ_MIN_CALLS calls must have been made, or the test fails.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stddef.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>

#include "kselftest_harness.h"
#include "shmdev_test.h"

#define WORKERS		3
#define MAX_FDS		16
#define MAX_MAPS	16
#define ARG_MAX_SIZE	512
#define FUZZ_NAMES	8	/* names shared by all workers: fz-0 .. fz-7 */

/* --- descriptions ------------------------------------------------------ */

enum field_kind {
	F_FLAGS,	/* bit mask, checked against .valid */
	F_RESERVED,	/* must be zero */
	F_INT,		/* integer input: edge values */
	F_OUT,		/* output only: input ignored */
	F_NAME,		/* pointer to a region name */
	F_BUF,		/* pointer to a buffer the kernel writes */
	F_ACL,		/* pointer to ACL entries, mostly well formed */
	F_TIMEOUT,	/* a deadline that is past or at most 2 ms away */
};

struct field {
	unsigned int off, size;
	enum field_kind kind;
	__u64 valid;
};

struct ioctl_desc {
	const char *name;
	unsigned long cmd;
	unsigned int size;
	const struct field *fields;
	unsigned int nfields;
	/* errnos this ioctl may return for any input */
	const int *errnos;
	/* checks a successful call's outputs; false is a failure */
	bool (*check)(const void *arg);
};

#define FIELD(type, member, kind, valid) \
	{ offsetof(type, member), sizeof(((type *)0)->member), kind, valid }

static const struct field version_fields[] = {
	FIELD(struct shmdev_version, flags, F_FLAGS, SHMDEV_VERSION_FLAGS_VALID),
	FIELD(struct shmdev_version, api_version, F_OUT, 0),
	FIELD(struct shmdev_version, features, F_OUT, 0),
	FIELD(struct shmdev_version, name_max, F_OUT, 0),
	FIELD(struct shmdev_version, sem_value_max, F_OUT, 0),
	FIELD(struct shmdev_version, reserved[0], F_RESERVED, 0),
	FIELD(struct shmdev_version, reserved[1], F_RESERVED, 0),
	FIELD(struct shmdev_version, reserved[2], F_RESERVED, 0),
	FIELD(struct shmdev_version, reserved[3], F_RESERVED, 0),
};

static const int version_errnos[] = { EFAULT, EINVAL, 0 };

static bool version_check(const void *arg)
{
	const struct shmdev_version *v = arg;

	return v->api_version == SHMDEV_API_VERSION &&
	       v->name_max == SHMDEV_NAME_MAX &&
	       v->sem_value_max == SHMDEV_SEM_VALUE_MAX && !v->flags;
}

static const struct field create_fields[] = {
	FIELD(struct shmdev_create, name, F_NAME, 0),
	FIELD(struct shmdev_create, size, F_INT, 0),
	FIELD(struct shmdev_create, mode, F_FLAGS, SHMDEV_MODE_VALID),
	FIELD(struct shmdev_create, flags, F_FLAGS, SHMDEV_CREATE_FLAGS_VALID),
	FIELD(struct shmdev_create, nsems, F_INT, 0),
	FIELD(struct shmdev_create, pad, F_RESERVED, 0),
	FIELD(struct shmdev_create, reserved[0], F_RESERVED, 0),
	FIELD(struct shmdev_create, reserved[3], F_RESERVED, 0),
};

static const int create_errnos[] = { EFAULT, EINVAL, ENAMETOOLONG, EEXIST,
				     ENOSPC, EDQUOT, ENOMEM, 0 };

static const struct field open_fields[] = {
	FIELD(struct shmdev_open, name, F_NAME, 0),
	FIELD(struct shmdev_open, access, F_FLAGS, SHMDEV_OPEN_ACCESS_VALID),
	FIELD(struct shmdev_open, flags, F_FLAGS, SHMDEV_OPEN_FLAGS_VALID),
	FIELD(struct shmdev_open, owner, F_INT, 0),
	FIELD(struct shmdev_open, pad, F_RESERVED, 0),
	FIELD(struct shmdev_open, reserved[0], F_RESERVED, 0),
	FIELD(struct shmdev_open, reserved[2], F_RESERVED, 0),
};

/*
 * Root holds CAP_IPC_OWNER, so EACCES would be a bug; EPERM: the region
 * is not owned by the owner SHMDEV_OPEN_OWNER names.
 */
static const int open_errnos[] = { EFAULT, EINVAL, ENAMETOOLONG, ENOENT,
				   EPERM, 0 };

static const struct field unlink_fields[] = {
	FIELD(struct shmdev_unlink, name, F_NAME, 0),
	FIELD(struct shmdev_unlink, flags, F_FLAGS, SHMDEV_UNLINK_FLAGS_VALID),
	FIELD(struct shmdev_unlink, pad, F_RESERVED, 0),
	FIELD(struct shmdev_unlink, reserved[1], F_RESERVED, 0),
};

/* EACCES: UNLINK through a region fd bound without ADMIN. */
static const int unlink_errnos[] = { EFAULT, EINVAL, ENAMETOOLONG, ENOENT,
				     EACCES, 0 };

static const struct field stat_fields[] = {
	FIELD(struct shmdev_stat, name, F_NAME, 0),
	FIELD(struct shmdev_stat, flags, F_FLAGS, SHMDEV_STAT_FLAGS_VALID),
	FIELD(struct shmdev_stat, pad, F_RESERVED, 0),
	FIELD(struct shmdev_stat, size, F_OUT, 0),
	FIELD(struct shmdev_stat, handles, F_OUT, 0),
	FIELD(struct shmdev_stat, reserved[2], F_OUT, 0),
};

/* EACCES: STAT of a region fd bound without READ. */
static const int stat_errnos[] = { EFAULT, EINVAL, ENAMETOOLONG, ENOENT,
				   EACCES, 0 };

static bool stat_check(const void *arg)
{
	const struct shmdev_stat *st = arg;

	return st->size && memchr(st->name_out, 0, SHMDEV_NAME_MAX) &&
	       st->name_out[0] && st->acl_count <= SHMDEV_ACL_MAX &&
	       !st->reserved[0] && !st->reserved[2] && !st->pad2 &&
	       !(st->mode & ~SHMDEV_MODE_VALID);
}

static const struct field list_fields[] = {
	FIELD(struct shmdev_list, cursor, F_INT, 0),
	FIELD(struct shmdev_list, entries, F_BUF, 0),
	FIELD(struct shmdev_list, count, F_INT, 0),
	FIELD(struct shmdev_list, flags, F_FLAGS, SHMDEV_LIST_FLAGS_VALID),
	FIELD(struct shmdev_list, reserved[0], F_RESERVED, 0),
};

static const int list_errnos[] = { EFAULT, EINVAL, 0 };

static bool list_check(const void *arg)
{
	const struct shmdev_list *l = arg;

	return l->count <= SHMDEV_LIST_BATCH_MAX;
}

static const struct field get_acl_fields[] = {
	FIELD(struct shmdev_acl, entries, F_BUF, 0),
	FIELD(struct shmdev_acl, count, F_INT, 0),
	FIELD(struct shmdev_acl, flags, F_FLAGS, SHMDEV_ACL_FLAGS_VALID),
	FIELD(struct shmdev_acl, reserved[1], F_RESERVED, 0),
};

/* EACCES: a region fd bound without READ or ADMIN. */
static const int get_acl_errnos[] = { EFAULT, EINVAL, EACCES, ERANGE, ENOMEM,
				      0 };

static bool get_acl_check(const void *arg)
{
	const struct shmdev_acl *a = arg;

	return a->count <= SHMDEV_ACL_MAX;
}

static const struct field set_acl_fields[] = {
	FIELD(struct shmdev_acl, entries, F_ACL, 0),
	FIELD(struct shmdev_acl, count, F_INT, 0),
	FIELD(struct shmdev_acl, flags, F_FLAGS, SHMDEV_ACL_FLAGS_VALID),
	FIELD(struct shmdev_acl, reserved[0], F_RESERVED, 0),
};

/* EACCES: a region fd bound without ADMIN. */
static const int set_acl_errnos[] = { EFAULT, EINVAL, EACCES, ENOMEM, 0 };

static const struct field set_perm_fields[] = {
	FIELD(struct shmdev_perm, flags, F_FLAGS, SHMDEV_PERM_FLAGS_VALID),
	FIELD(struct shmdev_perm, mode, F_FLAGS, SHMDEV_MODE_VALID),
	FIELD(struct shmdev_perm, uid, F_INT, 0),
	FIELD(struct shmdev_perm, gid, F_INT, 0),
	FIELD(struct shmdev_perm, reserved[1], F_RESERVED, 0),
};

/*
 * Root binds with CAP_IPC_OWNER and CAP_SYS_ADMIN, so EPERM is a bug;
 * EACCES: a region fd bound without ADMIN.
 */
static const int set_perm_errnos[] = { EFAULT, EINVAL, EACCES, ENOMEM, 0 };

static const struct field sem_wait_fields[] = {
	FIELD(struct shmdev_sem_wait, index, F_INT, 0),
	FIELD(struct shmdev_sem_wait, flags, F_FLAGS, SHMDEV_SEM_WAIT_FLAGS_VALID),
	FIELD(struct shmdev_sem_wait, timeout, F_TIMEOUT, 0),
	FIELD(struct shmdev_sem_wait, reserved[0], F_RESERVED, 0),
};

static const int sem_wait_errnos[] = { EFAULT, EINVAL, EACCES, EAGAIN,
				       ETIMEDOUT, EIDRM, ENOMEM, 0 };

static const struct field sem_post_fields[] = {
	FIELD(struct shmdev_sem_post, index, F_INT, 0),
	FIELD(struct shmdev_sem_post, flags, F_FLAGS, SHMDEV_SEM_POST_FLAGS_VALID),
	FIELD(struct shmdev_sem_post, count, F_INT, 0),
	FIELD(struct shmdev_sem_post, pad, F_RESERVED, 0),
	FIELD(struct shmdev_sem_post, reserved[1], F_RESERVED, 0),
};

static const int sem_post_errnos[] = { EFAULT, EINVAL, EACCES, EIDRM,
				       EOVERFLOW, ENOMEM, 0 };

static const struct field sem_get_fields[] = {
	FIELD(struct shmdev_sem_get, index, F_INT, 0),
	FIELD(struct shmdev_sem_get, flags, F_FLAGS, SHMDEV_SEM_GET_FLAGS_VALID),
	FIELD(struct shmdev_sem_get, value, F_OUT, 0),
	FIELD(struct shmdev_sem_get, waiters, F_OUT, 0),
	FIELD(struct shmdev_sem_get, status, F_OUT, 0),
	FIELD(struct shmdev_sem_get, pad, F_OUT, 0),
	FIELD(struct shmdev_sem_get, reserved[0], F_RESERVED, 0),
};

static const int sem_get_errnos[] = { EFAULT, EINVAL, EACCES, EIDRM, 0 };

static bool sem_get_check(const void *arg)
{
	const struct shmdev_sem_get *g = arg;

	return g->value <= SHMDEV_SEM_VALUE_MAX && !g->pad &&
	       !(g->status & ~SHMDEV_SEM_UNDONE) &&
	       (!g->waiters || !g->value);
}

static const struct field sem_set_fields[] = {
	FIELD(struct shmdev_sem_set, index, F_INT, 0),
	FIELD(struct shmdev_sem_set, flags, F_FLAGS, SHMDEV_SEM_SET_FLAGS_VALID),
	FIELD(struct shmdev_sem_set, value, F_INT, 0),
	FIELD(struct shmdev_sem_set, pad, F_RESERVED, 0),
	FIELD(struct shmdev_sem_set, reserved[1], F_RESERVED, 0),
};

static const int sem_set_errnos[] = { EFAULT, EINVAL, EACCES, EIDRM, 0 };

static const struct field sem_fd_fields[] = {
	FIELD(struct shmdev_sem_fd, index, F_INT, 0),
	FIELD(struct shmdev_sem_fd, flags, F_FLAGS, SHMDEV_SEM_FD_FLAGS_VALID),
	FIELD(struct shmdev_sem_fd, reserved[1], F_RESERVED, 0),
};

/* EMFILE: the fuzzer's own descriptors may run out. */
static const int sem_fd_errnos[] = { EFAULT, EINVAL, EACCES, EMFILE, ENOMEM,
				     0 };

static bool no_check(const void *arg)
{
	return true;
}

#define DESC(n, c, type, f, e, chk) \
	{ n, c, sizeof(type), f, sizeof(f) / sizeof(f[0]), e, chk }

static const struct ioctl_desc descs[] = {
	DESC("VERSION", SHMDEV_IOC_VERSION, struct shmdev_version,
	     version_fields, version_errnos, version_check),
	DESC("CREATE", SHMDEV_IOC_CREATE, struct shmdev_create,
	     create_fields, create_errnos, no_check),
	DESC("OPEN", SHMDEV_IOC_OPEN, struct shmdev_open,
	     open_fields, open_errnos, no_check),
	DESC("UNLINK", SHMDEV_IOC_UNLINK, struct shmdev_unlink,
	     unlink_fields, unlink_errnos, no_check),
	DESC("STAT", SHMDEV_IOC_STAT, struct shmdev_stat,
	     stat_fields, stat_errnos, stat_check),
	DESC("LIST", SHMDEV_IOC_LIST, struct shmdev_list,
	     list_fields, list_errnos, list_check),
	DESC("GET_ACL", SHMDEV_IOC_GET_ACL, struct shmdev_acl,
	     get_acl_fields, get_acl_errnos, get_acl_check),
	DESC("SET_ACL", SHMDEV_IOC_SET_ACL, struct shmdev_acl,
	     set_acl_fields, set_acl_errnos, no_check),
	DESC("SET_PERM", SHMDEV_IOC_SET_PERM, struct shmdev_perm,
	     set_perm_fields, set_perm_errnos, no_check),
	DESC("SEM_WAIT", SHMDEV_IOC_SEM_WAIT, struct shmdev_sem_wait,
	     sem_wait_fields, sem_wait_errnos, no_check),
	DESC("SEM_POST", SHMDEV_IOC_SEM_POST, struct shmdev_sem_post,
	     sem_post_fields, sem_post_errnos, no_check),
	DESC("SEM_GET", SHMDEV_IOC_SEM_GET, struct shmdev_sem_get,
	     sem_get_fields, sem_get_errnos, sem_get_check),
	DESC("SEM_SET", SHMDEV_IOC_SEM_SET, struct shmdev_sem_set,
	     sem_set_fields, sem_set_errnos, no_check),
	DESC("SEM_FD", SHMDEV_IOC_SEM_FD, struct shmdev_sem_fd,
	     sem_fd_fields, sem_fd_errnos, no_check),
};

#define NDESCS (sizeof(descs) / sizeof(descs[0]))

/*
 * mmap: ENODEV (the control device), ENXIO (outside the region), EINVAL
 * (MAP_PRIVATE), EACCES (no right, or a writable shared mapping of a
 * region fd opened without WRITE), or the VFS's own checks: EOVERFLOW when
 * offset + length wraps, ENOMEM for lengths it cannot place, EINVAL for 0.
 */
static const int mmap_errnos[] = { ENODEV, ENXIO, EINVAL, EACCES, ENOMEM,
				    EOVERFLOW, 0 };

/* --- random source (xorshift64*, reproducible from the seed) ---------- */

static __u64 rng_state;

static __u64 rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

static unsigned int pick(unsigned int n)
{
	return rnd() % n;
}

static bool chance(unsigned int percent)
{
	return pick(100) < percent;
}

static __u64 edge_value(void)
{
	static const __u64 edges[] = {
		0, 1, 2, 3, 64, 65, 4095, 4096, 4097, 65536, 0x7fffffff, 0x80000000,
		0xffffffff, 0x100000000ull, 1ull << 63, -4096ull, -1ull,
	};

	return chance(80) ? edges[pick(sizeof(edges) / sizeof(edges[0]))]
			  : rnd();
}

/* --- argument memory ---------------------------------------------------- */

static long page;
static char *good;	/* two read-write pages */
static char *ro;	/* one read-only page, zero-filled */
static char *hole;	/* a PROT_NONE page: any access faults */
static char *edge;	/* a read-write page followed by a PROT_NONE page */
static char *names;	/* one page of names, see setup_memory() */
static char *big;	/* room for a full LIST batch */

/* Offsets of the names in @names. */
enum { N_SHARED = 0, N_EMPTY = 512, N_255 = 1024, N_SLASH = 1536,
       N_CTRL = 1792, N_256 = 2048 };

/* A pointer to a name: mostly one of the shared names, sometimes an edge. */
static __u64 name_pointer(void)
{
	static const int edges[] = { N_EMPTY, N_255, N_SLASH, N_CTRL, N_256 };
	unsigned int r = pick(100);

	if (r < 75)
		return (__u64)(unsigned long)(names + 8 * pick(FUZZ_NAMES));
	if (r < 90)
		return (__u64)(unsigned long)(names + edges[pick(5)]);
	switch (pick(4)) {
	case 0:
		return 0;
	case 1:
		return (__u64)(unsigned long)hole;
	case 2:	/* runs into the guard page with no NUL */
		return (__u64)(unsigned long)(edge + page - 4);
	default:
		return 0xffffffff81000000ull;
	}
}

static __u64 buf_pointer(void)
{
	switch (pick(6)) {
	case 0:
		return 0;
	case 1:
		return (__u64)(unsigned long)hole;
	case 2:
		return (__u64)(unsigned long)ro;
	case 3:
		return (__u64)(unsigned long)(edge + page - 300);
	default:
		return (__u64)(unsigned long)big;
	}
}

/*
 * ACL entries in @big: small ids so that duplicates happen, mostly valid
 * tags and rights, sometimes a stray bit; or a bad pointer.
 */
static __u64 acl_pointer(void)
{
	struct shmdev_acl_entry *e = (struct shmdev_acl_entry *)big;

	if (chance(20))
		return buf_pointer();
	for (unsigned int i = 0; i < SHMDEV_ACL_MAX + 1; i++) {
		e[i].tag = chance(95) ? 1 + pick(2) : pick(4);
		e[i].id = chance(90) ? pick(40) : (__u32)edge_value();
		e[i].rights = chance(95) ? pick(16) : (__u32)rnd();
		e[i].reserved = chance(98) ? 0 : 1;
	}
	return (__u64)(unsigned long)e;
}

/*
 * A SEM_WAIT deadline that never blocks a worker for long: the epoch, a
 * past instant, or up to 2 ms ahead on CLOCK_MONOTONIC (which, read as
 * CLOCK_REALTIME, is long past).
 */
static __u64 timeout_value(void)
{
	struct timespec ts;
	__u64 now;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	now = (__u64)ts.tv_sec * 1000000000ull + ts.tv_nsec;
	switch (pick(4)) {
	case 0:
		return 0;
	case 1:
		return now - pick(1000000);
	default:
		return now + pick(2000000);
	}
}

static void put_field(char *buf, const struct field *f, __u64 v)
{
	memcpy(buf + f->off, &v, f->size); /* little endian */
}

static void fill_arg(char *buf, const struct ioctl_desc *d)
{
	memset(buf, 0, d->size);
	for (unsigned int i = 0; i < d->nfields; i++) {
		const struct field *f = &d->fields[i];
		__u64 v = 0;

		switch (f->kind) {
		case F_FLAGS:
			v = rnd() & f->valid;
			if (chance(20))
				v |= 1ull << pick(f->size * 8);
			break;
		case F_RESERVED:
			if (chance(10))
				v = edge_value();
			break;
		case F_INT:
			v = edge_value();
			break;
		case F_OUT:
			v = rnd();
			break;
		case F_NAME:
			v = name_pointer();
			break;
		case F_BUF:
			v = buf_pointer();
			break;
		case F_ACL:
			v = acl_pointer();
			break;
		case F_TIMEOUT:
			v = timeout_value();
			break;
		}
		put_field(buf, f, v);
	}
}

/*
 * A pointer for an argument of @size bytes, whether it is all usable, and
 * whether it can at least be read (the read-only page of zeros).
 */
static void *arg_pointer(unsigned int size, bool *usable, bool *readable)
{
	*usable = false;
	*readable = false;
	switch (pick(8)) {
	case 0:
		return NULL;
	case 1:
		return hole;
	case 2:
		*readable = true;
		return ro;
	case 3:
		return edge + page - size / 2;
	case 4:
		return (void *)0xffffffff81000000ul;
	default:
		*usable = true;
		*readable = true;
		return good + pick(page);
	}
}

/* --- state of one worker ------------------------------------------------ */

struct mapping {
	void *addr;
	size_t len;
	bool sems;	/* of a semaphore area */
};

static int fds[MAX_FDS];
static struct mapping maps[MAX_MAPS];
static unsigned long calls_done;

static int random_fd(void)
{
	/*
	 * Mostly live control devices and region fds; sometimes a closed
	 * slot or a bogus number.
	 */
	if (chance(3))
		return chance(50) ? -1 : 1000;
	return fds[pick(MAX_FDS)];
}

/* Keep a new region fd in a random slot, closing what was there. */
static void keep_fd(int fd)
{
	int slot = pick(MAX_FDS);

	if (fds[slot] >= 0)
		close(fds[slot]);
	fds[slot] = fd;
}

/* EBADF: no such fd; ENOTTY: a command for the other kind of fd. */
static bool errno_allowed(const int *list, int err)
{
	if (err == EBADF || err == ENOTTY)
		return true;
	for (; *list; list++)
		if (*list == err)
			return true;
	return false;
}

static bool fail(const char *what, long ret, int err)
{
	ksft_print_msg("fuzz: pid %d call %lu: %s returned %ld errno %d\n",
		       getpid(), calls_done, what, ret, err);
	return false;
}

static bool do_described_ioctl(void)
{
	const struct ioctl_desc *d = &descs[pick(NDESCS)];
	char arg[ARG_MAX_SIZE];
	bool usable, readable;
	char *p = arg_pointer(d->size, &usable, &readable);
	int fd = random_fd();
	long ret;

	if (usable) {
		fill_arg(arg, d);
		memcpy(p, arg, d->size);
	}
	ret = ioctl(fd, d->cmd, p);
	if (ret < 0 && !errno_allowed(d->errnos, errno))
		return fail(d->name, ret, errno);
	/* All zeros is valid input for some ioctls that only read it. */
	if (ret >= 0 && !usable &&
	    !(readable && _IOC_DIR(d->cmd) == _IOC_WRITE))
		return fail(d->name, ret, 0);
	if (ret >= 0 && usable && !d->check(p))
		return fail(d->name, ret, 0);
	/*
	 * CREATE and OPEN return a region fd, which later calls use; SEM_FD
	 * a semaphore fd, on which they fail with ENOTTY.
	 */
	if (ret > 0 && (d->cmd == SHMDEV_IOC_CREATE ||
			d->cmd == SHMDEV_IOC_OPEN || d->cmd == SHMDEV_IOC_SEM_FD))
		keep_fd(ret);
	return true;
}

static bool do_random_ioctl(void)
{
	bool ours = chance(80);
	unsigned long cmd = _IOC(pick(4), ours ? SHMDEV_IOC_MAGIC : pick(256),
				 pick(256), pick(ARG_MAX_SIZE));
	bool usable, readable;
	long ret;

	for (unsigned int i = 0; i < NDESCS; i++)
		if (descs[i].cmd == cmd)
			return true;
	ret = ioctl(random_fd(), cmd,
		    arg_pointer(_IOC_SIZE(cmd), &usable, &readable));
	/* Other magics may name the VFS's own ioctls (FIOCLEX, FIONBIO...). */
	if (!ours)
		return true;
	if (ret >= 0 || (errno != ENOTTY && errno != EBADF))
		return fail("undescribed ioctl", ret, errno);
	return true;
}

static bool do_open_close(void)
{
	int slot = pick(MAX_FDS);

	if (fds[slot] >= 0) {
		if (close(fds[slot]))
			return fail("close", -1, errno);
		fds[slot] = -1;
	} else if (chance(50)) {
		fds[slot] = shmdev_open_dev();
		if (fds[slot] < 0)
			return fail("open", -1, errno);
	} else {
		int src = fds[pick(MAX_FDS)];

		fds[slot] = src >= 0 ? dup(src) : -1;
	}
	return true;
}

static bool do_mmap(void)
{
	static const int prots[] = { PROT_READ, PROT_READ | PROT_WRITE,
				     PROT_WRITE, PROT_NONE, PROT_EXEC };
	struct mapping *m = &maps[pick(MAX_MAPS)];
	size_t len = chance(50) ? page * (1 + pick(16)) : edge_value();
	int flags = chance(80) ? MAP_SHARED : MAP_PRIVATE;
	void *addr;

	if (m->addr)
		return true;
	off_t off = chance(60) ? 0 : edge_value() & ~(page - 1);

	if (chance(25))
		off = SHMDEV_SEM_MMAP_OFFSET + page * pick(3);
	addr = mmap(NULL, len, prots[pick(5)], flags, random_fd(), off);
	if (addr == MAP_FAILED) {
		if (!errno_allowed(mmap_errnos, errno))
			return fail("mmap", -1, errno);
		return true;
	}
	m->addr = addr;
	m->len = len;
	m->sems = off >= (off_t)SHMDEV_SEM_MMAP_OFFSET;
	return true;
}

static sigjmp_buf scribble_jmp;

static void scribble_fault(int sig)
{
	siglongjmp(scribble_jmp, 1);
}

/*
 * Write random states into a mapped semaphore area, as a hostile SYNC
 * holder may: the kernel must not mind. A revoked or read-only mapping
 * faults, which ends the scribbling.
 */
static bool do_scribble(void)
{
	struct sigaction sa = { .sa_handler = scribble_fault }, bus, segv;
	struct mapping *m = &maps[pick(MAX_MAPS)];
	unsigned int words;

	if (!m->addr || !m->sems)
		return true;
	/* The mapping covers whole pages, however short a length it got. */
	words = (m->len + page - 1) / page * page / sizeof(__u32);
	sigaction(SIGBUS, &sa, &bus);
	sigaction(SIGSEGV, &sa, &segv);
	if (!sigsetjmp(scribble_jmp, 1))
		for (int i = 0; i < 8; i++)
			((volatile __u32 *)m->addr)[pick(words)] =
				chance(50) ? (__u32)rnd() : (__u32)edge_value();
	sigaction(SIGBUS, &bus, NULL);
	sigaction(SIGSEGV, &segv, NULL);
	return true;
}

static bool do_munmap_mprotect(void)
{
	struct mapping *m = &maps[pick(MAX_MAPS)];

	if (!m->addr)
		return true;
	if (chance(50)) {
		mprotect(m->addr, m->len, chance(50) ? PROT_READ :
			 PROT_READ | PROT_WRITE);
		return true;
	}
	if (munmap(m->addr, m->len))
		return fail("munmap", -1, errno);
	m->addr = NULL;
	return true;
}

static bool run_calls(unsigned long n);

static bool do_fork(void)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return fail("fork", -1, errno);
	if (pid == 0) {
		rng_state ^= (__u64)getpid() << 32;
		_exit(run_calls(50) ? 0 : 1);
	}
	if (waitpid(pid, &status, 0) != pid)
		return fail("waitpid", -1, errno);
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		return fail("forked child", status, 0);
	return true;
}

/* When the workers stop early, on CLOCK_MONOTONIC; 0: never. */
static struct timespec deadline;

static bool past_deadline(void)
{
	struct timespec now;

	if (!deadline.tv_sec)
		return false;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec > deadline.tv_sec ||
	       (now.tv_sec == deadline.tv_sec &&
		now.tv_nsec >= deadline.tv_nsec);
}

static bool run_calls(unsigned long n)
{
	for (unsigned long i = 0; i < n; i++, calls_done++) {
		unsigned int r = pick(100);
		bool ok;

		if (!(i % 64) && past_deadline())
			break;
		if (r < 55)
			ok = do_described_ioctl();
		else if (r < 70)
			ok = do_random_ioctl();
		else if (r < 85)
			ok = do_open_close();
		else if (r < 90)
			ok = do_mmap();
		else if (r < 95)
			ok = do_munmap_mprotect();
		else if (r < 99)
			ok = do_scribble();
		else
			ok = do_fork();
		if (!ok)
			return false;
	}
	return true;
}

static void setup_memory(void)
{
	page = sysconf(_SC_PAGESIZE);
	good = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ro = mmap(NULL, page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	/* Guard pages stay reserved, so no later mmap can make them usable. */
	hole = mmap(NULL, page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	edge = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	mprotect(edge + page, page, PROT_NONE);
	memset(edge + page - 4, 'n', 4);
	big = mmap(NULL, 5 * page, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	names = mmap(NULL, page, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	for (int i = 0; i < FUZZ_NAMES; i++)
		snprintf(names + N_SHARED + 8 * i, 8, "fz-%d", i);
	memset(names + N_255, 'x', 255);
	strcpy(names + N_SLASH, "fz/0");
	strcpy(names + N_CTRL, "fz\x01");
	memset(names + N_256, 'y', 256);	/* no NUL in the first 256 */
	mprotect(names, page, PROT_READ);
}

/* Unlink the shared names; the workers may have left any of them. */
/*
 * Call @fn on every region, in id order; false if LIST failed. Names can
 * come from anywhere the fuzzer points CREATE at, including bytes the
 * kernel wrote as another call's output (a LIST entry's size of 65 reads
 * as the name "A"), so cleanup goes by id, not by name.
 */
static bool for_each_region(void (*fn)(const struct shmdev_list_entry *, void *),
			    void *data)
{
	static struct shmdev_list_entry e[SHMDEV_LIST_BATCH_MAX];
	struct shmdev_list l = { .entries = uptr(e) };
	int fd = shmdev_open_dev();
	bool ok = fd >= 0;

	while (ok) {
		l.count = SHMDEV_LIST_BATCH_MAX;
		if (ioctl(fd, SHMDEV_IOC_LIST, &l)) {
			ok = false;
			break;
		}
		if (!l.count)
			break;
		for (__u32 i = 0; i < l.count; i++)
			fn(&e[i], data);
	}
	if (fd >= 0)
		close(fd);
	return ok;
}

static void note_max_id(const struct shmdev_list_entry *e, void *data)
{
	__u64 *max = data;

	if (e->id > *max)
		*max = e->id;
}

static void unlink_if_newer(const struct shmdev_list_entry *e, void *data)
{
	if (e->id > *(__u64 *)data && !(e->state & SHMDEV_STATE_UNLINKED))
		region_unlink(e->name);
}

static unsigned long env_ulong(const char *name, unsigned long def)
{
	const char *s = getenv(name);

	return s && *s ? strtoul(s, NULL, 0) : def;
}

/* The debug lane's million calls take minutes under KASAN and TCG. */
FIXTURE(fuzz) {};
FIXTURE_SETUP(fuzz) {}
FIXTURE_TEARDOWN(fuzz) {}

TEST_F_TIMEOUT(fuzz, random_sequences_fail_cleanly, 3600)
{
	unsigned long calls = env_ulong("SHMDEV_FUZZ_CALLS", 20000);
	unsigned long seconds = env_ulong("SHMDEV_FUZZ_SECONDS", 0);
	unsigned long min_calls = env_ulong("SHMDEV_FUZZ_MIN_CALLS", 0);
	unsigned long made = 0, *worker_calls;
	struct timespec t0, t1;
	__u64 seed = env_ulong("SHMDEV_FUZZ_SEED", 0);
	long base = debug_stat("handles");
	long regions = debug_stat("regions");
	long maps = debug_stat("mappings");
	pid_t pids[WORKERS];
	__u64 last_id = 0;

	if (!seed)
		seed = (__u64)time(NULL) ^ ((__u64)getpid() << 20);
	ksft_print_msg("fuzz: seed=%llu calls=%lu workers=%d (replay with SHMDEV_FUZZ_SEED=%llu)\n",
		       (unsigned long long)seed, calls, WORKERS,
		       (unsigned long long)seed);
	ASSERT_LE(0, base);
	/* Ids only grow: everything above this one is the fuzzer's. */
	ASSERT_TRUE(for_each_region(note_max_id, &last_id));
	setup_memory();
	ASSERT_NE(MAP_FAILED, good);
	ASSERT_NE(MAP_FAILED, ro);
	ASSERT_NE(MAP_FAILED, hole);
	ASSERT_NE(MAP_FAILED, edge);
	ASSERT_NE(MAP_FAILED, big);
	ASSERT_NE(MAP_FAILED, names);

	/* Each worker says here how many calls it made. */
	worker_calls = mmap(NULL, WORKERS * sizeof(*worker_calls),
			    PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
			    -1, 0);
	ASSERT_NE(MAP_FAILED, worker_calls);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (seconds) {
		deadline = t0;
		deadline.tv_sec += seconds;
	}
	for (int w = 0; w < WORKERS; w++) {
		pids[w] = fork();
		ASSERT_LE(0, pids[w]);
		if (pids[w] == 0) {
			rng_state = seed * (w + 1) | 1;
			for (int i = 0; i < MAX_FDS; i++)
				fds[i] = i < MAX_FDS / 2 ? shmdev_open_dev() : -1;
			bool ok = run_calls(calls / WORKERS);

			worker_calls[w] = calls_done;
			_exit(ok ? 0 : 1);
		}
	}
	for (int w = 0; w < WORKERS; w++) {
		int status = -1;

		ASSERT_EQ(pids[w], waitpid(pids[w], &status, 0));
		EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
			TH_LOG("worker %d failed (status 0x%x)", w, status);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	for (int w = 0; w < WORKERS; w++)
		made += worker_calls[w];
	ksft_print_msg("fuzz: %lu of %lu calls in %.1f s%s\n", made, calls,
		       t1.tv_sec - t0.tv_sec + (t1.tv_nsec - t0.tv_nsec) / 1e9,
		       made < calls / WORKERS * WORKERS ? " (time budget)" : "");
	/* Stopped by the clock: too few calls is a failure, not a pass. */
	EXPECT_LE(min_calls ? min_calls : calls / WORKERS * WORKERS, made);
	ASSERT_TRUE(for_each_region(unlink_if_newer, &last_id));
	EXPECT_EQ(base, debug_stat("handles"));
	EXPECT_EQ(regions, debug_stat("regions"));
	EXPECT_EQ(maps, debug_stat("mappings"));
}

TEST_HARNESS_MAIN
