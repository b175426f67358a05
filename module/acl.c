// SPDX-License-Identifier: GPL-2.0
/*
 * shmdev access control: the rights a set of credentials holds on a region.
 *
 * The mode's rwx bits of the owner, group and other classes grant READ,
 * WRITE and SYNC; the owner also holds ADMIN. As for files and System V
 * IPC, the first class that matches decides: owner, then group (the
 * credentials' fsgid or a supplementary group), then other. CAP_IPC_OWNER
 * in the user namespace the region was created in grants every right.
 */

#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/sched.h>
#include <linux/uidgid.h>

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
 * shmdev_rights - the rights credentials hold on a region
 * @r: the region
 * @cred: the credentials
 * @ipc_owner: @cred has CAP_IPC_OWNER in @r's user namespace
 *
 * Return: a mask of %SHMDEV_ACCESS_* bits.
 */
u32 shmdev_rights(struct shmdev_region *r, const struct cred *cred,
		  bool ipc_owner)
{
	u32 rights;

	if (ipc_owner)
		return SHMDEV_ACCESS_ALL;
	mutex_lock(&r->lock);
	if (uid_eq(cred->fsuid, r->uid))
		rights = mode_class_rights(r->mode, 6) | SHMDEV_ACCESS_ADMIN;
	else if (cred_in_group(cred, r->gid))
		rights = mode_class_rights(r->mode, 3);
	else
		rights = mode_class_rights(r->mode, 0);
	mutex_unlock(&r->lock);
	return rights;
}

/**
 * shmdev_current_ipc_owner - whether current may override a region's rights
 * @r: the region
 *
 * Return: true if current has CAP_IPC_OWNER in the user namespace @r was
 * created in.
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
 * @sf: a bound handle
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
