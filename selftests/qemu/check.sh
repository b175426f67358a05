#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# What make runs (README.md): check.sh check | debug | all, the test lanes
# of make check, check-debug and check-all, whose last line is "N passed,
# N failed"; check.sh demo | bench | vm [6.1|6.12|debug], the other guests.
# Each guest mode's kernel, boot and verdict are in ./modes.
set -u
. "$(dirname "$0")/lib.sh"
cd "$SHMDEV_TOP" || exit 1

VERSION=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)
LOG=$BUILD/log
# What kbuild and the checks print when something is wrong.
WARNING='(warning|error|WARNING|ERROR)[: ]'
passed=0
failed=0

ok() { passed=$((passed + 1)); echo "ok - $*"; }
not_ok() { failed=$((failed + 1)); echo "not ok - $*"; }

# step DESC LOG CMD...: run CMD with its output in $LOG/LOG, as one test;
# a failure shows the log's tail.
step()
{
	desc=$1
	log=$LOG/$2
	shift 2
	if "$@" >"$log" 2>&1 </dev/null; then
		ok "$desc"
	else
		not_ok "$desc"
		tail -n 40 "$log"
		return 1
	fi
}

# silent PATTERN CMD...: run CMD, failing if it fails or prints PATTERN.
silent()
{
	pattern=$1
	shift
	out=$("$@" 2>&1)
	r=$?
	printf '%s\n' "$out"
	[ "$r" -eq 0 ] && ! printf '%s\n' "$out" | grep -qE "$pattern"
}

finish()
{
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
	exit
}

prepare()
{
	mkdir -p "$LOG"
	step "dependencies installed" deps.log "$QEMU_DIR/deps.sh" || finish
	step "selftests, library, tool, examples and bench build" \
		guest-programs.log make --no-print-directory guest-programs || finish
}

# module KVER KDIR [ARGS]: shmdev.ko for that kernel, in $BUILD/KVER.
module()
{
	kver=$1
	kdir=$2
	shift 2
	silent "$WARNING" make --no-print-directory KDIR="$kdir" KVER="$kver" \
		"$@" modules
}

# The library's ACL text parser against mutated input, on the host under
# ASan and UBSan (selftests/acl_text_fuzz.c).
acl_text_fuzz()
{
	cc -g -O1 -fsanitize=address,undefined -fno-sanitize-recover=all \
		-Wall -Wextra -Werror -Iuserspace/include -Iuapi \
		-o "$BUILD/acl_text_fuzz" selftests/acl_text_fuzz.c \
		userspace/src/acl.c userspace/src/shmdev.c &&
		"$BUILD/acl_text_fuzz" 200000
}

# dkms add and build from the installed sources against kernel KVER, in a
# DKMS tree of our own.
dkms_build()
{
	tmp=$(mktemp -d)
	mkdir "$tmp/tree"
	kver=$1
	set -- -m shmdev -v "$VERSION" --sourcetree "$tmp/src" --dkmstree "$tmp/tree"
	make --no-print-directory DESTDIR="$tmp" DKMSDIR=/src dkms-source &&
		dkms add "$@" && dkms build "$@" -k "$kver" &&
		ls "$tmp/tree/shmdev/$VERSION/$kver/x86_64/module/shmdev.ko"*
	r=$?
	rm -rf "$tmp"
	return $r
}

# make install into a staging root for kernel KVER KDIR: every file where
# it belongs, a program built with what pkg-config says, and make
# uninstall leaving nothing behind.
install_uninstall()
{
	stage=$(mktemp -d)
	kver=$1
	# Not PREFIX=/usr: pkg-config leaves out -I/usr/include. W=1 as the
	# check build had it, so that the module is not compiled again.
	set -- "DESTDIR=$stage" PREFIX=/usr/local "KDIR=$2" "KVER=$1" W=1
	r=0
	make --no-print-directory "$@" install || r=1
	u=usr/local
	# Where Debian's Python looks in /usr/local, and make install puts it.
	pydir=$(/usr/bin/python3 -c 'import sys
print(next(p[1:] for p in sys.path if p.startswith("/usr/local/")))')
	for f in $u/lib/libshmdev.so.1 $u/lib/libshmdev.so $u/lib/libshmdev.a \
		$u/include/libshmdev.h $u/include/libshmdev-semaphore.h \
		$u/include/linux/shmdev.h $u/lib/pkgconfig/libshmdev.pc \
		$u/bin/shmdevctl $u/share/man/man1/shmdevctl.1 \
		$u/share/man/man7/libshmdev.7 $u/share/man/man3/shmdev_psem_open.3 \
		etc/udev/rules.d/60-shmdev.rules "usr/src/shmdev-$VERSION/dkms.conf" \
		"$pydir/shmdev/py.typed"; do
		[ -e "$stage/$f" ] || { echo "missing $f"; r=1; }
	done
	ls "$stage/lib/modules/$kver/updates/shmdev.ko"* || r=1
	printf '%s\n' '#include <libshmdev-semaphore.h>' '#include <stdio.h>' \
		'int main(void) { sem_t *s = sem_open("/x", 0);' \
		'printf("%d %d\n", shmdev_check(SHMDEV_LIB_FEATURES), s == SEM_FAILED); return 0; }' \
		>"$stage/prog.c"
	flags=$(PKG_CONFIG_SYSROOT_DIR="$stage" \
		PKG_CONFIG_LIBDIR="$stage/usr/local/lib/pkgconfig" \
		pkg-config --cflags --libs libshmdev) || r=1
	# shellcheck disable=SC2086
	cc -Wall -Werror -o "$stage/prog" "$stage/prog.c" $flags || r=1
	# No module on the host: the library says so.
	out=$(LD_LIBRARY_PATH="$stage/usr/local/lib" "$stage/prog")
	[ "$out" = "-19 1" ] || { echo "program printed '$out'"; r=1; }
	rm -f "$stage/prog" "$stage/prog.c"
	make --no-print-directory "$@" uninstall || r=1
	left=$(find "$stage" ! -type d)
	[ -z "$left" ] || { echo "left behind: $left"; r=1; }
	rm -rf "$stage"
	return $r
}

# pip install ./python into a new venv with no package index and import
# it from there; its annotations check, and its ctypes structures have the
# C headers' sizes and offsets.
python_package()
{
	venv=$(mktemp -d)
	lib=$BUILD/userspace/libshmdev.so.1
	/usr/bin/python3 -m venv "$venv" &&
		"$venv/bin/pip" install --no-index ./python &&
		SHMDEV_LIBRARY=$lib "$venv/bin/python" \
		-c 'import shmdev, sys; assert shmdev.__file__.startswith(sys.argv[1])' \
		"$venv" && mypy --strict python/shmdev &&
		cc -Iuserspace/include -Iuapi -o "$venv/abi" python/tests/abi_sizes.c &&
		[ "$("$venv/abi")" = "$(SHMDEV_LIBRARY=$lib /usr/bin/python3 python/tests/abi_sizes.py)" ]
	r=$?
	rm -rf "$venv"
	return $r
}

# Boot kernel KVER KDIR in MODE and add the verdict's counts to the totals.
guest()
{
	[ -f "$BUILD/$2/shmdev.ko" ] || return 0
	echo "# ===== guest $2 ($1 mode) ====="
	log=$LOG/guest-$2.log
	"$QEMU_DIR/run.sh" "$@" >"$log" 2>&1 </dev/null
	cat "$log"
	res=$(sed -n 's/^SHMDEV-RESULT .* passed=\([0-9]*\) failed=\([0-9]*\)$/\1 \2/p' "$log")
	if [ -z "$res" ]; then
		not_ok "guest $2 produced a verdict"
		return 0
	fi
	passed=$((passed + ${res% *}))
	failed=$((failed + ${res#* }))
	if [ "${res#* }" -ne 0 ]; then
		echo "# last console lines of $2:"
		tail -n 80 "$BUILD/vm/$2/console.log" | sed 's/^/# /'
	fi
}

# shmdev-bench with $SHMDEV_GUEST_ARGS on kernel KVER KDIR, and its
# report into directory $3 under the name $4.
bench()
{
	"$QEMU_DIR/run.sh" bench "$1" "$2" &&
		bench/report.sh "$BUILD/vm/$1/out.log" "$3" "$4" \
			"shmdev against its peers: Linux $1, QEMU TCG, 2 vCPUs"
}

# The quick benchmark draws its chart: make bench works.
quick_bench()
{
	rm -rf "$BUILD/bench-check"
	SHMDEV_GUEST_ARGS=--quick bench "$1" "$2" "$BUILD/bench-check" quick &&
		[ "$(head -c 4 "$BUILD/bench-check/quick.png" | od -An -c | tr -d ' ')" = '211PNG' ]
}

# Put file $1 between the README's bench markers.
readme_table()
{
	awk -v table="$1" '
		/^<!-- bench:end -->/ { on = 0 }
		!on { print }
		/^<!-- bench:begin -->/ {
			on = 1
			while ((getline line <table) > 0)
				print line
		}' README.md >README.md.tmp && mv README.md.tmp README.md
}

lane_check()
{
	kernels=$(mode_kernels check)
	[ -n "$kernels" ] || { not_ok "Debian kernels with image and headers found"; return; }
	step "checkpatch --strict clean over module/ and uapi/" checkpatch.log \
		silent . perl "$BUILD/ksrc/scripts/checkpatch.pl" --strict \
		--no-tree --no-summary --terse -f module/*.[ch] uapi/linux/*.h
	step "make docs: kernel-doc and Sphinx without a warning; a man page per function, groff clean, with every errno of its ioctl" \
		docs.log make --no-print-directory docs
	step "ACL text parser survives 200000 mutated inputs under ASan and UBSan" \
		acl-text-fuzz.log acl_text_fuzz
	while read -r k kdir; do
		step "module builds for $k with W=1 C=2, no warnings" \
			"module-$k.log" module "$k" "$kdir" W=1 C=2
		step "dkms build of shmdev/$VERSION for $k" "dkms-$k.log" dkms_build "$k"
	done <<EOF
$kernels
EOF
	step "pip install ./python offline into a venv; mypy --strict clean; ctypes layouts match C" \
		python.log python_package
	# shellcheck disable=SC2046 # a kernel's two words
	step "make install: files in place, pkg-config builds a program; make uninstall removes them" \
		install.log install_uninstall $(echo "$kernels" | head -n 1)
	while read -r k kdir; do
		guest check "$k" "$kdir"
	done <<EOF
$kernels
EOF
	# shellcheck disable=SC2046
	set -- $(mode_kernels demo)
	step "make demo succeeds on $1" demo.log "$QEMU_DIR/run.sh" demo "$1" "$2"
	# shellcheck disable=SC2046
	set -- $(mode_kernels bench)
	step "make bench runs (quick sizes) and draws its chart on $1" \
		bench.log quick_bench "$1" "$2"
}

lane_debug()
{
	start=$(date +%s)
	# shellcheck disable=SC2046
	set -- $(mode_kernels debug)
	[ $# -eq 2 ] || { not_ok "debug kernel built from linux-source-6.12"; return; }
	ok "debug kernel ready in $(($(date +%s) - start)) s ($2)"
	step "module builds for $1 with W=1 C=2 SHMDEV_KUNIT=y, no warnings" \
		"module-$1.log" module "$1" "$2" W=1 C=2 SHMDEV_KUNIT=y
	guest debug "$1" "$2"
}

# make demo, bench and vm: install and build quietly, then the module for
# the mode's kernel (make vm's: $2); sets k and kdir to that kernel.
interactive()
{
	echo "shmdev $1: installing what is missing and building..." >&2
	mkdir -p "$LOG"
	(prepare) >"$LOG/$1-prepare.log" 2>&1 || { cat "$LOG/$1-prepare.log" >&2; exit 1; }
	read -r k kdir <<EOF
$(mode_kernels "$1" "${2:-}")
EOF
	[ -n "$kdir" ] || exit 1
	kunit=
	[ "${2:-}" = debug ] && kunit=SHMDEV_KUNIT=y
	log=$LOG/module-$k.log
	# shellcheck disable=SC2086 # none or one word
	module "$k" "$kdir" $kunit >"$log" || { cat "$log" >&2; exit 1; }
	echo "booting the guest of $k (QEMU, software emulation)..." >&2
}

# make bench: the benchmark on its kernel, its results in bench/results
# and the README's table between the bench markers (--quick: build/bench).
make_bench()
{
	interactive bench
	case " ${SHMDEV_GUEST_ARGS:-} " in
	*" --quick "*) dir=$BUILD/bench ;;
	*) dir=bench/results ;;
	esac
	bench "$k" "$kdir" "$dir" 6.12 || {
		echo "shmdev bench: the benchmark failed; see $BUILD/vm/$k/" >&2
		exit 1
	}
	[ "$dir" = bench/results ] && readme_table "$dir/6.12-readme.md"
	cat "$dir/6.12-readme.md"
	echo "shmdev bench: results in $dir (6.12.json, 6.12.md, 6.12.png)"
}

case "${1:-check}" in
check | debug)
	prepare
	"lane_$1"
	finish
	;;
all)
	prepare
	lane_check
	lane_debug
	finish
	;;
demo | vm)
	interactive "$1" "${2:-}"
	exec "$QEMU_DIR/run.sh" "$1" "$k" "$kdir"
	;;
bench)
	make_bench
	;;
*)
	echo "usage: $0 check | debug | all | demo | bench | vm [6.1|6.12|debug]" >&2
	exit 2
	;;
esac
