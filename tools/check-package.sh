#!/usr/bin/env bash
# The publishable crates (heygen-client and its companion heygen-mock) as a registry would
# receive them. `cargo package` unpacks each .crate and builds it on its own (heygen-mock
# against the packaged heygen-client, through cargo's local overlay of the workspace's
# packages), so a path dependency, a file left out of `include` or a manifest that leans on the
# workspace fails here rather than on crates.io. Then: each package holds only what users need
# (sources, examples, README, both licence texts), and no other crate of the workspace can be
# published.
#
# Offline and locked: run it after a workspace build (as .ci/run does), which leaves every
# dependency in the local registry cache; pass `--online` to let cargo fetch instead. Honours
# CARGO_TARGET_DIR (the packages are found where cargo says its target directory is).
set -euo pipefail
cd "$(dirname "$0")/.."
network=--offline
[[ "${1:-}" == "--online" ]] && network=
crates=(heygen-client heygen-mock)

target_dir=$(cargo metadata --no-deps --format-version 1 $network \
    | python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
# Cargo takes a registry package of a given version as immutable: heygen-mock's check would
# build against a heygen-client packaged by an earlier run of the same version, which cargo
# unpacked once into an overlay folder of its registry cache (named `-<hash>`) and never again.
# Start clean: this run's packages, and their unpacked copies.
rm -rf "$target_dir/package"
rm -rf "${CARGO_HOME:-$HOME/.cargo}"/registry/src/-*/heygen-client-* "${CARGO_HOME:-$HOME/.cargo}"/registry/src/-*/heygen-mock-*

# --allow-dirty: the check is about the manifests and the files, not about the working tree.
cargo package "${crates[@]/#/-p}" --locked --allow-dirty $network

for crate in "${crates[@]}"; do
    listed=$(cargo package -p "$crate" --list --locked --allow-dirty $network)
    for needed in Cargo.toml README.md LICENSE-MIT LICENSE-APACHE src/lib.rs; do
        grep -qx "$needed" <<<"$listed" || { echo "the $crate package lacks $needed" >&2; exit 1; }
    done
    stray=$(grep -Evx 'src/.+\.rs|examples/.+\.rs|Cargo\.(toml|toml\.orig|lock)|README\.md|LICENSE-(MIT|APACHE)|\.cargo_vcs_info\.json' <<<"$listed" || true)
    if [[ -n "$stray" ]]; then
        printf 'files the %s package should not hold:\n%s\n' "$crate" "$stray" >&2
        exit 1
    fi
    # A licence file that is a broken link would be packaged empty or not at all.
    version=$(cargo pkgid -p "$crate" | sed 's/.*[#@]//')
    tar -xzOf "$target_dir/package/$crate-$version.crate" --wildcards '*/LICENSE-MIT' \
        | grep -q "Permission is hereby granted" \
        || { echo "LICENSE-MIT in the $crate package is not the MIT text" >&2; exit 1; }
done

publishable=$(cargo metadata --no-deps --format-version 1 $network | python3 -c '
import json, sys
for p in sorted(json.load(sys.stdin)["packages"], key=lambda p: p["name"]):
    if p["publish"] != []:
        print(p["name"])')
if [[ "$publishable" != "$(printf '%s\n' "${crates[@]}" | sort)" ]]; then
    printf 'only %s may be published, not:\n%s\n' "${crates[*]}" "$publishable" >&2
    exit 1
fi
echo "${crates[*]} package and build on their own, and are the only publishable crates"
