#!/usr/bin/env bash
# Git LFS clone from a Facet mirror, cold and warm, against the same clone from its primary, in one run.
#
#   bench/lfs-clone.sh                      # 20 files of 5 MiB, 1 cold + 3 warm clones (see bench/README.md)
#   bench/lfs-clone.sh --files 4 --runs 1   # a smoke run
#   bench/lfs-clone.sh --help               # every option
set -euo pipefail
here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
exec "${PYTHON:-python3}" "$here/lib/lfs_clone.py" "$@"
