/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel-version shims. This is the only file that may paper over
 * differences between the kernels shmdev supports (Debian's 6.1 and 6.12).
 * Shims test for the feature they need, never for a version number: Kbuild
 * probes the target kernel's headers and defines SHMDEV_HAVE_* for what it
 * finds.
 */

#ifndef _SHMDEV_COMPAT_H
#define _SHMDEV_COMPAT_H

#include <linux/fs.h>
#include <linux/fsnotify_backend.h>
#include <linux/mm.h>

/*
 * Marks on a superblock: 6.12 takes the object and finds its connector,
 * 6.1 takes the connector pointer itself (and a file system id).
 */
static inline int shmdev_fsnotify_add_sb_mark(struct fsnotify_mark *mark,
					      struct super_block *sb)
{
#ifdef SHMDEV_HAVE_FSNOTIFY_OBJ
	return fsnotify_add_mark(mark, sb, FSNOTIFY_OBJ_TYPE_SB, 0);
#else
	return fsnotify_add_mark(mark, &sb->s_fsnotify_marks,
				 FSNOTIFY_OBJ_TYPE_SB, 0, NULL);
#endif
}

static inline struct fsnotify_mark *
shmdev_fsnotify_find_sb_mark(struct super_block *sb,
			     struct fsnotify_group *group)
{
#ifdef SHMDEV_HAVE_FSNOTIFY_OBJ
	return fsnotify_find_mark(sb, FSNOTIFY_OBJ_TYPE_SB, group);
#else
	return fsnotify_find_mark(&sb->s_fsnotify_marks, group);
#endif
}

/* 6.12 changes a VMA's flags through vm_flags_set(), 6.1 directly. */
static inline void shmdev_vm_flags_set(struct vm_area_struct *vma,
				       vm_flags_t flags)
{
#ifdef SHMDEV_HAVE_VM_FLAGS_SET
	vm_flags_set(vma, flags);
#else
	vma->vm_flags |= flags;
#endif
}

#endif /* _SHMDEV_COMPAT_H */
