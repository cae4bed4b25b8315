#!/usr/bin/env bash
# Docker HEALTHCHECK without curl in the image: GET /healthz over bash's /dev/tcp; healthy on HTTP 200.
# The port is WALSHIP_HEALTH_PORT (default 9090, the `addr` the example config listens on).
set -euo pipefail
port="${WALSHIP_HEALTH_PORT:-9090}"
exec 3<>"/dev/tcp/127.0.0.1/$port"
printf 'GET /healthz HTTP/1.0\r\nHost: localhost\r\nConnection: close\r\n\r\n' >&3
IFS= read -r -t 5 status <&3
[[ "$status" == HTTP/1.?" 200"* ]]
