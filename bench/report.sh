#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Turn the output of shmdev-bench into the files of bench/results:
#   report.sh LOG DIR NAME [TITLE]
# writes DIR/NAME.json, DIR/NAME.md (the tables), DIR/NAME-readme.md (the
# comparisons, for the README) and DIR/NAME.png (the chart, by gnuplot).
# Fails if a section is missing or gnuplot fails.
set -eu

log=$1
dir=$2
name=$3
title=${4:-shmdev against its peers}

# The guest's serial line ends lines with CR LF.
section()
{
	tr -d '\r' <"$log" |
		awk -v s="$1" '$0 == "#END " s { on = 0 } on { print } $0 == "#BEGIN " s { on = 1 }'
}

mkdir -p "$dir"
for s in json md readme dat; do
	section "$s" >"$dir/$name.$s.tmp"
	if [ ! -s "$dir/$name.$s.tmp" ]; then
		echo "report: no $s section in $log" >&2
		rm -f "$dir/$name".*.tmp
		exit 1
	fi
done
mv "$dir/$name.json.tmp" "$dir/$name.json"
mv "$dir/$name.md.tmp" "$dir/$name.md"
mv "$dir/$name.readme.tmp" "$dir/$name-readme.md"
dat="$dir/$name.dat.tmp"

# One horizontal bar per comparison, from parity (1) to the median
# speed-up, on a log scale; whiskers span the lowest and highest round,
# the triangle is the target. Green: target met; red: missed; blue: no
# target.
n=$(wc -l <"$dat")
# The axis reaches past the highest round, in powers of 2 from 32.
top=$(awk 'BEGIN { t = 32 } { while (t < 2 * $4) t *= 2 } END { print t }' "$dat")
tics=$(awk -v top="$top" 'BEGIN { for (t = 64; t <= top; t *= 2) printf ", \"%d\" %d", t, t }')
gnuplot <<EOF
set terminal pngcairo noenhanced size 1200,$((120 + 26 * n)) font "DejaVu Sans,10"
set output "$dir/$name.png"
set title "$title"
set logscale x 2
set xrange [1.0/32:$top]
set xtics ("1/32" 1.0/32, "1/16" 1.0/16, "1/8" 0.125, "1/4" 0.25, "1/2" 0.5, \
	"1" 1, "2" 2, "4" 4, "8" 8, "16" 16, "32" 32$tics)
set yrange [$n - 0.3:-0.7]
set grid xtics
set key bottom right box opaque
set xlabel "speed-up: the peer's time / shmdev's time, median round (right of 1: shmdev is faster)"
set arrow from 1, graph 0 to 1, graph 1 nohead lw 2 lc rgb "black"
colour(v, t) = t <= 0 ? 0x7f9cc9 : (v >= t ? 0x2e9e44 : 0xd0352b)
# A value's label goes right of its whisker, parity and target marker.
right(hi) = hi > 1 ? hi : 1
label_x(hi, t) = t > 0 && t >= right(hi) ? t * 1.15 : right(hi)
plot "$dat" using 2:1:(\$2 < 1 ? \$2 : 1):(\$2 < 1 ? 1 : \$2):(\$1 - 0.35):(\$1 + 0.35):(colour(\$2, \$5)):ytic(6) \
	with boxxyerror fs solid 0.8 lc rgb variable notitle, \
	"" using 2:1:3:4 with xerrorbars pt 0 lc rgb "black" title "lowest-highest round", \
	"" using (\$5 > 0 ? \$5 : 1/0):1 with points pt 9 ps 1.6 lc rgb "black" title "target", \
	"" using (label_x(\$4, \$5)):1:(sprintf("%.2f", \$2)) \
	with labels left offset 0.6,0 notitle
EOF
rm -f "$dat"
