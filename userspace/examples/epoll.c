// SPDX-License-Identifier: MIT
/*
 * One epoll loop serving a socket and a shmdev ring at once. A child
 * writes lines to a socket (a stand-in for a network peer) while another
 * child fills the slots of a ring in a shmdev region; the parent waits
 * for both in one epoll_wait(), on the socket and on a semaphore fd of
 * the ring's "full" semaphore (shmdev_sem_fd(3)), whose read() takes one
 * filled slot. Each side checksums what it sent or saw.
 *
 *   epoll NAME COUNT   COUNT messages each way; exits 0 when every
 *                      message arrived intact
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libshmdev.h>
#include "example.h"

#define SLOTS		8
#define MSG_SIZE	256
#define SEM_FREE	0
#define SEM_FULL	1

struct ring {
	char msg[SLOTS][MSG_SIZE];
};

/* Message @i of a source, as both ends make it. */
static int message(char *buf, const char *source, unsigned int i)
{
	return snprintf(buf, MSG_SIZE, "%s message %u\n", source, i);
}

/* The ring's producer: @count messages into the free slots. */
static void fill_ring(int fd, struct ring *r, unsigned int count)
{
	int ret;

	for (unsigned int i = 0; i < count; i++) {
		ret = shmdev_sem_wait(fd, SEM_FREE, 0);
		if (ret < 0)
			die("wait for a free slot", ret);
		message(r->msg[i % SLOTS], "ring", i);
		ret = shmdev_sem_post(fd, SEM_FULL, 1, 0);
		if (ret < 0)
			die("post a full slot", ret);
	}
}

/* The socket's peer: @count lines, then end of file. */
static void talk(int sock, unsigned int count)
{
	char buf[MSG_SIZE];

	for (unsigned int i = 0; i < count; i++) {
		int n = message(buf, "socket", i);

		if (write(sock, buf, n) != n)
			die("write to the socket", -errno);
	}
}

/* What the loop saw of one source: a checksum and a message count. */
struct source {
	uint64_t seen;
	unsigned int count;
};

/* Account for @n bytes of messages at @p from @src. */
static void saw(struct source *src, const char *p, size_t n)
{
	src->seen = fnv1a(src->seen, p, n);
	for (size_t i = 0; i < n; i++)
		src->count += p[i] == '\n';
}

static uint64_t checksum(const char *source, unsigned int count)
{
	uint64_t h = FNV1A_START;
	char buf[MSG_SIZE];

	for (unsigned int i = 0; i < count; i++)
		h = fnv1a(h, buf, message(buf, source, i));
	return h;
}

/*
 * The event loop, until the ring gave @count messages and the socket
 * reached end of file.
 */
static void serve(int fd, int sfd, int sock, struct ring *r,
		  unsigned int count, struct source *ring, struct source *net)
{
	struct epoll_event ev[2], a = { .events = EPOLLIN, .data.fd = sfd };
	struct epoll_event b = { .events = EPOLLIN, .data.fd = sock };
	int ep = epoll_create1(EPOLL_CLOEXEC);
	unsigned int slot = 0;
	bool eof = false;
	char buf[4096];

	if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, sfd, &a) ||
	    epoll_ctl(ep, EPOLL_CTL_ADD, sock, &b))
		die("epoll", -errno);
	while (!eof || ring->count < count) {
		int n = epoll_wait(ep, ev, 2, -1);

		if (n < 0 && errno != EINTR)
			die("epoll_wait", -errno);
		for (int i = 0; i < n; i++) {
			if (ev[i].data.fd == sfd) {
				uint64_t one;

				/* One filled slot, or EAGAIN if none is left. */
				while (read(sfd, &one, sizeof(one)) == sizeof(one)) {
					const char *m = r->msg[slot++ % SLOTS];

					int ret;

					saw(ring, m, strlen(m));
					ret = shmdev_sem_post(fd, SEM_FREE, 1, 0);
					if (ret < 0)
						die("post a free slot", ret);
				}
			} else {
				ssize_t got = read(sock, buf, sizeof(buf));

				if (got <= 0) {
					eof = true;
					epoll_ctl(ep, EPOLL_CTL_DEL, sock, NULL);
				} else {
					saw(net, buf, got);
				}
			}
		}
	}
	close(ep);
}

int main(int argc, char **argv)
{
	struct source ring = { FNV1A_START, 0 }, net = { FNV1A_START, 0 };
	int fd, sfd, sv[2], ret, status;
	unsigned int count;
	struct shmdev_map m;
	pid_t pids[2];

	if (argc != 3) {
		fprintf(stderr, "usage: epoll NAME COUNT\n");
		return 2;
	}
	count = strtoul(argv[2], NULL, 10);
	fd = shmdev_create(argv[1], sizeof(struct ring), 0600,
			   SHMDEV_CREATE_TRANSIENT, 2);
	if (fd < 0)
		die(argv[1], fd);
	ret = shmdev_sem_post(fd, SEM_FREE, SLOTS, 0);
	if (ret < 0)
		die("post the free slots", ret);
	ret = shmdev_map(fd, PROT_READ | PROT_WRITE, &m);
	if (ret < 0)
		die("map", ret);
	sfd = shmdev_sem_fd(fd, SEM_FULL, SHMDEV_SEM_FD_NONBLOCK);
	if (sfd < 0)
		die("semaphore fd", sfd);
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
		die("socketpair", -errno);
	pids[0] = fork();
	if (pids[0] == 0) {
		fill_ring(fd, m.addr, count);
		_exit(0);
	}
	pids[1] = fork();
	if (pids[1] == 0) {
		talk(sv[1], count);
		_exit(0);
	}
	close(sv[1]);
	serve(fd, sfd, sv[0], m.addr, count, &ring, &net);
	for (int i = 0; i < 2; i++)
		if (waitpid(pids[i], &status, 0) != pids[i] || status)
			die("child", -ECHILD);
	printf("ring: %u messages, socket: %u lines\n", ring.count, net.count);
	ret = ring.seen == checksum("ring", count) &&
	      net.seen == checksum("socket", count);
	printf("checksums %s\n", ret ? "match" : "DIFFER");
	shmdev_unmap(&m);
	close(sfd);
	close(fd);
	return ret ? 0 : 1;
}
