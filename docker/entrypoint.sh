#!/usr/bin/env bash
# Container entrypoint: bring each configured database back from its replica if the volume is empty (a new
# host), or create it empty on a first deployment with no backup yet, then run the application (the container's
# arguments) under `walship replicate -exec`, so the app starts only on restored data and every commit it makes
# is archived before the container stops.
set -euo pipefail
home="${WALSHIP_HOME:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
walship="$home/bin/walship"
config="${WALSHIP_CONFIG:-/etc/walship.yml}"

# `databases` prints a header, then one `PATH  REPLICAS` row per database (columns split by 2+ spaces).
"$walship" databases -config "$config" | tail -n +2 | sed 's/  .*$//' | while IFS= read -r db; do
  # Nothing to do when the file is already there or no replica holds a backup yet (a brand-new deployment).
  "$walship" restore -config "$config" -if-db-not-exists -if-replica-exists "$db"
  # No backup yet: start from an empty file (a valid, empty SQLite database), as replicate needs the file.
  if [[ ! -e "$db" ]]; then
    mkdir -p "$(dirname "$db")"
    : > "$db"
  fi
done

if [[ $# -eq 0 ]]; then
  exec "$walship" replicate -config "$config"
fi
# -exec takes one string that walship splits shell-style: single-quote each argument so it arrives unchanged.
cmd=""
for arg in "$@"; do
  cmd+="'${arg//\'/\'\\\'\'}' "
done
exec "$walship" replicate -config "$config" -exec "$cmd"
