#!/usr/bin/env bash
# Clone and fetch served by Facet against native `git http-backend`, in one run.
#
#   bench/clone-vs-native.sh                      # the full benchmark (see bench/README.md)
#   bench/clone-vs-native.sh --small --runs 1 --concurrency 4   # a smoke run
#   bench/clone-vs-native.sh --help               # every option
set -euo pipefail
here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
exec "${PYTHON:-python3}" "$here/lib/clone_vs_native.py" "$@"
