// SPDX-License-Identifier: GPL-2.0
/*
 * shmdev access control: the rights a set of credentials holds on a region,
 * and the ioctls that read and change a region's permissions.
 *
 * A region's permissions are its owner, group, mode and a list of named
 * user and group entries (the ACL). The mode's rwx bits of the owner,
 * group and other classes grant READ, WRITE and SYNC; the owner also holds
 * ADMIN; a named entry grants any set of rights. Evaluation follows the
 * POSIX ACL order, the first match deciding:
 *
 *   1. the owner: owner bits and ADMIN;
 *   2. a named user entry for the credentials' fsuid: its rights;
 *   3. the owning group and every named group entry the credentials are
 *      in (fsgid or a supplementary group): the union of their rights;
 *   4. everyone else: the other bits.
 *
 * CAP_IPC_OWNER in the user namespace the region was created in grants
 * every right.
 *
 * Every change publishes a new struct shmdev_permset and then revokes the
 * region's mappings (shmdev_region_revoke()), so a right taken away is
 * gone from every handle at once; handles keep only rights they were
 * bound with and that the current permissions still grant their binder.
 */

#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/overflow.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/uaccess.h>
#include <linux/uidgid.h>
#include <linux/user_namespace.h>

#include "shmdev.h"

/* The rights one rwx class of @mode grants. */
static u32 mode_class_rights(umode_t mode, unsigned int shift)
{
	unsigned int rwx = (mode >> shift) & 7;
	u32 rights = 0;

	if (rwx & 4)
		rights |= SHMDEV_ACCESS_READ;
	if (rwx & 2)
		rights |= SHMDEV_ACCESS_WRITE;
	if (rwx & 1)
		rights |= SHMDEV_ACCESS_SYNC;
	return rights;
}

/*
 * Whether @cred is in group @gid. in_group_p() only looks at current, and
 * a handle keeps its binder's credentials, so search them here; set_groups()
 * keeps group_info sorted.
 */
static bool cred_in_group(const struct cred *cred, kgid_t gid)
{
	const struct group_info *gi = cred->group_info;
	unsigned int lo = 0, hi;

	if (gid_eq(cred->fsgid, gid))
		return true;
	if (!gi)
		return false;
	hi = gi->ngroups;
	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (gid_gt(gid, gi->gid[mid]))
			lo = mid + 1;
		else if (gid_lt(gid, gi->gid[mid]))
			hi = mid;
		else
			return true;
	}
	return false;
}

/**
 * shmdev_permset_new - allocate a permission set
 * @uid: owner
 * @gid: group
 * @mode: permission bits
 * @count: room for this many named entries, which the caller fills
 *
 * Return: the set, or NULL if out of memory.
 */
struct shmdev_permset *shmdev_permset_new(kuid_t uid, kgid_t gid,
					  umode_t mode, u32 count)
{
	struct shmdev_permset *p;

	p = kzalloc(struct_size(p, ace, count), GFP_KERNEL_ACCOUNT);
	if (!p)
		return NULL;
	p->uid = uid;
	p->gid = gid;
	p->mode = mode;
	p->count = count;
	return p;
}

/**
 * shmdev_permset_rights - the rights credentials hold under a permission set
 * @p: the permission set
 * @cred: the credentials
 *
 * Capabilities are not considered here; see shmdev_rights().
 *
 * Return: a mask of %SHMDEV_ACCESS_* bits.
 */
u32 shmdev_permset_rights(const struct shmdev_permset *p,
			  const struct cred *cred)
{
	bool in_group = false;
	u32 i, rights = 0;

	if (uid_eq(cred->fsuid, p->uid))
		return mode_class_rights(p->mode, 6) | SHMDEV_ACCESS_ADMIN;
	for (i = 0; i < p->count; i++)
		if (p->ace[i].tag == SHMDEV_ACL_USER &&
		    uid_eq(cred->fsuid, p->ace[i].uid))
			return p->ace[i].rights;
	if (cred_in_group(cred, p->gid)) {
		in_group = true;
		rights = mode_class_rights(p->mode, 3);
	}
	for (i = 0; i < p->count; i++) {
		if (p->ace[i].tag == SHMDEV_ACL_GROUP &&
		    cred_in_group(cred, p->ace[i].gid)) {
			in_group = true;
			rights |= p->ace[i].rights;
		}
	}
	return in_group ? rights : mode_class_rights(p->mode, 0);
}

/**
 * shmdev_rights - the rights credentials hold on a region now
 * @r: the region
 * @cred: the credentials
 * @ipc_owner: @cred has CAP_IPC_OWNER in @r's user namespace
 *
 * Takes no lock, so it may run in a page fault.
 *
 * Return: a mask of %SHMDEV_ACCESS_* bits.
 */
u32 shmdev_rights(struct shmdev_region *r, const struct cred *cred,
		  bool ipc_owner)
{
	u32 rights;

	if (ipc_owner)
		return SHMDEV_ACCESS_ALL;
	rcu_read_lock();
	rights = shmdev_permset_rights(rcu_dereference(r->perm), cred);
	rcu_read_unlock();
	return rights;
}

/**
 * shmdev_current_ipc_owner - whether current may override a region's rights
 * @r: the region
 *
 * Return: true if current has CAP_IPC_OWNER in the user namespace that
 * owns @r's IPC namespace, as ipcperms() asks for System V objects.
 */
bool shmdev_current_ipc_owner(struct shmdev_region *r)
{
	return ns_capable_noaudit(r->user_ns, CAP_IPC_OWNER);
}

/**
 * shmdev_current_rights - the rights current holds on a region
 * @r: the region
 *
 * Return: a mask of %SHMDEV_ACCESS_* bits.
 */
u32 shmdev_current_rights(struct shmdev_region *r)
{
	return shmdev_rights(r, current_cred(), shmdev_current_ipc_owner(r));
}

/**
 * shmdev_handle_rights - the rights a bound handle may use now
 * @sf: a region fd
 *
 * A handle may use a right that it was bound with and that the region's
 * current permissions still grant to the credentials that bound it.
 *
 * Return: a mask of %SHMDEV_ACCESS_* bits.
 */
u32 shmdev_handle_rights(struct shmdev_file *sf)
{
	return sf->access & shmdev_rights(sf->region, sf->cred, sf->ipc_owner);
}

/* The permissions of @r; its lock is held. */
static struct shmdev_permset *shmdev_perm_locked(struct shmdev_region *r)
{
	return rcu_dereference_protected(r->perm, lockdep_is_held(&r->lock));
}

/* Replace the permissions of @r, whose lock is held, by @p. */
static void shmdev_perm_publish(struct shmdev_region *r,
				struct shmdev_permset *p)
{
	struct shmdev_permset *old = shmdev_perm_locked(r);

	rcu_assign_pointer(r->perm, p);
	WRITE_ONCE(r->change_time, shmdev_now());
	kfree_rcu(old, rcu);
}

static const char shmdev_right_chars[] = "rwxa";

/**
 * shmdev_seq_rights - print rights as letters r, w, x, a, or "-" for none
 * @m: the seq_file
 * @rights: %SHMDEV_ACCESS_* bits
 */
void shmdev_seq_rights(struct seq_file *m, u32 rights)
{
	u32 bit;

	if (!rights)
		seq_putc(m, '-');
	for (bit = 0; bit < 4; bit++)
		if (rights & BIT(bit))
			seq_putc(m, shmdev_right_chars[bit]);
}

/**
 * shmdev_seq_acl - print a region's ACL in text form, as u:ID:RIGHTS,...
 * @m: the seq_file of /proc/driver/shmdev
 * @r: the region
 *
 * Ids are shown in the reader's user namespace; rights as letters r, w, x
 * and a for READ, WRITE, SYNC and ADMIN; an empty list as "-".
 */
void shmdev_seq_acl(struct seq_file *m, struct shmdev_region *r)
{
	struct user_namespace *ns = seq_user_ns(m);
	const struct shmdev_permset *p;
	u32 i;

	rcu_read_lock();
	p = rcu_dereference(r->perm);
	if (!p->count)
		seq_putc(m, '-');
	for (i = 0; i < p->count; i++) {
		const struct shmdev_ace *e = &p->ace[i];

		if (e->tag == SHMDEV_ACL_USER)
			seq_printf(m, "%su:%u:", i ? "," : "",
				   from_kuid_munged(ns, e->uid));
		else
			seq_printf(m, "%sg:%u:", i ? "," : "",
				   from_kgid_munged(ns, e->gid));
		shmdev_seq_rights(m, e->rights);
	}
	rcu_read_unlock();
}

/* --- GET_ACL ------------------------------------------------------- */

static int shmdev_acl_check(const struct shmdev_acl *args)
{
	if (args->flags & ~SHMDEV_ACL_FLAGS_VALID ||
	    memchr_inv(args->reserved, 0, sizeof(args->reserved)))
		return -EINVAL;
	return 0;
}

/* Copy the ACL of @r into @out, ids in current's namespace; return count. */
static u32 shmdev_acl_snapshot(struct shmdev_region *r,
			       struct shmdev_acl_entry *out)
{
	struct user_namespace *ns = current_user_ns();
	const struct shmdev_permset *p;
	u32 i, n;

	rcu_read_lock();
	p = rcu_dereference(r->perm);
	n = p->count;
	for (i = 0; i < n; i++) {
		out[i].tag = p->ace[i].tag;
		out[i].rights = p->ace[i].rights;
		out[i].reserved = 0;
		if (p->ace[i].tag == SHMDEV_ACL_USER)
			out[i].id = from_kuid_munged(ns, p->ace[i].uid);
		else
			out[i].id = from_kgid_munged(ns, p->ace[i].gid);
	}
	rcu_read_unlock();
	return n;
}

/**
 * shmdev_ioc_get_acl - SHMDEV_IOC_GET_ACL: read the region's ACL
 * @sf: the handle, which needs READ or ADMIN
 * @uarg: user pointer to struct shmdev_acl
 *
 * Return: 0 or a negative errno; -ERANGE, with the needed count written
 * back, if the caller's array is too small.
 */
int shmdev_ioc_get_acl(struct shmdev_file *sf, void __user *uarg)
{
	struct shmdev_acl_entry *buf;
	struct shmdev_region *r;
	struct shmdev_acl args;
	u32 n;
	int ret = 0;

	if (copy_from_user(&args, uarg, sizeof(args)))
		return -EFAULT;
	ret = shmdev_acl_check(&args);
	if (ret)
		return ret;
	r = sf->region;
	if (!(shmdev_handle_rights(sf) &
	      (SHMDEV_ACCESS_READ | SHMDEV_ACCESS_ADMIN)))
		return -EACCES;
	buf = kcalloc(SHMDEV_ACL_MAX, sizeof(*buf), GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	n = shmdev_acl_snapshot(r, buf);
	if (n > args.count)
		ret = -ERANGE;
	else if (copy_to_user(u64_to_user_ptr(args.entries), buf,
			      n * sizeof(*buf)))
		ret = -EFAULT;
	args.count = n;
	if ((!ret || ret == -ERANGE) && copy_to_user(uarg, &args, sizeof(args)))
		ret = -EFAULT;
	kfree(buf);
	return ret;
}

/* --- SET_ACL -------------------------------------------------------- */

/* Order by tag, then id; a kuid_t and a kgid_t hold their id alike. */
static int shmdev_ace_cmp(const void *a, const void *b)
{
	const struct shmdev_ace *x = a, *y = b;
	u32 xid = __kuid_val(x->uid), yid = __kuid_val(y->uid);

	if (x->tag != y->tag)
		return x->tag < y->tag ? -1 : 1;
	if (xid != yid)
		return xid < yid ? -1 : 1;
	return 0;
}

/* Check one entry from user space and store it as @e. */
static int shmdev_ace_from_user(const struct shmdev_acl_entry *in,
				struct shmdev_ace *e)
{
	struct user_namespace *ns = current_user_ns();

	if (in->reserved || in->rights & ~SHMDEV_ACCESS_ALL)
		return -EINVAL;
	e->tag = in->tag;
	e->rights = in->rights;
	switch (in->tag) {
	case SHMDEV_ACL_USER:
		e->uid = make_kuid(ns, in->id);
		return uid_valid(e->uid) ? 0 : -EINVAL;
	case SHMDEV_ACL_GROUP:
		e->gid = make_kgid(ns, in->id);
		return gid_valid(e->gid) ? 0 : -EINVAL;
	default:
		return -EINVAL;
	}
}

/*
 * Build the entries of a new ACL from user space into @p, sorted, and
 * reject duplicates. @p has room for @p->count entries.
 */
static int shmdev_acl_from_user(struct shmdev_permset *p, u64 uptr)
{
	struct shmdev_acl_entry *in;
	u32 i;
	int ret = 0;

	if (!p->count)
		return 0;
	in = memdup_user(u64_to_user_ptr(uptr), array_size(p->count, sizeof(*in)));
	if (IS_ERR(in))
		return PTR_ERR(in);
	for (i = 0; i < p->count && !ret; i++)
		ret = shmdev_ace_from_user(&in[i], &p->ace[i]);
	kfree(in);
	if (ret)
		return ret;
	sort(p->ace, p->count, sizeof(p->ace[0]), shmdev_ace_cmp, NULL);
	for (i = 1; i < p->count; i++)
		if (!shmdev_ace_cmp(&p->ace[i - 1], &p->ace[i]))
			return -EINVAL;
	return 0;
}

/**
 * shmdev_ioc_set_acl - SHMDEV_IOC_SET_ACL: replace the region's ACL
 * @sf: the handle, which needs ADMIN
 * @uarg: user pointer to struct shmdev_acl
 *
 * The list is checked whole before anything changes, then replaces the old
 * one at once; rights it takes away are revoked from every handle.
 *
 * Return: 0 or a negative errno.
 */
int shmdev_ioc_set_acl(struct shmdev_file *sf, void __user *uarg)
{
	struct shmdev_permset *p, *old;
	struct shmdev_region *r;
	struct shmdev_acl args;
	int ret;

	if (copy_from_user(&args, uarg, sizeof(args)))
		return -EFAULT;
	ret = shmdev_acl_check(&args);
	if (ret)
		return ret;
	if (args.count > SHMDEV_ACL_MAX)
		return -EINVAL;
	r = sf->region;
	p = shmdev_permset_new(INVALID_UID, INVALID_GID, 0, args.count);
	if (!p)
		return -ENOMEM;
	ret = shmdev_acl_from_user(p, args.entries);
	if (ret)
		goto out_free;

	mutex_lock(&r->lock);
	if (!(shmdev_handle_rights(sf) & SHMDEV_ACCESS_ADMIN)) {
		mutex_unlock(&r->lock);
		ret = -EACCES;
		goto out_free;
	}
	old = shmdev_perm_locked(r);
	p->uid = old->uid;
	p->gid = old->gid;
	p->mode = old->mode;
	shmdev_perm_publish(r, p);
	mutex_unlock(&r->lock);
	shmdev_region_revoke(r);
	shmdev_sems_rights_changed(r);
	return 0;

out_free:
	kfree(p);
	return ret;
}

/* --- SET_PERM ------------------------------------------------------- */

/* Check a SET_PERM request and map its ids; nothing is looked up yet. */
static int shmdev_perm_check(const struct shmdev_perm *args, kuid_t *uid,
			     kgid_t *gid)
{
	struct user_namespace *ns = current_user_ns();

	if (!args->flags || args->flags & ~SHMDEV_PERM_FLAGS_VALID ||
	    memchr_inv(args->reserved, 0, sizeof(args->reserved)))
		return -EINVAL;
	if (args->flags & SHMDEV_PERM_MODE && args->mode & ~SHMDEV_MODE_VALID)
		return -EINVAL;
	*uid = make_kuid(ns, args->uid);
	*gid = make_kgid(ns, args->gid);
	if ((args->flags & SHMDEV_PERM_UID && !uid_valid(*uid)) ||
	    (args->flags & SHMDEV_PERM_GID && !gid_valid(*gid)))
		return -EINVAL;
	return 0;
}

/*
 * Whether the handle's binder may make the change, by System V IPC_SET
 * rules: the owner or the creator may change the mode, and the group to
 * one of their own groups; the owner only with CAP_IPC_OWNER or
 * CAP_SYS_ADMIN, which also allow everything else. The file's credentials
 * are the binder's, those the handle holds; CAP_SYS_ADMIN is asked last,
 * as System V asks it, so that an owner's change is not audited as a use
 * of it.
 */
static bool shmdev_perm_allowed(struct file *file,
				const struct shmdev_permset *old,
				const struct shmdev_perm *args, kuid_t uid,
				kgid_t gid)
{
	struct shmdev_file *sf = file->private_data;
	const struct cred *cred = sf->cred;

	if (sf->ipc_owner)
		return true;
	if ((uid_eq(cred->fsuid, old->uid) ||
	     uid_eq(cred->fsuid, sf->region->cuid)) &&
	    (!(args->flags & SHMDEV_PERM_UID) || uid_eq(uid, old->uid)) &&
	    (!(args->flags & SHMDEV_PERM_GID) || gid_eq(gid, old->gid) ||
	     cred_in_group(cred, gid)))
		return true;
	return file_ns_capable(file, sf->region->user_ns, CAP_SYS_ADMIN);
}

/* A copy of @old with the changes @args asks for. */
static struct shmdev_permset *
shmdev_perm_apply(const struct shmdev_permset *old,
		  const struct shmdev_perm *args, kuid_t uid, kgid_t gid)
{
	struct shmdev_permset *p;

	p = shmdev_permset_new(old->uid, old->gid, old->mode, old->count);
	if (!p)
		return NULL;
	memcpy(p->ace, old->ace, old->count * sizeof(old->ace[0]));
	if (args->flags & SHMDEV_PERM_MODE)
		p->mode = args->mode;
	if (args->flags & SHMDEV_PERM_UID)
		p->uid = uid;
	if (args->flags & SHMDEV_PERM_GID)
		p->gid = gid;
	return p;
}

/**
 * shmdev_ioc_set_perm - SHMDEV_IOC_SET_PERM: change mode, owner or group
 * @file: the region fd, which must have been bound with ADMIN; the rules
 *	apply to the credentials that bound it
 * @uarg: user pointer to struct shmdev_perm
 *
 * A handle bound without ADMIN never changes permissions, whoever bound
 * it, so that passing a read-only handle hands over nothing more. Rights
 * the change takes away are revoked from every handle.
 *
 * Return: 0 or a negative errno.
 */
int shmdev_ioc_set_perm(struct file *file, void __user *uarg)
{
	struct shmdev_file *sf = file->private_data;
	struct shmdev_permset *p, *old;
	struct shmdev_region *r;
	struct shmdev_perm args;
	kuid_t uid;
	kgid_t gid;
	int ret;

	if (copy_from_user(&args, uarg, sizeof(args)))
		return -EFAULT;
	ret = shmdev_perm_check(&args, &uid, &gid);
	if (ret)
		return ret;
	if (!(sf->access & SHMDEV_ACCESS_ADMIN))
		return -EACCES;
	r = sf->region;

	mutex_lock(&r->lock);
	old = shmdev_perm_locked(r);
	if (!shmdev_perm_allowed(file, old, &args, uid, gid)) {
		ret = -EPERM;
		goto out_unlock;
	}
	p = shmdev_perm_apply(old, &args, uid, gid);
	if (!p) {
		ret = -ENOMEM;
		goto out_unlock;
	}
	shmdev_perm_publish(r, p);
	mutex_unlock(&r->lock);
	shmdev_region_revoke(r);
	shmdev_sems_rights_changed(r);
	return 0;

out_unlock:
	mutex_unlock(&r->lock);
	return ret;
}
