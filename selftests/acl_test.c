// SPDX-License-Identifier: GPL-2.0
/*
 * Access control: the rights matrix, GET_ACL/SET_ACL, SET_PERM and its
 * System V rules, CAP_IPC_OWNER, user namespaces, fd delegation and live
 * revocation. Principals are played by children that drop to
 * unprivileged ids with setgroups/setresgid/setresuid.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <linux/capability.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "shmdev_test.h"

#define R	SHMDEV_ACCESS_READ
#define W	SHMDEV_ACCESS_WRITE
#define X	SHMDEV_ACCESS_SYNC
#define A	SHMDEV_ACCESS_ADMIN

#define UID		2001	/* the principal under test */
#define GID		2001
#define UID2		2002	/* a second, unrelated user */
#define NAMED_GID	3001	/* a group named in an ACL entry */
#define SUPP_GID	3002	/* the same, held as a supplementary group */

#define USER_ACE(i, r)	{ .tag = SHMDEV_ACL_USER, .id = (i), .rights = (r) }
#define GROUP_ACE(i, r)	{ .tag = SHMDEV_ACL_GROUP, .id = (i), .rights = (r) }

/* Wait for one byte on @fd; false on EOF or error. */
static bool wait_byte(int fd)
{
	char c;

	return read(fd, &c, 1) == 1;
}

/* 0 for success, 1 for EACCES or EPERM, 100 + errno for anything else. */
static int code(int ret)
{
	if (!ret)
		return 0;
	if (ret == -EACCES || ret == -EPERM)
		return 1;
	return 100 + (-ret & 0x7f);
}

/* ---- the matrix ---------------------------------------------------------- */

enum kind { OWNER, NAMED_USER, OWNING_GROUP, NAMED_GROUP, SUPP_GROUP, OTHER };

enum op { OPEN_R, OPEN_RW, MMAP_R, MMAP_W, MPROTECT_W, SEM, STAT, GET_ACL,
	  UNLINK, SET_ACL, SET_PERM };

/* What each cell grants the principal: none, each right, pairs, all. */
static const __u32 grants[] = { 0, R, W, R | W, X, A, R | W | X | A };

/* The rights the principal ends up with, by the documented rules. */
static __u32 effective(enum kind k, __u32 grant)
{
	switch (k) {
	case OWNER:
		return (grant & (R | W | X)) | A;
	case OWNING_GROUP:
	case OTHER:
		return grant & (R | W | X);
	default:
		return grant;
	}
}

static bool expected_allowed(enum kind k, __u32 eff, enum op op)
{
	switch (op) {
	case OPEN_R:
	case MMAP_R:
	case STAT:
		return eff & R;
	case OPEN_RW:
	case MMAP_W:
	case MPROTECT_W:
		return (eff & (R | W)) == (R | W);
	case SEM:
		return eff & X;
	case GET_ACL:
		return eff & (R | A);
	case UNLINK:
	case SET_ACL:
		return eff & A;
	case SET_PERM:
		return k == OWNER;	/* the IPC_SET rule, not a right */
	}
	return false;
}

static __u32 rwx_bits(__u32 rights)
{
	return (rights & R ? 4 : 0) | (rights & W ? 2 : 0) | (rights & X ? 1 : 0);
}

/* A root-owned region where principal kind @k holds @grant; the fd. */
static int matrix_region(const char *name, enum kind k, __u32 grant)
{
	struct shmdev_acl_entry e = { .rights = grant };
	int fd = sem_region(name, 1);
	int ret;

	if (fd < 0)
		return fd;
	ret = perm_set(fd, SHMDEV_PERM_MODE, 0, 0, 0);
	switch (ret ? -1 : (int)k) {
	case OWNER:
		ret = perm_set(fd, SHMDEV_PERM_MODE | SHMDEV_PERM_UID,
			       rwx_bits(grant) << 6, UID, 0);
		break;
	case NAMED_USER:
		e.tag = SHMDEV_ACL_USER;
		e.id = UID;
		ret = acl_set(fd, &e, 1);
		break;
	case OWNING_GROUP:
		ret = perm_set(fd, SHMDEV_PERM_MODE | SHMDEV_PERM_GID,
			       rwx_bits(grant) << 3, 0, GID);
		break;
	case NAMED_GROUP:
	case SUPP_GROUP:
		e.tag = SHMDEV_ACL_GROUP;
		e.id = k == NAMED_GROUP ? NAMED_GID : SUPP_GID;
		ret = acl_set(fd, &e, 1);
		break;
	case OTHER:
		ret = perm_set(fd, SHMDEV_PERM_MODE, rwx_bits(grant), 0, 0);
		break;
	default:
		break;
	}
	if (ret) {
		close(fd);
		return ret;
	}
	return fd;
}

struct cell {
	const char *name;
	enum kind kind;
	__u32 eff;
	enum op op;
};

/* Become the principal of @c's kind. */
static int become(enum kind k)
{
	static const gid_t supp[] = { SUPP_GID };

	return drop_to(UID, k == NAMED_GROUP ? NAMED_GID : GID, supp,
		       k == SUPP_GROUP ? 1 : 0);
}

/* The operation on a handle bound with every right the principal has. */
static int cell_on_handle(const struct cell *c, int fd)
{
	struct shmdev_acl_entry e[2];
	struct shmdev_stat st;
	char *p;

	switch (c->op) {
	case MMAP_R:
		p = map(fd, 4096, PROT_READ, 0);
		return p == MAP_FAILED ? code(-errno) : (p[0] ? 3 : 0);
	case MMAP_W:
		p = map(fd, 4096, PROT_READ | PROT_WRITE, 0);
		if (p == MAP_FAILED)
			return code(-errno);
		p[0] = 1;
		return 0;
	case MPROTECT_W:
		p = map(fd, 4096, PROT_READ, 0);
		if (p == MAP_FAILED)
			return code(-errno);
		if (mprotect(p, 4096, PROT_READ | PROT_WRITE))
			return code(-errno);
		p[0] = 1;
		return 0;
	case SEM:
		return code(sem_post_on(fd, 0, 0, 1));
	case STAT:
		return code(region_stat(fd, NULL, &st));
	case GET_ACL:
		return code(acl_get(fd, e, 2) < 0 ? acl_get(fd, e, 2) : 0);
	case SET_ACL:
		return code(acl_set(fd, NULL, 0));
	case SET_PERM:
		return code(perm_set(fd, SHMDEV_PERM_MODE, 0, 0, 0));
	default:
		return 4;
	}
}

static int cell_child(void *arg)
{
	const struct cell *c = arg;
	int fd;

	if (become(c->kind))
		return 10;
	switch (c->op) {
	case OPEN_R:
		fd = region_open(c->name, R);
		return code(fd < 0 ? fd : 0);
	case OPEN_RW:
		fd = region_open(c->name, R | W);
		return code(fd < 0 ? fd : 0);
	case UNLINK:
		return code(region_unlink(c->name));
	default:
		break;
	}
	/* No right at all: binding is refused, so is the operation. */
	fd = region_open(c->name, c->eff ? c->eff : R);
	if (fd < 0)
		return c->eff ? 2 : code(fd);
	return cell_on_handle(c, fd);
}

static const char *const kind_names[] = {
	"owner", "named user", "owning group", "named group",
	"supplementary group", "other",
};

/* Run @op for every grant under principal kind @k; the cells tested. */
static int run_cells(struct __test_metadata *_metadata, enum kind k,
		     enum op op)
{
	int cells = 0;

	for (size_t i = 0; i < sizeof(grants) / sizeof(grants[0]); i++) {
		struct cell c = {
			.name = NAME("m"), .kind = k,
			.eff = effective(k, grants[i]), .op = op,
		};
		int fd = matrix_region(c.name, k, grants[i]);
		int want = expected_allowed(k, c.eff, op) ? 0 : 1;

		ASSERT_LE(0, fd);
		EXPECT_EQ(want, in_child(cell_child, &c))
			TH_LOG("%s granted %#x", kind_names[k], grants[i]);
		region_unlink(c.name);
		close(fd);
		cells++;
	}
	return cells;
}

FIXTURE(matrix) {};
FIXTURE_VARIANT(matrix) {
	enum kind kind;
};
FIXTURE_VARIANT_ADD(matrix, owner) { .kind = OWNER };
FIXTURE_VARIANT_ADD(matrix, named_user) { .kind = NAMED_USER };
FIXTURE_VARIANT_ADD(matrix, owning_group) { .kind = OWNING_GROUP };
FIXTURE_VARIANT_ADD(matrix, named_group) { .kind = NAMED_GROUP };
FIXTURE_VARIANT_ADD(matrix, supplementary_group) { .kind = SUPP_GROUP };
FIXTURE_VARIANT_ADD(matrix, other) { .kind = OTHER };
FIXTURE_SETUP(matrix) {}
FIXTURE_TEARDOWN(matrix) {}

#define MATRIX_TEST(test, op) \
	TEST_F(matrix, test) \
	{ \
		EXPECT_EQ(7, run_cells(_metadata, variant->kind, op)); \
	}

MATRIX_TEST(open_read, OPEN_R)
MATRIX_TEST(open_read_write, OPEN_RW)
MATRIX_TEST(mmap_read, MMAP_R)
MATRIX_TEST(mmap_write, MMAP_W)
MATRIX_TEST(mprotect_upgrade, MPROTECT_W)
MATRIX_TEST(sem_post, SEM)
MATRIX_TEST(stat, STAT)
MATRIX_TEST(get_acl, GET_ACL)
MATRIX_TEST(unlink, UNLINK)
MATRIX_TEST(set_acl, SET_ACL)
MATRIX_TEST(set_perm, SET_PERM)

/* ---- evaluation order ------------------------------------------------------ */

/* A principal for the tests below, and what it works on. */
struct who {
	uid_t uid;
	gid_t gid;
	const char *name;
	__u32 access;
	int fd;
};

/* A name and two pipes, for a child that waits for the parent's step. */
struct handshake {
	const char *name;
	int ready[2];		/* child -> parent */
	int done[2];		/* parent -> child */
};

/* OPEN @w->name with @w->access as @w->uid/@w->gid: code(). */
static int open_as(void *arg)
{
	const struct who *w = arg;
	int fd;

	if (drop_to(w->uid, w->gid, NULL, 0))
		return 10;
	fd = region_open(w->name, w->access);
	return code(fd < 0 ? fd : 0);
}

TEST(named_user_entry_overrides_group_and_other)
{
	const char *name = NAME("o");
	struct shmdev_acl_entry e[] = { USER_ACE(UID, 0), GROUP_ACE(GID, RW) };
	struct who u1 = { UID, GID, name, R, -1 };
	struct who u2 = { UID2, GID, name, R | W, -1 };
	int fd = region_new(name, 4096, 0606, 0);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, acl_set(fd, e, 2));
	/* An entry of no rights denies UID what group and other grant... */
	EXPECT_EQ(1, in_child(open_as, &u1));
	/* ...while UID2 falls through to the named group. */
	EXPECT_EQ(0, in_child(open_as, &u2));
	EXPECT_EQ(0, region_unlink(name));
	close(fd);
}

TEST(group_entries_add_up_and_replace_other)
{
	const char *name = NAME("g");
	struct shmdev_acl_entry e[] = { GROUP_ACE(GID, W) };
	struct who rw = { UID, GID, name, R | W, -1 };
	struct who o = { UID, 4000, name, R, -1 };
	int fd = region_new(name, 4096, 0047, 0);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, perm_set(fd, SHMDEV_PERM_GID, 0, 0, GID));
	ASSERT_EQ(0, acl_set(fd, e, 1));
	/* owning group r-- plus named group w: rw */
	EXPECT_EQ(0, in_child(open_as, &rw));
	/* outside both groups: other's rwx */
	EXPECT_EQ(0, in_child(open_as, &o));
	/* in a group that grants no read: other's r is not consulted */
	ASSERT_EQ(0, perm_set(fd, SHMDEV_PERM_MODE, 0007, 0, 0));
	EXPECT_EQ(1, in_child(open_as, &rw));
	EXPECT_EQ(0, region_unlink(name));
	close(fd);
}

/* ---- SET_ACL and GET_ACL ---------------------------------------------------- */

TEST(acl_structs_have_fixed_layout)
{
	EXPECT_EQ(16, sizeof(struct shmdev_acl_entry));
	EXPECT_EQ(32, sizeof(struct shmdev_acl));
	EXPECT_EQ(32, sizeof(struct shmdev_perm));
	EXPECT_EQ(_IOWR(0xBC, 0x06, struct shmdev_acl), SHMDEV_IOC_GET_ACL);
	EXPECT_EQ(_IOW(0xBC, 0x07, struct shmdev_acl), SHMDEV_IOC_SET_ACL);
	EXPECT_EQ(_IOW(0xBC, 0x08, struct shmdev_perm), SHMDEV_IOC_SET_PERM);
	EXPECT_LE(32, SHMDEV_ACL_MAX);
}

TEST(get_acl_returns_entries_sorted_by_tag_then_id)
{
	struct shmdev_acl_entry set[] = {
		GROUP_ACE(7, X), USER_ACE(9, R), GROUP_ACE(3, A),
		USER_ACE(2, R | W),
	};
	struct shmdev_acl_entry got[6];
	struct shmdev_stat st;
	int fd = region_new(NAME("s"), 4096, 0600, 0);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, acl_set(fd, set, 4));
	ASSERT_EQ(4, acl_get(fd, got, 6));
	EXPECT_EQ(SHMDEV_ACL_USER, got[0].tag);
	EXPECT_EQ(2, got[0].id);
	EXPECT_EQ(R | W, got[0].rights);
	EXPECT_EQ(9, got[1].id);
	EXPECT_EQ(SHMDEV_ACL_GROUP, got[2].tag);
	EXPECT_EQ(3, got[2].id);
	EXPECT_EQ(A, got[2].rights);
	EXPECT_EQ(7, got[3].id);
	EXPECT_EQ(X, got[3].rights);
	for (int i = 0; i < 4; i++)
		EXPECT_EQ(0, got[i].reserved);
	/* Nothing is written past the entries. */
	EXPECT_EQ(SENTINEL_U32, got[4].tag);
	ASSERT_EQ(0, region_stat(fd, NULL, &st));
	EXPECT_EQ(4, st.acl_count);
	EXPECT_EQ(0, region_unlink(NAME("s")));
	close(fd);
}

TEST(get_acl_into_a_small_array_is_erange_with_the_count)
{
	struct shmdev_acl_entry set[] = { USER_ACE(1, R), USER_ACE(2, R),
					  USER_ACE(3, R) };
	struct shmdev_acl_entry got[2];
	struct shmdev_acl a = { .entries = uptr(got), .count = 2 };
	int fd = region_new(NAME("e"), 4096, 0600, 0);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, acl_set(fd, set, 3));
	memset(got, SENTINEL_BYTE, sizeof(got));
	EXPECT_EQ(-1, ioctl(fd, SHMDEV_IOC_GET_ACL, &a));
	EXPECT_EQ(ERANGE, errno);
	EXPECT_EQ(3, a.count);
	EXPECT_EQ(SENTINEL_U32, got[0].tag);
	/* A capacity of 0 asks for the count alone. */
	a.count = 0;
	EXPECT_EQ(-1, ioctl(fd, SHMDEV_IOC_GET_ACL, &a));
	EXPECT_EQ(3, a.count);
	EXPECT_EQ(0, region_unlink(NAME("e")));
	close(fd);
}

TEST(set_acl_of_the_maximum_size_works_and_one_more_is_einval)
{
	struct shmdev_acl_entry e[SHMDEV_ACL_MAX + 1], got[SHMDEV_ACL_MAX];
	int fd = region_new(NAME("x"), 4096, 0600, 0);

	ASSERT_LE(0, fd);
	for (int i = 0; i <= SHMDEV_ACL_MAX; i++) {
		e[i].tag = i % 2 ? SHMDEV_ACL_GROUP : SHMDEV_ACL_USER;
		e[i].id = 5000 + i;
		e[i].rights = R;
		e[i].reserved = 0;
	}
	EXPECT_EQ(-EINVAL, acl_set(fd, e, SHMDEV_ACL_MAX + 1));
	EXPECT_EQ(0, acl_get(fd, got, SHMDEV_ACL_MAX));
	EXPECT_EQ(0, acl_set(fd, e, SHMDEV_ACL_MAX));
	EXPECT_EQ(SHMDEV_ACL_MAX, acl_get(fd, got, SHMDEV_ACL_MAX));
	/* An empty list clears it. */
	EXPECT_EQ(0, acl_set(fd, NULL, 0));
	EXPECT_EQ(0, acl_get(fd, got, SHMDEV_ACL_MAX));
	EXPECT_EQ(0, region_unlink(NAME("x")));
	close(fd);
}

TEST(invalid_acl_is_einval_and_keeps_the_old_acl)
{
	static const struct {
		const char *what;
		struct shmdev_acl_entry e[2];
		__u32 n;
	} bad[] = {
		{ "duplicate user", { USER_ACE(5, R), USER_ACE(5, W) }, 2 },
		{ "duplicate group", { GROUP_ACE(5, R), GROUP_ACE(5, R) }, 2 },
		{ "tag 0", { { .tag = 0, .id = 5, .rights = R } }, 1 },
		{ "tag 3", { { .tag = 3, .id = 5, .rights = R } }, 1 },
		{ "unknown right", { USER_ACE(5, 0x10) }, 1 },
		{ "reserved", { { .tag = SHMDEV_ACL_USER, .id = 5, .rights = R,
				  .reserved = 1 } }, 1 },
		{ "unmapped uid", { USER_ACE(-1, R) }, 1 },
		{ "unmapped gid", { GROUP_ACE(-1, R) }, 1 },
	};
	struct shmdev_acl_entry old[] = { USER_ACE(77, R | X) }, got[4];
	int fd = region_new(NAME("i"), 4096, 0600, 0);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, acl_set(fd, old, 1));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		EXPECT_EQ(-EINVAL, acl_set(fd, bad[i].e, bad[i].n))
			TH_LOG("%s", bad[i].what);
		ASSERT_EQ(1, acl_get(fd, got, 4));
		EXPECT_EQ(77, got[0].id);
		EXPECT_EQ(R | X, got[0].rights);
	}
	EXPECT_EQ(0, region_unlink(NAME("i")));
	close(fd);
}

TEST(acl_bad_flags_or_reserved_are_einval)
{
	struct shmdev_acl a = { 0 };
	int fd = region_new(NAME("f"), 4096, 0600, 0);

	ASSERT_LE(0, fd);
	a.flags = 1;
	EXPECT_EQ(-1, ioctl(fd, SHMDEV_IOC_SET_ACL, &a));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(fd, SHMDEV_IOC_GET_ACL, &a));
	EXPECT_EQ(EINVAL, errno);
	a.flags = 0;
	a.reserved[1] = 1;
	EXPECT_EQ(-1, ioctl(fd, SHMDEV_IOC_SET_ACL, &a));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(fd, SHMDEV_IOC_GET_ACL, &a));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0, region_unlink(NAME("f")));
	close(fd);
}

TEST(acl_with_a_bad_pointer_is_efault_and_keeps_the_old_acl)
{
	struct shmdev_acl_entry old[] = { USER_ACE(77, R) }, got[1];
	struct shmdev_acl a = { .entries = 0, .count = 1 };
	int fd = region_new(NAME("p"), 4096, 0600, 0);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, acl_set(fd, old, 1));
	EXPECT_EQ(-EFAULT, acl_set(fd, NULL, 1));
	EXPECT_EQ(-EFAULT, acl_set(fd, (void *)16, 1));
	EXPECT_EQ(1, acl_get(fd, got, 1));
	EXPECT_EQ(77, got[0].id);
	EXPECT_EQ(-1, ioctl(fd, SHMDEV_IOC_GET_ACL, &a));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(0, region_unlink(NAME("p")));
	close(fd);
}

TEST(acl_and_perm_on_the_control_device_are_enotty)
{
	struct shmdev_acl_entry e[1];
	int fd = shmdev_open_dev();

	ASSERT_LE(0, fd);
	EXPECT_EQ(-ENOTTY, acl_get(fd, e, 1));
	EXPECT_EQ(-ENOTTY, acl_set(fd, NULL, 0));
	EXPECT_EQ(-ENOTTY, perm_set(fd, SHMDEV_PERM_MODE, 0600, 0, 0));
	close(fd);
}

TEST(open_may_ask_for_admin)
{
	const char *name = NAME("a");
	struct shmdev_acl_entry e[] = { USER_ACE(UID, A) };
	struct who w = { UID, GID, name, A, -1 };
	struct who rw = { UID, GID, name, R | A, -1 };
	int fd = region_new(name, 4096, 0600, 0);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, acl_set(fd, e, 1));
	EXPECT_EQ(0, in_child(open_as, &w));
	EXPECT_EQ(1, in_child(open_as, &rw));
	EXPECT_EQ(0, region_unlink(name));
	close(fd);
}

/* ---- SET_PERM ------------------------------------------------------------ */

TEST(set_perm_changes_show_in_stat)
{
	struct shmdev_stat st, st2;
	int fd = region_new(NAME("c"), 4096, 0600, 0);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, region_stat(fd, NULL, &st));
	coarse_tick();
	ASSERT_EQ(0, perm_set(fd, SHMDEV_PERM_MODE | SHMDEV_PERM_UID |
			      SHMDEV_PERM_GID, 0640, UID, NAMED_GID));
	ASSERT_EQ(0, region_stat(fd, NULL, &st2));
	EXPECT_EQ(0640, st2.mode);
	EXPECT_EQ(UID, st2.uid);
	EXPECT_EQ(NAMED_GID, st2.gid);
	EXPECT_EQ(0, st2.cuid);
	EXPECT_LT(st.change_time, st2.change_time);
	/* Only the fields named in flags change. */
	ASSERT_EQ(0, perm_set(fd, SHMDEV_PERM_MODE, 0604, 1, 1));
	ASSERT_EQ(0, region_stat(fd, NULL, &st2));
	EXPECT_EQ(0604, st2.mode);
	EXPECT_EQ(UID, st2.uid);
	EXPECT_EQ(NAMED_GID, st2.gid);
	EXPECT_EQ(0, region_unlink(NAME("c")));
	close(fd);
}

TEST(set_perm_bad_input_is_einval_and_changes_nothing)
{
	static const struct shmdev_perm bad[] = {
		{ .flags = 0 },
		{ .flags = 0x8 },
		{ .flags = SHMDEV_PERM_MODE, .mode = 01000 },
		{ .flags = SHMDEV_PERM_UID, .uid = -1 },
		{ .flags = SHMDEV_PERM_GID, .gid = -1 },
		{ .flags = SHMDEV_PERM_MODE, .mode = 0666, .reserved = { 0, 1 } },
	};
	struct shmdev_stat st;
	int fd = region_new(NAME("b"), 4096, 0600, 0);

	ASSERT_LE(0, fd);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		EXPECT_EQ(-1, ioctl(fd, SHMDEV_IOC_SET_PERM, &bad[i]));
		EXPECT_EQ(EINVAL, errno) TH_LOG("case %zu", i);
	}
	ASSERT_EQ(0, region_stat(fd, NULL, &st));
	EXPECT_EQ(0600, st.mode);
	EXPECT_EQ(0, st.uid);
	EXPECT_EQ(0, st.gid);
	EXPECT_EQ(0, region_unlink(NAME("b")));
	close(fd);
}

/* As UID, create @w->name (mode 0600) and try SET_PERM to @w->access. */
static int create_and_give_away(void *arg)
{
	const struct who *w = arg;
	int fd;

	if (drop_to(UID, GID, NULL, 0))
		return 10;
	fd = region_new(w->name, 4096, 0600, 0);
	if (fd < 0)
		return 11;
	return code(perm_set(fd, SHMDEV_PERM_UID, 0, w->access, 0));
}

TEST(giving_a_region_away_needs_the_capability)
{
	struct who w = { .name = NAME("g"), .access = UID2 };
	struct shmdev_stat st;

	EXPECT_EQ(1, in_child(create_and_give_away, &w));
	ASSERT_EQ(0, region_stat_name(w.name, &st));
	EXPECT_EQ(UID, st.uid);
	/* Giving it to oneself is no change and allowed. */
	EXPECT_EQ(0, region_unlink(w.name));
	w.access = UID;
	EXPECT_EQ(0, in_child(create_and_give_away, &w));
	EXPECT_EQ(0, region_unlink(w.name));
}

/* As UID with supplementary group SUPP_GID, chgrp @w->fd's region. */
static int chgrp_as_owner(void *arg)
{
	static const gid_t supp[] = { SUPP_GID };
	const struct who *w = arg;
	int fd;

	if (drop_to(UID, GID, supp, 1))
		return 10;
	fd = region_open(w->name, R | A);
	if (fd < 0)
		return 11;
	return code(perm_set(fd, SHMDEV_PERM_GID, 0, 0, w->access));
}

TEST(owner_may_change_the_group_only_to_one_of_its_own)
{
	struct who own = { .name = NAME("c"), .access = SUPP_GID };
	struct who foreign = { .name = NAME("c"), .access = NAMED_GID };
	int fd = region_new(own.name, 4096, 0600, 0);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, perm_set(fd, SHMDEV_PERM_UID, 0, UID, 0));
	EXPECT_EQ(0, in_child(chgrp_as_owner, &own));
	EXPECT_EQ(1, in_child(chgrp_as_owner, &foreign));
	EXPECT_EQ(0, region_unlink(own.name));
	close(fd);
}

/*
 * As UID, create @w->name and keep the region fd (bound with every
 * right); once root has given the region away, chmod through it.
 */
static int creator_chmods_after_give_away(void *arg)
{
	struct handshake *w = arg;
	char c;
	int fd;

	if (drop_to(UID, GID, NULL, 0))
		return 10;
	fd = region_new(w->name, 4096, 0644, 0);
	if (fd < 0)
		return 11;
	if (write(w->ready[1], "r", 1) != 1 || read(w->done[0], &c, 1) != 1)
		return 12;
	return code(perm_set(fd, SHMDEV_PERM_MODE, 0604, 0, 0));
}

TEST(creator_keeps_set_perm_after_the_region_is_given_away)
{
	struct handshake w = { .name = NAME("k") };
	struct who stranger = { UID2, GID, w.name, R, -1 };
	struct shmdev_stat st;
	pid_t pid;
	char c;
	int fd;

	ASSERT_EQ(0, pipe(w.ready));
	ASSERT_EQ(0, pipe(w.done));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(creator_chmods_after_give_away(&w));
	ASSERT_EQ(1, read(w.ready[0], &c, 1));
	fd = region_open(w.name, R | A);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, perm_set(fd, SHMDEV_PERM_UID, 0, UID2, 0));
	ASSERT_EQ(1, write(w.done[1], "d", 1));
	EXPECT_EQ(0, reap(pid));
	ASSERT_EQ(0, region_stat(fd, NULL, &st));
	EXPECT_EQ(UID2, st.uid);
	EXPECT_EQ(UID, st.cuid);
	EXPECT_EQ(0604, st.mode);
	/* A stranger may not. */
	stranger.access = R;
	EXPECT_EQ(0, in_child(open_as, &stranger));
	EXPECT_EQ(0, region_unlink(w.name));
	close(fd);
}

/* As UID, the owner, SET_PERM through a region fd bound without ADMIN. */
static int owner_chmods_without_admin(void *arg)
{
	const struct who *w = arg;
	int fd;

	if (drop_to(UID, GID, NULL, 0))
		return 10;
	fd = region_open(w->name, R | W);
	if (fd < 0)
		return 11;
	if (perm_set(fd, SHMDEV_PERM_MODE, 0666, 0, 0) != -EACCES)
		return 12;
	fd = region_open(w->name, R | A);
	if (fd < 0)
		return 13;
	return code(perm_set(fd, SHMDEV_PERM_MODE, 0640, 0, 0));
}

TEST(set_perm_needs_a_region_fd_bound_with_admin)
{
	struct who w = { .name = NAME("pa") };
	struct shmdev_stat st;
	int fd = region_new(w.name, 4096, 0600, 0);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, perm_set(fd, SHMDEV_PERM_UID, 0, UID, 0));
	EXPECT_EQ(0, in_child(owner_chmods_without_admin, &w));
	ASSERT_EQ(0, region_stat(fd, NULL, &st));
	EXPECT_EQ(0640, st.mode);
	EXPECT_EQ(0, region_unlink(w.name));
	close(fd);
}

/* ---- capabilities, namespaces, delegation ------------------------------- */

/* Set the effective and permitted sets (CAP_* bit masks of the first 32). */
static int set_caps(__u32 effective, __u32 permitted)
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct d[2] = {
		{ .effective = effective, .permitted = permitted },
	};

	return syscall(SYS_capset, &h, d) ? -errno : 0;
}

/* Keep only @caps in every set. */
static int keep_caps(__u32 caps)
{
	return set_caps(caps, caps);
}

/* As UID holding only CAP_IPC_OWNER (or nothing): open rw, set the ACL. */
static int ipc_owner_child(void *arg)
{
	const struct who *w = arg;
	int fd;

	if (prctl(PR_SET_KEEPCAPS, 1) || drop_to(UID, GID, NULL, 0) ||
	    keep_caps(w->access))
		return 10;
	fd = region_open(w->name, R | W | A);
	if (fd < 0)
		return code(fd);
	return code(acl_set(fd, NULL, 0)) ? 12 : 0;
}

TEST(cap_ipc_owner_overrides_every_check)
{
	struct who w = { .name = NAME("c"), .access = 1u << CAP_IPC_OWNER };
	int fd = region_new(w.name, 4096, 0600, 0);

	ASSERT_LE(0, fd);
	EXPECT_EQ(0, in_child(ipc_owner_child, &w));
	EXPECT_EQ(0, region_unlink(w.name));
	close(fd);
}

TEST(without_cap_ipc_owner_the_acl_decides)
{
	struct who w = { .name = NAME("c"), .access = 0 };
	int fd = region_new(w.name, 4096, 0600, 0);

	ASSERT_LE(0, fd);
	EXPECT_EQ(1, in_child(ipc_owner_child, &w));
	EXPECT_EQ(0, region_unlink(w.name));
	close(fd);
}

/*
 * As UID, create @w->name holding CAP_SYS_ADMIN (bit @w->access of 1) in
 * the effective set or only in the permitted one, swap the two states,
 * and give the region to UID2 through the CREATE fd: the capability that
 * counts is the binder's, as the fd's credentials hold it.
 */
static int sys_admin_gives_away(void *arg)
{
	const __u32 cap = 1u << CAP_SYS_ADMIN;
	const struct who *w = arg;
	int fd;

	if (prctl(PR_SET_KEEPCAPS, 1) || drop_to(UID, GID, NULL, 0) ||
	    set_caps(w->access ? cap : 0, cap))
		return 10;
	fd = region_new(w->name, 4096, 0600, 0);
	if (fd < 0)
		return 11;
	if (set_caps(w->access ? 0 : cap, cap))
		return 12;
	return code(perm_set(fd, SHMDEV_PERM_UID, 0, UID2, 0));
}

TEST(cap_sys_admin_of_the_binder_lets_set_perm_give_a_region_away)
{
	struct who w = { .name = NAME("sa"), .access = 1 };
	struct shmdev_stat st;

	EXPECT_EQ(0, in_child(sys_admin_gives_away, &w));
	ASSERT_EQ(0, region_stat_name(w.name, &st));
	EXPECT_EQ(UID2, st.uid);
	EXPECT_EQ(0, region_unlink(w.name));
}

TEST(cap_sys_admin_raised_after_binding_does_not_count)
{
	struct who w = { .name = NAME("sl"), .access = 0 };
	struct shmdev_stat st;

	EXPECT_EQ(1, in_child(sys_admin_gives_away, &w));
	ASSERT_EQ(0, region_stat_name(w.name, &st));
	EXPECT_EQ(UID, st.uid);
	EXPECT_EQ(0, region_unlink(w.name));
}

TEST(ids_are_shown_and_taken_in_the_callers_user_namespace)
{
	struct shmdev_acl_entry e[] = { USER_ACE(UID, R), USER_ACE(UID2, R) };
	struct shmdev_acl_entry got[4];
	int fd = region_new(NAME("n"), 4096, 0600, 0);
	int go[2], unshared[2], status;
	char c;
	pid_t pid;

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, acl_set(fd, e, 2));
	ASSERT_EQ(0, pipe(go));
	ASSERT_EQ(0, pipe(unshared));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct shmdev_acl_entry mine[] = { USER_ACE(0, W) };

		if (unshare(CLONE_NEWUSER))
			_exit(10);
		close(go[1]);
		if (write(unshared[1], "u", 1) != 1 || read(go[0], &c, 1) != 1)
			_exit(11);
		/* UID is 0 here, UID2 unmapped: the overflow id. */
		if (acl_get(fd, got, 4) != 2)
			_exit(12);
		if (got[0].id != 0 || got[1].id != 65534)
			_exit(13);
		/* An id given here is read in this namespace: 0 is UID. */
		if (acl_set(fd, mine, 1))
			_exit(14);
		_exit(0);
	}
	close(go[0]);
	ASSERT_TRUE(wait_byte(unshared[0]));
	ASSERT_EQ(0, write_map(pid, "uid_map", "0 2001 1"));
	ASSERT_EQ(1, write(go[1], "g", 1));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status));
	/* The new entry, set as id 0 inside, is UID outside. */
	ASSERT_EQ(1, acl_get(fd, got, 4));
	EXPECT_EQ(UID, got[0].id);
	EXPECT_EQ(W, got[0].rights);
	close(go[1]);
	EXPECT_EQ(0, region_unlink(NAME("n")));
	close(fd);
}

/* As @w->uid, OPEN @w->name on the inherited control device @w->fd. */
static int bind_inherited(void *arg)
{
	const struct who *w = arg;
	int fd;

	if (drop_to(w->uid, w->gid, NULL, 0))
		return 10;
	fd = region_open_on(w->fd, w->name, w->access);
	return code(fd < 0 ? fd : 0);
}

TEST(open_on_a_control_device_opened_by_root_uses_the_callers_credentials)
{
	const char *name = NAME("b");
	struct shmdev_acl_entry e[] = { USER_ACE(UID, R) };
	struct who w = { UID, GID, name, R | W, -1 };
	int fd = region_new(name, 4096, 0600, 0);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, acl_set(fd, e, 1));
	w.fd = shmdev_open_dev();
	ASSERT_LE(0, w.fd);
	EXPECT_EQ(1, in_child(bind_inherited, &w));
	w.access = R;
	EXPECT_EQ(0, in_child(bind_inherited, &w));
	close(w.fd);
	EXPECT_EQ(0, region_unlink(name));
	close(fd);
}

/* ---- revocation ------------------------------------------------------------ */

static sigjmp_buf bus_jmp;

static void on_sigbus(int sig)
{
	siglongjmp(bus_jmp, 1);
}

static void catch_sigbus(void)
{
	struct sigaction sa = { .sa_handler = on_sigbus };

	sigaction(SIGBUS, &sa, NULL);
}

struct revoke_ctx {
	const char *name;
	uid_t uid;
	__u32 access;		/* bind with */
	int ready[2];		/* child -> parent: mapped and written */
	int done[2];		/* parent -> child: revocation done */
};

/*
 * Bind and map page 0 and 1 as @ctx->uid, fill page 0, report ready, then
 * write page 1 in a loop. 0 if a write raised SIGBUS after the revocation
 * and reads still work; 3 if no SIGBUS came; 4 if reads fail too.
 */
static int writer_loses_write(void *arg)
{
	struct revoke_ctx *c = arg;
	volatile char *p;
	long pg = page_size();
	volatile unsigned long i;
	int fd;

	if (drop_to(c->uid, GID, NULL, 0))
		return 10;
	fd = region_open(c->name, c->access);
	if (fd < 0)
		return 11;
	p = map(fd, 2 * pg, PROT_READ | PROT_WRITE, 0);
	if (p == MAP_FAILED)
		return 12;
	memset((char *)p, 0x5a, pg);
	catch_sigbus();
	alarm(120);
	if (write(c->ready[1], "r", 1) != 1)
		return 13;
	if (sigsetjmp(bus_jmp, 1)) {
		/* Lost WRITE: reads go on. */
		if (sigsetjmp(bus_jmp, 1))
			return 4;
		return p[0] == 0x5a && p[pg - 1] == 0x5a ? 0 : 5;
	}
	for (i = 0;; i++)
		p[pg + (i % pg)] = (char)i;
	return 3;
}

/* The same, but a keeper: 0 if it wrote on well past the revocation. */
static int writer_keeps_write(void *arg)
{
	struct revoke_ctx *c = arg;
	volatile char *p;
	long pg = page_size();
	int fd;

	if (drop_to(c->uid, GID, NULL, 0))
		return 10;
	fd = region_open(c->name, c->access);
	if (fd < 0)
		return 11;
	p = map(fd, 2 * pg, PROT_READ | PROT_WRITE, 0);
	if (p == MAP_FAILED)
		return 12;
	catch_sigbus();
	alarm(120);
	if (sigsetjmp(bus_jmp, 1))
		return 3;
	p[pg + 1] = 1;
	if (write(c->ready[1], "r", 1) != 1)
		return 13;
	fcntl(c->done[0], F_SETFL, O_NONBLOCK);
	for (unsigned long i = 0;; i++) {
		char b;

		p[pg + 2 + (i % 64)] = (char)i;
		if (read(c->done[0], &b, 1) == 1)
			break;
	}
	/* Page 0 is the loser's: read it, write page 1. */
	for (unsigned long i = 0; i < 10 * pg; i++)
		p[pg + i % pg] = p[i % pg];
	return 0;
}

static pid_t spawn(int (*fn)(void *), void *arg)
{
	pid_t pid = fork();

	if (pid == 0)
		_exit(fn(arg));
	return pid;
}

TEST(revoking_write_sigbuses_a_writer_and_spares_the_others)
{
	const char *name = NAME("w");
	struct shmdev_acl_entry before[] = { USER_ACE(UID, RW),
					     USER_ACE(UID2, RW) };
	struct shmdev_acl_entry after[] = { USER_ACE(UID, R),
					    USER_ACE(UID2, RW) };
	struct revoke_ctx loser = { .name = name, .uid = UID, .access = RW };
	struct revoke_ctx keeper = { .name = name, .uid = UID2, .access = RW };
	long pg = page_size();
	pid_t lp, kp;
	char *p;
	int fd = region_new(name, 2 * pg, 0600, 0);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, acl_set(fd, before, 2));
	ASSERT_EQ(0, pipe(loser.ready));
	ASSERT_EQ(0, pipe(keeper.ready));
	ASSERT_EQ(0, pipe(keeper.done));
	lp = spawn(writer_loses_write, &loser);
	kp = spawn(writer_keeps_write, &keeper);
	ASSERT_LT(0, lp);
	ASSERT_LT(0, kp);
	ASSERT_TRUE(wait_byte(loser.ready[0]));
	ASSERT_TRUE(wait_byte(keeper.ready[0]));
	usleep(20000);
	ASSERT_EQ(0, acl_set(fd, after, 2));
	ASSERT_EQ(1, write(keeper.done[1], "d", 1));
	EXPECT_EQ(0, reap(lp));
	EXPECT_EQ(0, reap(kp));
	/* What the loser wrote before the revocation is intact. */
	p = map(fd, pg, PROT_READ, 0);
	ASSERT_NE(MAP_FAILED, p);
	for (long i = 0; i < pg; i++)
		ASSERT_EQ(0x5a, p[i]);
	EXPECT_EQ(0, region_unlink(name));
	close(fd);
}

/* Map read-only, report ready, read in a loop: 0 on SIGBUS. */
static int reader_loses_read(void *arg)
{
	struct revoke_ctx *c = arg;
	volatile char *p;
	volatile unsigned long i, sum = 0;
	int fd;

	if (drop_to(c->uid, GID, NULL, 0))
		return 10;
	fd = region_open(c->name, c->access);
	if (fd < 0)
		return 11;
	p = map(fd, page_size(), PROT_READ, 0);
	if (p == MAP_FAILED)
		return 12;
	sum += p[0];
	catch_sigbus();
	alarm(120);
	if (write(c->ready[1], "r", 1) != 1)
		return 13;
	if (sigsetjmp(bus_jmp, 1))
		return 0;
	for (i = 0;; i++)
		sum += p[i % page_size()];
	return 3;
}

TEST(revoking_read_sigbuses_every_access)
{
	const char *name = NAME("r");
	struct shmdev_acl_entry before[] = { USER_ACE(UID, R) };
	struct revoke_ctx c = { .name = name, .uid = UID, .access = R };
	pid_t pid;
	int fd = region_new(name, 4096, 0600, 0);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, acl_set(fd, before, 1));
	ASSERT_EQ(0, pipe(c.ready));
	pid = spawn(reader_loses_read, &c);
	ASSERT_LT(0, pid);
	ASSERT_TRUE(wait_byte(c.ready[0]));
	usleep(20000);
	ASSERT_EQ(0, acl_set(fd, NULL, 0));
	EXPECT_EQ(0, reap(pid));
	EXPECT_EQ(0, region_unlink(name));
	close(fd);
}

TEST(chmod_revokes_like_an_acl_change)
{
	const char *name = NAME("m");
	struct revoke_ctx c = { .name = name, .uid = UID, .access = RW };
	pid_t pid;
	int fd = region_new(name, 2 * page_size(), 0606, 0);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, pipe(c.ready));
	pid = spawn(writer_loses_write, &c);
	ASSERT_LT(0, pid);
	ASSERT_TRUE(wait_byte(c.ready[0]));
	usleep(20000);
	ASSERT_EQ(0, perm_set(fd, SHMDEV_PERM_MODE, 0604, 0, 0));
	EXPECT_EQ(0, reap(pid));
	EXPECT_EQ(0, region_unlink(name));
	close(fd);
}

/*
 * As UID with rw and ADMIN from the ACL: map read-only and read-write,
 * take its own WRITE away, then try mprotect, a new mapping and a write.
 */
static int self_revoke(void *arg)
{
	const struct who *w = arg;
	struct shmdev_acl_entry ra[] = { USER_ACE(UID, R | A) };
	volatile char *ro, *rw;
	int fd;

	if (drop_to(UID, GID, NULL, 0))
		return 10;
	fd = region_open(w->name, R | W | A);
	if (fd < 0)
		return 11;
	ro = map(fd, 4096, PROT_READ, 0);
	rw = map(fd, 4096, PROT_READ | PROT_WRITE, 0);
	if (ro == MAP_FAILED || rw == MAP_FAILED)
		return 12;
	rw[0] = 7;
	if (acl_set(fd, ra, 1))
		return 13;
	if (!mprotect((void *)ro, 4096, PROT_READ | PROT_WRITE) ||
	    errno != EACCES)
		return 14;
	if (map(fd, 4096, PROT_READ | PROT_WRITE, 0) != MAP_FAILED ||
	    errno != EACCES)
		return 15;
	if (ro[0] != 7 || rw[0] != 7)
		return 16;
	catch_sigbus();
	if (sigsetjmp(bus_jmp, 1))
		return 0;
	rw[0] = 8;
	return 17;
}

TEST(after_revocation_mprotect_mmap_and_writes_are_refused)
{
	struct who w = { .name = NAME("s") };
	struct shmdev_acl_entry e[] = { USER_ACE(UID, R | W | A) };
	int fd = region_new(w.name, 4096, 0600, 0);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, acl_set(fd, e, 1));
	EXPECT_EQ(0, in_child(self_revoke, &w));
	EXPECT_EQ(0, region_unlink(w.name));
	close(fd);
}

TEST(revoking_sync_fails_semaphore_calls_with_eacces)
{
	const char *name = NAME("x");
	struct shmdev_acl_entry x[] = { USER_ACE(UID, X) };
	int fd = sem_region(name, 1);
	int go[2], done[2];
	pid_t pid;

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, acl_set(fd, x, 1));
	ASSERT_EQ(0, pipe(go));
	ASSERT_EQ(0, pipe(done));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int h;

		if (drop_to(UID, GID, NULL, 0))
			_exit(10);
		h = region_open(name, X);
		if (h < 0 || sem_post_on(h, 0, 0, 1))
			_exit(11);
		if (write(go[1], "g", 1) != 1 || !wait_byte(done[0]))
			_exit(12);
		if (sem_post_on(h, 0, 0, 1) != -EACCES ||
		    sem_wait_on(h, 0, 0, 0) != -EACCES)
			_exit(13);
		_exit(0);
	}
	ASSERT_TRUE(wait_byte(go[0]));
	ASSERT_EQ(0, acl_set(fd, NULL, 0));
	ASSERT_EQ(1, write(done[1], "d", 1));
	EXPECT_EQ(0, reap(pid));
	EXPECT_EQ(1, sem_value(fd, 0));
	EXPECT_EQ(0, region_unlink(name));
	close(fd);
}

TEST(granting_a_right_again_restores_access)
{
	struct shmdev_acl_entry none[] = { USER_ACE(UID, 0) };
	struct shmdev_acl_entry rw[] = { USER_ACE(UID, RW) };
	const char *name = NAME("g");
	struct who w = { UID, GID, name, RW, -1 };
	int fd = region_new(name, 4096, 0600, 0);
	char *p;

	ASSERT_LE(0, fd);
	p = map(fd, 4096, PROT_READ | PROT_WRITE, 0);
	ASSERT_NE(MAP_FAILED, p);
	p[0] = 3;
	ASSERT_EQ(0, acl_set(fd, none, 1));
	EXPECT_EQ(1, in_child(open_as, &w));
	ASSERT_EQ(0, acl_set(fd, rw, 1));
	EXPECT_EQ(0, in_child(open_as, &w));
	/* The owner's mapping kept working throughout. */
	EXPECT_EQ(3, p[0]);
	p[0] = 4;
	munmap(p, 4096);
	EXPECT_EQ(0, region_unlink(name));
	close(fd);
}

struct pass_ctx {
	const char *name;
	int sock[2];
	int ready[2];
	int done[2];
};

/* As UID (granted rw), bind and send the fd. */
static int binder_sends(void *arg)
{
	struct pass_ctx *c = arg;
	int fd;

	if (drop_to(UID, GID, NULL, 0))
		return 10;
	fd = region_open(c->name, RW);
	if (fd < 0)
		return 11;
	return send_fd(c->sock[0], fd) ? 12 : 0;
}

/*
 * As UID2 (no rights of its own), receive the fd, map it read-write and
 * write; after the revocation, writes raise SIGBUS and a new read-write
 * mapping is refused.
 */
static int receiver_uses(void *arg)
{
	struct pass_ctx *c = arg;
	volatile char *p;
	int fd;

	if (drop_to(UID2, GID, NULL, 0))
		return 10;
	if (region_open(c->name, R) != -EACCES)
		return 11;
	fd = recv_fd(c->sock[1]);
	if (fd < 0)
		return 12;
	p = map(fd, 4096, PROT_READ | PROT_WRITE, 0);
	if (p == MAP_FAILED)
		return 13;
	p[0] = 9;
	if (write(c->ready[1], "r", 1) != 1 || !wait_byte(c->done[0]))
		return 14;
	if (map(fd, 4096, PROT_READ | PROT_WRITE, 0) != MAP_FAILED ||
	    errno != EACCES)
		return 15;
	if (p[0] != 9)
		return 16;
	catch_sigbus();
	if (sigsetjmp(bus_jmp, 1))
		return 0;
	p[0] = 10;
	return 17;
}

TEST(fd_passed_to_a_stranger_carries_and_loses_the_binders_rights)
{
	const char *name = NAME("p");
	struct shmdev_acl_entry rw[] = { USER_ACE(UID, RW) };
	struct shmdev_acl_entry r[] = { USER_ACE(UID, R) };
	struct pass_ctx c = { .name = name };
	int fd = region_new(name, 4096, 0600, 0);
	pid_t rp;

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, acl_set(fd, rw, 1));
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_DGRAM, 0, c.sock));
	ASSERT_EQ(0, pipe(c.ready));
	ASSERT_EQ(0, pipe(c.done));
	rp = spawn(receiver_uses, &c);
	ASSERT_LT(0, rp);
	EXPECT_EQ(0, in_child(binder_sends, &c));
	ASSERT_TRUE(wait_byte(c.ready[0]));
	ASSERT_EQ(0, acl_set(fd, r, 1));
	ASSERT_EQ(1, write(c.done[1], "d", 1));
	EXPECT_EQ(0, reap(rp));
	EXPECT_EQ(0, region_unlink(name));
	close(fd);
}

/* ---- reporting --------------------------------------------------------------- */

TEST(proc_table_shows_the_acl)
{
	const char *name = NAME("t");
	struct shmdev_acl_entry e[] = { USER_ACE(UID, R | W), GROUP_ACE(7, 0),
					GROUP_ACE(NAMED_GID, X | A) };
	char line[1024];
	bool seen = false;
	FILE *f;
	int fd = region_new(name, 4096, 0600, 0);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, acl_set(fd, e, 3));
	f = fopen("/proc/driver/shmdev", "re");
	ASSERT_NE(NULL, f);
	ASSERT_NE(NULL, fgets(line, sizeof(line), f));
	EXPECT_NE(NULL, strstr(line, " acl"));
	while (fgets(line, sizeof(line), f)) {
		if (!strstr(line, name))
			continue;
		seen = true;
		EXPECT_NE(NULL, strstr(line, " u:2001:rw,g:7:-,g:3001:xa\n"))
			TH_LOG("%s", line);
	}
	fclose(f);
	EXPECT_TRUE(seen);
	EXPECT_EQ(0, region_unlink(name));
	close(fd);
}

TEST_HARNESS_MAIN
