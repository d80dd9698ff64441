#!/bin/sh
# Works for a few seconds, then crashes: steward restarts it with backoff.
echo "worker started (pid $$)"
seconds=$(( $(od -An -N1 -tu1 /dev/urandom) % 6 + 3 ))
i=0
while [ $i -lt $seconds ]; do
    sleep 1
    i=$((i + 1))
    echo "processed batch $i"
done
echo "worker crashed after ${seconds}s" >&2
exit 3
