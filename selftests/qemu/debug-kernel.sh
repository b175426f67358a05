#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Build the debug kernel of make check-debug from Debian's linux-source-6.12:
# tinyconfig with debug-kernel.config merged over it. The source is
# extracted once per Debian source version and the build is cached per
# source version and fragment hash, under $SHMDEV_CACHE (/var/cache/shmdev),
# outside the work tree. Prints the kernel as its last line, a
# "release tree" line (lib.sh); the build log is in the tree's build.log.
set -eu
. "$(dirname "$0")/lib.sh"

CACHE=${SHMDEV_CACHE:-/var/cache/shmdev}
frag="$SHMDEV_TOP/selftests/qemu/debug-kernel.config"
srcver=$(dpkg-query -W -f='${Version}' linux-source-6.12)
key="$srcver-$(sha256sum "$frag" | cut -c1-12)"
src="$CACHE/linux-$srcver"
out="$CACHE/debug-$key"

build()
{
	if [ ! -f "$src/.shmdev-extracted" ]; then
		rm -rf "$src"
		mkdir -p "$src"
		tar -xJf "$KSRC_TARBALL" -C "$src" --strip-components=1
		touch "$src/.shmdev-extracted"
	fi

	# Builds for other fragments or sources are stale: keep the cache bounded.
	rm -rf "$CACHE"/debug-*
	find "$CACHE" -maxdepth 1 -name 'linux-*' ! -path "$src" -exec rm -rf {} +
	mkdir -p "$out"
	log="$out/build.log"
	{
		make -C "$src" O="$out" tinyconfig
		"$src/scripts/kconfig/merge_config.sh" -m -O "$out" "$out/.config" "$frag"
		make -C "$src" O="$out" olddefconfig
	} >"$log" 2>&1

	# Every option the fragment asks for must have survived olddefconfig.
	missing=$(grep -E '^(CONFIG_[A-Z0-9_]+=|# CONFIG_[A-Z0-9_]+ is not set)' "$frag" |
		while IFS= read -r line; do
			grep -qxF "$line" "$out/.config" || echo "$line"
		done)
	if [ -n "$missing" ]; then
		echo "debug-kernel: options not satisfied (missing dependencies?):" >&2
		echo "$missing" >&2
		exit 1
	fi

	if ! make -C "$src" O="$out" -j"$(nproc)" bzImage modules >>"$log" 2>&1; then
		tail -n 40 "$log" >&2
		echo "debug-kernel: build failed, log in $log" >&2
		exit 1
	fi
	touch "$out/.shmdev-built"
}

# Not "|| build": that would turn off set -e inside it.
if [ ! -f "$out/.shmdev-built" ]; then
	build
fi
echo "$(cat "$out/include/config/kernel.release") $out"
