// SPDX-License-Identifier: GPL-2.0
/*
 * shmdevctl end to end: its output and its exit status (0 ok, 1 failed,
 * 2 bad usage, 3 timed out) for every command.
 */
#define _GNU_SOURCE
#include <sys/stat.h>

#include "kselftest_harness.h"
#include <libshmdev.h>
#include "shmdev_test.h"
#include "userspace_test.h"

#define CTL "shmdevctl"

/* A region made with the library, for the tool to look at. */
static int made(const char *name, unsigned int mode, unsigned int nsems)
{
	return shmdev_create(name, 4096, mode, 0, nsems);
}

TEST(help_prints_usage)
{
	static struct run r;

	RUN(&r, CTL, "--help");
	EXPECT_EQ(0, r.status);
	EXPECT_NE(NULL, strstr(r.out, "usage: shmdevctl COMMAND"));
	EXPECT_NE(NULL, strstr(r.out, "acl NAME --modify SPEC"));
}

TEST(no_command_is_a_usage_error)
{
	static struct run r;

	RUN(&r, CTL);
	EXPECT_EQ(2, r.status);
	EXPECT_NE(NULL, strstr(r.err, "a COMMAND is needed"));
	RUN(&r, CTL, "frobnicate");
	EXPECT_EQ(2, r.status);
	EXPECT_NE(NULL, strstr(r.err, "unknown command 'frobnicate'"));
}

TEST(create_then_stat)
{
	static struct run r;

	RUN(&r, CTL, "create", NAME("c"), "64K", "--mode", "640", "--sems", "3");
	ASSERT_EQ(0, r.status);
	EXPECT_STREQ("", r.err);
	RUN(&r, CTL, "stat", NAME("c"));
	ASSERT_EQ(0, r.status);
	EXPECT_NE(NULL, strstr(r.out, "size:      65536\n"));
	EXPECT_NE(NULL, strstr(r.out, "mode:      0640\n"));
	EXPECT_NE(NULL, strstr(r.out, "sems:      3\n"));
	EXPECT_NE(NULL, strstr(r.out, "state:     -\n"));
	EXPECT_EQ(0, shmdev_unlink(NAME("c"), 0));
}

TEST(create_populated)
{
	static struct run r;

	RUN(&r, CTL, "create", NAME("p"), "16K", "--populate");
	ASSERT_EQ(0, r.status);
	RUN(&r, CTL, "stat", NAME("p"));
	EXPECT_NE(NULL, strstr(r.out, "state:     populated\n"));
	EXPECT_NE(NULL, strstr(r.out, "resident:  4 pages\n"));
	EXPECT_EQ(0, shmdev_unlink(NAME("p"), 0));
}

TEST(create_bad_arguments_are_usage_errors)
{
	static struct run r;

	RUN(&r, CTL, "create", NAME("b"), "12Q");
	EXPECT_EQ(2, r.status);
	EXPECT_NE(NULL, strstr(r.err, "bad size '12Q'"));
	RUN(&r, CTL, "create", NAME("b"), "4096", "--mode", "1777");
	EXPECT_EQ(2, r.status);
	RUN(&r, CTL, "create", NAME("b"), "4096", "--sems", "1025");
	EXPECT_EQ(2, r.status);
	RUN(&r, CTL, "create", NAME("b"));
	EXPECT_EQ(2, r.status);
	RUN(&r, CTL, "create", NAME("b"), "4096", "--transient");
	EXPECT_EQ(2, r.status);
	EXPECT_EQ(-ENOENT, shmdev_stat_name(NAME("b"), &(struct shmdev_stat){}));
}

TEST(create_existing_says_so)
{
	static struct run r;
	int fd = made(NAME("e"), 0600, 0);

	ASSERT_LE(0, fd);
	RUN(&r, CTL, "create", NAME("e"), "4096");
	EXPECT_EQ(1, r.status);
	EXPECT_NE(NULL, strstr(r.err, "a region of that name exists"));
	EXPECT_EQ(0, shmdev_unlink(NAME("e"), 0));
	close(fd);
}

TEST(create_transient_lives_while_its_command_runs)
{
	static struct run r;
	char script[PATH_MAX + 512];

	snprintf(script, sizeof(script),
		 "%s stat %s && test -n \"$SHMDEV_FD\"", beside_me(CTL),
		 NAME("t"));
	RUN(&r, CTL, "create", NAME("t"), "4096", "--transient", "--",
	    "/bin/sh", "-c", script);
	EXPECT_EQ(0, r.status);
	EXPECT_NE(NULL, strstr(r.out, "state:     transient\n"));
	EXPECT_EQ(-ENOENT, shmdev_stat_name(NAME("t"), &(struct shmdev_stat){}));
}

TEST(list_shows_a_table)
{
	static struct run r;
	char row[512];
	int fd = made(NAME("l"), 0640, 0);

	ASSERT_LE(0, fd);
	RUN(&r, CTL, "list");
	EXPECT_EQ(0, r.status);
	EXPECT_EQ(0, strncmp(r.out, "    ID NAME", 11));
	snprintf(row, sizeof(row), " %-24s %12d %6d %6d 0640 -\n", NAME("l"),
		 4096, 0, 0);
	EXPECT_NE(NULL, strstr(r.out, row)) TH_LOG("%s", r.out);
	EXPECT_EQ(0, shmdev_unlink(NAME("l"), 0));
	close(fd);
}

TEST(list_json_is_an_array_of_objects)
{
	static struct run r;
	char obj[512];
	int fd = made(NAME("j"), 0600, 0);

	ASSERT_LE(0, fd);
	RUN(&r, CTL, "list", "--json");
	EXPECT_EQ(0, r.status);
	EXPECT_EQ('[', r.out[0]);
	EXPECT_EQ(0, strcmp(r.out + r.out_len - 2, "]\n"));
	snprintf(obj, sizeof(obj), "\"name\": \"%s\", \"size\": 4096, \"uid\": 0, \"gid\": 0, \"mode\": \"0600\", \"state\": \"-\"}",
		 NAME("j"));
	EXPECT_NE(NULL, strstr(r.out, obj)) TH_LOG("%s", r.out);
	EXPECT_EQ(0, shmdev_unlink(NAME("j"), 0));
	close(fd);
}

TEST(stat_json)
{
	static struct run r;
	char obj[512];
	int fd = made(NAME("sj"), 0600, 2);

	ASSERT_LE(0, fd);
	RUN(&r, CTL, "stat", NAME("sj"), "--json");
	EXPECT_EQ(0, r.status);
	snprintf(obj, sizeof(obj), "{\"name\": \"%s\", \"id\": ", NAME("sj"));
	EXPECT_EQ(0, strncmp(r.out, obj, strlen(obj)));
	EXPECT_NE(NULL, strstr(r.out, "\"sems\": 2, \"acl\": \"\", \"handles\": 1"));
	EXPECT_EQ(0, shmdev_unlink(NAME("sj"), 0));
	close(fd);
}

TEST(stat_missing_says_so)
{
	static struct run r;
	char msg[512];

	RUN(&r, CTL, "stat", NAME("none"));
	EXPECT_EQ(1, r.status);
	snprintf(msg, sizeof(msg), "shmdevctl: %s: no such region\n", NAME("none"));
	EXPECT_STREQ(msg, r.err);
	EXPECT_STREQ("", r.out);
}

TEST(rm_removes_each_name_and_reports_the_missing)
{
	static struct run r;
	int a = made(NAME("a"), 0600, 0), b = made(NAME("b"), 0600, 0);

	ASSERT_LE(0, a);
	ASSERT_LE(0, b);
	RUN(&r, CTL, "rm", NAME("a"), NAME("none"), NAME("b"));
	EXPECT_EQ(1, r.status);
	EXPECT_NE(NULL, strstr(r.err, "no such region"));
	EXPECT_EQ(-ENOENT, shmdev_unlink(NAME("a"), 0));
	EXPECT_EQ(-ENOENT, shmdev_unlink(NAME("b"), 0));
	RUN(&r, CTL, "rm");
	EXPECT_EQ(2, r.status);
	close(a);
	close(b);
}

/* The inode number of this process's IPC namespace. */
static unsigned int own_ipc_ns(void)
{
	struct stat st;

	return stat("/proc/self/ns/ipc", &st) ? 0 : (unsigned int)st.st_ino;
}

TEST(list_all_namespaces_shows_each_regions_namespace)
{
	static struct run r;
	char row[512];
	int fd = made(NAME("all"), 0600, 0);

	ASSERT_LE(0, fd);
	RUN(&r, CTL, "list", "--all-namespaces");
	EXPECT_EQ(0, r.status);
	EXPECT_EQ(0, strncmp(r.out, "    IPC-NS     ID NAME", 22)) TH_LOG("%s", r.out);
	snprintf(row, sizeof(row), "%10u ", own_ipc_ns());
	EXPECT_NE(NULL, strstr(r.out, row)) TH_LOG("%s", r.out);
	snprintf(row, sizeof(row), " %-24s %12d %6d %6d 0600 -\n", NAME("all"),
		 4096, 0, 0);
	EXPECT_NE(NULL, strstr(r.out, row)) TH_LOG("%s", r.out);
	RUN(&r, CTL, "list", "--json", "--all-namespaces");
	EXPECT_EQ(0, r.status);
	snprintf(row, sizeof(row), "\"ipc_ns\": %u, \"name\": \"%s\"",
		 own_ipc_ns(), NAME("all"));
	EXPECT_NE(NULL, strstr(r.out, row)) TH_LOG("%s", r.out);
	EXPECT_EQ(0, shmdev_unlink(NAME("all"), 0));
	close(fd);
}

TEST(list_all_namespaces_as_a_user_is_refused)
{
	static struct run r;

	RUN_AS(&r, TEST_UID, CTL, "list", "--all-namespaces");
	EXPECT_EQ(1, r.status);
	EXPECT_STREQ("shmdevctl: /dev/shmdev: Operation not permitted\n", r.err);
	RUN(&r, CTL, "list", "--all-namespaces", "--all-namespaces");
	EXPECT_EQ(2, r.status);
}

TEST(rm_orphaned_says_how_many_namespaces_it_ended)
{
	static struct run r;

	RUN(&r, CTL, "rm", "--orphaned");
	EXPECT_EQ(0, r.status);
	EXPECT_STREQ("0 namespaces ended\n", r.out);
	RUN(&r, CTL, "rm", "--orphaned", NAME("x"));
	EXPECT_EQ(2, r.status);
	RUN_AS(&r, TEST_UID, CTL, "rm", "--orphaned");
	EXPECT_EQ(1, r.status);
	EXPECT_STREQ("shmdevctl: /dev/shmdev: Operation not permitted\n", r.err);
}

TEST(acl_set_then_show)
{
	static struct run r;
	char head[512];
	int fd = made(NAME("acl"), 0640, 0);

	ASSERT_LE(0, fd);
	RUN(&r, CTL, "acl", NAME("acl"), "--set", "u:1000:rw,g:44:x,u:shmdevtest:a");
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	RUN(&r, CTL, "acl", NAME("acl"));
	EXPECT_EQ(0, r.status);
	snprintf(head, sizeof(head), "# region: %s\n# owner: root\n# group: root\n# mode: 0640\n",
		 NAME("acl"));
	EXPECT_EQ(0, strncmp(r.out, head, strlen(head))) TH_LOG("%s", r.out);
	/* Names where they exist, as getfacl shows them. */
	EXPECT_STREQ("u:1000:rw\nu:shmdevtest:a\ng:44:x\n", r.out + strlen(head));
	EXPECT_EQ(0, shmdev_unlink(NAME("acl"), 0));
	close(fd);
}

TEST(acl_numeric_shows_ids)
{
	static struct run r;
	char head[512];
	int fd = made(NAME("an"), 0600, 0);

	ASSERT_LE(0, fd);
	RUN(&r, CTL, "acl", NAME("an"), "--set", "u:shmdevtest:r,g:shmdevgrp:x");
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	RUN(&r, CTL, "acl", NAME("an"), "--numeric");
	EXPECT_EQ(0, r.status);
	snprintf(head, sizeof(head), "# region: %s\n# owner: 0\n# group: 0\n# mode: 0600\n",
		 NAME("an"));
	EXPECT_EQ(0, strncmp(r.out, head, strlen(head))) TH_LOG("%s", r.out);
	EXPECT_STREQ("u:2001:r\ng:3001:x\n", r.out + strlen(head));
	EXPECT_EQ(0, shmdev_unlink(NAME("an"), 0));
	close(fd);
}

TEST(acl_modify_adds_and_changes_entries)
{
	static struct run r;
	struct shmdev_acl_entry e[4];
	int fd = made(NAME("am"), 0600, 0);

	ASSERT_LE(0, fd);
	RUN(&r, CTL, "acl", NAME("am"), "--set", "u:1000:r");
	ASSERT_EQ(0, r.status);
	RUN(&r, CTL, "acl", NAME("am"), "--modify", "u:1000:rw,g:5:x");
	ASSERT_EQ(0, r.status);
	ASSERT_EQ(2, shmdev_acl_get(fd, e, 4));
	EXPECT_EQ(1000, e[0].id);
	EXPECT_EQ(RW, e[0].rights);
	EXPECT_EQ(5, e[1].id);
	EXPECT_EQ(0, shmdev_unlink(NAME("am"), 0));
	close(fd);
}

TEST(acl_remove_drops_entries)
{
	static struct run r;
	struct shmdev_acl_entry e[4];
	int fd = made(NAME("ar"), 0600, 0);

	ASSERT_LE(0, fd);
	RUN(&r, CTL, "acl", NAME("ar"), "--set", "u:1:r,u:2:r,g:3:x");
	ASSERT_EQ(0, r.status);
	RUN(&r, CTL, "acl", NAME("ar"), "--remove", "u:1,g:3:x,u:99");
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	ASSERT_EQ(1, shmdev_acl_get(fd, e, 4));
	EXPECT_EQ(2, e[0].id);
	EXPECT_EQ(0, shmdev_unlink(NAME("ar"), 0));
	close(fd);
}

TEST(acl_bad_spec_is_a_usage_error_and_changes_nothing)
{
	static struct run r;
	int fd = made(NAME("ab"), 0600, 0);

	ASSERT_LE(0, fd);
	RUN(&r, CTL, "acl", NAME("ab"), "--set", "u:1:rq");
	EXPECT_EQ(2, r.status);
	EXPECT_NE(NULL, strstr(r.err, "bad ACL 'u:1:rq'"));
	RUN(&r, CTL, "acl", NAME("ab"), "--set", "u:nosuchuser:r");
	EXPECT_EQ(2, r.status);
	EXPECT_NE(NULL, strstr(r.err, "no such user or group"));
	RUN(&r, CTL, "acl", NAME("ab"), "--frob", "u:1:r");
	EXPECT_EQ(2, r.status);
	EXPECT_EQ(0, shmdev_acl_get(fd, NULL, 0));
	EXPECT_EQ(0, shmdev_unlink(NAME("ab"), 0));
	close(fd);
}

TEST(chmod_changes_the_mode)
{
	static struct run r;
	struct shmdev_stat st;
	int fd = made(NAME("cm"), 0600, 0);

	ASSERT_LE(0, fd);
	RUN(&r, CTL, "chmod", "644", NAME("cm"));
	EXPECT_EQ(0, r.status);
	ASSERT_EQ(0, shmdev_stat(fd, &st));
	EXPECT_EQ(0644, st.mode);
	RUN(&r, CTL, "chmod", "999", NAME("cm"));
	EXPECT_EQ(2, r.status);
	EXPECT_EQ(0, shmdev_unlink(NAME("cm"), 0));
	close(fd);
}

TEST(chown_by_number_and_by_name)
{
	static struct run r;
	struct shmdev_stat st;
	int fd = made(NAME("co"), 0600, 0);

	ASSERT_LE(0, fd);
	RUN(&r, CTL, "chown", "1234:5678", NAME("co"));
	EXPECT_EQ(0, r.status) TH_LOG("%s", r.err);
	ASSERT_EQ(0, shmdev_stat(fd, &st));
	EXPECT_EQ(1234, st.uid);
	EXPECT_EQ(5678, st.gid);
	RUN(&r, CTL, "chown", "shmdevtest:shmdevgrp", NAME("co"));
	EXPECT_EQ(0, r.status) TH_LOG("%s", r.err);
	ASSERT_EQ(0, shmdev_stat(fd, &st));
	EXPECT_EQ(TEST_UID, st.uid);
	EXPECT_EQ(TEST_GROUP, st.gid);
	RUN(&r, CTL, "chown", ":0", NAME("co"));
	EXPECT_EQ(0, r.status);
	ASSERT_EQ(0, shmdev_stat(fd, &st));
	EXPECT_EQ(TEST_UID, st.uid);
	EXPECT_EQ(0, st.gid);
	RUN(&r, CTL, "chown", "nosuchuser", NAME("co"));
	EXPECT_EQ(2, r.status);
	EXPECT_EQ(0, shmdev_unlink(NAME("co"), 0));
	close(fd);
}

TEST(sem_post_get_wait)
{
	static struct run r;
	int fd = made(NAME("s"), 0600, 2);

	ASSERT_LE(0, fd);
	RUN(&r, CTL, "sem", NAME("s"), "post", "--index", "1", "--count", "3");
	EXPECT_EQ(0, r.status);
	RUN(&r, CTL, "sem", NAME("s"), "wait", "--index", "1");
	EXPECT_EQ(0, r.status);
	RUN(&r, CTL, "sem", NAME("s"), "get", "--index", "1");
	EXPECT_EQ(0, r.status);
	EXPECT_STREQ("2\n", r.out);
	RUN(&r, CTL, "sem", NAME("s"), "get");
	EXPECT_EQ(0, r.status);
	EXPECT_STREQ("INDEX      VALUE  WAITERS UNDONE\n    0          0        0 no\n    1          2        0 no\n",
		     r.out);
	EXPECT_EQ(0, shmdev_unlink(NAME("s"), 0));
	close(fd);
}

TEST(sem_wait_timeout_exits_3)
{
	static struct run r;
	int fd = made(NAME("st"), 0600, 1);

	ASSERT_LE(0, fd);
	RUN(&r, CTL, "sem", NAME("st"), "wait", "--timeout", "0.1");
	EXPECT_EQ(3, r.status);
	EXPECT_NE(NULL, strstr(r.err, "semaphore 0: timed out"));
	EXPECT_EQ(0, shmdev_unlink(NAME("st"), 0));
	close(fd);
}

TEST(sizes_with_a_sign_a_space_or_a_base_prefix_are_usage_errors)
{
	static const char *const bad[] = {
		" -5", "-5", "+5", " 5", "5 ", "0x10", "1.5K", "", "K", "5KB",
	};
	static struct run r;

	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		RUN(&r, CTL, "create", NAME("sz"), bad[i]);
		EXPECT_EQ(2, r.status) TH_LOG("size '%s'", bad[i]);
		EXPECT_EQ(-ENOENT, shmdev_unlink(NAME("sz"), 0));
	}
	RUN(&r, CTL, "create", NAME("sz"), "4096", "--mode", " 600");
	EXPECT_EQ(2, r.status);
	RUN(&r, CTL, "create", NAME("sz"), "4096", "--sems", "+1");
	EXPECT_EQ(2, r.status);
	EXPECT_EQ(-ENOENT, shmdev_unlink(NAME("sz"), 0));
}

TEST(sizes_counts_and_indexes_are_decimal)
{
	static struct run r;
	struct shmdev_stat st;
	int fd;

	RUN(&r, CTL, "create", NAME("dec"), "010", "--sems", "011");
	ASSERT_EQ(0, r.status) TH_LOG("%s", r.err);
	ASSERT_EQ(0, shmdev_stat_name(NAME("dec"), &st));
	EXPECT_EQ(10, st.size);
	EXPECT_EQ(11, st.nsems);
	fd = shmdev_open(NAME("dec"), SHMDEV_ACCESS_READ | SHMDEV_ACCESS_SYNC);
	ASSERT_LE(0, fd);
	RUN(&r, CTL, "sem", NAME("dec"), "post", "--index", "010", "--count",
	    "012");
	EXPECT_EQ(0, r.status);
	EXPECT_EQ(12, shmdev_sem_getvalue(fd, 10));
	RUN(&r, CTL, "sem", NAME("dec"), "get", "--index", "0x1");
	EXPECT_EQ(2, r.status);
	EXPECT_EQ(0, shmdev_unlink(NAME("dec"), 0));
	close(fd);
}

/* `shmdevctl sem NAME wait --timeout @timeout`, started in a child. */
static pid_t start_wait(const char *name, const char *timeout)
{
	pid_t pid = fork();

	if (pid == 0) {
		static struct run r;

		RUN(&r, CTL, "sem", name, "wait", "--timeout", timeout);
		_exit(r.status);
	}
	return pid;
}

TEST(sem_wait_with_an_infinite_or_huge_timeout_waits_for_a_post)
{
	static const char *const forever[] = {
		"inf", "INFINITY", "1e30", "2147483648",
	};
	int fd = made(NAME("inf"), 0600, 1);

	ASSERT_LE(0, fd);
	for (unsigned int i = 0; i < sizeof(forever) / sizeof(forever[0]);
	     i++) {
		pid_t pid = start_wait(NAME("inf"), forever[i]);

		ASSERT_LE(0, pid);
		EXPECT_TRUE(wait_for_waiters(fd, 0, 1))
			TH_LOG("timeout '%s'", forever[i]);
		EXPECT_EQ(0, shmdev_sem_post(fd, 0, 1, 0));
		EXPECT_EQ(0, reap(pid)) TH_LOG("timeout '%s'", forever[i]);
	}
	EXPECT_EQ(0, shmdev_unlink(NAME("inf"), 0));
	close(fd);
}

TEST(sem_wait_bad_timeouts_are_usage_errors)
{
	static const char *const bad[] = {
		"-1", " 1", "+1", "nan", "1s", "", "0x10", "-inf",
	};
	static struct run r;
	int fd = made(NAME("bt"), 0600, 1);

	ASSERT_LE(0, fd);
	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		RUN(&r, CTL, "sem", NAME("bt"), "wait", "--timeout", bad[i]);
		EXPECT_EQ(2, r.status) TH_LOG("timeout '%s'", bad[i]);
	}
	EXPECT_EQ(0, shmdev_unlink(NAME("bt"), 0));
	close(fd);
}

TEST(sem_set_and_its_usage_errors)
{
	static struct run r;
	int fd = made(NAME("ss"), 0600, 1);

	ASSERT_LE(0, fd);
	RUN(&r, CTL, "sem", NAME("ss"), "set", "--value", "7");
	EXPECT_EQ(0, r.status);
	EXPECT_EQ(7, shmdev_sem_getvalue(fd, 0));
	RUN(&r, CTL, "sem", NAME("ss"), "set");
	EXPECT_EQ(2, r.status);
	RUN(&r, CTL, "sem", NAME("ss"), "jump");
	EXPECT_EQ(2, r.status);
	RUN(&r, CTL, "sem", NAME("ss"), "post", "--count", "0");
	EXPECT_EQ(2, r.status);
	RUN(&r, CTL, "sem", NAME("ss"), "post", "--index", "5");
	EXPECT_EQ(1, r.status);
	EXPECT_NE(NULL, strstr(r.err, "Invalid argument"));
	EXPECT_EQ(0, shmdev_unlink(NAME("ss"), 0));
	close(fd);
}

TEST(write_then_cat_round_trips)
{
	static struct run r;
	int fd = shmdev_create(NAME("w"), 16, 0600, 0, 0);

	ASSERT_LE(0, fd);
	RUN_IN(&r, "hello, region", CTL, "write", NAME("w"));
	EXPECT_EQ(0, r.status);
	RUN(&r, CTL, "cat", NAME("w"));
	EXPECT_EQ(0, r.status);
	EXPECT_EQ(16, r.out_len);
	EXPECT_EQ(0, memcmp(r.out, "hello, region\0\0\0", 16));
	EXPECT_EQ(0, shmdev_unlink(NAME("w"), 0));
	close(fd);
}

TEST(write_larger_than_the_region_fails)
{
	static struct run r;
	int fd = shmdev_create(NAME("wl"), 4, 0600, 0, 0);

	ASSERT_LE(0, fd);
	RUN_IN(&r, "too long", CTL, "write", NAME("wl"));
	EXPECT_EQ(1, r.status);
	EXPECT_NE(NULL, strstr(r.err, "the input is larger than the region (4 bytes)"));
	EXPECT_EQ(0, shmdev_unlink(NAME("wl"), 0));
	close(fd);
}

TEST(permission_denied_says_why)
{
	static struct run r;
	char msg[512];
	int fd = made(NAME("pd"), 0600, 0);

	ASSERT_LE(0, fd);
	RUN_AS(&r, TEST_UID, CTL, "cat", NAME("pd"));
	EXPECT_EQ(1, r.status);
	snprintf(msg, sizeof(msg), "shmdevctl: %s: permission denied by the region's mode or ACL\n",
		 NAME("pd"));
	EXPECT_STREQ(msg, r.err);
	RUN_AS(&r, TEST_UID, CTL, "rm", NAME("pd"));
	EXPECT_EQ(1, r.status);
	EXPECT_EQ(0, shmdev_unlink(NAME("pd"), 0));
	close(fd);
}

TEST(missing_module_says_how_to_load_it)
{
	static struct run r;
	pid_t pid = fork();

	if (pid == 0) {
		if (without_dev())
			_exit(255);
		RUN(&r, CTL, "list");
		_exit(r.status == 1 &&
		      !strcmp(r.err, "shmdevctl: /dev/shmdev: no such device — is the module loaded? (modprobe shmdev)\n") ? 0 : 1);
	}
	EXPECT_EQ(0, reap(pid));
}

TEST(version_prints_both_sides)
{
	static struct run r;

	RUN(&r, CTL, "version");
	EXPECT_EQ(0, r.status);
	EXPECT_NE(NULL, strstr(r.out, "libshmdev 1.0 (API 2)\nmodule API 2, features 0x"));
}

TEST_HARNESS_MAIN
