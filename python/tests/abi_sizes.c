// SPDX-License-Identifier: MIT
/*
 * The sizes of the structures python/shmdev/_lib.py declares with ctypes,
 * and the offsets of the fields that follow padding or arrays, as the C
 * headers make them; make check compares them with what abi_sizes.py
 * prints.
 */
#include <stddef.h>
#include <stdio.h>
#include <libshmdev.h>

int main(void)
{
	printf("%zu %zu %zu %zu %zu\n", sizeof(struct shmdev_stat),
	       sizeof(struct shmdev_list_entry), sizeof(struct shmdev_acl_entry),
	       sizeof(struct shmdev_sem_info), sizeof(struct timespec));
	printf("%zu %zu %zu %zu %zu %zu\n",
	       offsetof(struct shmdev_stat, size),
	       offsetof(struct shmdev_stat, create_time),
	       offsetof(struct shmdev_stat, ipc_ns),
	       offsetof(struct shmdev_stat, name_out),
	       offsetof(struct shmdev_list_entry, ipc_ns),
	       offsetof(struct shmdev_list_entry, name));
	return 0;
}
