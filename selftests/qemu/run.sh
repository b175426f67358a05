#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Boot one kernel under QEMU (TCG) with shmdev.ko and the selftests in a
# busybox initramfs.
#   run.sh check KVER LANE IMAGE   run LANE's tests (check or debug); print
#                                  their TAP and a verdict line
#                                  "SHMDEV-RESULT KVER passed=N failed=N"
#   run.sh vm KVER LANE IMAGE      interactive shell on the serial console
#   run.sh demo KVER LANE IMAGE    the demo's narration on stdout; exits 0
#                                  only if the demo succeeded
#   run.sh bench KVER LANE IMAGE   shmdev-bench with $SHMDEV_BENCH_ARGS:
#                                  progress on stdout, results in
#                                  $BUILD/vm/KVER/bench.log; exits 0 only
#                                  if the benchmark finished
# Expects the module in $BUILD/KVER and the tests in $BUILD/selftests.
# $SHMDEV_FUZZ_CALLS sets the fuzzer's budget in the guest, and
# $SHMDEV_FUZZ_SECONDS and $SHMDEV_FUZZ_MIN_CALLS its time budget and floor.
set -eu
. "$(dirname "$0")/lib.sh"

mode=$1
kver=$2
lane=$3
image=$4
vmdir="$BUILD/vm/$kver"
root="$vmdir/root"
order="$BUILD/selftests/order-$lane"
timeout_s=${SHMDEV_VM_TIMEOUT:-2400}

rm -rf "$vmdir"
mkdir -p "$root/bin" "$root/tests" "$root/proc" "$root/sys" "$root/dev"
cp /bin/busybox "$root/bin/busybox"
cp "$SHMDEV_TOP/selftests/qemu/init" "$root/init"
cp "$SHMDEV_TOP/userspace/examples/demo.sh" "$root/tests/demo.sh"
cp "$BUILD/$kver/shmdev.ko" "$root/shmdev.ko"
cp "$order" "$root/tests/order"
echo "${SHMDEV_BENCH_ARGS:-}" >"$root/tests/bench-args"
for t in $(cat "$order") shmdev-bench shmdevctl ring lock reader; do
	cp "$BUILD/selftests/$t" "$root/tests/$t"
done
# The dynamically linked programs need libshmdev and glibc.
mkdir -p "$root/lib/x86_64-linux-gnu" "$root/lib64"
cp "$BUILD/userspace/libshmdev.so.1" "$root/lib/x86_64-linux-gnu/"
LD_LIBRARY_PATH="$BUILD/userspace" ldd "$BUILD/selftests/lib_test" |
	awk '$2 == "=>" && $3 ~ /^\/lib/ { print $3 } $1 ~ /^\/lib/ { print $1 }' |
	while read -r lib; do
		cp -L "$lib" "$root$lib"
	done
(cd "$root" && find . | cpio -o -H newc --quiet) >"$vmdir/initrd.cpio"

append="console=ttyS0 panic=-1 oops=panic panic_on_warn=1"
# The benchmark's guest has no slab debugging, which would slow every
# allocation it measures, and keeps idle vCPUs polling, since waking a
# halted one costs a host thread wake-up (Documentation/benchmarks.rst).
if [ "$mode" = bench ]; then
	append="$append quiet idle=poll"
else
	append="$append slub_debug=FZPU slab_nomerge"
fi
append="$append shmdev_mode=$mode shmdev_lane=$lane"
append="$append shmdev_fuzz_calls=${SHMDEV_FUZZ_CALLS:-20000}"
append="$append shmdev_fuzz_seconds=${SHMDEV_FUZZ_SECONDS:-0}"
append="$append shmdev_fuzz_min_calls=${SHMDEV_FUZZ_MIN_CALLS:-0}"
set -- qemu-system-x86_64 -accel tcg,thread=multi -cpu max -smp 2 -m 2G \
	-nic none -no-reboot -display none \
	-kernel "$image" -initrd "$vmdir/initrd.cpio" \
	-device isa-debug-exit,iobase=0xf4,iosize=0x04

if [ "$mode" = vm ]; then
	exec "$@" -nographic -monitor none -serial mon:stdio -serial null \
		-append "$append"
fi

if [ "$mode" = demo ]; then
	timeout -k 10 "$timeout_s" "$@" -monitor none \
		-serial "file:$vmdir/console.log" -serial stdio \
		-append "$append" </dev/null | tee "$vmdir/demo.log" |
		grep -v '^SHMDEV-DEMO-RESULT'
	grep -q '^SHMDEV-DEMO-RESULT rc=0' "$vmdir/demo.log"
	exit
fi

if [ "$mode" = bench ]; then
	# QEMU's status is that of isa-debug-exit; the log has the verdict.
	timeout -k 10 "$timeout_s" "$@" -monitor none -serial stdio \
		-serial "file:$vmdir/bench.log" -append "$append" </dev/null ||
		true
	grep -q '^SHMDEV-BENCH-RESULT rc=0' "$vmdir/bench.log"
	exit
fi

rc=0
timeout -k 10 "$timeout_s" "$@" -monitor none \
	-serial "file:$vmdir/console.log" -serial "file:$vmdir/tap.log" \
	-append "$append shmdev_test_timeout=$timeout_s" || rc=$?

cat "$vmdir/tap.log"
awk -v kver="$kver" -v qrc="$rc" -v console="$vmdir/console.log" \
	-v order="$order" -v lane="$lane" \
	-f "$SHMDEV_TOP/selftests/qemu/verdict.awk" "$vmdir/tap.log"
