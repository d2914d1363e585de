#!/usr/bin/env bash
# The README's first command: install dependencies, build the release binary, and run
# the main job (bos demo). Run as root on Debian 12.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc)"
exec ./build/release/bos demo "$@"
