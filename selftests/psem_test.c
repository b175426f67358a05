// SPDX-License-Identifier: GPL-2.0
/*
 * The POSIX semaphore layer against the POSIX semantics, through the
 * switch-over header: the code below is written for <semaphore.h> and
 * every sem_*() is shmdev_psem_*(). Return values are 0 or -1 with errno.
 */
#define _GNU_SOURCE
#include <limits.h>
#include <pthread.h>
#include <sys/stat.h>

#include "kselftest_harness.h"
#include <libshmdev-semaphore.h>
#include "shmdev_test.h"
#include "userspace_test.h"

/* "/<test>-<tag>", a POSIX semaphore name of this test's own. */
#define SEM_NAME(tag) sem_name_of(_metadata, tag)
static const char *sem_name_of(struct __test_metadata *m, const char *tag)
{
	static char bufs[4][SHMDEV_NAME_MAX];
	static int next;
	char *b = bufs[next++ % 4];

	snprintf(b, SHMDEV_NAME_MAX, "/%.200s-%s", m->name, tag);
	return b;
}

/* -1 with errno @e, as a single value: 1000 + e, or the return value. */
#define RESULT(call) ({ int _r = (call); _r == -1 ? 1000 + errno : _r; })

TEST(sem_value_max_is_int_max)
{
	EXPECT_EQ(INT_MAX, SEM_VALUE_MAX);
}

TEST(init_sets_the_value)
{
	sem_t s;
	int v = -1;

	ASSERT_EQ(0, sem_init(&s, 0, 3));
	ASSERT_EQ(0, sem_getvalue(&s, &v));
	EXPECT_EQ(3, v);
	EXPECT_EQ(0, sem_destroy(&s));
}

TEST(init_above_sem_value_max_is_einval)
{
	sem_t s;

	EXPECT_EQ(1000 + EINVAL, RESULT(sem_init(&s, 0, (unsigned int)SEM_VALUE_MAX + 1)));
}

TEST(post_then_wait)
{
	sem_t s;
	int v = -1;

	ASSERT_EQ(0, sem_init(&s, 0, 0));
	EXPECT_EQ(0, sem_post(&s));
	EXPECT_EQ(0, sem_post(&s));
	EXPECT_EQ(0, sem_wait(&s));
	ASSERT_EQ(0, sem_getvalue(&s, &v));
	EXPECT_EQ(1, v);
	EXPECT_EQ(0, sem_destroy(&s));
}

TEST(trywait_on_zero_is_eagain)
{
	sem_t s;

	ASSERT_EQ(0, sem_init(&s, 0, 1));
	EXPECT_EQ(0, sem_trywait(&s));
	EXPECT_EQ(1000 + EAGAIN, RESULT(sem_trywait(&s)));
	EXPECT_EQ(0, sem_destroy(&s));
}

TEST(timedwait_times_out_on_the_realtime_clock)
{
	struct timespec t = in_ms(CLOCK_REALTIME, 50);
	sem_t s;

	ASSERT_EQ(0, sem_init(&s, 0, 0));
	EXPECT_EQ(1000 + ETIMEDOUT, RESULT(sem_timedwait(&s, &t)));
	EXPECT_EQ(0, sem_destroy(&s));
}

TEST(timedwait_in_the_past_is_etimedout)
{
	struct timespec past = { .tv_sec = 1 };
	sem_t s;

	ASSERT_EQ(0, sem_init(&s, 0, 0));
	EXPECT_EQ(1000 + ETIMEDOUT, RESULT(sem_timedwait(&s, &past)));
	EXPECT_EQ(0, sem_destroy(&s));
}

TEST(timedwait_in_the_past_takes_a_free_unit)
{
	struct timespec past = { .tv_sec = 1 };
	sem_t s;

	ASSERT_EQ(0, sem_init(&s, 0, 1));
	EXPECT_EQ(0, sem_timedwait(&s, &past));
	EXPECT_EQ(0, sem_destroy(&s));
}

TEST(timedwait_bad_nanoseconds_are_einval)
{
	struct timespec big = { .tv_sec = 1, .tv_nsec = 1000000000L };
	struct timespec neg = { .tv_sec = 1, .tv_nsec = -1 };
	sem_t s;

	ASSERT_EQ(0, sem_init(&s, 0, 1));
	EXPECT_EQ(1000 + EINVAL, RESULT(sem_timedwait(&s, &big)));
	EXPECT_EQ(1000 + EINVAL, RESULT(sem_timedwait(&s, &neg)));
	/* The unit is still there. */
	EXPECT_EQ(0, sem_trywait(&s));
	EXPECT_EQ(0, sem_destroy(&s));
}

TEST(clockwait_times_out_on_the_monotonic_clock)
{
	struct timespec t = in_ms(CLOCK_MONOTONIC, 50);
	sem_t s;

	ASSERT_EQ(0, sem_init(&s, 0, 0));
	EXPECT_EQ(1000 + ETIMEDOUT,
		  RESULT(sem_clockwait(&s, CLOCK_MONOTONIC, &t)));
	EXPECT_EQ(0, sem_destroy(&s));
}

TEST(clockwait_other_clocks_are_einval)
{
	struct timespec t = { .tv_sec = 1 };
	sem_t s;

	ASSERT_EQ(0, sem_init(&s, 0, 1));
	EXPECT_EQ(1000 + EINVAL,
		  RESULT(sem_clockwait(&s, CLOCK_PROCESS_CPUTIME_ID, &t)));
	EXPECT_EQ(0, sem_destroy(&s));
}

TEST(wait_interrupted_by_a_signal_is_eintr)
{
	sem_t s;

	ASSERT_EQ(0, sem_init(&s, 0, 0));
	ASSERT_EQ(0, alarm_in(100, 0));
	EXPECT_EQ(1000 + EINTR, RESULT(sem_wait(&s)));
	EXPECT_EQ(0, sem_destroy(&s));
}

TEST(wait_resumes_after_an_sa_restart_handler)
{
	sem_t *s = mmap(NULL, sizeof(*s), PROT_READ | PROT_WRITE,
			MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	pid_t pid;

	/* A documented difference: glibc's sem_wait fails with EINTR. */
	ASSERT_NE(MAP_FAILED, s);
	ASSERT_EQ(0, sem_init(s, 1, 0));
	pid = fork();
	if (pid == 0) {
		usleep(400000);
		_exit(sem_post(s) ? 1 : 0);
	}
	ASSERT_EQ(0, alarm_in(100, SA_RESTART));
	EXPECT_EQ(0, sem_wait(s));
	EXPECT_EQ(1, alarms);
	EXPECT_EQ(0, reap(pid));
	EXPECT_EQ(0, sem_destroy(s));
	munmap(s, sizeof(*s));
}

TEST(post_at_sem_value_max_is_eoverflow)
{
	sem_t s;
	int v = -1;

	ASSERT_EQ(0, sem_init(&s, 0, SEM_VALUE_MAX));
	EXPECT_EQ(1000 + EOVERFLOW, RESULT(sem_post(&s)));
	ASSERT_EQ(0, sem_getvalue(&s, &v));
	EXPECT_EQ(SEM_VALUE_MAX, v);
	EXPECT_EQ(0, sem_destroy(&s));
}

TEST(destroyed_semaphore_is_einval)
{
	sem_t s;
	int v;

	ASSERT_EQ(0, sem_init(&s, 0, 1));
	ASSERT_EQ(0, sem_destroy(&s));
	EXPECT_EQ(1000 + EINVAL, RESULT(sem_post(&s)));
	EXPECT_EQ(1000 + EINVAL, RESULT(sem_wait(&s)));
	EXPECT_EQ(1000 + EINVAL, RESULT(sem_getvalue(&s, &v)));
	EXPECT_EQ(1000 + EINVAL, RESULT(sem_destroy(&s)));
}

TEST(uninitialised_semaphore_is_einval)
{
	sem_t s;

	memset(&s, 0, sizeof(s));
	EXPECT_EQ(1000 + EINVAL, RESULT(sem_post(&s)));
	EXPECT_EQ(1000 + EINVAL, RESULT(sem_trywait(&s)));
}

TEST(process_shared_semaphore_works_across_fork)
{
	sem_t *s = mmap(NULL, sizeof(*s), PROT_READ | PROT_WRITE,
			MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	pid_t pid;

	ASSERT_NE(MAP_FAILED, s);
	ASSERT_EQ(0, sem_init(s, 1, 0));
	pid = fork();
	if (pid == 0)
		_exit(sem_wait(s) ? 1 : 0);
	usleep(20000);
	EXPECT_EQ(0, sem_post(s));
	EXPECT_EQ(0, reap(pid));
	EXPECT_EQ(0, sem_destroy(s));
	munmap(s, sizeof(*s));
}

TEST(process_shared_semaphore_reaches_a_process_that_never_saw_it)
{
	sem_t *s = mmap(NULL, sizeof(*s), PROT_READ | PROT_WRITE,
			MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int go[2];
	pid_t pid;
	char c;

	ASSERT_NE(MAP_FAILED, s);
	ASSERT_EQ(0, pipe(go));
	/* Forked before sem_init: it has no handle and must find one. */
	pid = fork();
	if (pid == 0) {
		if (read(go[0], &c, 1) != 1)
			_exit(2);
		_exit(sem_post(s) ? 1 : 0);
	}
	ASSERT_EQ(0, sem_init(s, 1, 0));
	ASSERT_EQ(1, write(go[1], "g", 1));
	EXPECT_EQ(0, sem_wait(s));
	EXPECT_EQ(0, reap(pid));
	EXPECT_EQ(0, sem_destroy(s));
	munmap(s, sizeof(*s));
}

TEST(a_semaphore_dies_with_its_processes)
{
	sem_t s;
	char name[SHMDEV_PSEM_NAME_MAX];
	pid_t pid = fork();

	if (pid == 0) {
		/* Never destroyed: the region goes when the process does. */
		_exit(sem_init(&s, 0, 0));
	}
	EXPECT_EQ(0, reap(pid));
	snprintf(name, sizeof(name), "psem.%d.0", (int)pid);
	EXPECT_EQ(-ENOENT, shmdev_open(name, SHMDEV_ACCESS_READ));
}

TEST(init_without_the_module_is_enosys)
{
	pid_t pid = fork();
	sem_t s;

	if (pid == 0) {
		if (without_dev())
			_exit(255);
		_exit(sem_init(&s, 0, 0) == -1 ? errno : 0);
	}
	EXPECT_EQ(ENOSYS, reap(pid));
}

TEST(open_creates_with_the_initial_value)
{
	sem_t *s = sem_open(SEM_NAME("v"), O_CREAT | O_EXCL, 0600, 5);
	int v = -1;

	ASSERT_NE(SEM_FAILED, s);
	ASSERT_EQ(0, sem_getvalue(s, &v));
	EXPECT_EQ(5, v);
	EXPECT_EQ(0, sem_close(s));
	EXPECT_EQ(0, sem_unlink(SEM_NAME("v")));
}

TEST(open_excl_of_an_existing_name_is_eexist)
{
	sem_t *s = sem_open(SEM_NAME("x"), O_CREAT | O_EXCL, 0600, 0);

	ASSERT_NE(SEM_FAILED, s);
	errno = 0;
	EXPECT_EQ(SEM_FAILED, sem_open(SEM_NAME("x"), O_CREAT | O_EXCL, 0600, 0));
	EXPECT_EQ(EEXIST, errno);
	EXPECT_EQ(0, sem_close(s));
	EXPECT_EQ(0, sem_unlink(SEM_NAME("x")));
}

TEST(open_of_a_missing_name_is_enoent)
{
	errno = 0;
	EXPECT_EQ(SEM_FAILED, sem_open(SEM_NAME("none"), 0));
	EXPECT_EQ(ENOENT, errno);
}

TEST(open_creat_of_an_existing_name_opens_it)
{
	sem_t *a = sem_open(SEM_NAME("c"), O_CREAT, 0600, 2);
	sem_t *b;
	int v = -1;

	ASSERT_NE(SEM_FAILED, a);
	/* O_CREAT of an existing semaphore ignores mode and value. */
	b = sem_open(SEM_NAME("c"), O_CREAT, 0600, 9);
	ASSERT_NE(SEM_FAILED, b);
	ASSERT_EQ(0, sem_getvalue(b, &v));
	EXPECT_EQ(2, v);
	EXPECT_EQ(0, sem_close(b));
	EXPECT_EQ(0, sem_close(a));
	EXPECT_EQ(0, sem_unlink(SEM_NAME("c")));
}

TEST(open_twice_in_a_process_returns_the_same_semaphore)
{
	sem_t *a = sem_open(SEM_NAME("s"), O_CREAT, 0600, 0);
	sem_t *b = sem_open(SEM_NAME("s"), 0);

	ASSERT_NE(SEM_FAILED, a);
	EXPECT_EQ(a, b);
	/* Each open needs its close. */
	EXPECT_EQ(0, sem_close(b));
	EXPECT_EQ(0, sem_post(a));
	EXPECT_EQ(0, sem_close(a));
	EXPECT_EQ(1000 + EINVAL, RESULT(sem_close(a)));
	EXPECT_EQ(0, sem_unlink(SEM_NAME("s")));
}

TEST(open_above_sem_value_max_is_einval)
{
	errno = 0;
	EXPECT_EQ(SEM_FAILED, sem_open(SEM_NAME("big"), O_CREAT, 0600,
				       (unsigned int)SEM_VALUE_MAX + 1));
	EXPECT_EQ(EINVAL, errno);
}

TEST(open_bad_names_are_rejected)
{
	char longname[SHMDEV_NAME_MAX + 2];

	errno = 0;
	EXPECT_EQ(SEM_FAILED, sem_open("/", O_CREAT, 0600, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(SEM_FAILED, sem_open("/a/b", O_CREAT, 0600, 0));
	EXPECT_EQ(EINVAL, errno);
	longname[0] = '/';
	memset(longname + 1, 'n', SHMDEV_NAME_MAX);
	longname[SHMDEV_NAME_MAX + 1] = '\0';
	EXPECT_EQ(SEM_FAILED, sem_open(longname, O_CREAT, 0600, 0));
	EXPECT_EQ(ENAMETOOLONG, errno);
}

TEST(unlink_keeps_open_semaphores_working)
{
	sem_t *s = sem_open(SEM_NAME("u"), O_CREAT, 0600, 0);
	pid_t pid;

	ASSERT_NE(SEM_FAILED, s);
	pid = fork();
	if (pid == 0)
		_exit(sem_wait(s) ? 1 : 0);
	usleep(20000);
	ASSERT_EQ(0, sem_unlink(SEM_NAME("u")));
	errno = 0;
	EXPECT_EQ(SEM_FAILED, sem_open(SEM_NAME("u"), 0));
	EXPECT_EQ(ENOENT, errno);
	/* The sleeper and this process still share the semaphore. */
	EXPECT_EQ(0, sem_post(s));
	EXPECT_EQ(0, reap(pid));
	EXPECT_EQ(0, sem_post(s));
	EXPECT_EQ(0, sem_wait(s));
	EXPECT_EQ(0, sem_close(s));
}

TEST(unlink_of_a_missing_name_is_enoent)
{
	EXPECT_EQ(1000 + ENOENT, RESULT(sem_unlink(SEM_NAME("none"))));
}

TEST(unlink_of_a_name_no_semaphore_can_have_is_enoent)
{
	static const char *const unusable[] = {
		"", "/", "//", "/a/b", "/has space", "/tab\t",
	};
	char long_name[300];

	for (unsigned int i = 0; i < sizeof(unusable) / sizeof(unusable[0]);
	     i++) {
		EXPECT_EQ(1000 + ENOENT, RESULT(sem_unlink(unusable[i])))
			TH_LOG("name '%s'", unusable[i]);
	}
	long_name[0] = '/';
	memset(long_name + 1, 'x', sizeof(long_name) - 2);
	long_name[sizeof(long_name) - 1] = '\0';
	EXPECT_EQ(1000 + ENOENT, RESULT(sem_unlink(long_name)));
}

TEST(open_needs_read_and_write_permission)
{
	mode_t old = umask(0);
	sem_t *ro = sem_open(SEM_NAME("ro"), O_CREAT, 0644, 0);
	sem_t *rw = sem_open(SEM_NAME("rw"), O_CREAT, 0666, 0);
	pid_t pid;

	umask(old);
	ASSERT_NE(SEM_FAILED, ro);
	ASSERT_NE(SEM_FAILED, rw);
	pid = fork();
	if (pid == 0) {
		sem_t *a, *b;

		if (drop_to(TEST_UID, TEST_GID, NULL, 0))
			_exit(99);
		a = sem_open(SEM_NAME("ro"), 0);
		if (a != SEM_FAILED || errno != EACCES)
			_exit(1);
		b = sem_open(SEM_NAME("rw"), 0);
		_exit(b == SEM_FAILED || sem_post(b) ? 2 : 0);
	}
	EXPECT_EQ(0, reap(pid));
	EXPECT_EQ(0, sem_close(ro));
	EXPECT_EQ(0, sem_close(rw));
	EXPECT_EQ(0, sem_unlink(SEM_NAME("ro")));
	EXPECT_EQ(0, sem_unlink(SEM_NAME("rw")));
}

TEST(open_applies_the_umask)
{
	mode_t old = umask(027);
	sem_t *s = sem_open(SEM_NAME("m"), O_CREAT, 0666, 0);
	struct shmdev_stat st;
	char rname[SHMDEV_NAME_MAX];

	umask(old);
	ASSERT_NE(SEM_FAILED, s);
	snprintf(rname, sizeof(rname), "sem.%s", SEM_NAME("m") + 1);
	ASSERT_EQ(0, shmdev_stat_name(rname, &st));
	/* 0666 & ~027 = 0640; the owner's w also grants the semaphore (x). */
	EXPECT_EQ(0740, st.mode);
	EXPECT_EQ(0, sem_close(s));
	EXPECT_EQ(0, sem_unlink(SEM_NAME("m")));
}

TEST(close_of_an_unnamed_semaphore_is_einval)
{
	sem_t s;

	ASSERT_EQ(0, sem_init(&s, 0, 0));
	EXPECT_EQ(1000 + EINVAL, RESULT(sem_close(&s)));
	EXPECT_EQ(0, sem_destroy(&s));
}

static void *post_and_wait(void *arg)
{
	sem_t *s = arg;
	int i;

	for (i = 0; i < 1000; i++)
		if (sem_post(s) || sem_wait(s))
			return (void *)1;
	return NULL;
}

TEST(threads_share_a_semaphore)
{
	pthread_t t[4];
	void *ret;
	sem_t s;
	int i, v = -1;

	ASSERT_EQ(0, sem_init(&s, 0, 0));
	for (i = 0; i < 4; i++)
		ASSERT_EQ(0, pthread_create(&t[i], NULL, post_and_wait, &s));
	for (i = 0; i < 4; i++) {
		ASSERT_EQ(0, pthread_join(t[i], &ret));
		EXPECT_EQ(NULL, ret);
	}
	ASSERT_EQ(0, sem_getvalue(&s, &v));
	EXPECT_EQ(0, v);
	EXPECT_EQ(0, sem_destroy(&s));
}

TEST_HARNESS_MAIN
