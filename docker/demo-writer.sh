#!/usr/bin/env bash
# The application of the compose demo (docker/compose.yaml), run by walship under `replicate -exec`: commits one
# row to DB every INTERVAL seconds (default 0.2) with the sqlite3 shell, stopping after ROWS rows if given (then
# it idles). On SIGTERM it commits a last row saying so and exits 143, the status of a process ended by SIGTERM,
# which walship passes on after archiving that row.
#   demo-writer.sh DB [INTERVAL] [ROWS]
set -euo pipefail
db="${1:?usage: demo-writer.sh DB [INTERVAL] [ROWS]}"
interval="${2:-0.2}"
limit="${3:-0}"

sql() {
  sqlite3 -batch -cmd ".timeout 30000" "$db" "$1" >/dev/null
}

sql "CREATE TABLE IF NOT EXISTS ticks (id INTEGER PRIMARY KEY, at TEXT NOT NULL, note TEXT NOT NULL, payload BLOB)"
echo "demo-writer: writing to $db every ${interval}s"
stopping=0
trap 'stopping=1' TERM
rows=0
while (( ! stopping )); do
  if (( limit == 0 || rows < limit )); then
    sql "INSERT INTO ticks (at, note, payload) VALUES (strftime('%Y-%m-%dT%H:%M:%fZ'), 'tick', randomblob(100))"
    rows=$((rows + 1))
    if (( rows == limit )); then
      echo "demo-writer: $rows rows written, idle until SIGTERM"
    fi
  fi
  # In the background so that SIGTERM interrupts the wait instead of waiting for the sleep to end.
  sleep "$interval" &
  wait $! || true
done
sql "INSERT INTO ticks (at, note) VALUES (strftime('%Y-%m-%dT%H:%M:%fZ'), 'stopped by SIGTERM')"
echo "demo-writer: stopped by SIGTERM after $rows rows"
exit 143
