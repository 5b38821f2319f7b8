#!/usr/bin/env bash
# Regenerates screenshots/: runs `exowiz demo` in a pseudo-terminal, steps through the wizard
# and draws each screen as SVG (tests/screens/screenshots.rs). Needs only Rust.
set -euo pipefail
cd "$(dirname "$0")/.."
rm -rf screenshots
mkdir -p screenshots
EXOWIZ_SCREENSHOTS_DIR="$PWD/screenshots" cargo test --test screens screenshots:: -- --nocapture
ls screenshots
