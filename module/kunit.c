// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of shmdev's pure logic: name validation and the rights that
 * credentials hold under a region's mode and ACL. Built into the module
 * only for the debug kernel (kbuild variable SHMDEV_KUNIT=y), where they
 * run each time the module is loaded.
 */

#include <kunit/test.h>
#include <linux/cred.h>
#include <linux/string.h>

#include "shmdev.h"

struct shmdev_name_case {
	const char *name;
	int expect;
};

static void shmdev_kunit_name_valid(struct kunit *test)
{
	static const struct shmdev_name_case cases[] = {
		{ "a", 0 },
		{ "region-1.x_y:z~!", 0 },
		{ "", -EINVAL },
		{ "a/b", -EINVAL },
		{ "/", -EINVAL },
		{ "a b", -EINVAL },
		{ "tab\t", -EINVAL },
		{ "del\x7f", -EINVAL },
		{ "high\x80", -EINVAL },
	};
	char *name = kunit_kzalloc(test, SHMDEV_NAME_MAX + 1, GFP_KERNEL);
	size_t i;

	KUNIT_ASSERT_NOT_NULL(test, name);
	for (i = 0; i < ARRAY_SIZE(cases); i++)
		KUNIT_EXPECT_EQ_MSG(test, cases[i].expect,
				    shmdev_name_valid(cases[i].name,
						      strlen(cases[i].name)),
				    "case %zu", i);
	memset(name, 'm', SHMDEV_NAME_MAX - 1);
	KUNIT_EXPECT_EQ(test, 0, shmdev_name_valid(name, SHMDEV_NAME_MAX - 1));
	name[SHMDEV_NAME_MAX - 1] = 'm';
	KUNIT_EXPECT_EQ(test, -ENAMETOOLONG,
			shmdev_name_valid(name, SHMDEV_NAME_MAX));
}

static void shmdev_kunit_free(void *p)
{
	kfree(p);
}

/* Owner 1000, group 100, @mode, room for @count named entries. */
static struct shmdev_permset *shmdev_kunit_perm(struct kunit *test,
						umode_t mode, u32 count)
{
	struct shmdev_permset *p;

	p = shmdev_permset_new(KUIDT_INIT(1000), KGIDT_INIT(100), mode, count);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, shmdev_kunit_free, p));
	return p;
}

static void shmdev_kunit_put_groups(void *gi)
{
	put_group_info((struct group_info *)gi);
}

/* Credentials with fsuid @uid, fsgid @gid and sorted groups @groups. */
static struct cred *shmdev_kunit_cred(struct kunit *test, uid_t uid,
				      gid_t gid, const gid_t *groups, int n)
{
	struct cred *c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);
	struct group_info *gi = groups_alloc(n);
	int i;

	KUNIT_ASSERT_NOT_NULL(test, c);
	KUNIT_ASSERT_NOT_NULL(test, gi);
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, shmdev_kunit_put_groups,
						  gi));
	for (i = 0; i < n; i++)
		gi->gid[i] = KGIDT_INIT(groups[i]);
	c->fsuid = KUIDT_INIT(uid);
	c->fsgid = KGIDT_INIT(gid);
	c->group_info = gi;
	return c;
}

#define R SHMDEV_ACCESS_READ
#define W SHMDEV_ACCESS_WRITE
#define X SHMDEV_ACCESS_SYNC
#define A SHMDEV_ACCESS_ADMIN

static void shmdev_kunit_rights_by_class(struct kunit *test)
{
	static const gid_t supp[] = { 50, 100, 200 }, others[] = { 50, 200 };
	struct shmdev_permset *p = shmdev_kunit_perm(test, 0754, 0);

	/* owner: rwx and ADMIN */
	KUNIT_EXPECT_EQ(test, R | W | X | A,
			shmdev_permset_rights(p, shmdev_kunit_cred(test, 1000, 1,
								   others, 2)));
	/* group by fsgid, and by a supplementary group: r-x */
	KUNIT_EXPECT_EQ(test, R | X,
			shmdev_permset_rights(p, shmdev_kunit_cred(test, 2000,
								   100, others,
								   2)));
	KUNIT_EXPECT_EQ(test, R | X,
			shmdev_permset_rights(p, shmdev_kunit_cred(test, 2000, 1,
								   supp, 3)));
	/* other: r-- */
	KUNIT_EXPECT_EQ(test, R,
			shmdev_permset_rights(p, shmdev_kunit_cred(test, 2000, 1,
								   others, 2)));
}

static void shmdev_kunit_first_matching_class_decides(struct kunit *test)
{
	static const gid_t supp[] = { 100 };
	struct shmdev_permset *p = shmdev_kunit_perm(test, 0077, 0);

	/* The owner gets the owner bits (none) even though group has rwx. */
	KUNIT_EXPECT_EQ(test, A,
			shmdev_permset_rights(p, shmdev_kunit_cred(test, 1000,
								   100, supp,
								   1)));
	/* A group member gets the group bits even though other has rwx. */
	p->mode = 0607;
	KUNIT_EXPECT_EQ(test, 0,
			shmdev_permset_rights(p, shmdev_kunit_cred(test, 2000,
								   100, supp,
								   1)));
}

/* Owner, then named user, then the union of groups, then other. */
static void shmdev_kunit_acl_order(struct kunit *test)
{
	static const gid_t g300[] = { 300 }, g100_300[] = { 100, 300 };
	struct shmdev_permset *p = shmdev_kunit_perm(test, 0641, 4);

	p->ace[0] = (struct shmdev_ace){ .tag = SHMDEV_ACL_USER, .rights = A,
					 .uid = KUIDT_INIT(1000) };
	p->ace[1] = (struct shmdev_ace){ .tag = SHMDEV_ACL_USER, .rights = 0,
					 .uid = KUIDT_INIT(2000) };
	p->ace[2] = (struct shmdev_ace){ .tag = SHMDEV_ACL_GROUP, .rights = X,
					 .gid = KGIDT_INIT(300) };
	p->ace[3] = (struct shmdev_ace){ .tag = SHMDEV_ACL_GROUP,
					 .rights = W | A,
					 .gid = KGIDT_INIT(400) };
	/* The owner's bits win over a named entry for the owner. */
	KUNIT_EXPECT_EQ(test, R | W | A,
			shmdev_permset_rights(p, shmdev_kunit_cred(test, 1000, 1,
								   NULL, 0)));
	/* A named user entry of 0 denies, although groups would grant. */
	KUNIT_EXPECT_EQ(test, 0,
			shmdev_permset_rights(p, shmdev_kunit_cred(test, 2000,
								   100, g300,
								   1)));
	/* Owning group and named groups add up. */
	KUNIT_EXPECT_EQ(test, R | X,
			shmdev_permset_rights(p, shmdev_kunit_cred(test, 3000, 1,
								   g100_300,
								   2)));
	/* A named group alone replaces the other bits. */
	KUNIT_EXPECT_EQ(test, W | A,
			shmdev_permset_rights(p, shmdev_kunit_cred(test, 3000,
								   400, NULL,
								   0)));
	/* No match: other. */
	KUNIT_EXPECT_EQ(test, X,
			shmdev_permset_rights(p, shmdev_kunit_cred(test, 3000, 1,
								   NULL, 0)));
}

static struct kunit_case shmdev_kunit_cases[] = {
	KUNIT_CASE(shmdev_kunit_name_valid),
	KUNIT_CASE(shmdev_kunit_rights_by_class),
	KUNIT_CASE(shmdev_kunit_first_matching_class_decides),
	KUNIT_CASE(shmdev_kunit_acl_order),
	{}
};

static struct kunit_suite shmdev_kunit_suite = {
	.name = "shmdev",
	.test_cases = shmdev_kunit_cases,
};

kunit_test_suite(shmdev_kunit_suite);
