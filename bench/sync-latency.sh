#!/usr/bin/env bash
# Push-to-mirror latency: a fresh Facet primary and mirror, N single-commit pushes to the primary,
# and for each the time until the mirror advertises the new head.
#
#   bench/sync-latency.sh                 # the full measurement (100 pushes; see bench/README.md)
#   bench/sync-latency.sh --pushes 10     # a smoke run
#   bench/sync-latency.sh --help          # every option
set -euo pipefail
here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
exec "${PYTHON:-python3}" "$here/lib/sync_latency.py" "$@"
