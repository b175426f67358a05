#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The project's test command (make check) and debugging guest (make vm).
#   check.sh check        install what is missing, build the module for every
#                         Debian kernel with W=1 and sparse, run checkpatch,
#                         build the selftests, boot each kernel and run them;
#                         the last line is "N passed, N failed" over it all
#   check.sh vm [SERIES]  the same build, then an interactive guest (6.12)
set -u
. "$(dirname "$0")/lib.sh"
cd "$SHMDEV_TOP" || exit 1

passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok - $*"; }
not_ok() { failed=$((failed + 1)); echo "not ok - $*"; }

finish()
{
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
	exit
}

# Build the module for one kernel; $2.. are extra kbuild arguments. The
# build output is in $BUILD/log/module-KVER.log.
build_module()
{
	k=$1
	shift
	log="$BUILD/log/module-$k.log"
	make --no-print-directory KDIR="$(shmdev_kdir "$k")" "$@" modules \
		>"$log" 2>&1 || return 1
	! grep -E '(warning|error|WARNING|ERROR)[: ]' "$log"
}

prepare()
{
	if "$SHMDEV_TOP/selftests/qemu/deps.sh"; then
		ok "dependencies installed"
	else
		not_ok "dependencies installed"
		finish
	fi
	mkdir -p "$BUILD/log"
	if ! shmdev_ksrc; then
		not_ok "kernel harness and checkpatch extracted from $KSRC_TARBALL"
		finish
	fi
	KERNELS=$(shmdev_kernels)
	if [ -z "$KERNELS" ]; then
		not_ok "Debian kernels with image and headers found"
		finish
	fi
	for k in $KERNELS; do
		if build_module "$k" $KBUILD_CHECK; then
			ok "module builds for $k with $KBUILD_CHECK, no warnings"
		else
			not_ok "module builds for $k with $KBUILD_CHECK, no warnings"
			tail -n 40 "$BUILD/log/module-$k.log"
		fi
	done
	if make --no-print-directory -C selftests O="$BUILD/selftests" \
		KSFT="$BUILD/ksrc/tools/testing/selftests" \
		>"$BUILD/log/selftests.log" 2>&1; then
		ok "selftests build"
	else
		not_ok "selftests build"
		tail -n 40 "$BUILD/log/selftests.log"
		finish
	fi
}

checkpatch()
{
	log="$BUILD/log/checkpatch.log"
	if perl "$BUILD/ksrc/scripts/checkpatch.pl" --strict --no-tree \
		--no-summary --terse -f module/*.[ch] uapi/linux/*.h >"$log" 2>&1 &&
		! [ -s "$log" ]; then
		ok "checkpatch --strict clean over module/ and uapi/"
	else
		not_ok "checkpatch --strict clean over module/ and uapi/"
		cat "$log"
	fi
}

KBUILD_CHECK="W=1 C=2"
case "${1:-check}" in
check)
	prepare
	checkpatch
	for k in $KERNELS; do
		[ -f "$BUILD/$k/shmdev.ko" ] || continue
		echo "# ===== guest $k ====="
		out="$BUILD/log/guest-$k.log"
		"$SHMDEV_TOP/selftests/qemu/run.sh" check "$k" >"$out" 2>&1
		cat "$out"
		res=$(grep '^SHMDEV-RESULT ' "$out" | tail -n 1)
		p=$(echo "$res" | sed -n 's/.* passed=\([0-9]*\).*/\1/p')
		f=$(echo "$res" | sed -n 's/.* failed=\([0-9]*\).*/\1/p')
		if [ -z "$p" ] || [ -z "$f" ]; then
			not_ok "guest $k produced a verdict"
			continue
		fi
		passed=$((passed + p))
		failed=$((failed + f))
		if [ "$f" -ne 0 ]; then
			echo "# last console lines of $k:"
			tail -n 60 "$BUILD/vm/$k/console.log" | sed 's/^/# /'
		fi
	done
	finish
	;;
vm)
	KBUILD_CHECK=
	prepare >/dev/null
	k=$(shmdev_kernel_of "${2:-6.12}") || exit 1
	exec "$SHMDEV_TOP/selftests/qemu/run.sh" vm "$k"
	;;
*)
	echo "usage: $0 check | vm [SERIES]" >&2
	exit 2
	;;
esac
