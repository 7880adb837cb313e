#!/usr/bin/env bash
# Installs the pinned external tools that .ci/run and `cargo xtask contract` use into .tools/
# (git-ignored): Python's openapi-spec-validator (tools/requirements.txt, every dependency
# pinned) in a virtualenv, and Redocly CLI and Stoplight Prism (tools/package.json, locked by
# tools/package-lock.json) with `npm ci`. Each part is reinstalled only when its pins change.
#
#   tools/install.sh [all|python|npm]
set -euo pipefail
cd "$(dirname "$0")/.."
what="${1:-all}"

install_python() {
    local stamp=.tools/venv/installed-requirements.txt
    if [[ -f $stamp ]] && cmp -s tools/requirements.txt "$stamp"; then return; fi
    echo "tools/install.sh: installing Python tools into .tools/venv" >&2
    rm -rf .tools/venv
    python3 -m venv .tools/venv
    .tools/venv/bin/pip install --quiet --disable-pip-version-check --no-deps -r tools/requirements.txt
    cp tools/requirements.txt "$stamp"
}

install_npm() {
    local stamp=.tools/npm/installed-package-lock.json
    if [[ -f $stamp ]] && cmp -s tools/package-lock.json "$stamp"; then return; fi
    echo "tools/install.sh: installing npm tools into .tools/npm" >&2
    rm -rf .tools/npm
    mkdir -p .tools/npm
    cp tools/package.json tools/package-lock.json .tools/npm/
    (cd .tools/npm && npm ci --no-audit --no-fund --loglevel=error)
    cp tools/package-lock.json "$stamp"
}

case "$what" in
    all) install_python; install_npm ;;
    python) install_python ;;
    npm) install_npm ;;
    *) echo "usage: tools/install.sh [all|python|npm]" >&2; exit 2 ;;
esac
