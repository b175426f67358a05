# SPDX-License-Identifier: GPL-2.0
#
# Judge one guest run from its TAP log (the input) and its console log.
# Variables: kver, qrc (QEMU's exit status), console (console log path),
# order (file listing the test binaries that had to run), judge (tap, or
# leaks: the run must also show an empty kmemleak report). Exits 1 on a
# failure.
# Every test binary must begin, finish, print its plan and account for every
# planned test. A SKIP counts as a failure: the guest is built for these tests,
# so a skip means the setup is broken. A guest that dies, hangs or leaves a
# splat in the kernel log fails the run.

function bad(what) { failed++; print "not ok - " kver ": " what }
function good(what) { passed++; print "ok - " kver ": " what }

{ sub(/\r$/, "") }
/^SHMDEV-GUEST-START/ { started = 1; next }
/^SHMDEV-INSMOD-FAILED/ { bad("insmod shmdev.ko"); next }
/^SHMDEV-BEGIN / { cur = $2; began[cur] = 1; plan[cur] = -1; next }
/^SHMDEV-END / {
	rc = $3; sub(/^rc=/, "", rc)
	ended[$2] = 1; endrc[$2] = rc; cur = ""; next
}
/^SHMDEV-RMMOD-OK/ { rmmod = 1; next }
/^SHMDEV-KMEMLEAK-BEGIN/ { inleak = 1; kmemleak = 1; next }
/^SHMDEV-KMEMLEAK-END/ { inleak = 0; next }
inleak { if ($0 ~ /unreferenced object/) leaks++; if ($0 != "") print "# kmemleak: " $0; next }
/^SHMDEV-GUEST-DONE/ { done = 1; next }
cur != "" && /^1\.\.[0-9]+/ { plan[cur] = substr($1, 4) + 0; next }
cur != "" && /^ok [0-9]+ / {
	seen[cur]++
	if ($0 ~ /# SKIP/) { failed++; nbad[cur]++; print "# skipped test counted as failed: " $0 }
	else passed++
	next
}
cur != "" && /^not ok [0-9]+ / { seen[cur]++; failed++; nbad[cur]++; next }

END {
	if (!started)
		bad("guest never started the tests")
	while ((getline t < order) > 0) {
		if (!began[t]) { bad(t " never ran"); continue }
		if (!ended[t]) { bad(t " did not finish (crash, hang or timeout)"); continue }
		if (plan[t] < 0) { bad(t " printed no TAP plan"); continue }
		if (seen[t] < plan[t])
			bad(t ": " plan[t] - seen[t] " planned tests never reported")
		if (endrc[t] != 0 && !nbad[t])
			bad(t " exited " endrc[t] " with no failed test")
	}
	if (rmmod) good("rmmod shmdev after the tests"); else bad("rmmod shmdev after the tests")
	if (judge == "leaks") {
		if (!kmemleak) bad("kmemleak scanned after rmmod")
		else if (leaks) bad("kmemleak found " leaks " leaked object(s)")
		else good("kmemleak clean after rmmod")
	}
	if (done && qrc == 99) good("guest finished and powered off")
	else bad("guest finished and powered off (done=" done + 0 ", qemu status " qrc ")")
	splats = 0
	# The report headers of WARN, BUG, oops, KASAN ("BUG: KASAN:"), UBSAN,
	# lockdep ("WARNING: possible ...", "INFO: lockdep is turned off"),
	# DEBUG_ATOMIC_SLEEP ("BUG: sleeping function"), kmemleak, hung tasks,
	# soft lockups ("BUG: soft lockup") and RCU stalls. Bare words would also
	# match boot banners such as "kmemleak: Kernel memory leak detector
	# initialized".
	pat = "BUG:|WARNING:|Oops|Call Trace|KASAN:|UBSAN:|lockdep is turned off|new suspected memory leak|Kernel panic|INFO: task .* blocked|detected stall"
	while ((getline line < console) > 0)
		if (line ~ pat) { splats++; print "# kernel log: " line }
	if (splats) bad("kernel log has " splats " splat line(s)"); else good("kernel log clean")
	print "SHMDEV-RESULT " kver " passed=" passed + 0 " failed=" failed + 0
	exit failed > 0
}
