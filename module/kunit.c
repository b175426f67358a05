// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of shmdev's pure logic: name validation and the rights that
 * credentials hold under a region's mode. Built into the module only for
 * the debug kernel (kbuild variable SHMDEV_KUNIT=y), where they run each
 * time the module is loaded.
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

static struct shmdev_region *shmdev_kunit_region(struct kunit *test,
						 umode_t mode)
{
	struct shmdev_region *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, r);
	mutex_init(&r->lock);
	r->uid = KUIDT_INIT(1000);
	r->gid = KGIDT_INIT(100);
	r->mode = mode;
	return r;
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
	struct shmdev_region *r = shmdev_kunit_region(test, 0754);

	/* owner: rwx and ADMIN */
	KUNIT_EXPECT_EQ(test, R | W | X | A,
			shmdev_rights(r, shmdev_kunit_cred(test, 1000, 1,
							   others, 2), false));
	/* group by fsgid, and by a supplementary group: r-x */
	KUNIT_EXPECT_EQ(test, R | X,
			shmdev_rights(r, shmdev_kunit_cred(test, 2000, 100,
							   others, 2), false));
	KUNIT_EXPECT_EQ(test, R | X,
			shmdev_rights(r, shmdev_kunit_cred(test, 2000, 1,
							   supp, 3), false));
	/* other: r-- */
	KUNIT_EXPECT_EQ(test, R,
			shmdev_rights(r, shmdev_kunit_cred(test, 2000, 1,
							   others, 2), false));
	/* CAP_IPC_OWNER: everything */
	KUNIT_EXPECT_EQ(test, R | W | X | A,
			shmdev_rights(r, shmdev_kunit_cred(test, 2000, 1,
							   others, 2), true));
}

static void shmdev_kunit_first_matching_class_decides(struct kunit *test)
{
	static const gid_t supp[] = { 100 };
	struct shmdev_region *r = shmdev_kunit_region(test, 0077);

	/* The owner gets the owner bits (none) even though group has rwx. */
	KUNIT_EXPECT_EQ(test, A,
			shmdev_rights(r, shmdev_kunit_cred(test, 1000, 100,
							   supp, 1), false));
	/* A group member gets the group bits even though other has rwx. */
	r->mode = 0607;
	KUNIT_EXPECT_EQ(test, 0,
			shmdev_rights(r, shmdev_kunit_cred(test, 2000, 100,
							   supp, 1), false));
}

static struct kunit_case shmdev_kunit_cases[] = {
	KUNIT_CASE(shmdev_kunit_name_valid),
	KUNIT_CASE(shmdev_kunit_rights_by_class),
	KUNIT_CASE(shmdev_kunit_first_matching_class_decides),
	{}
};

static struct kunit_suite shmdev_kunit_suite = {
	.name = "shmdev",
	.test_cases = shmdev_kunit_cases,
};

kunit_test_suite(shmdev_kunit_suite);
