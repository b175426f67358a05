// SPDX-License-Identifier: GPL-2.0
/*
 * Semaphore benchmark: shmdev semaphores against the peers a user would
 * pick instead, measured interleaved in one process tree so that the
 * ratios hold under emulation, where absolute times mean little.
 *
 *  - ping-pong: two processes pass the turn back and forth through two
 *    semaphores (post the peer's, wait for one's own): shmdev, POSIX
 *    process-shared sem_t (futex) and System V semop;
 *  - uncontended post+wait pair in one process: the same three, against a
 *    null system call (getppid).
 *
 * usage: sem [PINGPONG_TRIPS [PAIRS [ROUNDS]]]   (2000, 20000, 7)
 * Prints medians over the rounds and shmdev's ratio to each peer.
 */

#define _GNU_SOURCE
#include <fcntl.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/sem.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/shmdev.h>

#define MAX_ROUNDS	31

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return v[n / 2];
}

static void die(const char *what)
{
	perror(what);
	exit(1);
}

/* --- the three semaphore implementations -------------------------------- */

struct sems {
	int shmdev_fd;
	sem_t *posix;	/* two, in shared memory */
	int sysv_id;
};

static void shmdev_post(struct sems *s, int i)
{
	struct shmdev_sem_post p = { .index = i, .count = 1 };

	if (ioctl(s->shmdev_fd, SHMDEV_IOC_SEM_POST, &p))
		die("SEM_POST");
}

static void shmdev_wait(struct sems *s, int i)
{
	struct shmdev_sem_wait w = { .index = i, .timeout = SHMDEV_SEM_FOREVER };

	if (ioctl(s->shmdev_fd, SHMDEV_IOC_SEM_WAIT, &w) < 0)
		die("SEM_WAIT");
}

static void posix_post(struct sems *s, int i)
{
	if (sem_post(&s->posix[i]))
		die("sem_post");
}

static void posix_wait(struct sems *s, int i)
{
	while (sem_wait(&s->posix[i]))
		;
}

static void sysv_op(struct sems *s, int i, int op)
{
	struct sembuf b = { .sem_num = i, .sem_op = op };

	if (semop(s->sysv_id, &b, 1))
		die("semop");
}

static void sysv_post(struct sems *s, int i)
{
	sysv_op(s, i, 1);
}

static void sysv_wait(struct sems *s, int i)
{
	sysv_op(s, i, -1);
}

struct impl {
	const char *name;
	void (*post)(struct sems *s, int i);
	void (*wait)(struct sems *s, int i);
};

static const struct impl impls[] = {
	{ "shmdev", shmdev_post, shmdev_wait },
	{ "sem_t", posix_post, posix_wait },
	{ "sysv", sysv_post, sysv_wait },
};

#define NIMPLS (sizeof(impls) / sizeof(impls[0]))

static void setup(struct sems *s)
{
	struct shmdev_create c = {
		.name = (__u64)(unsigned long)"bench-sem", .size = 4096,
		.mode = 0600, .nsems = 2, .flags = SHMDEV_CREATE_TRANSIENT,
	};

	s->shmdev_fd = open("/dev/shmdev", O_RDWR | O_CLOEXEC);
	if (s->shmdev_fd < 0 || ioctl(s->shmdev_fd, SHMDEV_IOC_CREATE, &c))
		die("shmdev");
	s->posix = mmap(NULL, 2 * sizeof(sem_t), PROT_READ | PROT_WRITE,
			MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (s->posix == MAP_FAILED || sem_init(&s->posix[0], 1, 0) ||
	    sem_init(&s->posix[1], 1, 0))
		die("sem_init");
	s->sysv_id = semget(IPC_PRIVATE, 2, IPC_CREAT | 0600);
	if (s->sysv_id < 0)
		die("semget");
}

/* --- workloads ------------------------------------------------------------- */

/* Seconds per round trip between two processes. */
static double pingpong(struct sems *s, const struct impl *im, long trips)
{
	double t0, t1;
	pid_t pid = fork();

	if (pid < 0)
		die("fork");
	if (pid == 0) {
		for (long i = 0; i < trips; i++) {
			im->wait(s, 0);
			im->post(s, 1);
		}
		_exit(0);
	}
	/* One trip to make sure the child runs before timing. */
	im->post(s, 0);
	im->wait(s, 1);
	t0 = now();
	for (long i = 1; i < trips; i++) {
		im->post(s, 0);
		im->wait(s, 1);
	}
	t1 = now();
	waitpid(pid, NULL, 0);
	return (t1 - t0) / (trips - 1);
}

/* Seconds per post+wait pair that never sleeps. */
static double pair(struct sems *s, const struct impl *im, long n)
{
	double t0 = now();

	for (long i = 0; i < n; i++) {
		im->post(s, 0);
		im->wait(s, 0);
	}
	return (now() - t0) / n;
}

static double null_syscall(long n)
{
	double t0 = now();

	for (long i = 0; i < n; i++)
		syscall(SYS_getppid);
	return (now() - t0) / n;
}

int main(int argc, char **argv)
{
	long trips = argc > 1 ? atol(argv[1]) : 2000;
	long pairs = argc > 2 ? atol(argv[2]) : 20000;
	int rounds = argc > 3 ? atoi(argv[3]) : 7;
	double pp[NIMPLS][MAX_ROUNDS], pr[NIMPLS][MAX_ROUNDS], nul[MAX_ROUNDS];
	double mpp[NIMPLS], mpr[NIMPLS], mnul;
	struct sems s;

	if (trips < 2 || pairs < 1 || rounds < 1 || rounds > MAX_ROUNDS) {
		fprintf(stderr, "usage: sem [TRIPS>=2 [PAIRS [ROUNDS<=%d]]]\n",
			MAX_ROUNDS);
		return 2;
	}
	setup(&s);
	for (int r = 0; r < rounds; r++) {
		for (unsigned int i = 0; i < NIMPLS; i++) {
			pp[i][r] = pingpong(&s, &impls[i], trips);
			pr[i][r] = pair(&s, &impls[i], pairs);
		}
		nul[r] = null_syscall(pairs);
	}
	for (unsigned int i = 0; i < NIMPLS; i++) {
		mpp[i] = median(pp[i], rounds);
		mpr[i] = median(pr[i], rounds);
	}
	mnul = median(nul, rounds);

	printf("ping-pong round trip, median of %d rounds x %ld trips:\n",
	       rounds, trips);
	for (unsigned int i = 0; i < NIMPLS; i++)
		printf("  %-8s %9.2f us\n", impls[i].name, mpp[i] * 1e6);
	printf("  ratio shmdev/sem_t %.2f  shmdev/sysv %.2f\n",
	       mpp[0] / mpp[1], mpp[0] / mpp[2]);
	printf("uncontended post+wait pair, median of %d rounds x %ld pairs:\n",
	       rounds, pairs);
	for (unsigned int i = 0; i < NIMPLS; i++)
		printf("  %-8s %9.1f ns\n", impls[i].name, mpr[i] * 1e9);
	printf("  %-8s %9.1f ns\n", "getppid", mnul * 1e9);
	printf("  ratio shmdev/getppid %.2f  sysv/getppid %.2f  shmdev/sysv %.2f\n",
	       mpr[0] / mnul, mpr[2] / mnul, mpr[0] / mpr[2]);
	semctl(s.sysv_id, 0, IPC_RMID);
	return 0;
}
