#!/usr/bin/env bash
# The test suite, as the README gives it. Besides cargo's crates the tests need two programs:
# Xvfb and xclip, for the test of the real system clipboard (it starts its own X server so it
# never touches a desktop's clipboard). On Debian/Ubuntu this script installs them when they
# are missing; elsewhere it says what to install. Arguments go to `cargo test --workspace`.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v Xvfb >/dev/null 2>&1 || missing+=(xvfb)
command -v xclip >/dev/null 2>&1 || missing+=(xclip)
if ((${#missing[@]})); then
  if command -v apt-get >/dev/null 2>&1; then
    sudo=""
    [[ $(id -u) -eq 0 ]] || sudo="sudo"
    echo "installing ${missing[*]} for the clipboard test" >&2
    $sudo apt-get install -y -q "${missing[@]}" >/dev/null ||
      { $sudo apt-get update -q >/dev/null && $sudo apt-get install -y -q "${missing[@]}" >/dev/null; }
  else
    echo "The clipboard test needs Xvfb and xclip: install them (${missing[*]}) and run again." >&2
    exit 1
  fi
fi

# --workspace: exowiz and its crates (the demo tenant's own unit tests too).
exec cargo test --workspace --locked "$@"
