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

#include <linux/mm.h>

#ifndef SHMDEV_HAVE_VM_FLAGS_CLEAR
/* vm_flags became read-only behind vm_flags_clear() and friends. */
static inline void vm_flags_clear(struct vm_area_struct *vma,
				  vm_flags_t flags)
{
	vma->vm_flags &= ~flags;
}
#endif

#endif /* _SHMDEV_COMPAT_H */
