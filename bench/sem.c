// SPDX-License-Identifier: GPL-2.0
/*
 * Semaphore workloads: shmdev semaphores (through their mapped area, as
 * shmdev_sems_*() use them; through ioctls alone; and through the POSIX
 * layer) against POSIX process-shared sem_t (a futex), System V semop
 * and a pipe.
 *
 *  - pingpong: two processes pass the turn back and forth through two
 *    semaphores (post the other's, wait for one's own);
 *  - uncontended: a post+wait pair in one process that never sleeps,
 *    against a null system call (getppid) and two empty ioctls on
 *    /dev/shmdev, the floor of any two-call pair through the device;
 *  - wakeup: many threads sleep on one semaphore, one post releases them
 *    all (sem_t, which posts one unit per call, posts in a loop).
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/sem.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <libshmdev.h>

#include "bench.h"

struct sems {
	int shmdev_fd;
	struct shmdev_sems shmdev;	/* the fast path, over shmdev_fd */
	shmdev_psem_t *psem;		/* two, process-shared, in shared memory */
	sem_t *posix;		/* two, in shared memory */
	int sysv_id;
	int pipes[2][2];	/* semaphore i is pipe i: a byte is a unit */
};

static struct sems S;

static void shmdev_post(int i, unsigned int n)
{
	int ret = shmdev_sems_post(&S.shmdev, i, n, 0);

	if (ret < 0)
		die_errno("shmdev_sems_post", -ret);
}

static void shmdev_wait(int i)
{
	int ret = shmdev_sems_wait(&S.shmdev, i, 0);

	if (ret < 0)
		die_errno("shmdev_sems_wait", -ret);
}

/* The same semaphores, every call an ioctl. */
static void ioctl_post(int i, unsigned int n)
{
	int ret = shmdev_sem_post(S.shmdev_fd, i, n, 0);

	if (ret < 0)
		die_errno("shmdev_sem_post", -ret);
}

static void ioctl_wait(int i)
{
	int ret = shmdev_sem_wait(S.shmdev_fd, i, 0);

	if (ret < 0)
		die_errno("shmdev_sem_wait", -ret);
}

/* libshmdev's POSIX layer, as code switched to it calls it. */
static void psem_post(int i, unsigned int n)
{
	while (n--)
		if (shmdev_psem_post(&S.psem[i]))
			die("shmdev_psem_post");
}

static void psem_wait(int i)
{
	while (shmdev_psem_wait(&S.psem[i]))
		if (errno != EINTR)
			die("shmdev_psem_wait");
}

static void posix_post(int i, unsigned int n)
{
	while (n--)
		if (sem_post(&S.posix[i]))
			die("sem_post");
}

static void posix_wait(int i)
{
	while (sem_wait(&S.posix[i]))
		if (errno != EINTR)
			die("sem_wait");
}

static void sysv_op(int i, int op)
{
	struct sembuf b = { .sem_num = i, .sem_op = op };

	while (semop(S.sysv_id, &b, 1))
		if (errno != EINTR)
			die("semop");
}

static void sysv_post(int i, unsigned int n)
{
	sysv_op(i, n);
}

static void sysv_wait(int i)
{
	sysv_op(i, -1);
}

static void pipe_post(int i, unsigned int n)
{
	char buf[64] = { 0 };

	while (n) {
		ssize_t k = write(S.pipes[i][1], buf, n < 64 ? n : 64);

		if (k < 0)
			die("write");
		n -= k;
	}
}

static void pipe_wait(int i)
{
	char c;

	if (read(S.pipes[i][0], &c, 1) != 1)
		die("read");
}

struct impl {
	const char *name;
	void (*post)(int i, unsigned int n);
	void (*wait)(int i);
};

static const struct impl impls[] = {
	{ "shmdev", shmdev_post, shmdev_wait },
	{ "sem_t", posix_post, posix_wait },
	{ "System V", sysv_post, sysv_wait },
	{ "pipe", pipe_post, pipe_wait },
	{ "shmdev ioctls", ioctl_post, ioctl_wait },
	{ "POSIX layer", psem_post, psem_wait },
};

#define NIMPLS (sizeof(impls) / sizeof(impls[0]))

static void setup(void)
{
	S.shmdev_fd = shmdev_create("bench-sem", 4096, 0600,
				    SHMDEV_CREATE_TRANSIENT, 2);
	if (S.shmdev_fd < 0)
		die_errno("shmdev_create", -S.shmdev_fd);
	if (shmdev_sems_map(&S.shmdev, S.shmdev_fd, 2))
		die("shmdev_sems_map");
	S.psem = mmap(NULL, 2 * sizeof(shmdev_psem_t), PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (S.psem == MAP_FAILED || shmdev_psem_init(&S.psem[0], 1, 0) ||
	    shmdev_psem_init(&S.psem[1], 1, 0))
		die("shmdev_psem_init");
	S.posix = mmap(NULL, 2 * sizeof(sem_t), PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (S.posix == MAP_FAILED || sem_init(&S.posix[0], 1, 0) ||
	    sem_init(&S.posix[1], 1, 0))
		die("sem_init");
	S.sysv_id = semget(IPC_PRIVATE, 2, IPC_CREAT | 0600);
	if (S.sysv_id < 0)
		die("semget");
	if (pipe(S.pipes[0]) || pipe(S.pipes[1]))
		die("pipe");
}

static void teardown(void)
{
	shmdev_sems_unmap(&S.shmdev);
	close(S.shmdev_fd);
	shmdev_psem_destroy(&S.psem[0]);
	shmdev_psem_destroy(&S.psem[1]);
	munmap(S.psem, 2 * sizeof(shmdev_psem_t));
	munmap(S.posix, 2 * sizeof(sem_t));
	/* The System V set outlives the process unless removed. */
	semctl(S.sysv_id, 0, IPC_RMID);
	for (int i = 0; i < 2; i++) {
		close(S.pipes[i][0]);
		close(S.pipes[i][1]);
	}
}

/* --- ping-pong ------------------------------------------------------------- */

/* Microseconds per round trip between two processes. */
static double pingpong(const struct impl *im, long trips)
{
	double t0, t1;
	pid_t pid = fork();

	if (pid < 0)
		die("fork");
	if (pid == 0) {
		pin_to_cpu(1);
		for (long i = 0; i < trips; i++) {
			im->wait(0);
			im->post(1, 1);
		}
		_exit(0);
	}
	/* One trip to make sure the child runs before timing. */
	im->post(0, 1);
	im->wait(1);
	t0 = now();
	for (long i = 1; i < trips; i++) {
		im->post(0, 1);
		im->wait(1);
	}
	t1 = now();
	waitpid(pid, NULL, 0);
	return (t1 - t0) / (trips - 1) * 1e6;
}

void bench_pingpong(void)
{
	struct series *s[NIMPLS];

	setup();
	for (unsigned int i = 0; i < NIMPLS; i++)
		s[i] = series_new("pingpong", impls[i].name, "us");
	for_each_round(r)
		for (unsigned int i = 0; i < NIMPLS; i++)
			series_add(s[i], pingpong(&impls[i], P.trips));
	ratio_add("pingpong", "Ping-pong round trip vs sem_t (futex)", s[0],
		  s[1], 1.0, "≤ 1.0× sem_t's time (≥ 1.0)");
	ratio_add("pingpong", "Ping-pong round trip vs System V semop", s[0],
		  s[2], 1.0, "≤ 1.0× System V's time (≥ 1.0)");
	ratio_add("pingpong", "Ping-pong round trip vs pipe", s[0], s[3], 0, NULL);
	ratio_add("pingpong", "Ping-pong round trip vs every call an ioctl",
		  s[0], s[4], 0, NULL);
	ratio_add("pingpong", "POSIX layer ping-pong vs glibc's sem_t", s[5],
		  s[1], 0, NULL);
	teardown();
}

/* --- uncontended ----------------------------------------------------------- */

/* Nanoseconds per post+wait pair that never sleeps. */
static double pair(const struct impl *im, long n)
{
	double t0 = now();

	for (long i = 0; i < n; i++) {
		im->post(0, 1);
		im->wait(0);
	}
	return (now() - t0) / n * 1e9;
}

static double null_syscall(long n)
{
	double t0 = now();

	for (long i = 0; i < n; i++)
		syscall(SYS_getppid);
	return (now() - t0) / n * 1e9;
}

/* Two ioctls that the driver refuses at once (ENOTTY), per "pair". */
static double empty_ioctls(long n)
{
	double t0 = now();

	for (long i = 0; i < n; i++) {
		ioctl(S.shmdev_fd, _IO(SHMDEV_IOC_MAGIC, 0x7f));
		ioctl(S.shmdev_fd, _IO(SHMDEV_IOC_MAGIC, 0x7f));
	}
	return (now() - t0) / n * 1e9;
}

void bench_uncontended(void)
{
	struct series *s[NIMPLS], *nul, *floor;

	setup();
	for (unsigned int i = 0; i < NIMPLS; i++)
		s[i] = series_new("uncontended", impls[i].name, "ns");
	nul = series_new("uncontended", "getppid", "ns");
	floor = series_new("uncontended", "2 empty ioctls", "ns");
	for_each_round(r) {
		for (unsigned int i = 0; i < NIMPLS; i++)
			series_add(s[i], pair(&impls[i], P.pairs));
		series_add(nul, null_syscall(P.pairs));
		series_add(floor, empty_ioctls(P.pairs));
	}
	ratio_add("uncontended", "Uncontended post+wait vs a null syscall", s[0],
		  nul, 1 / 3.0, "≤ 3× getppid's time (≥ 0.33)");
	ratio_add("uncontended", "Every call an ioctl vs its floor, two empty ioctls",
		  s[4], floor, 0, NULL);
	ratio_add("uncontended", "Uncontended post+wait vs System V", s[0], s[2],
		  0, NULL);
	ratio_add("uncontended", "Uncontended post+wait vs sem_t",
		  s[0], s[1], 0.5, "≤ 2× sem_t's time (≥ 0.5)");
	ratio_add("uncontended", "POSIX layer uncontended post+wait vs glibc's sem_t",
		  s[5], s[1], 0.5, "≤ 2× sem_t's time (≥ 0.5)");
	ratio_add("uncontended", "Uncontended post+wait vs every call an ioctl",
		  s[0], s[4], 0, NULL);
	ratio_add("uncontended", "Uncontended post+wait vs pipe", s[0], s[3], 0,
		  NULL);
	teardown();
}

/* --- wake-up of many waiters ----------------------------------------------- */

struct waker {
	const struct impl *im;
	pid_t *tids;
	atomic_int started;
	atomic_int woken;
	double last;		/* when the last waiter returned */
};

static void *waiter(void *arg)
{
	struct waker *w = arg;
	int me = atomic_fetch_add(&w->started, 1);

	w->tids[me] = gettid();
	w->im->wait(0);
	if (atomic_fetch_add(&w->woken, 1) + 1 == P.waiters)
		w->last = now();
	return NULL;
}

/* Whether thread @tid is asleep: state S in /proc/self/task/TID/stat. */
static bool asleep(pid_t tid)
{
	char path[64], buf[256], *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", tid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = 0;
	p = strrchr(buf, ')');
	return p && p[1] == ' ' && p[2] == 'S';
}

/* Microseconds from the post to the return of the last of P.waiters. */
static double wakeup(const struct impl *im)
{
	struct waker w = { .im = im };
	pthread_t *th = calloc(P.waiters, sizeof(*th));
	pthread_attr_t attr;
	double t0;
	int i;

	w.tids = calloc(P.waiters, sizeof(*w.tids));
	if (!th || !w.tids)
		die("calloc");
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 64 << 10);
	for (i = 0; i < P.waiters; i++)
		if (pthread_create(&th[i], &attr, waiter, &w))
			die("pthread_create");
	while (atomic_load(&w.started) < P.waiters)
		usleep(1000);
	for (i = 0; i < P.waiters; i++)
		while (!w.tids[i] || !asleep(w.tids[i]))
			usleep(1000);
	t0 = now();
	im->post(0, P.waiters);
	for (i = 0; i < P.waiters; i++)
		pthread_join(th[i], NULL);
	pthread_attr_destroy(&attr);
	free(th);
	free(w.tids);
	return (w.last - t0) * 1e6;
}

void bench_wakeup(void)
{
	/*
	 * shmdev, sem_t, System V and shmdev through ioctls alone; a pipe
	 * wakes its readers one by one.
	 */
	static const unsigned int which[] = { 0, 1, 2, 4 };
	struct series *s[4];

	setup();
	/* The waiters sleep and wake wherever the scheduler puts them. */
	unpin();
	for (unsigned int i = 0; i < 4; i++)
		s[i] = series_new("wakeup", impls[which[i]].name, "us");
	for_each_round(r)
		for (unsigned int i = 0; i < 4; i++)
			series_add(s[i], wakeup(&impls[which[i]]));
	pin_to_cpu(0);
	ratio_add("wakeup", "Wake-up of all waiters vs System V", s[0], s[2], 0,
		  NULL);
	ratio_add("wakeup", "Wake-up of all waiters vs sem_t (one post each)",
		  s[0], s[1], 0, NULL);
	ratio_add("wakeup", "Wake-up of all waiters vs every call an ioctl",
		  s[0], s[3], 0, NULL);
	teardown();
}
