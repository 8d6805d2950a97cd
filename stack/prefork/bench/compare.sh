#!/usr/bin/env bash
# Throughput of the lab's pre-fork server against Debian's gunicorn, both
# with 2 sync workers serving the talk's hello app, measured by wrk with the
# same settings in one run. Tracing is on for the lab.
#
#   bash stack/prefork/bench/compare.sh            # -t2 -c50 -d10s
#   WRK_ARGS="-t2 -c50 -d30s" bash stack/prefork/bench/compare.sh
#
# With a proxy in front (the lab's proxy -> pre-fork vs nginx -> gunicorn)
# and a journey's latency: go run ./stack/prefork/bench/fullstack -wrk
# (or -latency).
set -euo pipefail
cd "$(dirname "$0")/../../.."
WRK_ARGS=${WRK_ARGS:-"-t2 -c50 -d10s"}
tmp=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 100); do (echo > /dev/tcp/127.0.0.1/$1) 2>/dev/null && return; sleep 0.05; done; echo "port $1 never opened" >&2; exit 1; }

go build -o "$tmp/labserve" ./stack/prefork/bench/labserve

lab=$(free_port)
"$tmp/labserve" -addr 127.0.0.1:$lab -workers 2 > "$tmp/lab.log" &
pids+=($!)
wait_port $lab

gun=$(free_port)
gunicorn --chdir stack/prefork/testdata/gunicorn -w 2 -b 127.0.0.1:$gun apps:hello 2> "$tmp/gunicorn.log" &
pids+=($!)
wait_port $gun

echo "== lab pre-fork (2 workers, tracing on): wrk $WRK_ARGS"
wrk $WRK_ARGS http://127.0.0.1:$lab/ | grep -E "Requests/sec|Latency|requests in|errors"
echo "== gunicorn 20.1.0 (2 sync workers): wrk $WRK_ARGS"
wrk $WRK_ARGS http://127.0.0.1:$gun/ | grep -E "Requests/sec|Latency|requests in|errors"
