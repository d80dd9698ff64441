#!/bin/sh
# A scheduled job of the demo: reports progress on stdout, logs a few lines, takes a second.
echo "report for run $STEWARD_RUN_ID (attempt $STEWARD_JOB_ATTEMPT)"
for step in 1 2 3 4; do
  echo "STEWARD_PROGRESS $((step * 25))% step $step of 4"
  sleep 0.25
done
echo "report written: $(ls Examples/demo/www | wc -l) page(s) served"
