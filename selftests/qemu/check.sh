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
#   check.sh demo         make demo: the narrated scenario in the 6.12 guest
#   check.sh bench        make bench: shmdev against its peers in the 6.12
#                         guest; writes bench/results and the README's table
#                         (BENCH_ARGS=--quick: quick sizes, into build/bench)
# The last line of a lane run is "N passed, N failed" over everything run.
set -u
. "$(dirname "$0")/lib.sh"
cd "$SHMDEV_TOP" || exit 1

QEMU_DIR="$SHMDEV_TOP/selftests/qemu"
VERSION=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)
KBUILD_CHECK="W=1 C=2"
# The fuzzer's budget: a bounded pass in make check, a long one in the
# debug kernel. The debug pass also stops at a time budget, so that a busy
# host does not run the guest out of time (a quiet one makes every call
# within it), and fails below a floor of calls.
FUZZ_CALLS_CHECK=${SHMDEV_FUZZ_CALLS_CHECK:-1000000}
FUZZ_CALLS_DEBUG=${SHMDEV_FUZZ_CALLS_DEBUG:-1000000}
FUZZ_SECONDS_DEBUG=${SHMDEV_FUZZ_SECONDS_DEBUG:-1300}
FUZZ_MIN_CALLS_DEBUG=${SHMDEV_FUZZ_MIN_CALLS_DEBUG:-250000}

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

# make install into a staging root: every file where it belongs, a
# program built with what pkg-config says, and make uninstall leaving
# nothing behind. $1 is the KDIR whose module goes in.
check_install()
{
	log="$BUILD/log/install.log"
	stage=$(mktemp -d)
	kver=$(shmdev_kver_of "$1")
	prog="$stage/prog"
	# Not PREFIX=/usr: pkg-config leaves out -I/usr/include. W=1 as the
	# check build had it, so that the module is not compiled again.
	set -- "DESTDIR=$stage" PREFIX=/usr/local "KDIR=$1" W=1
	r=0
	make --no-print-directory "$@" install >"$log" 2>&1 || r=1
	for f in lib/libshmdev.so.1 lib/libshmdev.so lib/libshmdev.a \
		include/libshmdev.h include/libshmdev-semaphore.h \
		include/linux/shmdev.h lib/pkgconfig/libshmdev.pc \
		bin/shmdevctl share/man/man1/shmdevctl.1 \
		share/man/man7/libshmdev.7 share/man/man3/shmdev_psem_open.3; do
		[ -e "$stage/usr/local/$f" ] || { echo "missing $f" >>"$log"; r=1; }
	done
	for f in etc/udev/rules.d/60-shmdev.rules \
		usr/src/shmdev-$VERSION/dkms.conf; do
		[ -e "$stage/$f" ] || { echo "missing $f" >>"$log"; r=1; }
	done
	ls "$stage/lib/modules/$kver/updates/shmdev.ko"* >>"$log" 2>&1 || r=1
	flags=$(PKG_CONFIG_SYSROOT_DIR="$stage" \
		PKG_CONFIG_LIBDIR="$stage/usr/local/lib/pkgconfig" \
		pkg-config --cflags --libs libshmdev 2>>"$log") || r=1
	printf '%s\n' '#include <libshmdev-semaphore.h>' '#include <stdio.h>' \
		'int main(void) { sem_t *s = sem_open("/x", 0);' \
		'printf("%d %d\n", shmdev_check(SHMDEV_LIB_FEATURES), s == SEM_FAILED); return 0; }' \
		>"$prog.c"
	# shellcheck disable=SC2086
	cc -Wall -Werror -o "$prog" "$prog.c" $flags >>"$log" 2>&1 || r=1
	# No module on the host: the library says so.
	out=$(LD_LIBRARY_PATH="$stage/usr/local/lib" "$prog" 2>>"$log")
	[ "$out" = "-19 1" ] || { echo "program printed '$out'" >>"$log"; r=1; }
	rm -f "$prog" "$prog.c"
	make --no-print-directory "$@" uninstall >>"$log" 2>&1 || r=1
	left=$(find "$stage" ! -type d)
	[ -z "$left" ] || { echo "left behind: $left" >>"$log"; r=1; }
	rm -rf "$stage"
	if [ "$r" -eq 0 ]; then
		ok "make install: files in place, pkg-config builds a program; make uninstall removes them"
	else
		not_ok "make install: files in place, pkg-config builds a program; make uninstall removes them"
		tail -n 30 "$log"
	fi
}

# Every function the library exports has a man page with a RETURN VALUE
# section, and groff finds nothing to warn about.
check_man()
{
	log="$BUILD/log/man.log"
	: >"$log"
	for sym in $(sed -n 's/^\t\t\(shmdev_[a-z_]*\);$/\1/p' userspace/libshmdev.map); do
		page="userspace/man/$sym.3"
		[ -f "$page" ] || { echo "no page for $sym" >>"$log"; continue; }
		target=$(sed -n 's|^\.so man3/||p' "$page")
		[ -z "$target" ] || page="userspace/man/$target"
		grep -q '^\.SH RETURN VALUE' "$page" || echo "$page: no RETURN VALUE" >>"$log"
	done
	for page in userspace/man/*.[137]; do
		grep -q '^\.so' "$page" && continue
		groff -man -ww -z "$page" >>"$log" 2>&1
	done
	if [ ! -s "$log" ]; then
		ok "a man page for every exported function, each with RETURN VALUE; groff clean"
	else
		not_ok "a man page for every exported function, each with RETURN VALUE; groff clean"
		cat "$log"
	fi
}

# make docs: Documentation/ renders with Sphinx, warnings as errors, the
# ABI's structures pulled from the uapi header's kernel-doc; and every
# errno an ioctl documents is in the pages of the library calls wrapping it.
check_docs()
{
	log="$BUILD/log/docs.log"
	if make --no-print-directory docs >"$log" 2>&1; then
		ok "make docs: kernel-doc and Sphinx without a warning, every ioctl's errnos in its library pages"
	else
		not_ok "make docs: kernel-doc and Sphinx without a warning, every ioctl's errnos in its library pages"
		tail -n 30 "$log"
	fi
}

# The library's ACL text parser against mutated input, on the host under
# ASan and UBSan (selftests/acl_text_fuzz.c).
check_acl_text_fuzz()
{
	log="$BUILD/log/acl-text-fuzz.log"
	bin="$BUILD/acl_text_fuzz"
	if cc -g -O1 -fsanitize=address,undefined -fno-sanitize-recover=all \
		-Wall -Wextra -Werror -Iuserspace/include -Iuapi -o "$bin" \
		selftests/acl_text_fuzz.c userspace/src/acl.c \
		userspace/src/shmdev.c >"$log" 2>&1 &&
		"$bin" 200000 >>"$log" 2>&1; then
		ok "ACL text parser: $(tail -n 1 "$log") (ASan, UBSan)"
	else
		not_ok "ACL text parser survives 200000 mutated inputs under ASan and UBSan"
		tail -n 30 "$log"
	fi
}

# dkms add and build from the installed sources against KDIR $1's kernel,
# in a DKMS tree of our own.
check_dkms()
{
	k=$(shmdev_kver_of "$1")
	log="$BUILD/log/dkms-$k.log"
	tmp=$(mktemp -d)
	mkdir "$tmp/tree"
	set -- --sourcetree "$tmp/src" --dkmstree "$tmp/tree"
	if make --no-print-directory DESTDIR="$tmp" DKMSDIR=/src dkms-source \
		>"$log" 2>&1 &&
		dkms add -m shmdev -v "$VERSION" "$@" >>"$log" 2>&1 &&
		dkms build -m shmdev -v "$VERSION" -k "$k" "$@" >>"$log" 2>&1 &&
		ls "$tmp/tree/shmdev/$VERSION/$k/x86_64/module/shmdev.ko"* \
			>>"$log" 2>&1; then
		ok "dkms build of shmdev/$VERSION for $k"
	else
		not_ok "dkms build of shmdev/$VERSION for $k"
		tail -n 30 "$log"
	fi
	rm -rf "$tmp"
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
	check_man
	check_docs
	check_acl_text_fuzz
	for k in $kernels; do
		check_dkms "$(shmdev_kdir "$k")"
	done
	check_install "$(shmdev_kdir "$(echo "$kernels" | head -n 1)")"
	for k in $kernels; do
		SHMDEV_FUZZ_CALLS=$FUZZ_CALLS_CHECK guest "$k" check \
			"/boot/vmlinuz-$k"
	done
	check_demo "$(shmdev_kernel_of 6.12)"
	check_bench "$(shmdev_kernel_of 6.12)"
}

# make demo's scenario, on kernel $1: the README's first command must work.
check_demo()
{
	log="$BUILD/log/demo.log"
	if [ -n "$1" ] && "$QEMU_DIR/run.sh" demo "$1" check "/boot/vmlinuz-$1" \
		>"$log" 2>&1; then
		ok "make demo succeeds on $1"
	else
		not_ok "make demo succeeds on $1"
		tail -n 40 "$log"
	fi
}

# shmdev-bench in quick mode on kernel $1, and its report: make bench works.
check_bench()
{
	log="$BUILD/log/bench.log"
	dir="$BUILD/bench-check"
	rm -rf "$dir"
	if [ -n "$1" ] && SHMDEV_BENCH_ARGS=--quick "$QEMU_DIR/run.sh" bench \
		"$1" check "/boot/vmlinuz-$1" >"$log" 2>&1 &&
		"$SHMDEV_TOP/bench/report.sh" "$BUILD/vm/$1/bench.log" "$dir" \
			quick >>"$log" 2>&1 &&
		[ "$(head -c 4 "$dir/quick.png" | od -An -c | tr -d ' ')" = '211PNG' ]
	then
		ok "make bench runs (quick sizes) and draws its chart on $1"
	else
		not_ok "make bench runs (quick sizes) and draws its chart on $1"
		tail -n 40 "$log"
	fi
}

# For make $1 (demo or bench): install what is missing, build everything
# and the module for 6.12, showing the log only on failure; prints the
# kernel's release.
prepare_6_12()
{
	echo "shmdev $1: installing what is missing and building..." >&2
	mkdir -p "$BUILD/log"
	(prepare) >"$BUILD/log/$1-prepare.log" 2>&1 || {
		cat "$BUILD/log/$1-prepare.log" >&2
		return 1
	}
	kdir=$(shmdev_kdir "$(shmdev_kernel_of 6.12)") || return 1
	build_module "$kdir" >/dev/null || return 1
	shmdev_kver_of "$kdir"
}

# make bench: the benchmark on 6.12, its results in bench/results and the
# README's table between the bench markers.
bench()
{
	k=$(prepare_6_12 bench) || exit 1
	echo "booting the 6.12 guest (QEMU, software emulation); about 5 minutes..."
	SHMDEV_BENCH_ARGS="${BENCH_ARGS:-}" "$QEMU_DIR/run.sh" bench "$k" check \
		"/boot/vmlinuz-$k" || {
		echo "shmdev bench: the benchmark failed; see $BUILD/vm/$k/" >&2
		exit 1
	}
	case " ${BENCH_ARGS:-} " in
	*" --quick "*) dir="$BUILD/bench" ;;
	*) dir="$SHMDEV_TOP/bench/results" ;;
	esac
	"$SHMDEV_TOP/bench/report.sh" "$BUILD/vm/$k/bench.log" "$dir" 6.12 \
		"shmdev against its peers: Linux $k, QEMU TCG, 2 vCPUs" || exit 1
	[ "$dir" = "$SHMDEV_TOP/bench/results" ] && readme_table "$dir/6.12-readme.md"
	cat "$dir/6.12-readme.md"
	echo "shmdev bench: results in $dir (6.12.json, 6.12.md, 6.12.png)"
}

# Put file $1 between the README's bench markers.
readme_table()
{
	readme="$SHMDEV_TOP/README.md"
	awk -v table="$1" '
		/^<!-- bench:end -->/ { on = 0 }
		!on { print }
		/^<!-- bench:begin -->/ {
			on = 1
			while ((getline line <table) > 0)
				print line
		}' "$readme" >"$readme.tmp" && mv "$readme.tmp" "$readme"
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
	SHMDEV_FUZZ_CALLS=$FUZZ_CALLS_DEBUG \
	SHMDEV_FUZZ_SECONDS=$FUZZ_SECONDS_DEBUG \
	SHMDEV_FUZZ_MIN_CALLS=$FUZZ_MIN_CALLS_DEBUG \
	guest "$(shmdev_kver_of "$kdir")" \
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
demo)
	k=$(prepare_6_12 demo) || exit 1
	echo "booting the 6.12 guest (QEMU, software emulation)..."
	exec "$QEMU_DIR/run.sh" demo "$k" check "/boot/vmlinuz-$k"
	;;
bench)
	bench
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
	echo "usage: $0 check | debug | all | demo | bench | vm [6.1|6.12|debug]" >&2
	exit 2
	;;
esac
