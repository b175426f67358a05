#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# run.sh MODE KVER KDIR: boot kernel KVER, built in tree KDIR, under QEMU
# (TCG) in a busybox initramfs holding /init, ./modes, the module built in
# $BUILD/KVER and the programs of $BUILD/selftests, and judge the run as
# MODE's line in ./modes says. Exits 0 only if the run passed; a TAP mode
# ends with "SHMDEV-RESULT KVER passed=N failed=N". Logs: $BUILD/vm/KVER.
# $SHMDEV_GUEST_ARGS are the program's arguments, $SHMDEV_FUZZ replaces
# the mode's fuzz budget, $SHMDEV_VM_TIMEOUT the 2400 s limit.
set -eu
. "$(dirname "$0")/lib.sh"

mode=$1
kver=$2
image=$3/arch/x86/boot/bzImage
[ -f "$image" ] || image=/boot/vmlinuz-$kver
line=$(mode_line "$mode")
read -r _ _ runs shows judge fuzz python boot <<EOF
$line
EOF
vm=$BUILD/vm/$kver
root=$vm/root
limit=${SHMDEV_VM_TIMEOUT:-2400}

rm -rf "$vm"
mkdir -p "$root/bin" "$root/tests" "$root/proc" "$root/sys" "$root/dev" \
	"$root/lib/x86_64-linux-gnu" "$root/lib64"
cp /bin/busybox "$root/bin/busybox"
cp "$QEMU_DIR/init" "$QEMU_DIR/modes" "$BUILD/$kver/shmdev.ko" "$root/"
cp -r "$BUILD"/selftests/* "$root/tests/"
echo "${SHMDEV_GUEST_ARGS:-}" >"$root/tests/args"
# The dynamically linked programs need libshmdev and glibc, Python its
# standard library, numpy and the libraries of both.
cp "$BUILD/userspace/libshmdev.so.1" "$root/lib/x86_64-linux-gnu/"
set -- "$BUILD/selftests/lib_test"
if [ "$python" = yes ]; then
	py=$(readlink -f /usr/bin/python3)
	numpy=/usr/lib/python3/dist-packages/numpy
	mkdir -p "$root/usr/bin" "$root$numpy"
	cp "$py" "$root/usr/bin/python3"
	cp -a "/usr/lib/${py##*/}" "$root/usr/lib/"
	cp -a "$numpy" "$root${numpy%/*}/"
	set -- "$@" "$py" $(find "/usr/lib/${py##*/}" "$numpy" -name '*.so')
fi
LD_LIBRARY_PATH="$BUILD/userspace" ldd "$@" |
	awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\/lib/ && $1 !~ /:$/ { print $1 }' |
	sort -u | while read -r lib; do
		mkdir -p "$root${lib%/*}"
		cp -L "$lib" "$root$lib"
	done
(cd "$root" && find . | cpio -o -H newc --quiet) >"$vm/initrd.cpio"

set -- qemu-system-x86_64 -accel tcg,thread=multi -cpu max -smp 2 -m 2G \
	-nic none -no-reboot -display none -monitor none \
	-kernel "$image" -initrd "$vm/initrd.cpio" \
	-device isa-debug-exit,iobase=0xf4,iosize=0x04 \
	-append "console=ttyS0 panic=-1 oops=panic panic_on_warn=1 $boot \
shmdev_mode=$mode shmdev_fuzz=${SHMDEV_FUZZ:-$fuzz} shmdev_test_timeout=$limit"

# The port shown goes to stdout and to its log; QEMU's status (that of
# isa-debug-exit) is kept for the verdict.
shown=$vm/out.log
case $shows in
tty) exec "$@" -nographic -serial mon:stdio -serial null ;;
ttyS0) set -- "$@" -serial stdio -serial "file:$vm/out.log"
	shown=$vm/console.log ;;
ttyS1) set -- "$@" -serial "file:$vm/console.log" -serial stdio ;;
esac
{
	timeout -k 10 "$limit" "$@" </dev/null && echo 0 >"$vm/qemu.rc" ||
		echo $? >"$vm/qemu.rc"
} | tee "$shown" | grep -v '^SHMDEV-EXIT ' || true

case $judge in
rc) grep -q '^SHMDEV-EXIT rc=0' "$vm/out.log" ;;
tap | leaks)
	awk -v kver="$kver" -v qrc="$(cat "$vm/qemu.rc")" -v judge="$judge" \
		-v console="$vm/console.log" -v order="$root/tests/$runs" \
		-f "$QEMU_DIR/verdict.awk" "$vm/out.log" ;;
esac
