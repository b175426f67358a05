# SPDX-License-Identifier: GPL-2.0
# Shell helpers shared by the build and the QEMU runner. Source, don't run.

# shellcheck disable=SC2034
SHMDEV_TOP=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-$SHMDEV_TOP/build}
KSRC_TARBALL=/usr/src/linux-source-6.12.tar.xz

# The Debian kernels to build for and boot: every version that has both an
# image in /boot and a headers tree, newest of each major.minor series.
shmdev_kernels()
{
	for kdir in /usr/src/linux-headers-*; do
		[ -f "$kdir/Module.symvers" ] || continue
		kver=${kdir#/usr/src/linux-headers-}
		[ -f "/boot/vmlinuz-$kver" ] && echo "$kver"
	done | sort -V | awk -F. '{ s = $1 "." $2; last[s] = $0; order[s] = NR }
		END { for (s in last) print order[s], last[s] }' |
		sort -n | cut -d' ' -f2
}

# The kernel of a series ("6.1", "6.12") or of an exact version.
shmdev_kernel_of()
{
	for k in $(shmdev_kernels); do
		case "$k" in "$1"|"$1".*|"$1"-*) echo "$k"; return 0 ;; esac
	done
	echo "no installed Debian kernel matches '$1' (have: $(shmdev_kernels | tr '\n' ' '))" >&2
	return 1
}

shmdev_kdir()
{
	echo "/usr/src/linux-headers-$1"
}

# Extract from Debian's linux-source tarball the files the build reads
# (kselftest harness, checkpatch, kernel-doc and its Sphinx extension);
# cached under $BUILD/ksrc by tarball.
shmdev_ksrc()
{
	# The stamp names the set of files too: a new one extracts again.
	stamp="$BUILD/ksrc/.stamp-docs-$(stat -c %Y-%s "$KSRC_TARBALL")"
	[ -f "$stamp" ] && return 0
	rm -rf "$BUILD/ksrc"
	mkdir -p "$BUILD/ksrc"
	tar -xJf "$KSRC_TARBALL" -C "$BUILD/ksrc" --strip-components=1 \
		--wildcards \
		'*/tools/testing/selftests/kselftest_harness.h' \
		'*/tools/testing/selftests/kselftest.h' \
		'*/scripts/checkpatch.pl' \
		'*/scripts/spelling.txt' \
		'*/scripts/const_structs.checkpatch' \
		'*/scripts/kernel-doc' \
		'*/Documentation/sphinx/kerneldoc.py' \
		'*/Documentation/sphinx/kernellog.py'
	touch "$stamp"
}

# The release a kernel build tree $1 was configured for: the name uname -r
# gives when it runs, and the name of the module's object tree in $BUILD.
shmdev_kver_of()
{
	sed -n 's/.*UTS_RELEASE "\(.*\)"/\1/p' "$1/include/generated/utsrelease.h"
}
