# SPDX-License-Identifier: GPL-2.0
# Shell helpers of the QEMU runner (check.sh, run.sh, debug-kernel.sh).
# Source, don't run. A kernel is a line of two words, "release tree": what
# uname -r says when it runs, and the build tree the module is built in.

# shellcheck disable=SC2034
SHMDEV_TOP=$(cd "$(dirname "$0")/../.." && pwd)
QEMU_DIR=$SHMDEV_TOP/selftests/qemu
BUILD=${BUILD:-$SHMDEV_TOP/build}
KSRC_TARBALL=/usr/src/linux-source-6.12.tar.xz

# Mode $1's line of ./modes: mode kernel runs shows judge fuzz boot...
mode_line()
{
	grep "^$1[[:space:]]" "$QEMU_DIR/modes" ||
		{ echo "no mode '$1' in $QEMU_DIR/modes" >&2; return 1; }
}

# The Debian kernels: every release with both an image in /boot and a
# headers tree, the newest of each major.minor series.
debian_kernels()
{
	for kdir in /usr/src/linux-headers-*; do
		[ -f "$kdir/Module.symvers" ] || continue
		kver=${kdir#/usr/src/linux-headers-}
		[ -f "/boot/vmlinuz-$kver" ] && echo "$kver $kdir"
	done | sort -V | awk -F. '{ s = $1 "." $2; last[s] = $0; order[s] = NR }
		END { for (s in last) print order[s], last[s] }' |
		sort -n | cut -d' ' -f2-
}

# The kernel of a series ("6.1", "6.12"), of an exact release, or "debug"
# (built, or taken from the cache, by debug-kernel.sh).
kernel_of()
{
	[ "$1" = debug ] && { "$QEMU_DIR/debug-kernel.sh" | tail -n 1; return; }
	debian_kernels | awk -v s="$1" '$1 == s || index($1, s ".") == 1 ||
		index($1, s "-") == 1 { print; found = 1; exit } END { exit !found }' ||
		{ echo "no installed Debian kernel matches '$1'" >&2; return 1; }
}

# The kernels mode $1 boots, by ./modes; $2 is the one asked for, for "any".
mode_kernels()
{
	asked=${2:-6.12}
	line=$(mode_line "$1") || return 1
	# shellcheck disable=SC2086 # the line's fields
	set -- $line
	case $2 in
	debian) debian_kernels ;;
	any) kernel_of "$asked" ;;
	*) kernel_of "$2" ;;
	esac
}
