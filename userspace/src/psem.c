// SPDX-License-Identifier: MIT
/*
 * libshmdev: POSIX semaphores (sem_init(3), sem_open(3) and their family)
 * over shmdev semaphores, with the same signatures, return values and
 * errno.
 *
 * Each semaphore is semaphore 0 of a region of its own:
 *  - an unnamed one (sem_init) of a transient region "psem.PID.N", which
 *    lives while a process uses it, so a crash leaks nothing;
 *  - a named one (sem_open "/x") of the persistent region "sem.x", as
 *    glibc keeps it in /dev/shm/sem.x.
 * A process reaches the region through a handle of its own: kept in the
 * semaphore itself when only this process uses it, and in a per-process
 * table keyed by the region's id when it is process-shared (the
 * semaphore's memory is then shared, but descriptors are not). With the
 * handle goes the mapping of the region's semaphore area, so that a wait
 * or post that need not sleep or wake anyone makes no system call; a
 * handle whose area cannot be mapped makes every call a system call.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "libshmdev.h"
#include "private.h"

#define PSEM_MAGIC	0x6d657370u	/* "psem" */
#define PSEM_SHARED	0x1		/* process-shared: fd in the table */
#define PSEM_NAMED	0x2		/* from sem_open() */

#define PSEM_ACCESS	(SHMDEV_ACCESS_READ | SHMDEV_ACCESS_SYNC)
#define PSEM_BUCKETS	64

/* One process-shared semaphore's handle in this process. */
struct psem_handle {
	uint64_t id;
	int fd;
	struct shmdev_sem_shared *shared;
	struct psem_handle *next;
};

/* A named semaphore this process has open, shared by its sem_open()s. */
struct psem_named {
	shmdev_psem_t sem;
	unsigned int refs;
	struct psem_named *next;
};

/* Protects handles[]: read at a thread's first call, changed on first use. */
static pthread_rwlock_t handles_lock = PTHREAD_RWLOCK_INITIALIZER;
static struct psem_handle *handles[PSEM_BUCKETS];

/* Changes, under handles_lock, whenever a handle leaves handles[]. */
static unsigned long handles_gen = 1;

/*
 * The handle each thread found last, so that a thread's calls on one
 * process-shared semaphore take no lock: valid while handles_gen is what
 * it was before the lookup that filled it. A handle only leaves when its
 * semaphore is destroyed or found unlinked, after which using it is
 * undefined, as POSIX says of a destroyed semaphore. Initial-exec: a
 * thread's access is one load, not a call (the few bytes fit the static
 * TLS that glibc keeps for libraries loaded later, with dlopen()).
 */
static __thread __attribute__((tls_model("initial-exec"))) struct {
	uint64_t id;
	unsigned long gen;
	int fd;
	struct shmdev_sem_shared *shared;
} handle_last;

/* Protects named and every psem_named's refs. */
static pthread_mutex_t named_lock = PTHREAD_MUTEX_INITIALIZER;
static struct psem_named *named;

/* Numbers the unnamed semaphores this process creates. */
static unsigned long psem_serial;

static pthread_once_t atfork_once = PTHREAD_ONCE_INIT;

/* The tables must not be copied into a child in the middle of a change. */
static void psem_prepare(void)
{
	pthread_mutex_lock(&named_lock);
	pthread_rwlock_wrlock(&handles_lock);
}

static void psem_parent(void)
{
	pthread_rwlock_unlock(&handles_lock);
	pthread_mutex_unlock(&named_lock);
}

/*
 * The child's only thread holds both locks, but under the parent's thread
 * id, which an rwlock unlock would not recognise: start them afresh.
 */
static void psem_child(void)
{
	pthread_rwlock_init(&handles_lock, NULL);
	pthread_mutex_init(&named_lock, NULL);
}

static void psem_register_atfork(void)
{
	pthread_atfork(psem_prepare, psem_parent, psem_child);
}

/* Set errno from -@err and return -1, as the sem_*() functions do. */
static int psem_fail(int err)
{
	/* No device: the system does not support these semaphores. */
	errno = err == -ENODEV ? ENOSYS : -err;
	return -1;
}

static int psem_valid(const shmdev_psem_t *sem)
{
	return sem && sem->magic == PSEM_MAGIC;
}

static struct psem_handle **handle_slot(uint64_t id)
{
	struct psem_handle **p = &handles[id % PSEM_BUCKETS];

	while (*p && (*p)->id != id)
		p = &(*p)->next;
	return p;
}

/* The semaphore area's one page of a handle, or NULL: none is mapped. */
static struct shmdev_sem_shared *area_map(int fd)
{
	struct shmdev_sem_shared *area;
	size_t len;

	return __shmdev_sem_area_map(fd, 1, &area, &len) < 0 ? NULL : area;
}

static void area_unmap(struct shmdev_sem_shared *area)
{
	if (area)
		__shmdev_munmap(area, SHMDEV_SEM_AREA_SIZE(1));
}

/*
 * Replace a dropped handle's area with a read-only page that reads
 * SHMDEV_SEM_KERNEL, left mapped: a thread whose call raced with the drop
 * and still holds the address then asks the kernel, and never writes into
 * whatever the address would be reused for. It costs a page for each
 * process-shared semaphore this process finds destroyed.
 */
static void area_retire(struct shmdev_sem_shared *area)
{
	size_t len = SHMDEV_SEM_AREA_SIZE(1);
	int saved = errno;

	if (area && mmap(area, len, PROT_READ | PROT_WRITE,
			 MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS, -1,
			 0) != MAP_FAILED) {
		area->state = SHMDEV_SEM_KERNEL;
		mprotect(area, len, PROT_READ);
	}
	errno = saved;
}

static int handle_find(uint64_t id, struct shmdev_sem_shared **shared)
{
	unsigned long gen = __atomic_load_n(&handles_gen, __ATOMIC_ACQUIRE);
	struct psem_handle *h;
	int fd = -1;

	/* psem_handle() tried handle_last; this fills it. */
	pthread_rwlock_rdlock(&handles_lock);
	h = *handle_slot(id);
	if (h) {
		fd = h->fd;
		*shared = h->shared;
		handle_last.id = id;
		handle_last.gen = gen;
		handle_last.fd = fd;
		handle_last.shared = h->shared;
	}
	pthread_rwlock_unlock(&handles_lock);
	return fd;
}

/*
 * Keep @fd as the handle of region @id, with its area mapped; the handle
 * kept, or -errno.
 */
static int handle_add(uint64_t id, int fd)
{
	struct psem_handle **p, *h = malloc(sizeof(*h));

	if (!h)
		return -ENOMEM;
	h->id = id;
	h->fd = fd;
	h->shared = area_map(fd);
	h->next = NULL;
	pthread_once(&atfork_once, psem_register_atfork);
	pthread_rwlock_wrlock(&handles_lock);
	p = handle_slot(id);
	if (*p) {
		/* Another thread got there first: use its handle. */
		fd = (*p)->fd;
		area_unmap(h->shared);
		free(h);
	} else {
		*p = h;
	}
	pthread_rwlock_unlock(&handles_lock);
	return fd;
}

/*
 * Forget region @id's handle: at sem_destroy(), or, @retire, when a call
 * found the semaphore destroyed, which other threads may be finding too.
 */
static void handle_drop(uint64_t id, int retire)
{
	struct psem_handle **p, *h;

	pthread_rwlock_wrlock(&handles_lock);
	p = handle_slot(id);
	h = *p;
	if (h) {
		*p = h->next;
		__atomic_add_fetch(&handles_gen, 1, __ATOMIC_RELEASE);
	}
	pthread_rwlock_unlock(&handles_lock);
	if (h) {
		if (retire)
			area_retire(h->shared);
		else
			area_unmap(h->shared);
		close(h->fd);
		free(h);
	}
}

/* The id of the region handle @fd is bound to, or -errno. */
static int region_id(int fd, uint64_t *id)
{
	struct shmdev_stat st;
	int ret = shmdev_stat(fd, &st);

	if (ret < 0)
		return ret;
	*id = st.id;
	return 0;
}

/*
 * This process's handle for a process-shared @sem, opened on first use,
 * and its entry in the mapped area in *@shared (NULL if none).
 */
static int shared_handle(const shmdev_psem_t *sem,
			 struct shmdev_sem_shared **shared)
{
	uint64_t id;
	int fd = handle_find(sem->id, shared), ret, kept;

	if (fd >= 0)
		return fd;
	fd = shmdev_open(sem->name, PSEM_ACCESS);
	/* Gone: the semaphore was destroyed. */
	if (fd == -ENOENT)
		return -EINVAL;
	if (fd < 0)
		return fd;
	ret = region_id(fd, &id);
	if (ret < 0 || id != sem->id) {
		/* The name now belongs to another region. */
		close(fd);
		return ret < 0 ? ret : -EINVAL;
	}
	kept = handle_add(id, fd);
	if (kept != fd)
		close(fd);
	if (kept < 0)
		return kept;
	/* Dropped meanwhile: the semaphore was found destroyed. */
	return handle_find(id, shared) < 0 ? -EINVAL : kept;
}

/*
 * @sem's handle and, in *@shared, its entry in the mapped area or NULL;
 * inline, with the thread's last lookup first.
 */
static inline int psem_handle(const shmdev_psem_t *sem,
			      struct shmdev_sem_shared **shared)
{
	if (!psem_valid(sem))
		return -EINVAL;
	if (!(sem->flags & PSEM_SHARED)) {
		*shared = sem->shared;
		return sem->fd;
	}
	if (handle_last.id == sem->id &&
	    handle_last.gen == __atomic_load_n(&handles_gen, __ATOMIC_ACQUIRE)) {
		*shared = handle_last.shared;
		return handle_last.fd;
	}
	return shared_handle(sem, shared);
}

/*
 * The errno of a failed semaphore call: a region unlinked under us means
 * the semaphore was destroyed, which POSIX calls an invalid semaphore.
 */
static int psem_call_failed(const shmdev_psem_t *sem, int ret)
{
	if (ret == -EIDRM) {
		if (sem->flags & PSEM_SHARED)
			handle_drop(sem->id, 1);
		ret = -EINVAL;
	}
	return psem_fail(ret);
}

/* A new region for one semaphore of initial @value; its handle or -errno. */
static int psem_region(const char *name, unsigned int mode,
		       unsigned int flags, unsigned int value, int excl)
{
	int created = 1, fd, ret;

	if (excl)
		fd = shmdev_create(name, 1, mode, flags, 1);
	else
		fd = shmdev_open_or_create(name, 1, mode, flags, 1,
					   PSEM_ACCESS, &created);
	if (fd < 0 || !created || !value)
		return fd;
	ret = shmdev_sem_post(fd, 0, value, 0);
	if (ret < 0) {
		shmdev_unlink(name, 0);
		close(fd);
		return ret;
	}
	return fd;
}

int shmdev_psem_init(shmdev_psem_t *sem, int pshared, unsigned int value)
{
	char name[SHMDEV_PSEM_NAME_MAX];
	uint64_t id;
	int fd, ret;

	if (!sem || value > SHMDEV_PSEM_VALUE_MAX)
		return psem_fail(-EINVAL);
	do {
		snprintf(name, sizeof(name), "psem.%d.%lu", (int)getpid(),
			 __atomic_fetch_add(&psem_serial, 1, __ATOMIC_RELAXED));
		fd = psem_region(name, 0700, SHMDEV_CREATE_TRANSIENT, value, 1);
	} while (fd == -EEXIST);
	if (fd < 0)
		return psem_fail(fd);
	ret = region_id(fd, &id);
	if (ret >= 0 && pshared)
		ret = handle_add(id, fd);
	if (ret < 0) {
		shmdev_unlink(name, 0);
		close(fd);
		return psem_fail(ret);
	}
	memset(sem, 0, sizeof(*sem));
	sem->flags = pshared ? PSEM_SHARED : 0;
	sem->fd = pshared ? -1 : fd;
	sem->shared = pshared ? NULL : area_map(fd);
	sem->id = id;
	memcpy(sem->name, name, sizeof(name));
	__atomic_store_n(&sem->magic, PSEM_MAGIC, __ATOMIC_RELEASE);
	return 0;
}

int shmdev_psem_destroy(shmdev_psem_t *sem)
{
	if (!psem_valid(sem) || sem->flags & PSEM_NAMED)
		return psem_fail(-EINVAL);
	/* Other processes' calls fail from now on, as on a destroyed one. */
	shmdev_unlink(sem->name, 0);
	if (sem->flags & PSEM_SHARED) {
		handle_drop(sem->id, 0);
	} else {
		area_unmap(sem->shared);
		close(sem->fd);
	}
	sem->magic = 0;
	return 0;
}

static int psem_wait_common(shmdev_psem_t *sem, unsigned int flags,
			    clockid_t clock, const struct timespec *abstime)
{
	struct shmdev_sem_shared *shared;
	int fd, ret;

	fd = psem_handle(sem, &shared);
	if (fd < 0)
		return psem_fail(fd);
	if (!abstime && !flags && shared && __shmdev_sem_take(shared) > 0)
		return 0;
	/*
	 * As glibc, a bad deadline is EINVAL even with a unit free: the
	 * library checks it before the wait.
	 */
	ret = __shmdev_sem_fast_wait(fd, shared, 0, flags, clock, abstime);
	return ret < 0 ? psem_call_failed(sem, ret) : 0;
}

int shmdev_psem_wait(shmdev_psem_t *sem)
{
	return psem_wait_common(sem, 0, CLOCK_REALTIME, NULL);
}

int shmdev_psem_trywait(shmdev_psem_t *sem)
{
	return psem_wait_common(sem, SHMDEV_SEM_TRY, CLOCK_REALTIME, NULL);
}

int shmdev_psem_timedwait(shmdev_psem_t *sem, const struct timespec *abstime)
{
	if (!abstime)
		return psem_fail(-EFAULT);
	return psem_wait_common(sem, 0, CLOCK_REALTIME, abstime);
}

int shmdev_psem_clockwait(shmdev_psem_t *sem, clockid_t clock,
			  const struct timespec *abstime)
{
	if (clock != CLOCK_REALTIME && clock != CLOCK_MONOTONIC)
		return psem_fail(-EINVAL);
	if (!abstime)
		return psem_fail(-EFAULT);
	return psem_wait_common(sem, 0, clock, abstime);
}

int shmdev_psem_post(shmdev_psem_t *sem)
{
	struct shmdev_sem_shared *shared;
	int fd = psem_handle(sem, &shared), ret;

	if (fd < 0)
		return psem_fail(fd);
	ret = shared ? __shmdev_sem_give(shared, 1) : 1;
	if (ret > 0)
		ret = shmdev_sem_post(fd, 0, 1, 0);
	return ret < 0 ? psem_call_failed(sem, ret) : 0;
}

int shmdev_psem_getvalue(shmdev_psem_t *sem, int *value)
{
	struct shmdev_sem_shared *shared;
	int fd = psem_handle(sem, &shared), ret;

	if (fd < 0)
		return psem_fail(fd);
	if (!value)
		return psem_fail(-EFAULT);
	ret = shmdev_sem_getvalue(fd, 0);
	if (ret < 0)
		return psem_call_failed(sem, ret);
	*value = ret;
	return 0;
}

/* The region name "sem.NAME" of semaphore "/NAME" into @out. */
static int psem_region_name(const char *name, char *out)
{
	size_t len;

	if (!name)
		return -EFAULT;
	while (*name == '/')
		name++;
	len = strlen(name);
	if (!len || strchr(name, '/'))
		return -EINVAL;
	if (len + sizeof("sem.") > SHMDEV_NAME_MAX)
		return -ENAMETOOLONG;
	memcpy(out, "sem.", 4);
	memcpy(out + 4, name, len + 1);
	return 0;
}

/* The umask, read without changing it (umask(2) would race threads). */
static unsigned int psem_umask(void)
{
	unsigned int mask = 022;
	char line[128];
	FILE *f = fopen("/proc/self/status", "re");

	if (!f)
		return mask;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Umask: %o", &mask) == 1)
			break;
	fclose(f);
	return mask;
}

/*
 * Region permissions for semaphore permissions @mode: a semaphore needs
 * read and write permission, so w also grants SYNC (the x bit).
 */
static unsigned int psem_region_mode(mode_t mode)
{
	mode &= ~psem_umask() & 0666;
	return mode | (mode & 0222) >> 1;
}

/* Share @fd's semaphore with earlier sem_open()s of it; NULL on failure. */
static shmdev_psem_t *psem_named_get(int fd, int *err)
{
	struct psem_named *n;
	uint64_t id;
	int ret = region_id(fd, &id);

	if (ret < 0) {
		*err = ret;
		return NULL;
	}
	pthread_once(&atfork_once, psem_register_atfork);
	pthread_mutex_lock(&named_lock);
	for (n = named; n; n = n->next)
		if (n->sem.id == id)
			break;
	if (n) {
		n->refs++;
		close(fd);
	} else {
		n = calloc(1, sizeof(*n));
		if (n) {
			n->sem.magic = PSEM_MAGIC;
			n->sem.flags = PSEM_NAMED;
			n->sem.fd = fd;
			n->sem.shared = area_map(fd);
			n->sem.id = id;
			n->refs = 1;
			n->next = named;
			named = n;
		}
	}
	pthread_mutex_unlock(&named_lock);
	if (!n) {
		close(fd);
		*err = -ENOMEM;
		return NULL;
	}
	return &n->sem;
}

shmdev_psem_t *shmdev_psem_open(const char *name, int oflag, ...)
{
	char rname[SHMDEV_NAME_MAX];
	unsigned int value = 0;
	mode_t mode = 0;
	shmdev_psem_t *sem;
	int fd, err;
	va_list ap;

	if (oflag & O_CREAT) {
		va_start(ap, oflag);
		mode = va_arg(ap, mode_t);
		value = va_arg(ap, unsigned int);
		va_end(ap);
	}
	err = psem_region_name(name, rname);
	if (!err && oflag & O_CREAT && value > SHMDEV_PSEM_VALUE_MAX)
		err = -EINVAL;
	if (err) {
		psem_fail(err);
		return SHMDEV_PSEM_FAILED;
	}
	if (oflag & O_CREAT)
		fd = psem_region(rname, psem_region_mode(mode), 0, value,
				 oflag & O_EXCL);
	else
		fd = shmdev_open(rname, PSEM_ACCESS);
	if (fd < 0) {
		psem_fail(fd);
		return SHMDEV_PSEM_FAILED;
	}
	sem = psem_named_get(fd, &err);
	if (!sem)
		psem_fail(err);
	return sem;
}

int shmdev_psem_close(shmdev_psem_t *sem)
{
	struct psem_named **p, *n = NULL;

	pthread_mutex_lock(&named_lock);
	for (p = &named; *p; p = &(*p)->next) {
		if (&(*p)->sem == sem) {
			n = *p;
			if (!--n->refs)
				*p = n->next;
			break;
		}
	}
	pthread_mutex_unlock(&named_lock);
	if (!n)
		return psem_fail(-EINVAL);
	if (!n->refs) {
		area_unmap(n->sem.shared);
		close(n->sem.fd);
		free(n);
	}
	return 0;
}

int shmdev_psem_unlink(const char *name)
{
	char rname[SHMDEV_NAME_MAX];
	int ret = psem_region_name(name, rname);

	if (!ret)
		ret = shmdev_unlink(rname, SHMDEV_UNLINK_KEEP_SEMS);
	/*
	 * A name no semaphore can have (empty, a slash inside, a byte a
	 * region name refuses, too long) names none: ENOENT, as glibc's
	 * sem_unlink() says.
	 */
	if (ret == -EINVAL || ret == -ENAMETOOLONG)
		ret = -ENOENT;
	return ret < 0 ? psem_fail(ret) : 0;
}
