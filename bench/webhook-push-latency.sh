#!/usr/bin/env bash
# Push latency with a webhook whose receiver hangs, against the same pushes with no webhook: a fresh
# primary, N single-commit pushes in each setting, and the time each `git push` took.
#
#   bench/webhook-push-latency.sh               # 50 pushes per setting
#   bench/webhook-push-latency.sh --pushes 10   # a smoke run
set -euo pipefail
here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
exec "${PYTHON:-python3}" "$here/lib/webhook_latency.py" "$@"
