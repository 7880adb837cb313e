#!/usr/bin/env bash
# Validates spec/heygen.yaml and spec/heygen-v3.yaml with two validators no one here wrote: Python's
# openapi-spec-validator (the OpenAPI 3.0 schema and its rules) and Redocly CLI's `lint`
# (structure, $refs, examples against their schemas, and the recommended style rules, all
# raised to errors by redocly.yaml; accepted problems are listed with reasons in
# .redocly.lint-ignore.yaml). Fails on any error.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/install.sh
for spec in spec/heygen.yaml spec/heygen-v3.yaml; do
    echo "openapi-spec-validator ($spec):"
    .tools/venv/bin/openapi-spec-validator "$spec"
    echo "redocly lint ($spec):"
    REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true \
        .tools/npm/node_modules/.bin/redocly lint --format=stylish "$spec"
done
