// SPDX-License-Identifier: MIT
/*
 * A producer/consumer ring buffer across two processes, synchronised by
 * two shmdev semaphores: semaphore 0 counts free slots, semaphore 1
 * counts filled ones. Each end maps the semaphore area too
 * (shmdev_sems_map(3)), so a wait or post makes a system call only when
 * the other end sleeps or must be woken. The producer streams pseudo-random bytes, the
 * consumer reads them, and each prints the FNV-1a checksum of what it
 * saw: they match when nothing was lost, repeated or torn.
 *
 *   ring NAME MIB              both ends, producer in a child; exits 0
 *                              when the checksums match
 *   ring produce NAME MIB      the producer alone (creates the region)
 *   ring consume NAME MIB      the consumer alone: needs READ and SYNC
 *                              only, and removes the region at the end
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <libshmdev.h>
#include "example.h"

#define SLOTS		16
#define SLOT_SIZE	(64 * 1024)
#define SEM_FREE	0
#define SEM_FULL	1

/* The region: a length per slot, then the slots. */
struct ring {
	uint32_t len[SLOTS];
	unsigned char data[SLOTS][SLOT_SIZE];
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The ring's handle, creating it (all slots free) if it does not exist. */
static int ring_open(const char *name, int producer)
{
	unsigned int access = SHMDEV_ACCESS_READ | SHMDEV_ACCESS_SYNC;
	int created = 0, fd, ret;

	if (!producer)
		return shmdev_open(name, access);
	fd = shmdev_open_or_create(name, sizeof(struct ring), 0600, 0, 2,
				   access | SHMDEV_ACCESS_WRITE, &created);
	if (fd >= 0 && created) {
		ret = shmdev_sem_post(fd, SEM_FREE, SLOTS, 0);
		if (ret < 0)
			die("post", ret);
	}
	return fd;
}

static uint64_t produce(struct shmdev_sems *s, struct ring *r, uint64_t bytes)
{
	uint64_t h = FNV1A_START, x = 88172645463325252ULL, sent;
	unsigned int slot = 0, i;
	int ret;

	for (sent = 0; sent < bytes; slot = (slot + 1) % SLOTS) {
		uint32_t len = bytes - sent < SLOT_SIZE ? bytes - sent : SLOT_SIZE;
		uint64_t *w = (uint64_t *)r->data[slot];

		ret = shmdev_sems_wait(s, SEM_FREE, 0);
		if (ret < 0)
			die("wait for a free slot", ret);
		for (i = 0; i < SLOT_SIZE / 8; i++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			w[i] = x;
		}
		r->len[slot] = len;
		h = fnv1a(h, r->data[slot], len);
		sent += len;
		ret = shmdev_sems_post(s, SEM_FULL, 1, 0);
		if (ret < 0)
			die("post a full slot", ret);
	}
	return h;
}

static uint64_t consume(struct shmdev_sems *s, const struct ring *r,
			uint64_t bytes)
{
	uint64_t h = FNV1A_START, got;
	unsigned int slot = 0;
	int ret;

	for (got = 0; got < bytes; slot = (slot + 1) % SLOTS) {
		ret = shmdev_sems_wait(s, SEM_FULL, 0);
		if (ret < 0)
			die("wait for a full slot", ret);
		h = fnv1a(h, r->data[slot], r->len[slot]);
		got += r->len[slot];
		ret = shmdev_sems_post(s, SEM_FREE, 1, 0);
		if (ret < 0)
			die("post a free slot", ret);
	}
	return h;
}

/* Run one end over region @name; its checksum. */
static uint64_t run(const char *role, const char *name, uint64_t bytes)
{
	int producer = !strcmp(role, "producer");
	struct shmdev_sems s;
	struct shmdev_map m;
	double t0 = now(), dt;
	uint64_t h;
	int fd, ret;

	fd = ring_open(name, producer);
	if (fd < 0)
		die(name, fd);
	ret = shmdev_map(fd, producer ? PROT_READ | PROT_WRITE : PROT_READ, &m);
	if (ret < 0)
		die("map", ret);
	ret = shmdev_sems_map(&s, fd, 2);
	if (ret < 0)
		die("map the semaphores", ret);
	h = producer ? produce(&s, m.addr, bytes) : consume(&s, m.addr, bytes);
	dt = now() - t0;
	printf("%s: %" PRIu64 " MiB in %.2f s (%.1f MiB/s), checksum %016" PRIx64 "\n",
	       role, bytes >> 20, dt, (bytes >> 20) / dt, h);
	fflush(stdout);
	shmdev_sems_unmap(&s);
	shmdev_unmap(&m);
	if (!producer) {
		ret = shmdev_unlink(name, 0);
		if (ret < 0 && ret != -EACCES)
			die("unlink", ret);
	}
	close(fd);
	return h;
}

int main(int argc, char **argv)
{
	uint64_t mib, mine, theirs;
	int status, fds[2], fd;
	pid_t pid;

	if (argc == 4 && (!strcmp(argv[1], "produce") || !strcmp(argv[1], "consume"))) {
		mib = strtoull(argv[3], NULL, 0);
		run(argv[1][0] == 'p' ? "producer" : "consumer", argv[2], mib << 20);
		return 0;
	}
	if (argc != 3) {
		fprintf(stderr, "usage: ring NAME MIB | ring produce|consume NAME MIB\n");
		return 2;
	}
	mib = strtoull(argv[2], NULL, 0);
	/* Create it here, so that the consumer never finds it missing. */
	fd = ring_open(argv[1], 1);
	if (fd < 0)
		die(argv[1], fd);
	if (pipe(fds))
		die("pipe", -errno);
	pid = fork();
	if (pid == 0) {
		mine = run("producer", argv[1], mib << 20);
		write(fds[1], &mine, sizeof(mine));
		_exit(0);
	}
	mine = run("consumer", argv[1], mib << 20);
	close(fd);
	if (waitpid(pid, &status, 0) != pid || status ||
	    read(fds[0], &theirs, sizeof(theirs)) != sizeof(theirs))
		die("producer", -ECHILD);
	printf("checksums %s\n", mine == theirs ? "match" : "DIFFER");
	return mine == theirs ? 0 : 1;
}
