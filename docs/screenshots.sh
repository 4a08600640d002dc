#!/usr/bin/env bash
# Regenerates docs/screenshots/*.png: a real primary and mirrors in a headless Chromium, every page
# in a realistic state (the test PageScreenshotsTest, which in the normal build writes to target/).
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -pl facet-cli -am test -Dtest=PageScreenshotsTest -Dsurefire.failIfNoSpecifiedTests=false \
  -Dfacet.screenshots="$PWD/docs/screenshots"
ls -1 docs/screenshots
