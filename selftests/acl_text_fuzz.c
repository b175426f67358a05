// SPDX-License-Identifier: GPL-2.0
/*
 * The library's ACL text parser and formatter against hostile input, on
 * the host under AddressSanitizer and UndefinedBehaviorSanitizer: random
 * mutations of valid specifications must be parsed or rejected with
 * EINVAL, ENOENT or ERANGE, never read or write out of bounds, and what
 * parses must format back to text that parses to the same entries.
 *
 *   acl_text_fuzz [ITERATIONS [SEED]]   exits 0 when every input behaved
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libshmdev.h>

static const char *const seeds[] = {
	"u:1000:rw,g:44:x", "user:0:rwxa group:4294967294:-", "u:root:r",
	"g:root:a,u:1:w\nu:2:x", "", " , ", "u:7:-,g:7:r-x-",
};

static const char alphabet[] = "ugsrwxa-:,0123456789 \n\t/roteuq";

static unsigned long long state;

static unsigned int rnd(unsigned int n)
{
	state = state * 6364136223846793005ULL + 1442695040888963407ULL;
	return (state >> 33) % n;
}

/* A mutation of a seed, NUL-terminated, in a buffer of its exact size. */
static char *mutate(size_t *len)
{
	char buf[512];
	int edits = rnd(8), i;
	size_t n = snprintf(buf, sizeof(buf), "%s",
			    seeds[rnd(sizeof(seeds) / sizeof(seeds[0]))]);

	for (i = 0; i < edits; i++) {
		size_t at = n ? rnd(n + 1) : 0;

		switch (rnd(4)) {
		case 0:	/* insert */
			if (n + 1 < sizeof(buf)) {
				memmove(buf + at + 1, buf + at, n - at + 1);
				buf[at] = rnd(4) ? alphabet[rnd(sizeof(alphabet) - 1)] :
						   (char)(rnd(255) + 1);
				n++;
			}
			break;
		case 1:	/* delete */
			if (at < n) {
				memmove(buf + at, buf + at + 1, n - at);
				n--;
			}
			break;
		case 2:	/* replace */
			if (at < n)
				buf[at] = alphabet[rnd(sizeof(alphabet) - 1)];
			break;
		default: /* repeat */
			if (n && n * 2 < sizeof(buf)) {
				memcpy(buf + n, buf, n);
				n *= 2;
				buf[n] = '\0';
			}
		}
	}
	*len = n;
	return strndup(buf, n);
}

static int same(const struct shmdev_acl_entry *a,
		const struct shmdev_acl_entry *b, int n)
{
	return !memcmp(a, b, n * sizeof(*a));
}

int main(int argc, char **argv)
{
	long iterations = argc > 1 ? atol(argv[1]) : 200000, i;
	struct shmdev_acl_entry *e, back[SHMDEV_ACL_MAX];
	unsigned long parsed = 0, rejected = 0;
	char out[SHMDEV_ACL_MAX * 32];
	size_t len;

	state = argc > 2 ? strtoull(argv[2], NULL, 0) : 1;
	for (i = 0; i < iterations; i++) {
		char *text = mutate(&len);
		unsigned int max = rnd(SHMDEV_ACL_MAX + 1);
		int n, m;

		/* Exactly @max entries: a write past them is caught. */
		e = malloc(max ? max * sizeof(*e) : 1);
		if (!e)
			return 1;
		n = shmdev_acl_parse(text, max ? e : NULL, max);

		if (n == -EINVAL || n == -ENOENT || n == -ERANGE) {
			rejected++;
			free(text);
			free(e);
			continue;
		}
		if (n < 0 || (unsigned int)n > max) {
			printf("\"%s\": parse returned %d (max %u)\n", text, n, max);
			return 1;
		}
		parsed++;
		m = shmdev_acl_format(e, n, 0, out, sizeof(out));
		if (m < 0 || (size_t)m != strlen(out) ||
		    shmdev_acl_parse(out, back, SHMDEV_ACL_MAX) != n ||
		    !same(e, back, n)) {
			printf("\"%s\": did not survive format and parse (\"%s\")\n",
			       text, out);
			return 1;
		}
		free(text);
		free(e);
	}
	printf("%ld inputs: %lu parsed and round-tripped, %lu rejected\n",
	       iterations, parsed, rejected);
	return 0;
}
