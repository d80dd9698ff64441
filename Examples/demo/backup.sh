#!/bin/sh
# An on-demand job of the demo (`steward trigger backup`): fails now and then, with a message on
# stderr, so `steward runs` shows both outcomes.
echo "STEWARD_PROGRESS 0.5 copying"
sleep 0.5
if [ $(( $(date +%s) % 3 )) -eq 0 ]; then
  echo "backup failed: disk busy" >&2
  exit 2
fi
echo "backup done"
