#!/bin/sh
# The vendored Looker spec must equal the shared reference copy when one is present (CI has it beside the clone).
set -eu
cd "$(dirname "$0")/.."
ref=../shared/looker-api/Looker.4.0.oas.json
if [ -f "$ref" ]; then cmp -s "$ref" vendor/looker-api/Looker.4.0.oas.json || { echo "vendor/looker-api/Looker.4.0.oas.json differs from $ref" >&2; exit 1; }; fi
