// SPDX-License-Identifier: MIT
/* libshmdev: iterating over the regions in memory with LIST. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "libshmdev.h"
#include "private.h"

/* Entries fetched per LIST call. */
#define LIST_BATCH	16

/**
 * struct shmdev_list_iter - where an iteration over LIST stands
 * @cursor: where the next LIST call continues
 * @count: entries in @batch
 * @next: the next entry of @batch to return
 * @done: LIST returned its last batch
 * @flags: the LIST flags of every call
 * @batch: the entries of the last call
 */
struct shmdev_list_iter {
	uint64_t cursor;
	unsigned int flags;
	unsigned int count;
	unsigned int next;
	int done;
	struct shmdev_list_entry batch[LIST_BATCH];
};

static int list_fetch(struct shmdev_list_iter *it);

int shmdev_list_open(struct shmdev_list_iter **iter)
{
	return shmdev_list_open_flags(iter, 0);
}

int shmdev_list_open_flags(struct shmdev_list_iter **iter, unsigned int flags)
{
	struct shmdev_list_iter *it;
	struct shmdev_version v;
	int ret, saved = errno;

	if (!iter)
		return -EFAULT;
	if (flags & ~SHMDEV_LIST_FLAGS_VALID)
		return -EINVAL;
	/* Fail now, not at the first entry, when there is no module. */
	ret = shmdev_version(&v);
	if (ret < 0)
		return ret;
	it = calloc(1, sizeof(*it));
	errno = saved;
	if (!it)
		return -ENOMEM;
	it->flags = flags;
	/* A listing the caller may not have fails here, not at its first entry. */
	ret = list_fetch(it);
	if (ret < 0) {
		free(it);
		errno = saved;
		return ret;
	}
	*iter = it;
	return 0;
}

static int list_fetch(struct shmdev_list_iter *it)
{
	struct shmdev_list l = {
		.cursor = it->cursor,
		.entries = (uint64_t)(uintptr_t)it->batch,
		.count = LIST_BATCH,
		.flags = it->flags,
	};
	int ret = __shmdev_control_ioctl(SHMDEV_IOC_LIST, &l);

	if (ret < 0)
		return ret;
	it->cursor = l.cursor;
	it->count = l.count;
	it->next = 0;
	it->done = !l.count;
	return 0;
}

int shmdev_list_next(struct shmdev_list_iter *iter,
		     struct shmdev_list_entry *entry)
{
	int ret;

	if (!iter || !entry)
		return -EFAULT;
	if (iter->next == iter->count && !iter->done) {
		ret = list_fetch(iter);
		if (ret < 0)
			return ret;
	}
	if (iter->next == iter->count)
		return 0;
	*entry = iter->batch[iter->next++];
	return 1;
}

void shmdev_list_close(struct shmdev_list_iter *iter)
{
	free(iter);
}
