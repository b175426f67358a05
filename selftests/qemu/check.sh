#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The project's test lanes and debugging guest:
#   check.sh check        make check: install what is missing, build the
#                         module for every Debian kernel with W=1 and sparse,
#                         run checkpatch, build the selftests, boot each
#                         kernel and run them
#   check.sh debug        make check-debug: the same suite, plus the
#                         fault-injection sweep and a long fuzz, in the debug
#                         kernel (KASAN, lockdep, kmemleak, UBSAN...)
#   check.sh all          both lanes, as CI runs them
#   check.sh vm [SERIES]  an interactive guest: 6.12 (default), 6.1 or debug
# The last line of a lane run is "N passed, N failed" over everything run.
set -u
. "$(dirname "$0")/lib.sh"
cd "$SHMDEV_TOP" || exit 1

QEMU_DIR="$SHMDEV_TOP/selftests/qemu"
KBUILD_CHECK="W=1 C=2"
# The fuzzer's budget: a bounded pass in make check, a long one in the
# debug kernel.
FUZZ_CALLS_CHECK=${SHMDEV_FUZZ_CALLS_CHECK:-1000000}
FUZZ_CALLS_DEBUG=${SHMDEV_FUZZ_CALLS_DEBUG:-1000000}

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

# Build the module against KDIR $1 into $BUILD/KVER; $2.. are extra kbuild
# arguments. Fails on any warning; the output is in $BUILD/log/module-KVER.log.
build_module()
{
	kdir=$1
	shift
	log="$BUILD/log/module-$(shmdev_kver_of "$kdir").log"
	make --no-print-directory KDIR="$kdir" "$@" modules >"$log" 2>&1 ||
		return 1
	! grep -E '(warning|error|WARNING|ERROR)[: ]' "$log"
}

# Build the module for KDIR $1, reporting the result as one check; $2..
# are extra kbuild arguments.
check_module()
{
	kdir=$1
	k=$(shmdev_kver_of "$kdir")
	shift
	if build_module "$kdir" $KBUILD_CHECK "$@"; then
		ok "module builds for $k with $KBUILD_CHECK${*:+ $*}, no warnings"
	else
		not_ok "module builds for $k with $KBUILD_CHECK${*:+ $*}, no warnings"
		tail -n 40 "$BUILD/log/module-$k.log"
	fi
}

prepare()
{
	if "$QEMU_DIR/deps.sh"; then
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

# Boot kernel $1 (image $3) in lane $2 and add its verdict to the totals.
guest()
{
	k=$1
	[ -f "$BUILD/$k/shmdev.ko" ] || return 0
	echo "# ===== guest $k ($2 lane) ====="
	out="$BUILD/log/guest-$k.log"
	"$QEMU_DIR/run.sh" check "$k" "$2" "$3" >"$out" 2>&1
	cat "$out"
	res=$(grep '^SHMDEV-RESULT ' "$out" | tail -n 1)
	p=$(echo "$res" | sed -n 's/.* passed=\([0-9]*\).*/\1/p')
	f=$(echo "$res" | sed -n 's/.* failed=\([0-9]*\).*/\1/p')
	if [ -z "$p" ] || [ -z "$f" ]; then
		not_ok "guest $k produced a verdict"
		return 0
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	if [ "$f" -ne 0 ]; then
		echo "# last console lines of $k:"
		tail -n 80 "$BUILD/vm/$k/console.log" | sed 's/^/# /'
	fi
}

lane_check()
{
	kernels=$(shmdev_kernels)
	if [ -z "$kernels" ]; then
		not_ok "Debian kernels with image and headers found"
		return 0
	fi
	for k in $kernels; do
		check_module "$(shmdev_kdir "$k")"
	done
	checkpatch
	for k in $kernels; do
		SHMDEV_FUZZ_CALLS=$FUZZ_CALLS_CHECK guest "$k" check \
			"/boot/vmlinuz-$k"
	done
}

# The debug kernel's build directory, built or taken from the cache.
debug_kdir()
{
	"$QEMU_DIR/debug-kernel.sh" | tail -n 1
}

lane_debug()
{
	start=$(date +%s)
	if ! kdir=$(debug_kdir); then
		not_ok "debug kernel built from linux-source-6.12"
		return 0
	fi
	ok "debug kernel ready in $(($(date +%s) - start)) s ($kdir)"
	check_module "$kdir" SHMDEV_KUNIT=y
	SHMDEV_FUZZ_CALLS=$FUZZ_CALLS_DEBUG guest "$(shmdev_kver_of "$kdir")" \
		debug "$kdir/arch/x86/boot/bzImage"
}

case "${1:-check}" in
check)
	prepare
	lane_check
	finish
	;;
debug)
	prepare
	lane_debug
	finish
	;;
all)
	prepare
	lane_check
	lane_debug
	finish
	;;
vm)
	KBUILD_CHECK=
	prepare >/dev/null
	if [ "${2:-6.12}" = debug ]; then
		kdir=$(debug_kdir) || exit 1
		image="$kdir/arch/x86/boot/bzImage"
		lane=debug
		set -- SHMDEV_KUNIT=y
	else
		kdir=$(shmdev_kdir "$(shmdev_kernel_of "${2:-6.12}")") || exit 1
		image="/boot/vmlinuz-$(shmdev_kver_of "$kdir")"
		lane=check
		set --
	fi
	build_module "$kdir" "$@" >/dev/null || exit 1
	exec "$QEMU_DIR/run.sh" vm "$(shmdev_kver_of "$kdir")" "$lane" "$image"
	;;
*)
	echo "usage: $0 check | debug | all | vm [6.1|6.12|debug]" >&2
	exit 2
	;;
esac
