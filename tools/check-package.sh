#!/usr/bin/env bash
# heygen-client as a registry would receive it. `cargo package` unpacks the .crate and builds it
# on its own, so a path dependency, a file left out of `include` or a manifest that leans on
# the workspace fails here rather than on crates.io. Then: the package holds only what users
# need (sources, examples, README, both licence texts), and no other crate of the workspace can
# be published.
#
# Offline and locked: run it after a workspace build (as .ci/run does), which leaves every
# dependency in the local registry cache; pass `--online` to let cargo fetch instead.
set -euo pipefail
cd "$(dirname "$0")/.."
network=--offline
[[ "${1:-}" == "--online" ]] && network=
# --allow-dirty: the check is about the manifest and the files, not about the working tree.
cargo package -p heygen-client --locked --allow-dirty $network

listed=$(cargo package -p heygen-client --list --locked --allow-dirty $network)
for needed in Cargo.toml README.md LICENSE-MIT LICENSE-APACHE src/lib.rs src/generated.rs; do
    grep -qx "$needed" <<<"$listed" || { echo "the package lacks $needed" >&2; exit 1; }
done
stray=$(grep -Evx 'src/.+\.rs|examples/.+\.rs|Cargo\.(toml|toml\.orig|lock)|README\.md|LICENSE-(MIT|APACHE)|\.cargo_vcs_info\.json' <<<"$listed" || true)
if [[ -n "$stray" ]]; then
    printf 'files the package should not hold:\n%s\n' "$stray" >&2
    exit 1
fi
# A licence file that is a broken link would be packaged empty or not at all.
tar -xzOf "target/package/heygen-client-$(cargo pkgid -p heygen-client | sed 's/.*[#@]//').crate" \
    --wildcards '*/LICENSE-MIT' | grep -q "Permission is hereby granted" \
    || { echo "LICENSE-MIT in the package is not the MIT text" >&2; exit 1; }

publishable=$(cargo metadata --no-deps --format-version 1 $network | python3 -c '
import json, sys
for p in json.load(sys.stdin)["packages"]:
    if p["publish"] != []:
        print(p["name"])')
if [[ "$publishable" != "heygen-client" ]]; then
    printf 'only heygen-client may be published, not:\n%s\n' "$publishable" >&2
    exit 1
fi
echo "heygen-client packages, builds on its own, and is the only publishable crate"
