#!/bin/sh
# SPDX-License-Identifier: MIT
#
# The shmdev demo, as `make demo` runs it in the test guest (busybox sh,
# the module loaded, the tools and examples on PATH, the user shmdevtest in
# /etc/passwd): a region with an ACL, a producer and a consumer of another
# user streaming through it with checksums, what shmdevctl shows of it,
# the consumer's right revoked and the consumer refused, a lock that
# survives kill -9. Exits 0 only if every step did what it says.
set -u

REGION=demo.stream
MIB=${DEMO_MIB:-64}
CONSUMER=shmdevtest
failed=0

say() { printf '\n== %s\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }
step_failed() { printf '!! %s\n' "$*"; failed=1; }
as_consumer() { su "$CONSUMER" -s /bin/sh -c "$*"; }

say "shmdev on $(uname -r)"
run shmdevctl version || step_failed "the module does not answer"

say "The producer creates the ring region $REGION (mode 0600: its owner only)"
ring produce "$REGION" "$MIB" >/tmp/producer.out 2>&1 &
producer=$!
while ! shmdevctl stat "$REGION" >/dev/null 2>&1; do sleep 0.1; done

say "Grant the consumer's user read and semaphores (r, x) with an ACL entry"
run shmdevctl acl "$REGION" --set "u:$CONSUMER:rx" || step_failed "acl --set"
run shmdevctl acl "$REGION"

say "The producer has filled all 16 slots and sleeps in the kernel for a free one"
while [ "$(shmdevctl sem "$REGION" get --index 1)" != 16 ]; do sleep 0.1; done
run shmdevctl list
run shmdevctl sem "$REGION" get

say "The consumer, user $CONSUMER, maps the region read-only and streams $MIB MiB"
as_consumer "ring consume $REGION $MIB" >/tmp/consumer.out 2>&1 &
consumer=$!
wait "$producer" || step_failed "the producer failed"
wait "$consumer" || step_failed "the consumer failed"
cat /tmp/producer.out /tmp/consumer.out
sum_p=$(sed -n 's/.*checksum //p' /tmp/producer.out)
sum_c=$(sed -n 's/.*checksum //p' /tmp/consumer.out)
if [ -n "$sum_p" ] && [ "$sum_p" = "$sum_c" ]; then
	echo "checksums match: $sum_p"
else
	step_failed "checksums differ: producer '$sum_p', consumer '$sum_c'"
fi

say "Revoke the consumer's entry; its next attempt is refused"
run shmdevctl acl "$REGION" --remove "u:$CONSUMER" || step_failed "acl --remove"
printf '$ ring consume %s 1   (as %s)\n' "$REGION" "$CONSUMER"
if as_consumer "ring consume $REGION 1"; then
	step_failed "the revoked consumer got in"
else
	echo "refused, as it should be"
fi
run shmdevctl rm "$REGION" || step_failed "rm"

say "A lock whose holder is killed -9 is given back, and the next holder is told"
run lock demo.lock || step_failed "the lock example"

say "Throughput seen"
sed -n 's/^\(consumer\): .* (\(.*\)), .*/\1 received at \2/p' /tmp/consumer.out
if [ "$failed" -eq 0 ]; then
	say "demo succeeded"
else
	say "demo FAILED"
fi
exit "$failed"
