#!/usr/bin/env bash
# Scale: a fresh primary with N empty repositories created through REST, one mirror of it; time to
# create, initial sync, idle CPU of both over 120 s, reconciliation time and CPU, heap after a full GC.
#
#   bench/scale.sh                    # N = 1,000 then 10,000
#   bench/scale.sh --repos 1000       # one size
#   bench/scale.sh --repos 100000     # the issue's largest size (long: creating alone takes a while)
#   bench/scale.sh --help             # every option
set -euo pipefail
here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
exec "${PYTHON:-python3}" "$here/lib/scale.py" "$@"
