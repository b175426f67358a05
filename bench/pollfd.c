// SPDX-License-Identifier: GPL-2.0
/*
 * The epoll workload: wake-ups through pollable fds. Two processes pass
 * the turn back and forth, each waiting in epoll_wait() on its own fd and
 * reading one unit from it, then writing one to the other's: shmdev
 * semaphore fds (SHMDEV_IOC_SEM_FD) against eventfd(EFD_SEMAPHORE), the
 * fd an event loop would otherwise use.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/wait.h>
#include <unistd.h>
#include <libshmdev.h>

#include "bench.h"

/* An epoll instance of this process, watching @fd for input. */
static int epoll_for(int fd)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.fd = fd };
	int ep = epoll_create1(EPOLL_CLOEXEC);

	if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev))
		die("epoll");
	return ep;
}

/* Take one unit from non-blocking @fd, sleeping in epoll_wait() if none. */
static void take(int ep, int fd)
{
	struct epoll_event ev;
	uint64_t v;

	while (read(fd, &v, sizeof(v)) != sizeof(v)) {
		if (errno != EAGAIN)
			die("read");
		if (epoll_wait(ep, &ev, 1, -1) < 0 && errno != EINTR)
			die("epoll_wait");
	}
}

static void give(int fd)
{
	uint64_t one = 1;

	if (write(fd, &one, sizeof(one)) != sizeof(one))
		die("write");
}

/* Microseconds per round trip: @fds[0] to the child, @fds[1] back. */
static double epoll_pingpong(const int fds[2], long trips)
{
	double t0, t1;
	pid_t pid = fork();
	int ep;

	if (pid < 0)
		die("fork");
	if (pid == 0) {
		pin_to_cpu(1);
		ep = epoll_for(fds[0]);
		for (long i = 0; i < trips; i++) {
			take(ep, fds[0]);
			give(fds[1]);
		}
		_exit(0);
	}
	ep = epoll_for(fds[1]);
	give(fds[0]);
	take(ep, fds[1]);
	t0 = now();
	for (long i = 1; i < trips; i++) {
		give(fds[0]);
		take(ep, fds[1]);
	}
	t1 = now();
	waitpid(pid, NULL, 0);
	close(ep);
	return (t1 - t0) / (trips - 1) * 1e6;
}

void bench_epoll(void)
{
	struct series *shm = series_new("epoll", "shmdev semaphore fd", "us");
	struct series *efd = series_new("epoll", "eventfd", "us");
	int sfds[2], efds[2];
	int fd = shmdev_create("bench-epoll", 4096, 0600,
			       SHMDEV_CREATE_TRANSIENT, 2);

	if (fd < 0)
		die_errno("shmdev_create", -fd);
	for (int i = 0; i < 2; i++) {
		sfds[i] = shmdev_sem_fd(fd, i, SHMDEV_SEM_FD_NONBLOCK);
		efds[i] = eventfd(0, EFD_SEMAPHORE | EFD_NONBLOCK | EFD_CLOEXEC);
		if (sfds[i] < 0 || efds[i] < 0)
			die("semaphore fd or eventfd");
	}
	for_each_round(r) {
		series_add(shm, epoll_pingpong(sfds, P.trips));
		series_add(efd, epoll_pingpong(efds, P.trips));
	}
	ratio_add("epoll", "epoll wake-up round trip vs eventfd", shm, efd,
		  1 / 1.2, "≤ 1.2× eventfd's time (≥ 0.83)");
	for (int i = 0; i < 2; i++) {
		close(sfds[i]);
		close(efds[i]);
	}
	close(fd);
}
