// SPDX-License-Identifier: MIT
/*
 * A lock that survives kill -9: a shmdev semaphore of value 1 taken with
 * SHMDEV_SEM_UNDO. When its holder dies, the kernel gives the unit back,
 * and the next taker learns (SHMDEV_SEM_UNDONE) that the data the lock
 * protects may be half-updated and needs repair, like EOWNERDEAD of a
 * robust mutex.
 *
 *   lock NAME   a child takes the lock, starts an update, and is killed;
 *               the parent then takes the lock, sees the owner died and
 *               repairs. Exits 0 when that is what happened.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libshmdev.h>
#include "example.h"

/* What the lock protects: two counters that must be equal. */
struct account {
	uint64_t debit;
	uint64_t credit;
};

static int lock_take(int fd)
{
	return shmdev_sem_wait(fd, 0, SHMDEV_SEM_UNDO);
}

static int lock_give(int fd)
{
	return shmdev_sem_post(fd, 0, 1, SHMDEV_SEM_UNDO);
}

int main(int argc, char **argv)
{
	struct shmdev_map m;
	struct account *a;
	int fd, created, ret, status, ready[2];
	pid_t pid;
	char c;

	if (argc != 2) {
		fprintf(stderr, "usage: lock NAME\n");
		return 2;
	}
	fd = shmdev_open_or_create(argv[1], sizeof(*a), 0600,
				   SHMDEV_CREATE_TRANSIENT, 1,
				   SHMDEV_ACCESS_READ | SHMDEV_ACCESS_WRITE |
				   SHMDEV_ACCESS_SYNC, &created);
	if (fd < 0)
		die(argv[1], fd);
	if (created && (ret = shmdev_sem_post(fd, 0, 1, 0)) < 0)
		die("post", ret);
	ret = shmdev_map(fd, PROT_READ | PROT_WRITE, &m);
	if (ret < 0)
		die("map", ret);
	a = m.addr;
	if (pipe(ready))
		die("pipe", -errno);

	pid = fork();
	if (pid == 0) {
		/* The child's own handle: undo belongs to the handle. */
		int h = shmdev_open(argv[1], SHMDEV_ACCESS_SYNC);

		if (h < 0 || lock_take(h) < 0)
			_exit(1);
		a->debit += 100;	/* ...and dies before the credit */
		write(ready[1], "x", 1);
		pause();
		_exit(0);
	}
	if (read(ready[0], &c, 1) != 1)
		die("child", -ECHILD);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	printf("holder %d killed with the lock held (debit %llu, credit %llu)\n",
	       (int)pid, (unsigned long long)a->debit,
	       (unsigned long long)a->credit);

	ret = lock_take(fd);
	if (ret < 0)
		die("lock", ret);
	if (ret == SHMDEV_SEM_UNDONE) {
		printf("lock taken: the previous holder died in its critical section; repairing\n");
		a->credit = a->debit;
	} else {
		printf("lock taken, but nobody reported the dead holder\n");
	}
	ret = lock_give(fd) < 0 || a->debit != a->credit;
	printf("account %s (debit %llu, credit %llu)\n", ret ? "BROKEN" : "consistent",
	       (unsigned long long)a->debit, (unsigned long long)a->credit);
	shmdev_unmap(&m);
	close(fd);
	return ret;
}
