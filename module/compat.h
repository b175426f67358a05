/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel-version shims. This is the only file that may paper over
 * differences between the kernels shmdev supports (Debian's 6.1 and 6.12).
 * Shims test for the feature they need, never for a version number.
 *
 * No shim is needed yet.
 */

#ifndef _SHMDEV_COMPAT_H
#define _SHMDEV_COMPAT_H

#endif /* _SHMDEV_COMPAT_H */
