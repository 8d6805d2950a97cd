#!/usr/bin/env bash
# Throughput of the lab's whole stack for the talk's Flask app against the
# real one, measured by wrk with the same settings in one run:
#
#   lab:  the proxy (the talk's part II config) -> the pre-fork server
#         (2 workers) -> gateway -> toolkit -> framework, tracing on
#   real: nginx 1.22.1 (the same config) -> gunicorn 20.1.0 (2 sync
#         workers) -> Flask 2.2.2 (app:application of testdata/flask)
#
#   bash stack/framework/bench/compare.sh            # wrk -t2 -c50 -d10s
#   WRK_ARGS="-t2 -c50 -d30s" bash stack/framework/bench/compare.sh
#
# The pre-fork server's fullstack command does the work (it starts both
# stacks, on loopback only, and stops every process it started by its PID);
# this script gives it the Flask app on both sides and the issue's target,
# two and a half times the real stack's requests per second.
set -euo pipefail
cd "$(dirname "$0")/../../.."
WRK_ARGS=${WRK_ARGS:-"-t2 -c50 -d10s"}
for tool in wrk nginx /usr/bin/gunicorn; do
  command -v "$tool" >/dev/null || { echo "compare.sh: $tool is not installed (apt-get install wrk nginx gunicorn python3-flask)" >&2; exit 1; }
done
/usr/bin/python3 -c 'import flask' 2>/dev/null || { echo "compare.sh: Flask is not installed for gunicorn's python (apt-get install python3-flask)" >&2; exit 1; }
exec go run ./stack/prefork/bench/fullstack -wrk -wrk-args "$WRK_ARGS" \
  -app app:application -real-dir stack/framework/testdata/flask -real-app apps:application -target 2.5
