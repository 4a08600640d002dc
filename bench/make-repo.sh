#!/usr/bin/env bash
# Generates the benchmark repository, deterministically, into OUT_DIR (reused when present).
#
#   bench/make-repo.sh [--small] [--force] [OUT_DIR]
#
# OUT_DIR defaults to bench/work/repo-<VERSION>-<size>. It receives:
#   base.git     the repository the servers serve: ~10,000 commits (1,000 with --small) over a
#                few thousand files in nested directories, branches and tags, packed with
#                `git repack -adfb --write-bitmap-index` (-f: fast-import's own deltas are poor;
#                the servers' copies are then repacked with `git repack -adb --write-bitmap-index`)
#   next.git     base.git plus 200 more commits on main (what the fetch benchmark fetches)
#   manifest     object ids and sizes, printed at the end
#   .complete    "<VERSION> <size> <generator hash>"; a later run with the same stamp reuses
#                OUT_DIR as is (--force regenerates it anyway)
#
# Same bytes every run: the history comes from bench/lib/gen_repo.py (fixed seed, fixed names,
# fixed dates) through `git fast-import`, so every object id is the same everywhere; the packs
# are written with one thread (pack.threads=1), so the pack files are byte-identical too.
set -euo pipefail

# Bump when the generator or this script changes what is generated: old caches are then unused.
VERSION=v1

here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
size=full force=0 out=""
while [ $# -gt 0 ]; do
  case "$1" in
    --small) size=small ;;
    --force) force=1 ;;
    -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
    -*) echo "make-repo: unknown option $1" >&2; exit 2 ;;
    *) out="$1" ;;
  esac
  shift
done
out="${out:-$here/work/repo-$VERSION-$size}"
# The generator's own hash is part of the stamp too: editing it without bumping VERSION still
# regenerates rather than reusing a stale repository.
stamp="$VERSION $size $(sha256sum "$here/lib/gen_repo.py" | cut -c1-12)"

if [ "$force" = 0 ] && [ -f "$out/.complete" ] && [ "$(cat "$out/.complete")" = "$stamp" ]; then
  echo "make-repo: reusing $out ($stamp)" >&2
  exit 0
fi

export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
# Fixed identity and dates for anything git itself might stamp (fast-import takes its own).
export GIT_AUTHOR_NAME="Facet Bench" GIT_AUTHOR_EMAIL="bench@facet.example"
export GIT_COMMITTER_NAME="Facet Bench" GIT_COMMITTER_EMAIL="bench@facet.example"
export GIT_AUTHOR_DATE="2019-01-01T00:00:00Z" GIT_COMMITTER_DATE="2019-01-01T00:00:00Z"

tmp="$out.tmp.$$"
rm -rf "$tmp"
mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT
start=$(date +%s)

echo "make-repo: generating the $size history ($stamp) into $out ..." >&2
git init -q --bare -b main "$tmp/base.git"
"${PYTHON:-python3}" "$here/lib/gen_repo.py" --size "$size" \
    --update-out "$tmp/update.fi" --deletes-out "$tmp/deletes" \
  | git -C "$tmp/base.git" fast-import --quiet --done --export-marks="$tmp/marks"
while read -r ref; do git -C "$tmp/base.git" update-ref -d "$ref"; done < "$tmp/deletes"

echo "make-repo: packing with bitmaps ..." >&2
git -C "$tmp/base.git" -c pack.threads=1 repack -adfb --write-bitmap-index -q
git -C "$tmp/base.git" pack-refs --all
git -C "$tmp/base.git" prune

# The second state: 200 more commits on main, on top of a copy of the base.
git clone -q --mirror --no-hardlinks "$tmp/base.git" "$tmp/next.git"
git -C "$tmp/next.git" fast-import --quiet --done --import-marks="$tmp/marks" < "$tmp/update.fi"
git -C "$tmp/next.git" -c pack.threads=1 repack -adb --write-bitmap-index -q
rm -f "$tmp/update.fi" "$tmp/deletes" "$tmp/marks"

pack_bytes() { du -cb "$1"/objects/pack/*.pack | tail -n 1 | cut -f1; }
{
  echo "version=$VERSION"
  echo "size=$size"
  echo "commits=$(git -C "$tmp/base.git" rev-list --all --count)"
  echo "files_on_main=$(git -C "$tmp/base.git" ls-tree -r --name-only main | wc -l)"
  echo "objects=$(git -C "$tmp/base.git" count-objects -v | sed -n 's/^in-pack: //p')"
  echo "pack_bytes=$(pack_bytes "$tmp/base.git")"
  echo "branches=$(git -C "$tmp/base.git" for-each-ref refs/heads | wc -l)"
  echo "tags=$(git -C "$tmp/base.git" for-each-ref refs/tags | wc -l)"
  echo "main=$(git -C "$tmp/base.git" rev-parse main)"
  echo "next_main=$(git -C "$tmp/next.git" rev-parse main)"
  echo "next_new_commits=$(git -C "$tmp/next.git" rev-list --count main ^"$(git -C "$tmp/base.git" rev-parse main)")"
  echo "refs_digest=$(git -C "$tmp/base.git" for-each-ref --format='%(objectname) %(refname)' | sha256sum | cut -c1-16)"
  echo "pack_digest=$(cat "$tmp/base.git"/objects/pack/*.pack | sha256sum | cut -c1-16)"
} > "$tmp/manifest"

echo "$stamp" > "$tmp/.complete"
rm -rf "$out"
mkdir -p "$(dirname "$out")"
mv "$tmp" "$out"
trap - EXIT
echo "make-repo: done in $(( $(date +%s) - start )) s" >&2
cat "$out/manifest"
