// SPDX-License-Identifier: GPL-2.0
/*
 * Streaming workload: a producer process hands a consumer process a
 * stream of 64 KiB chunks, through a 1 MiB shmdev region used as a ring of
 * 16 slots with two semaphores (free slots, full slots), through a pipe,
 * and through a Unix stream socket.
 *
 * Every peer does the same work on the data: the producer writes every
 * byte of each chunk (memset with the chunk's number) and the consumer
 * checks the chunk's first and last byte. Through the ring both happen in
 * place, which is what shared memory is for; the pipe and the socket add
 * their two copies. A second ring consumer copies each chunk out, as a
 * read() would, to show what the copy costs.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <libshmdev.h>

#include "bench.h"

#define CHUNK		(64 << 10)
#define SLOTS		16
#define RING_BYTES	(SLOTS * CHUNK)
#define SEM_FREE	0
#define SEM_FULL	1

/* A wait or post through the mapped semaphore area, as users make them. */
static void sem_op(struct shmdev_sems *sems, int sem, bool post)
{
	int ret = post ? shmdev_sems_post(sems, sem, 1, 0) :
			 shmdev_sems_wait(sems, sem, 0);

	if (ret < 0)
		die_errno(post ? "shmdev_sems_post" : "shmdev_sems_wait", -ret);
}

static bool chunk_ok(const char *c, long k)
{
	return c[0] == (char)k && c[CHUNK - 1] == (char)k;
}

/*
 * One stream: the ring's handle and mapping, or a pipe's or socket's two
 * ends, and a private chunk buffer (the copy-out consumer's, or the
 * producer's and the reader's of a pipe or socket).
 */
struct stream {
	int fd;			/* the ring's handle, or the write end */
	int rfd;		/* the read end */
	struct shmdev_sems sems;	/* the ring's semaphores */
	char *ring;
	char *buf;
	bool copy_out;
	long chunks;
};

static void ring_consume(struct stream *s)
{
	for (long k = 0; k < s->chunks; k++) {
		char *slot = s->ring + (k % SLOTS) * CHUNK;

		sem_op(&s->sems, SEM_FULL, false);
		if (s->copy_out)
			slot = memcpy(s->buf, slot, CHUNK);
		if (!chunk_ok(slot, k))
			_exit(1);
		sem_op(&s->sems, SEM_FREE, true);
	}
	_exit(0);
}

static void ring_produce(struct stream *s)
{
	for (long k = 0; k < s->chunks; k++) {
		sem_op(&s->sems, SEM_FREE, false);
		memset(s->ring + (k % SLOTS) * CHUNK, (char)k, CHUNK);
		sem_op(&s->sems, SEM_FULL, true);
	}
}

static void fd_consume(struct stream *s)
{
	close(s->fd);
	for (long k = 0; k < s->chunks; k++) {
		for (size_t got = 0; got < CHUNK;) {
			ssize_t n = read(s->rfd, s->buf + got, CHUNK - got);

			if (n <= 0)
				_exit(1);
			got += n;
		}
		if (!chunk_ok(s->buf, k))
			_exit(1);
	}
	_exit(0);
}

static void fd_produce(struct stream *s)
{
	close(s->rfd);
	for (long k = 0; k < s->chunks; k++) {
		memset(s->buf, (char)k, CHUNK);
		for (size_t put = 0; put < CHUNK;) {
			ssize_t n = write(s->fd, s->buf + put, CHUNK - put);

			if (n < 0)
				die("write");
			put += n;
		}
	}
	close(s->fd);
}

/*
 * Milliseconds from the fork of the consumer, on CPU 1, until it has
 * checked the last chunk the producer, this process, handed it.
 */
static double stream_timed(struct stream *s, void (*consume)(struct stream *),
			   void (*produce)(struct stream *))
{
	double t0 = now();
	pid_t pid = fork();
	int status;

	if (pid < 0)
		die("fork");
	if (pid == 0) {
		pin_to_cpu(1);
		consume(s);
	}
	produce(s);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status))
		die_errno("the consumer", EPROTO);
	return (now() - t0) * 1e3;
}

/* Milliseconds to stream P.stream_bytes through the ring. */
static double stream_ring(bool copy_out)
{
	struct stream s = {
		.fd = shmdev_create("bench-stream", RING_BYTES, 0600,
				    SHMDEV_CREATE_TRANSIENT, 2),
		.copy_out = copy_out,
		.chunks = P.stream_bytes / CHUNK,
	};
	double t;
	int ret;

	if (s.fd < 0)
		die_errno("shmdev_create", -s.fd);
	ret = shmdev_sem_set(s.fd, SEM_FREE, SLOTS);
	if (ret < 0)
		die_errno("shmdev_sem_set", -ret);
	ret = shmdev_sems_map(&s.sems, s.fd, 2);
	if (ret < 0)
		die_errno("shmdev_sems_map", -ret);
	s.ring = mmap(NULL, RING_BYTES, PROT_READ | PROT_WRITE, MAP_SHARED,
		      s.fd, 0);
	s.buf = malloc(CHUNK);
	if (s.ring == MAP_FAILED || !s.buf)
		die("mmap");
	/* Fault the ring in first: it is reused, not streamed through. */
	memset(s.ring, 0xff, RING_BYTES);
	t = stream_timed(&s, ring_consume, ring_produce);
	shmdev_sems_unmap(&s.sems);
	munmap(s.ring, RING_BYTES);
	free(s.buf);
	close(s.fd);
	return t;
}

/* The same through a pipe, or through a Unix stream socket. */
static double stream_fd(bool socket)
{
	struct stream s = {
		.buf = malloc(CHUNK),
		.chunks = P.stream_bytes / CHUNK,
	};
	int fds[2];
	double t;

	if (!s.buf)
		die("malloc");
	if (socket ? socketpair(AF_UNIX, SOCK_STREAM, 0, fds) : pipe(fds))
		die("pipe");
	s.rfd = fds[0];
	s.fd = fds[1];
	memset(s.buf, 0xff, CHUNK);
	t = stream_timed(&s, fd_consume, fd_produce);
	free(s.buf);
	return t;
}

/*
 * The producer's work alone: memset every chunk into the ring, with no
 * consumer and no semaphore. No mechanism in which the producer writes
 * every byte can stream faster.
 */
static double stream_alone(void)
{
	long chunks = P.stream_bytes / CHUNK;
	char *ring = mmap(NULL, RING_BYTES, PROT_READ | PROT_WRITE,
			  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	double t0;

	if (ring == MAP_FAILED)
		die("mmap");
	memset(ring, 0xff, RING_BYTES);
	t0 = now();
	for (long k = 0; k < chunks; k++)
		memset(ring + (k % SLOTS) * CHUNK, (char)k, CHUNK);
	t0 = (now() - t0) * 1e3;
	munmap(ring, RING_BYTES);
	return t0;
}

void bench_stream(void)
{
	const char *w = "streaming";
	struct series *ring = series_new(w, "shmdev ring, in place", "ms");
	struct series *copy = series_new(w, "shmdev ring, copied out", "ms");
	struct series *pipe = series_new(w, "pipe", "ms");
	struct series *sock = series_new(w, "Unix socket", "ms");
	struct series *alone = series_new(w, "the producer's memset alone", "ms");
	double mib = P.stream_bytes / (double)(1 << 20);

	for_each_round(r) {
		series_add(ring, stream_ring(false));
		series_add(copy, stream_ring(true));
		series_add(pipe, stream_fd(false));
		series_add(sock, stream_fd(true));
		series_add(alone, stream_alone());
	}
	ratio_add(w, "Streaming through a 1 MiB ring vs a pipe", ring, pipe,
		  5.0, "≥ 5× a pipe's throughput");
	ratio_add(w, "Streaming through a 1 MiB ring vs a Unix socket", ring,
		  sock, 0, NULL);
	ratio_add(w, "Streaming, consumer copying out, vs a pipe", copy, pipe,
		  0, NULL);
	ratio_add(w, "Streaming bound: the producer's memset alone vs a pipe",
		  alone, pipe, 0, NULL);
	note_add(w, "%.0f MiB per stream in 64 KiB chunks; the ring moves %.0f MiB/s, a pipe %.0f MiB/s (medians)",
		 mib, mib / (series_median(ring) / 1e3),
		 mib / (series_median(pipe) / 1e3));
}
