#!/usr/bin/env bash
# Clone over SSH served by a Facet mirror against native git over OpenSSH (sshd + git-shell), in one run.
#
#   bench/ssh-clone.sh                   # the full benchmark (see bench/README.md, "Clone over SSH")
#   bench/ssh-clone.sh --small --runs 1  # a smoke run
#   bench/ssh-clone.sh --help            # every option
set -euo pipefail
here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
exec "${PYTHON:-python3}" "$here/lib/ssh_clone.py" "$@"
