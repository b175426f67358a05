#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Print as TAP the results of the shmdev KUnit suite, which the debug
# kernel's module runs when loaded and reports in the kernel log as KTAP.
# Run it right after the first insmod. Fails if the suite never ran.
dmesg | sed 's/^\[[^]]*\] //' | awk '
	/^    # Subtest: shmdev$/ { on = 1; next }
	!on { next }
	/^ok [0-9]+ shmdev$/ || /^not ok [0-9]+ shmdev$/ { exit }
	/^    1\.\.[0-9]+$/ { sub(/^ +1\.\./, ""); plan = $0; next }
	/^    (not )?ok [0-9]+ / { sub(/^    /, ""); print; n++; next }
	/^    # / { sub(/^    /, ""); print }
	END { print "1.." plan + 0; exit n ? 0 : 1 }'
