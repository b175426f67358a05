/* SPDX-License-Identifier: MIT */
/* What the examples share: failing with a message, and a checksum. */
#ifndef SHMDEV_EXAMPLE_H
#define SHMDEV_EXAMPLE_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Print "PROG: WHAT: error" for the -errno @err and exit 1. */
static inline void die(const char *what, int err)
{
	fprintf(stderr, "%s: %s: %s\n", program_invocation_short_name, what,
		strerror(-err));
	exit(1);
}

/* FNV-1a, 64 bits: continue the checksum @h over @n bytes at @p. */
static inline uint64_t fnv1a(uint64_t h, const void *p, size_t n)
{
	const unsigned char *c = p;

	while (n--)
		h = (h ^ *c++) * 0x100000001b3ULL;
	return h;
}

#define FNV1A_START	0xcbf29ce484222325ULL

#endif /* SHMDEV_EXAMPLE_H */
