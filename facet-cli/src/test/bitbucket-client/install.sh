#!/usr/bin/env bash
# Fetches the Bitbucket Data Center REST client that BitbucketClientTest drives Facet with: the client that
# openapi-typescript-codegen generated from Atlassian's OpenAPI spec, as the npm package
# @atlassian-dc-mcp/bitbucket ships it (build/bitbucket-client, plain JavaScript that needs nothing but Node 18+).
# The package's own dependencies are its MCP server's, not the client's (one of them is not published),
# so the package is unpacked with `npm pack` rather than installed.
set -euo pipefail
cd "$(dirname "$0")"
version=0.34.0
if [ -f "vendor/package/package.json" ] && grep -q "\"version\": \"$version\"" vendor/package/package.json; then
  exit 0
fi
rm -rf vendor && mkdir -p vendor
(cd vendor && npm pack --silent "@atlassian-dc-mcp/bitbucket@$version" >/dev/null && tar xzf ./*.tgz && rm -f ./*.tgz)
test -f vendor/package/build/bitbucket-client/index.js
