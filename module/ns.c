// SPDX-License-Identifier: GPL-2.0
/*
 * shmdev namespaces: the regions of each IPC namespace, and how shmdev
 * learns that a namespace is gone.
 *
 * Region names belong to the caller's IPC namespace, as System V keys do
 * (region.c keys its name table by namespace and name). A struct shmdev_ns
 * stands for one IPC namespace that has used shmdev: it holds that
 * namespace's region ids and what its regions are charged.
 *
 * A module can neither hook the teardown of an IPC namespace nor hold a
 * reference to one on every supported kernel (put_ipc_ns() is not exported
 * to modules before 6.12). What it can watch is the namespace's internal
 * POSIX message queue mount, which the namespace holds for its whole life
 * and drops when its last user goes (free_ipc_ns()): shmdev puts an
 * fsnotify mark on that mount's superblock, and the mark's ->freeing_mark
 * runs when the superblock is shut down, which is then, unless something
 * else still holds the superblock (see shmdev_ns_reap_orphans()). The
 * superblock is also the lookup key: while the mark is on it, it cannot
 * be freed, and so its address cannot stand for another namespace, as the
 * namespace's own address or inode number could once it is freed.
 *
 * Nothing here looks at current's namespace on a release path: a deferred
 * fput() runs in a kernel thread, whose nsproxy is not the closer's.
 */

#include <linux/delay.h>
#include <linux/fsnotify_backend.h>
#include <linux/hashtable.h>
#include <linux/ipc_namespace.h>
#include <linux/list.h>
#include <linux/mount.h>
#include <linux/nsproxy.h>
#include <linux/proc_ns.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/user_namespace.h>

#include "shmdev.h"

#if !IS_ENABLED(CONFIG_POSIX_MQUEUE) || !IS_ENABLED(CONFIG_FSNOTIFY)
#error "shmdev needs CONFIG_POSIX_MQUEUE and CONFIG_FSNOTIFY (see ns.c)"
#endif

/* The fsnotify group of every namespace's mark. */
static struct fsnotify_group *shmdev_ns_group;

/* Marks not yet freed by fsnotify (->free_mark): the unload waits for 0. */
static atomic_t shmdev_ns_marks = ATOMIC_INIT(0);

/*
 * Under shmdev_registry_lock: the live namespaces by superblock, every
 * namespace still in memory in the order they came, and the next serial.
 */
static DEFINE_HASHTABLE(shmdev_ns_table, 6);
static LIST_HEAD(shmdev_ns_list);
static u32 shmdev_ns_serial;

/*
 * The superblock that stands for current's IPC namespace. current holds
 * the namespace, and the namespace its mqueue mount, so it is alive.
 */
static struct super_block *shmdev_current_sb(void)
{
	return current->nsproxy->ipc_ns->mq_mnt->mnt_sb;
}

static struct shmdev_ns *shmdev_ns_lookup(struct super_block *sb)
{
	struct shmdev_ns *ns;

	lockdep_assert_held(&shmdev_registry_lock);
	hash_for_each_possible(shmdev_ns_table, ns, hnode, hash_ptr(sb, 32))
		if (ns->sb == sb)
			return ns;
	return NULL;
}

/**
 * shmdev_ns_find - current's namespace, if it has one
 *
 * Called with shmdev_registry_lock held, which keeps the result.
 *
 * Return: the namespace, or NULL if current's IPC namespace never created
 * a region.
 */
struct shmdev_ns *shmdev_ns_find(void)
{
	return shmdev_ns_lookup(shmdev_current_sb());
}

/**
 * shmdev_ns_orphaned - whether a namespace's IPC namespace is gone
 * @ns: the namespace; the registry lock is held
 *
 * The IPC namespace clears its mqueue superblock's s_fs_info when its last
 * user goes (mq_clear_sbinfo()); while @ns is not dead its mark is on the
 * superblock, which is so still in memory.
 *
 * Return: true if the IPC namespace is gone.
 */
bool shmdev_ns_orphaned(struct shmdev_ns *ns)
{
	lockdep_assert_held(&shmdev_registry_lock);
	return ns->dead || !READ_ONCE(ns->sb->s_fs_info);
}

static void shmdev_ns_release(struct kref *ref)
{
	struct shmdev_ns *ns = container_of(ref, struct shmdev_ns, ref);

	list_del(&ns->list);
	mutex_unlock(&shmdev_registry_lock);
	put_user_ns(ns->user_ns);
	kfree(ns);
}

/**
 * shmdev_ns_put - drop a reference to a namespace
 * @ns: the namespace
 *
 * Must not be called with the registry lock held.
 */
void shmdev_ns_put(struct shmdev_ns *ns)
{
	kref_put_mutex(&ns->ref, shmdev_ns_release, &shmdev_registry_lock);
}

/*
 * Take @ns out of the table, so that no new region can be named in it and
 * nothing reads its superblock again (which may be freed as soon as its
 * mark is off it); the registry lock is held. Return whether this call did
 * it (false if it was already done).
 */
static bool shmdev_ns_bury(struct shmdev_ns *ns)
{
	lockdep_assert_held(&shmdev_registry_lock);
	if (ns->dead)
		return false;
	ns->dead = true;
	hash_del(&ns->hnode);
	return true;
}

/*
 * Bury @ns and remove the names of its regions, as System V removes a
 * dying namespace's segments: their memory goes with their last region fd
 * and mapping. Takes and drops the registry lock.
 */
static void shmdev_ns_kill(struct shmdev_ns *ns)
{
	bool buried;

	mutex_lock(&shmdev_registry_lock);
	buried = shmdev_ns_bury(ns);
	mutex_unlock(&shmdev_registry_lock);
	if (buried)
		shmdev_regions_unlink_ns(ns);
}

/*
 * Kill a namespace that is not dead, whoever else is at it: bury it while
 * its superblock is known to be there, then take its mark off (whose
 * ->freeing_mark finds it dead) and remove its names. The reference that
 * fsnotify_find_mark() takes keeps the mark while it is destroyed; without
 * one, a superblock shutdown is destroying it. Called with the registry
 * lock held; drops it.
 */
static void shmdev_ns_end(struct shmdev_ns *ns)
{
	struct fsnotify_mark *mark;

	lockdep_assert_held(&shmdev_registry_lock);
	mark = shmdev_fsnotify_find_sb_mark(ns->sb, shmdev_ns_group);
	shmdev_ns_bury(ns);
	kref_get(&ns->ref);
	mutex_unlock(&shmdev_registry_lock);
	if (mark) {
		fsnotify_destroy_mark(mark, shmdev_ns_group);
		fsnotify_put_mark(mark);
	}
	shmdev_regions_unlink_ns(ns);
	shmdev_ns_put(ns);
}

/**
 * shmdev_ns_reap_orphans - kill the namespaces whose IPC namespace is gone
 *
 * The mark fires late when the mqueue superblock outlives its namespace:
 * a mqueue file system mounted by hand where the namespace's processes
 * were not (a mount namespace that outlives them), or a message queue
 * descriptor passed out of the namespace. Such a namespace is orphaned:
 * its names can never be looked up again, but its regions hold memory.
 * This kills each one; it runs when a new namespace starts to use shmdev
 * and on an administrator's %SHMDEV_UNLINK_ORPHANED.
 *
 * Return: the number of namespaces killed.
 */
int shmdev_ns_reap_orphans(void)
{
	struct shmdev_ns *ns;
	unsigned int bkt;
	int killed = 0;

	for (;;) {
		mutex_lock(&shmdev_registry_lock);
		hash_for_each(shmdev_ns_table, bkt, ns, hnode)
			if (shmdev_ns_orphaned(ns))
				break;
		if (!ns) {
			mutex_unlock(&shmdev_registry_lock);
			return killed;
		}
		shmdev_ns_end(ns);
		killed++;
	}
}

/* A new namespace for @sb, with one reference for its mark, unmarked. */
static struct shmdev_ns *shmdev_ns_alloc(struct super_block *sb)
{
	struct shmdev_ns *ns;

	ns = kzalloc(sizeof(*ns), GFP_KERNEL_ACCOUNT);
	if (!ns)
		return NULL;
	kref_init(&ns->ref);
	INIT_LIST_HEAD(&ns->list);
	ns->sb = sb;
	ns->inum = current->nsproxy->ipc_ns->ns.inum;
	ns->user_ns = get_user_ns(current->nsproxy->ipc_ns->user_ns);
	/* Its inode number is fixed, and nobody else's while it lives. */
	ns->initial = ns->inum == PROC_IPC_INIT_INO;
	ns->ids = RB_ROOT;
	fsnotify_init_mark(&ns->mark, shmdev_ns_group);
	atomic_inc(&shmdev_ns_marks);
	return ns;
}

/*
 * Mark @ns's superblock and make it findable; the registry lock is held.
 * fsnotify takes its own reference to the mark while it is on the
 * superblock; the one from fsnotify_init_mark() is dropped by the caller.
 */
static int shmdev_ns_attach(struct shmdev_ns *ns)
{
	int ret;

	lockdep_assert_held(&shmdev_registry_lock);
	ret = shmdev_fsnotify_add_sb_mark(&ns->mark, ns->sb);
	if (ret)
		return ret;
	ns->serial = ++shmdev_ns_serial;
	hash_add(shmdev_ns_table, &ns->hnode, hash_ptr(ns->sb, 32));
	list_add_tail(&ns->list, &shmdev_ns_list);
	return 0;
}

/**
 * shmdev_ns_get - current's namespace, made if it has none
 *
 * Return: the namespace with a reference, or an ERR_PTR().
 */
struct shmdev_ns *shmdev_ns_get(void)
{
	struct super_block *sb = shmdev_current_sb();
	struct shmdev_ns *ns, *new;
	int ret;

	mutex_lock(&shmdev_registry_lock);
	ns = shmdev_ns_lookup(sb);
	if (ns)
		kref_get(&ns->ref);
	mutex_unlock(&shmdev_registry_lock);
	if (ns)
		return ns;

	new = shmdev_ns_alloc(sb);
	if (!new)
		return ERR_PTR(-ENOMEM);
	mutex_lock(&shmdev_registry_lock);
	ns = shmdev_ns_lookup(sb);
	ret = 0;
	if (!ns) {
		ret = shmdev_ns_attach(new);
		if (!ret)
			ns = new;
	}
	if (ns)
		kref_get(&ns->ref);
	mutex_unlock(&shmdev_registry_lock);
	/* The mark's own reference now, or the end of an unused one. */
	fsnotify_put_mark(&new->mark);
	if (ret)
		return ERR_PTR(ret);
	if (ns == new)
		shmdev_ns_reap_orphans();
	return ns;
}

/**
 * shmdev_ns_first - the first namespace in the list at or after a serial
 * @serial: the serial to start from
 *
 * The registry lock is held.
 *
 * Return: the namespace, or NULL.
 */
struct shmdev_ns *shmdev_ns_first(u32 serial)
{
	struct shmdev_ns *ns;

	lockdep_assert_held(&shmdev_registry_lock);
	list_for_each_entry(ns, &shmdev_ns_list, list)
		if (ns->serial >= serial)
			return ns;
	return NULL;
}

/**
 * shmdev_ns_next - the namespace after @ns in the list, or NULL
 * @ns: a namespace in the list; the registry lock is held
 *
 * Return: the next namespace, or NULL.
 */
struct shmdev_ns *shmdev_ns_next(struct shmdev_ns *ns)
{
	lockdep_assert_held(&shmdev_registry_lock);
	if (list_is_last(&ns->list, &shmdev_ns_list))
		return NULL;
	return list_next_entry(ns, list);
}

/* --- the marks ------------------------------------------------------ */

static int shmdev_ns_event(struct fsnotify_mark *mark, u32 mask,
			   struct inode *inode, struct inode *dir,
			   const struct qstr *name, u32 cookie)
{
	/* The mark asks for no event. */
	return 0;
}

/*
 * The mark is being destroyed: the superblock is shut down (its namespace
 * is gone), and the namespace dies; or shmdev took the mark off, and it is
 * dead already (shmdev_ns_end()).
 * This may run in the kernel's IPC namespace reaper, so it only removes
 * names; freeing a region's pages is done by whoever drops its last
 * reference, here only when nothing else holds the region.
 */
static void shmdev_ns_freeing_mark(struct fsnotify_mark *mark,
				   struct fsnotify_group *group)
{
	shmdev_ns_kill(container_of(mark, struct shmdev_ns, mark));
}

static void shmdev_ns_free_mark(struct fsnotify_mark *mark)
{
	shmdev_ns_put(container_of(mark, struct shmdev_ns, mark));
	atomic_dec(&shmdev_ns_marks);
}

static const struct fsnotify_ops shmdev_ns_ops = {
	.handle_inode_event	= shmdev_ns_event,
	.freeing_mark		= shmdev_ns_freeing_mark,
	.free_mark		= shmdev_ns_free_mark,
};

/**
 * shmdev_ns_init - set up namespace tracking
 *
 * Return: 0 or a negative errno.
 */
int shmdev_ns_init(void)
{
	shmdev_ns_group = fsnotify_alloc_group(&shmdev_ns_ops, 0);
	return PTR_ERR_OR_ZERO(shmdev_ns_group);
}

/**
 * shmdev_ns_exit - kill every namespace and wait until fsnotify is done
 *
 * Nothing can call into shmdev any more (the module is going), but a
 * superblock's shutdown may be destroying a mark at the same time: its
 * ->freeing_mark kills the namespace, and the wait for ->free_mark of
 * every mark keeps the module until no mark is left to call it.
 */
void shmdev_ns_exit(void)
{
	struct shmdev_ns *ns;

	for (;;) {
		mutex_lock(&shmdev_registry_lock);
		list_for_each_entry(ns, &shmdev_ns_list, list)
			if (!ns->dead)
				break;
		if (list_entry_is_head(ns, &shmdev_ns_list, list)) {
			mutex_unlock(&shmdev_registry_lock);
			break;
		}
		shmdev_ns_end(ns);
	}
	/* Final frees run from fsnotify's reaper work: flush it until done. */
	for (;;) {
		fsnotify_wait_marks_destroyed();
		if (!atomic_read(&shmdev_ns_marks))
			break;
		msleep(20);
	}
	/* The run that freed the last one may still be going. */
	fsnotify_wait_marks_destroyed();
	fsnotify_put_group(shmdev_ns_group);
}
