#!/usr/bin/env bash
# A mirror farm under load: a Facet primary, 3 farm nodes behind HAProxy and a lone mirror of the
# same primary; sync latency through the balancer beside the lone mirror, and reads per second
# through the balancer with 1, 2 and 3 nodes.
#
#   bench/farm.sh                          # the full benchmark (see bench/README.md, "Farm")
#   bench/farm.sh --pushes 5 --seconds 5   # a smoke run (under 2 minutes)
#   bench/farm.sh --help                   # every option
set -euo pipefail
here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
exec "${PYTHON:-python3}" "$here/lib/farm.py" "$@"
