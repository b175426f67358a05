#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Install with apt-get whatever the build and the guest tests need and the
# machine lacks. A machine that has everything spends no time here.
set -eu

PKGS="gcc gcc-multilib make libc6-dev perl xz-utils cpio sparse busybox-static
qemu-system-x86 linux-source-6.12
linux-image-amd64 linux-headers-amd64
linux-image-6.12-amd64 linux-headers-6.12-amd64
flex bison bc libelf-dev dkms pkgconf gnuplot-nox python3-sphinx
python3 python3-venv python3-numpy mypy liburing-dev"

missing=
for p in $PKGS; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
		grep -q '^install ok installed$' || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "deps: missing packages:$missing (run as root to install them)" >&2
	exit 1
fi
echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
log=$(mktemp)
if ! { apt-get update && apt-get install -y --no-install-recommends $missing; } \
	>"$log" 2>&1; then
	tail -n 30 "$log" >&2
	rm -f "$log"
	echo "deps: apt-get failed" >&2
	exit 1
fi
rm -f "$log"
