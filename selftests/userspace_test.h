/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Running the userspace programs (shmdevctl, the examples) from a test:
 * in a child, with its stdin from a string and its stdout and stderr
 * captured, optionally as another user. Include after shmdev_test.h.
 */
#ifndef _SHMDEV_USERSPACE_TEST_H
#define _SHMDEV_USERSPACE_TEST_H

#include <limits.h>
#include <libgen.h>
#include <sched.h>
#include <signal.h>
#include <time.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/time.h>

/* The test user and groups, also in the guest's /etc/passwd and group. */
#define TEST_UID	2001
#define TEST_GID	2001
#define TEST_GROUP	3001

/**
 * struct run - what a program did
 * @status: its exit status, 200 + signal if killed, or -1
 * @out: its standard output, NUL-terminated
 * @out_len: bytes of it
 * @err: its standard error, NUL-terminated
 */
struct run {
	int status;
	char out[1 << 16];
	size_t out_len;
	char err[4096];
};

/* An absolute time @ms from now on @clock. */
static inline struct timespec in_ms(clockid_t clock, long ms)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	return ts;
}

/* SIGALRMs handled since the test started, by alarm_in()'s handler. */
static volatile sig_atomic_t alarms;

static inline void on_alarm(int sig)
{
	alarms++;
}

/* Arm SIGALRM in @ms, its handler installed with @flags; 0 or -1. */
static inline int alarm_in(long ms, int flags)
{
	struct sigaction sa = { .sa_handler = on_alarm, .sa_flags = flags };
	struct itimerval it = { .it_value = { .tv_usec = ms * 1000 } };

	if (sigaction(SIGALRM, &sa, NULL))
		return -1;
	return setitimer(ITIMER_REAL, &it, NULL);
}

/*
 * Give this process a mount namespace of its own with an empty /dev, so
 * that it sees no module; call it in a child. 0 or -1.
 */
static inline int without_dev(void)
{
	if (unshare(CLONE_NEWNS) ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
	    mount("tmpfs", "/dev", "tmpfs", 0, NULL))
		return -1;
	return 0;
}

/* Path of program @prog beside this test binary. */
static inline const char *beside_me(const char *prog)
{
	static char path[PATH_MAX];
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (n < 0)
		n = 0;
	self[n] = '\0';
	snprintf(path, sizeof(path), "%s/%s", dirname(self), prog);
	return path;
}

static inline size_t read_back(int fd, char *buf, size_t size)
{
	ssize_t n = pread(fd, buf, size - 1, 0);

	if (n < 0)
		n = 0;
	buf[n] = '\0';
	close(fd);
	return n;
}

/* Run @argv (argv[0] a program beside this test) as @uid (-1: as is). */
static inline void run_as(struct run *r, uid_t uid, const char *input,
			  const char *const *argv)
{
	int in = memfd_create("in", 0), out = memfd_create("out", 0);
	int err = memfd_create("err", 0);
	const char *path = beside_me(argv[0]);
	pid_t pid;

	memset(r, 0, sizeof(*r));
	r->status = -1;
	if (in < 0 || out < 0 || err < 0)
		return;
	if (input && write(in, input, strlen(input)) < 0)
		return;
	lseek(in, 0, SEEK_SET);
	pid = fork();
	if (pid == 0) {
		if (uid != (uid_t)-1 && drop_to(uid, TEST_GID, NULL, 0))
			_exit(126);
		dup2(in, 0);
		dup2(out, 1);
		dup2(err, 2);
		execv(path, (char *const *)argv);
		_exit(127);
	}
	close(in);
	r->status = reap(pid);
	r->out_len = read_back(out, r->out, sizeof(r->out));
	read_back(err, r->err, sizeof(r->err));
}

#define RUN(r, ...) \
	run_as(r, (uid_t)-1, NULL, (const char *const[]){ __VA_ARGS__, NULL })
#define RUN_IN(r, input, ...) \
	run_as(r, (uid_t)-1, input, (const char *const[]){ __VA_ARGS__, NULL })
#define RUN_AS(r, uid, ...) \
	run_as(r, uid, NULL, (const char *const[]){ __VA_ARGS__, NULL })

#endif /* _SHMDEV_USERSPACE_TEST_H */
