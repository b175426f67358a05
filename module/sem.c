// SPDX-License-Identifier: GPL-2.0
/*
 * shmdev semaphores: counting semaphores on kernel wait queues, nsems per
 * region, operated through a bound handle.
 *
 * Each semaphore has its own spinlock, held only for short work or for
 * handing units to waiters, never while sleeping and never with another
 * semaphore's lock. Sleepers queue in futex's order: real-time tasks
 * (SCHED_FIFO, SCHED_RR, and SCHED_DEADLINE before them) by their
 * priority, highest first, every other task at one priority below them
 * all, and arrival order among equals. A post hands its units
 * straight to the first waiters, which leave the queue already holding
 * them, so the value is 0 while anyone waits: a newcomer cannot take a
 * unit ahead of a sleeper (no barging), and a woken waiter never has to
 * compete again (no lost or stolen wakeups). A waiter that is
 * interrupted, times out or sees the region unlinked leaves the queue
 * itself, under the lock, unless a post already handed it a unit, which
 * it then keeps.
 *
 * Each semaphore's value lives in the region's semaphore area, which
 * user space maps (mmap.c), while nothing needs the kernel: there a wait
 * or post is a compare-and-swap, with no system call. Every call that
 * comes here first takes the value into the kernel (shmdev_sem_lock()),
 * which marks the shared state %SHMDEV_SEM_KERNEL so that user space
 * sends every later wait and post here too; the kernel gives it back at
 * unlock only while no sleeper, poller, unreported undo or unlink needs
 * to see them. So sleepers are only ever queued while the kernel holds
 * the value, and the order and hand-off above hold for fast and kernel
 * calls alike. The kernel never trusts the shared state while it holds
 * the value, and masks what it takes from it, so a process that scribbles
 * there confuses that semaphore and no other.
 *
 * SEM_UNDO adjustments are kept per region fd and per fd table, which is
 * how POSIX record locks follow processes: a forked child that inherits
 * the fd starts with none, and its death reverses its own, not its
 * parent's. They are reversed when the table no longer holds the file:
 * at the last close of a descriptor of it there, at exit, or at an exec
 * that closes it (->flush, handle.c); a process killed while holding a
 * lock-like semaphore gives it back, and the next SEM_WAIT learns of it.
 */

#include <linux/hrtimer.h>
#include <linux/ktime.h>
#include <linux/minmax.h>
#include <linux/list.h>
#include <linux/nospec.h>
#include <linux/poll.h>
#include <linux/sched.h>
#include <linux/sched/prio.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include "shmdev.h"

/**
 * struct shmdev_undo - one fd table's SEM_UNDO adjustments on a region fd
 * @entry: its entry in the region fd's list
 * @owner: the fd table (struct files_struct), as a POSIX lock's owner
 * @adj: net adjustment per semaphore: +1 per wait, -n per post
 *
 * Lives on shmdev_file.undos from the table's first UNDO until the table
 * no longer holds the file, which comes before the table can be freed
 * and its address reused; @adj is changed under shmdev_file.undo_lock.
 */
struct shmdev_undo {
	struct list_head entry;
	fl_owner_t owner;
	s64 adj[];
};

/**
 * struct shmdev_sem_waiter - a task sleeping in SEM_WAIT
 * @entry: its entry in the semaphore's queue
 * @prio: its place in the queue's order, as futex ranks waiters: the
 *	task's priority if it is real-time, else %MAX_RT_PRIO for all
 * @task: the sleeping task
 * @sf: the region fd it waits through; losing SYNC there ends the sleep
 * @reports: it reports the "undone" mark, and so clears it (SEM_WAIT
 *	does; a semaphore fd's read, which cannot report it, leaves it)
 * @result: what its SEM_WAIT returns (0 or %SHMDEV_SEM_UNDONE), set by
 *	the post that hands it a unit, before @granted
 * @granted: a post handed it a unit and took it off the queue; stored
 *	last, with release semantics, so that the woken task can return at
 *	once without taking the semaphore's lock
 */
struct shmdev_sem_waiter {
	struct list_head entry;
	int prio;
	struct task_struct *task;
	struct shmdev_file *sf;
	bool reports;
	int result;
	bool granted;
};

/**
 * shmdev_sems_new - allocate a region's semaphores, all at 0
 * @r: the region, not yet findable, with @nsems set (at most
 *	%SHMDEV_SEMS_MAX)
 *
 * Sets @r->sems and @r->sem_area, which stay NULL without semaphores.
 * The area is zeroed, so that a mapping of it shows user space nothing
 * but its own semaphores, each held by user space at 0; the entries past
 * the last semaphore, to the end of its page, read %SHMDEV_SEM_KERNEL, so
 * that a fast call on an index the region lacks goes to the kernel, which
 * refuses it. The kernel never reads them.
 *
 * Return: 0 or -ENOMEM, with what was allocated left for
 * shmdev_sems_free().
 */
int shmdev_sems_new(struct shmdev_region *r)
{
	u32 i, end = shmdev_sem_area_pages(r) * PAGE_SIZE /
		     sizeof(*r->sem_area);

	if (!r->nsems)
		return 0;
	r->sems = kvcalloc(r->nsems, sizeof(*r->sems), GFP_KERNEL_ACCOUNT);
	/* A failure is the caller's ENOMEM, not a warning in the log. */
	r->sem_area = __vmalloc(shmdev_sem_area_pages(r) << PAGE_SHIFT,
				GFP_KERNEL_ACCOUNT | __GFP_ZERO | __GFP_NOWARN);
	if (!r->sems || !r->sem_area)
		return -ENOMEM;
	for (i = 0; i < r->nsems; i++) {
		struct shmdev_sem *sem = &r->sems[i];

		spin_lock_init(&sem->lock);
		INIT_LIST_HEAD(&sem->rt_queue);
		INIT_LIST_HEAD(&sem->queue);
		init_waitqueue_head(&sem->pollq);
		sem->shared = &r->sem_area[i];
	}
	for (; i < end; i++)
		r->sem_area[i].state = SHMDEV_SEM_KERNEL;
	return 0;
}

/**
 * shmdev_sems_free - free a region's semaphores and their area
 * @r: the region; nobody can be waiting, and no mapping is left
 */
void shmdev_sems_free(struct shmdev_region *r)
{
	vfree(r->sem_area);
	kvfree(r->sems);
}

/**
 * shmdev_sem_area_pages - the size of a region's semaphore area
 * @r: the region
 *
 * Return: the number of pages, 0 without semaphores.
 */
unsigned long shmdev_sem_area_pages(struct shmdev_region *r)
{
	return DIV_ROUND_UP(SHMDEV_SEM_AREA_SIZE(r->nsems), PAGE_SIZE);
}

/**
 * shmdev_sem_area_pfn - the page frame of one page of the semaphore area
 * @r: the region, which has semaphores
 * @page: the page, below shmdev_sem_area_pages()
 *
 * Return: the page frame number, for a mapping of the area.
 */
unsigned long shmdev_sem_area_pfn(struct shmdev_region *r, pgoff_t page)
{
	return vmalloc_to_pfn((void *)r->sem_area + (page << PAGE_SHIFT));
}

/*
 * Lock @sem and make sure that the kernel holds its value: if user space
 * held it, take it from the shared state, which becomes
 * %SHMDEV_SEM_KERNEL, so that every later wait and post comes here until
 * shmdev_sem_unlock() gives it back. A state with the bit set while user
 * space held the value was scribbled; masking still bounds the value.
 */
static void shmdev_sem_lock(struct shmdev_sem *sem)
	__acquires(&sem->lock)
{
	u32 old;

	spin_lock(&sem->lock);
	if (sem->kernel)
		return;
	old = xchg(&sem->shared->state, SHMDEV_SEM_KERNEL);
	sem->value = old & SHMDEV_SEM_VALUE_MAX;
	sem->kernel = true;
}

/*
 * Unlock @sem, giving its value back to user space when no wait or post
 * needs the kernel: nobody sleeps (a post must hand them units), nobody
 * polls (a post must wake them), no undo is unreported (the next
 * SEM_WAIT reports it) and the region is not unlinked (every call fails
 * with EIDRM). A poller's entry is on @pollq before it takes the lock to
 * look at the value, so the check under the lock cannot miss it.
 */
static void shmdev_sem_unlock(struct shmdev_sem *sem)
	__releases(&sem->lock)
{
	/* Ordered by our lock, which pollers take after queueing (above). */
	bool polled = waitqueue_active(&sem->pollq);

	if (sem->kernel && !sem->waiters && !sem->removed && !sem->undone &&
	    !polled) {
		sem->kernel = false;
		/* A waker's changes come before the value that follows them. */
		smp_store_release(&sem->shared->state, sem->value);
	}
	spin_unlock(&sem->lock);
}

/* What the next successful wait returns; consumes the "undone" mark. */
static int shmdev_sem_take_status(struct shmdev_sem *sem)
{
	int ret = sem->undone ? SHMDEV_SEM_UNDONE : 0;

	lockdep_assert_held(&sem->lock);
	sem->undone = false;
	return ret;
}

/*
 * Hand up to @n units to the first waiters; the number handed. As in the
 * kernel's rwsem, the task is pinned before @granted is published: from
 * then on the waiter may return and its stack entry vanish.
 */
static u32 shmdev_sem_hand_off(struct shmdev_sem *sem, u32 n)
{
	struct shmdev_sem_waiter *w;
	struct task_struct *task;
	u32 given = 0;

	lockdep_assert_held(&sem->lock);
	while (given < n) {
		w = list_first_entry_or_null(&sem->rt_queue,
					     struct shmdev_sem_waiter, entry);
		if (!w)
			w = list_first_entry_or_null(&sem->queue,
						     struct shmdev_sem_waiter,
						     entry);
		if (!w)
			break;
		list_del_init(&w->entry);
		sem->waiters--;
		w->result = w->reports ? shmdev_sem_take_status(sem) : 0;
		task = get_task_struct(w->task);
		/* Pairs with the acquire in shmdev_sem_sleep(). */
		smp_store_release(&w->granted, true);
		wake_up_process(task);
		put_task_struct(task);
		given++;
	}
	return given;
}

/* Tell pollers (semaphore fds, semfd.c) of @events, if there are any. */
static void shmdev_sem_poll_wake(struct shmdev_sem *sem, __poll_t events)
{
	if (wq_has_sleeper(&sem->pollq))
		wake_up_poll(&sem->pollq, events);
}

/* After the value of @sem fell from @old: tell pollers it is writable. */
static void shmdev_sem_lowered(struct shmdev_sem *sem, u32 old)
{
	lockdep_assert_held(&sem->lock);
	if (old == SHMDEV_SEM_VALUE_MAX && sem->value < old)
		shmdev_sem_poll_wake(sem, EPOLLOUT | EPOLLWRNORM);
}

/* Add @n units (the caller checked the limit): waiters first. */
static void shmdev_sem_add(struct shmdev_sem *sem, u32 n)
{
	lockdep_assert_held(&sem->lock);
	sem->value += n - shmdev_sem_hand_off(sem, n);
	if (sem->value)
		shmdev_sem_poll_wake(sem, EPOLLIN | EPOLLRDNORM);
}

/*
 * Wake every sleeper of @sem, whose lock is held, to look again at why it
 * sleeps, and its pollers with @events. The sleepers dequeue themselves,
 * under this lock, so they are still alive while it is held.
 */
static void shmdev_sem_wake_all(struct shmdev_sem *sem, __poll_t events)
{
	struct shmdev_sem_waiter *w;

	lockdep_assert_held(&sem->lock);
	list_for_each_entry(w, &sem->rt_queue, entry)
		wake_up_process(w->task);
	list_for_each_entry(w, &sem->queue, entry)
		wake_up_process(w->task);
	shmdev_sem_poll_wake(sem, events);
}

/**
 * shmdev_sems_remove - fail every semaphore of an unlinked region
 * @r: the region
 *
 * Sleepers wake with EIDRM, and later calls fail with EIDRM.
 */
void shmdev_sems_remove(struct shmdev_region *r)
{
	u32 i;

	for (i = 0; i < r->nsems; i++) {
		struct shmdev_sem *sem = &r->sems[i];

		shmdev_sem_lock(sem);
		sem->removed = true;
		shmdev_sem_wake_all(sem, EPOLLERR | EPOLLHUP);
		shmdev_sem_unlock(sem);
	}
}

/**
 * shmdev_sems_rights_changed - make a region's sleepers and pollers check
 * @r: the region, whose permissions just changed
 *
 * A sleeper whose region fd lost SYNC leaves the queue with EACCES, and a
 * semaphore fd reports an error while its region fd lacks SYNC: both
 * learn of a change without waiting for the next post. The wake-ups come
 * under each semaphore's lock, which the sleepers and pollers take before
 * they read the rights, so none misses the new ones.
 */
void shmdev_sems_rights_changed(struct shmdev_region *r)
{
	u32 i;

	for (i = 0; i < r->nsems; i++) {
		shmdev_sem_lock(&r->sems[i]);
		shmdev_sem_wake_all(&r->sems[i], EPOLLERR);
		shmdev_sem_unlock(&r->sems[i]);
	}
}

/* Reverse one semaphore's undo adjustment @adj. */
static void shmdev_sem_undo_one(struct shmdev_sem *sem, s64 adj)
{
	lockdep_assert_held(&sem->lock);
	if (sem->removed)
		return;
	sem->undone = true;
	if (adj > 0) {
		u64 room = SHMDEV_SEM_VALUE_MAX - sem->value;

		/* Waiters take units without raising the value. */
		room += sem->waiters;
		shmdev_sem_add(sem, min_t(u64, adj, room));
	} else {
		u32 old = sem->value;

		sem->value -= min_t(u64, -adj, sem->value);
		shmdev_sem_lowered(sem, old);
	}
}

/* Reverse the adjustments of @u, off every list, and free it. */
static void shmdev_undo_apply(struct shmdev_file *sf, struct shmdev_undo *u)
{
	struct shmdev_region *r = sf->region;
	u32 i;

	for (i = 0; i < r->nsems; i++) {
		struct shmdev_sem *sem = &r->sems[i];

		if (!u->adj[i])
			continue;
		shmdev_sem_lock(sem);
		shmdev_sem_undo_one(sem, u->adj[i]);
		shmdev_sem_unlock(sem);
	}
	kvfree(u);
}

/* The undo record of fd table @owner on @sf, or NULL. */
static struct shmdev_undo *shmdev_undo_find(struct shmdev_file *sf,
					    fl_owner_t owner)
{
	struct shmdev_undo *u;

	lockdep_assert_held(&sf->undo_lock);
	list_for_each_entry(u, &sf->undos, entry)
		if (u->owner == owner)
			return u;
	return NULL;
}

/**
 * shmdev_sem_undo_owner - reverse one fd table's SEM_UNDO adjustments
 * @sf: the region fd
 * @owner: the fd table, which holds no descriptor of @sf's file any more
 *
 * Values are clamped to 0..%SHMDEV_SEM_VALUE_MAX, and each semaphore
 * changed is marked so that its next SEM_WAIT returns %SHMDEV_SEM_UNDONE.
 */
void shmdev_sem_undo_owner(struct shmdev_file *sf, fl_owner_t owner)
{
	struct shmdev_undo *u;

	spin_lock(&sf->undo_lock);
	u = shmdev_undo_find(sf, owner);
	if (u)
		list_del(&u->entry);
	spin_unlock(&sf->undo_lock);
	if (u)
		shmdev_undo_apply(sf, u);
}

/**
 * shmdev_sem_undo - reverse every SEM_UNDO adjustment left on a region fd
 * @sf: the region fd, being released; nobody else can use it
 *
 * Every table's record went when the table let go of the file
 * (shmdev_sem_undo_owner()); this is for a table shared by processes
 * that all exited, none of them the table's last user.
 */
void shmdev_sem_undo(struct shmdev_file *sf)
{
	struct shmdev_undo *u, *tmp;

	list_for_each_entry_safe(u, tmp, &sf->undos, entry)
		shmdev_undo_apply(sf, u);
	INIT_LIST_HEAD(&sf->undos);
}

/*
 * Make sure the caller's fd table has its undo record on @sf, allocated
 * outside the lock: 1 if this call made it, 0 if it was there, or
 * -ENOMEM.
 */
static int shmdev_undo_prepare(struct shmdev_file *sf)
{
	fl_owner_t me = current->files;
	struct shmdev_undo *u, *old;

	spin_lock(&sf->undo_lock);
	old = shmdev_undo_find(sf, me);
	spin_unlock(&sf->undo_lock);
	if (old)
		return 0;
	u = kvzalloc(struct_size(u, adj, sf->region->nsems),
		     GFP_KERNEL_ACCOUNT);
	if (!u)
		return -ENOMEM;
	u->owner = me;
	spin_lock(&sf->undo_lock);
	old = shmdev_undo_find(sf, me);
	if (!old)
		list_add(&u->entry, &sf->undos);
	spin_unlock(&sf->undo_lock);
	if (old)
		kvfree(u);
	return !old;
}

/*
 * Record @delta on @sem, which shmdev_sem_lookup() returned, in the
 * caller's undo record on @file. If a last close of the file in the
 * caller's fd table took the record away meanwhile, reverse @delta at
 * once, as that close would have. A record this call @made may have come
 * after that close's ->flush looked (as a POSIX lock can race with
 * close(), which fcntl() checks for): if the table holds the file no
 * more, reverse it now, so that no record outlives its table.
 */
static void shmdev_undo_record(struct file *file, struct shmdev_sem *sem,
			       s64 delta, bool made)
{
	struct shmdev_file *sf = file->private_data;
	struct shmdev_undo *u;

	spin_lock(&sf->undo_lock);
	u = shmdev_undo_find(sf, current->files);
	if (u)
		u->adj[sem - sf->region->sems] += delta;
	spin_unlock(&sf->undo_lock);
	if (!u && delta) {
		shmdev_sem_lock(sem);
		shmdev_sem_undo_one(sem, delta);
		shmdev_sem_unlock(sem);
	}
	if (u && made && !shmdev_files_hold(current->files, file))
		shmdev_sem_undo_owner(sf, current->files);
}

/**
 * shmdev_sem_lookup - a semaphore of a region fd's region, if usable
 * @sf: the region fd
 * @index: the semaphore's index, from the caller
 * @right: the %SHMDEV_ACCESS_* right the use needs
 *
 * The index is clamped under speculation; callers derive every other
 * index from the result.
 *
 * Return: the semaphore, ERR_PTR(-EINVAL) if there is no such semaphore
 * or ERR_PTR(-EACCES) if @sf lacks @right now.
 */
struct shmdev_sem *shmdev_sem_lookup(struct shmdev_file *sf, u32 index,
				     u32 right)
{
	struct shmdev_region *r = sf->region;

	if (index >= r->nsems)
		return ERR_PTR(-EINVAL);
	index = array_index_nospec(index, r->nsems);
	if (!(shmdev_handle_rights(sf) & right))
		return ERR_PTR(-EACCES);
	return &r->sems[index];
}

/* Every call on @sem, whose lock is held, fails once it is removed. */
static int shmdev_sem_live(struct shmdev_sem *sem)
{
	lockdep_assert_held(&sem->lock);
	return sem->removed ? -EIDRM : 0;
}

/*
 * Queue @w behind every waiter of its rank or higher. Tasks that are not
 * real-time, all of one rank, join the tail of their own queue; a
 * real-time one walks back from the tail of the real-time queue, a step
 * per real-time waiter it goes ahead of, so that only tasks allowed to
 * be real-time can make that walk long. futex's plist would make it a
 * step per distinct priority, but plist_add() is not exported to modules.
 */
static void shmdev_sem_enqueue(struct shmdev_sem *sem,
			       struct shmdev_sem_waiter *w)
{
	struct list_head *after = &sem->rt_queue;
	struct shmdev_sem_waiter *o;

	lockdep_assert_held(&sem->lock);
	w->prio = min(current->normal_prio, MAX_RT_PRIO);
	sem->waiters++;
	if (w->prio == MAX_RT_PRIO) {
		list_add_tail(&w->entry, &sem->queue);
		return;
	}
	list_for_each_entry_reverse(o, &sem->rt_queue, entry) {
		if (o->prio <= w->prio) {
			after = &o->entry;
			break;
		}
	}
	list_add(&w->entry, after);
}

/*
 * Sleep on @sem as @taker until a post hands this task a unit, the
 * deadline passes, a signal arrives, the region is unlinked or the region
 * fd loses SYNC. Called with the semaphore's
 * lock held, returns with it released: a task handed a unit returns
 * without taking it again, so a post never makes the task it wakes spin
 * on the lock the post still holds. The WAIT result, or -errno.
 */
static int shmdev_sem_sleep(struct shmdev_sem *sem,
			    struct shmdev_sem_waiter *taker,
			    ktime_t *deadline, clockid_t clock)
	__releases(&sem->lock)
{
	struct shmdev_sem_waiter w = *taker;
	bool expired = false;
	int ret;

	lockdep_assert_held(&sem->lock);
	shmdev_sem_enqueue(sem, &w);
	for (;;) {
		set_current_state(TASK_INTERRUPTIBLE);
		shmdev_sem_unlock(sem);
		if (!deadline)
			schedule();
		else
			expired = !schedule_hrtimeout_range_clock(deadline,
					current->timer_slack_ns,
					HRTIMER_MODE_ABS, clock);
		__set_current_state(TASK_RUNNING);
		/* Pairs with the release in shmdev_sem_hand_off(). */
		if (smp_load_acquire(&w.granted))
			return w.result;
		shmdev_sem_lock(sem);
		if (w.granted) {
			shmdev_sem_unlock(sem);
			return w.result;
		}
		if (sem->removed)
			ret = -EIDRM;
		else if (!(shmdev_handle_rights(w.sf) & SHMDEV_ACCESS_SYNC))
			ret = -EACCES;
		else if (signal_pending(current))
			ret = -ERESTARTSYS;
		else if (expired)
			ret = -ETIMEDOUT;
		else
			continue;
		break;
	}
	list_del(&w.entry);
	sem->waiters--;
	shmdev_sem_unlock(sem);
	return ret;
}

/*
 * The semaphore a wait or post with @flags changes, once the handle holds
 * SYNC and, for %SHMDEV_SEM_UNDO, the caller's fd table has its undo
 * record (*@made: this call made it).
 */
static struct shmdev_sem *shmdev_sem_to_change(struct shmdev_file *sf,
					       u32 index, u32 flags,
					       bool *made)
{
	struct shmdev_sem *sem = shmdev_sem_lookup(sf, index,
						   SHMDEV_ACCESS_SYNC);
	int ret;

	*made = false;
	if (IS_ERR(sem) || !(flags & SHMDEV_SEM_UNDO))
		return sem;
	ret = shmdev_undo_prepare(sf);
	if (ret < 0)
		return ERR_PTR(ret);
	*made = ret;
	return sem;
}

/* Whether @deadline on @clock has passed. */
static bool shmdev_deadline_passed(ktime_t deadline, clockid_t clock)
{
	ktime_t now = clock == CLOCK_REALTIME ? ktime_get_real() : ktime_get();

	return ktime_compare(deadline, now) <= 0;
}

/*
 * The WAIT on a checked semaphore, through region fd @sf, reporting the
 * "undone" mark if @reports: >= 0 on success, or -errno.
 */
static int shmdev_sem_down(struct shmdev_sem *sem, struct shmdev_file *sf,
			   bool reports, const struct shmdev_sem_wait *args)
{
	struct shmdev_sem_waiter taker = {
		.task = current, .sf = sf, .reports = reports,
	};
	clockid_t clock = args->flags & SHMDEV_SEM_REALTIME ?
			  CLOCK_REALTIME : CLOCK_MONOTONIC;
	ktime_t deadline = ns_to_ktime(args->timeout);
	bool forever = args->timeout > KTIME_MAX;
	int ret;

	shmdev_sem_lock(sem);
	ret = shmdev_sem_live(sem);
	if (ret)
		goto out_unlock;
	if (sem->value) {
		sem->value--;
		shmdev_sem_lowered(sem, sem->value + 1);
		ret = reports ? shmdev_sem_take_status(sem) : 0;
	} else if (args->flags & SHMDEV_SEM_TRY) {
		ret = -EAGAIN;
	} else if (!forever && shmdev_deadline_passed(deadline, clock)) {
		ret = -ETIMEDOUT;
	} else {
		return shmdev_sem_sleep(sem, &taker,
					forever ? NULL : &deadline, clock);
	}
out_unlock:
	shmdev_sem_unlock(sem);
	return ret;
}

/**
 * shmdev_sem_take - take one unit for a semaphore fd, sleeping if none
 * @sem: the semaphore, which shmdev_sem_lookup() returned
 * @sf: the region fd the semaphore fd was made from
 * @nonblock: fail with -EAGAIN instead of sleeping
 *
 * The "undone" mark stays for SEM_WAIT and SEM_GET to report.
 *
 * Return: 0; -EAGAIN, -EIDRM, -EACCES (@sf lost SYNC while it slept) or
 * -ERESTARTSYS.
 */
int shmdev_sem_take(struct shmdev_sem *sem, struct shmdev_file *sf,
		    bool nonblock)
{
	struct shmdev_sem_wait args = {
		.flags = nonblock ? SHMDEV_SEM_TRY : 0,
		.timeout = SHMDEV_SEM_FOREVER,
	};

	return shmdev_sem_down(sem, sf, false, &args);
}

/**
 * shmdev_sem_untake - give back a unit that shmdev_sem_take() took
 * @sem: the semaphore
 *
 * For a taker that cannot hand the unit on (its reader's buffer faulted):
 * waiters first, as a post; nothing if the region was unlinked meanwhile,
 * and never past %SHMDEV_SEM_VALUE_MAX (if posts filled the semaphore to
 * the brim meanwhile, the unit is dropped, as an undo clamps).
 */
void shmdev_sem_untake(struct shmdev_sem *sem)
{
	shmdev_sem_lock(sem);
	if (!sem->removed && (sem->value < SHMDEV_SEM_VALUE_MAX ||
			      sem->waiters))
		shmdev_sem_add(sem, 1);
	shmdev_sem_unlock(sem);
}

/**
 * shmdev_sem_give - add units, sleepers first
 * @sem: the semaphore, which shmdev_sem_lookup() returned
 * @count: 1 to %SHMDEV_SEM_VALUE_MAX units
 *
 * Return: 0, -EIDRM, or -EOVERFLOW, with nothing changed, if the value
 * would pass %SHMDEV_SEM_VALUE_MAX.
 */
int shmdev_sem_give(struct shmdev_sem *sem, u32 count)
{
	int ret;

	shmdev_sem_lock(sem);
	ret = shmdev_sem_live(sem);
	if (!ret && (u64)sem->value + count - min(count, sem->waiters) >
		    SHMDEV_SEM_VALUE_MAX)
		ret = -EOVERFLOW;
	if (!ret)
		shmdev_sem_add(sem, count);
	shmdev_sem_unlock(sem);
	return ret;
}

/**
 * shmdev_sem_poll - what poll() reports of a semaphore
 * @sem: the semaphore
 * @file: the semaphore fd polled
 * @wait: the poll table
 *
 * Return: readable while the value is above 0, writable while below the
 * maximum; an error and hang-up once the region was unlinked.
 */
__poll_t shmdev_sem_poll(struct shmdev_sem *sem, struct file *file,
			 poll_table *wait)
{
	__poll_t mask = 0;

	poll_wait(file, &sem->pollq, wait);
	shmdev_sem_lock(sem);
	if (sem->removed)
		mask = EPOLLERR | EPOLLHUP;
	if (!sem->removed && sem->value)
		mask |= EPOLLIN | EPOLLRDNORM;
	if (!sem->removed && sem->value < SHMDEV_SEM_VALUE_MAX)
		mask |= EPOLLOUT | EPOLLWRNORM;
	shmdev_sem_unlock(sem);
	return mask;
}

/**
 * shmdev_ioc_sem_wait - SHMDEV_IOC_SEM_WAIT: take a unit, sleeping if none
 * @file: the region fd, which needs SYNC
 * @uarg: user pointer to struct shmdev_sem_wait
 *
 * Return: 0, or %SHMDEV_SEM_UNDONE if an undo changed the semaphore since
 * the last successful wait; a negative errno (-ERESTARTSYS on a signal, so
 * SA_RESTART handlers resume the wait with the same absolute deadline).
 */
int shmdev_ioc_sem_wait(struct file *file, void __user *uarg)
{
	struct shmdev_file *sf = file->private_data;
	struct shmdev_sem_wait args;
	struct shmdev_sem *sem;
	bool made;
	int ret;

	if (copy_from_user(&args, uarg, sizeof(args)))
		return -EFAULT;
	if (args.flags & ~SHMDEV_SEM_WAIT_FLAGS_VALID ||
	    memchr_inv(args.reserved, 0, sizeof(args.reserved)))
		return -EINVAL;
	sem = shmdev_sem_to_change(sf, args.index, args.flags, &made);
	if (IS_ERR(sem))
		return PTR_ERR(sem);
	ret = shmdev_sem_down(sem, sf, true, &args);
	/* The handle cannot be released while this call holds it. */
	if (args.flags & SHMDEV_SEM_UNDO)
		shmdev_undo_record(file, sem, ret >= 0, made);
	return ret;
}

/**
 * shmdev_ioc_sem_post - SHMDEV_IOC_SEM_POST: add units, waking waiters
 * @file: the region fd, which needs SYNC
 * @uarg: user pointer to struct shmdev_sem_post
 *
 * Return: 0 or a negative errno; -EOVERFLOW, with nothing changed, if the
 * value would pass %SHMDEV_SEM_VALUE_MAX.
 */
int shmdev_ioc_sem_post(struct file *file, void __user *uarg)
{
	struct shmdev_file *sf = file->private_data;
	struct shmdev_sem_post args;
	struct shmdev_sem *sem;
	bool made;
	int ret;

	if (copy_from_user(&args, uarg, sizeof(args)))
		return -EFAULT;
	if (args.flags & ~SHMDEV_SEM_POST_FLAGS_VALID || args.pad ||
	    memchr_inv(args.reserved, 0, sizeof(args.reserved)) ||
	    !args.count || args.count > SHMDEV_SEM_VALUE_MAX)
		return -EINVAL;
	sem = shmdev_sem_to_change(sf, args.index, args.flags, &made);
	if (IS_ERR(sem))
		return PTR_ERR(sem);
	ret = shmdev_sem_give(sem, args.count);
	if (args.flags & SHMDEV_SEM_UNDO)
		shmdev_undo_record(file, sem, ret ? 0 : -(s64)args.count, made);
	return ret;
}

/**
 * shmdev_ioc_sem_get - SHMDEV_IOC_SEM_GET: read a semaphore
 * @sf: the handle, which needs READ
 * @uarg: user pointer to struct shmdev_sem_get
 *
 * Return: 0 or a negative errno.
 */
int shmdev_ioc_sem_get(struct shmdev_file *sf, void __user *uarg)
{
	struct shmdev_sem_get args;
	struct shmdev_sem *sem;
	int ret = 0;

	if (copy_from_user(&args, uarg, sizeof(args)))
		return -EFAULT;
	if (args.flags & ~SHMDEV_SEM_GET_FLAGS_VALID ||
	    memchr_inv(args.reserved, 0, sizeof(args.reserved)))
		return -EINVAL;
	sem = shmdev_sem_lookup(sf, args.index, SHMDEV_ACCESS_READ);
	if (IS_ERR(sem))
		return PTR_ERR(sem);

	shmdev_sem_lock(sem);
	ret = shmdev_sem_live(sem);
	args.value = sem->value;
	args.waiters = sem->waiters;
	args.status = sem->undone ? SHMDEV_SEM_UNDONE : 0;
	shmdev_sem_unlock(sem);
	if (ret)
		return ret;
	args.pad = 0;
	if (copy_to_user(uarg, &args, sizeof(args)))
		return -EFAULT;
	return 0;
}

/**
 * shmdev_ioc_sem_set - SHMDEV_IOC_SEM_SET: set a semaphore's value
 * @sf: the handle, which needs ADMIN
 * @uarg: user pointer to struct shmdev_sem_set
 *
 * Waiters are handed units from the new value first. Undo adjustments
 * that handles recorded are kept.
 *
 * Return: 0 or a negative errno.
 */
int shmdev_ioc_sem_set(struct shmdev_file *sf, void __user *uarg)
{
	struct shmdev_sem_set args;
	struct shmdev_sem *sem;
	int ret = 0;

	if (copy_from_user(&args, uarg, sizeof(args)))
		return -EFAULT;
	if (args.flags & ~SHMDEV_SEM_SET_FLAGS_VALID || args.pad ||
	    memchr_inv(args.reserved, 0, sizeof(args.reserved)) ||
	    args.value > SHMDEV_SEM_VALUE_MAX)
		return -EINVAL;
	sem = shmdev_sem_lookup(sf, args.index, SHMDEV_ACCESS_ADMIN);
	if (IS_ERR(sem))
		return PTR_ERR(sem);

	shmdev_sem_lock(sem);
	ret = shmdev_sem_live(sem);
	if (!ret) {
		u32 old = sem->value;

		sem->value = 0;
		shmdev_sem_add(sem, args.value);
		shmdev_sem_lowered(sem, old);
	}
	shmdev_sem_unlock(sem);
	return ret;
}
