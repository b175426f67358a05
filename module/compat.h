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

/* No shim is needed by the kernels supported today. */

#endif /* _SHMDEV_COMPAT_H */
