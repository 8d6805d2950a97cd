#!/usr/bin/env bash
# Throughput of the lab's stack for the talk's Flask app against the real
# one, measured by wrk with the same settings in one run:
#
#   lab:  the pre-fork server (2 workers) -> gateway -> toolkit -> framework,
#         tracing on, as the lab runs it (labstack, beside this file)
#   real: gunicorn 20.1.0 (2 sync workers) -> Flask 2.2.2 (testdata/flask)
#
#   bash stack/framework/bench/compare.sh            # wrk -t2 -c50 -d10s
#   WRK_ARGS="-t2 -c50 -d30s" bash stack/framework/bench/compare.sh
#
# Needs wrk, gunicorn and python3-flask (Debian's); uses 127.0.0.1 only and
# stops everything it started, by PID, however it ends.
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

for tool in wrk /usr/bin/gunicorn; do
  command -v "$tool" >/dev/null || { echo "compare.sh: $tool is not installed (apt-get install wrk gunicorn python3-flask)" >&2; exit 1; }
done
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 200); do (echo > /dev/tcp/127.0.0.1/$1) 2>/dev/null && return; sleep 0.05; done; echo "port $1 never opened" >&2; exit 1; }

go build -o "$tmp/labstack" ./stack/framework/bench/labstack

lab=$(free_port)
"$tmp/labstack" -addr 127.0.0.1:$lab -workers 2 > "$tmp/lab.log" &
pids+=($!)
wait_port $lab

real=$(free_port)
/usr/bin/gunicorn --chdir stack/framework/testdata/flask -w 2 -b 127.0.0.1:$real apps:application 2> "$tmp/gunicorn.log" &
pids+=($!)
wait_port $real

for url in "lab pre-fork -> framework (2 workers, tracing on)|http://127.0.0.1:$lab/" \
           "gunicorn 20.1.0 (2 sync) -> Flask 2.2.2|http://127.0.0.1:$real/"; do
  echo "== ${url%%|*}: wrk $WRK_ARGS"
  wrk $WRK_ARGS "${url##*|}" | grep -E "Requests/sec|Latency|requests in|errors|Non-2xx"
done
