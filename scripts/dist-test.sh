#!/usr/bin/env bash
# The cheap check of scripts/dist.sh (issue 12.3): its packaging and verification stages on the
# debug binaries that the test suite and scripts/windows-smoke.sh build anyway (dist.sh
# --prebuilt), not its fat-LTO release builds, which would take CI too long on two cores.
#
# Checks: both archives made and verified by dist.sh itself (contents, sha256sum -c, --version
# natively and under wine); a second run gives the same bytes (SHA256SUMS unchanged); each bill
# of materials lists only its own platform's crates; a changed archive fails `sha256sum -c`.
# No network: cargo-cyclonedx reads the lock file and the local crate cache (it is installed
# from crates.io into ~/.cache/exowiz-dist the first time, like any crate cargo fetches).
set -euo pipefail
cd "$(dirname "$0")/.."

readonly LINUX=${EXOWIZ_DIST_TEST_LINUX_TARGET:-x86_64-unknown-linux-gnu}
readonly WINDOWS=x86_64-pc-windows-gnu
target_dir="${CARGO_TARGET_DIR:-target}"
passed=0
failed=0
check() {
  local what=$1
  shift
  if "$@"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "dist-test: FAILED: $what" >&2
  fi
}

# The debug builds, with the very commands scripts/test.sh and scripts/windows-smoke.sh build
# them with, so after those (as in .ci/run) there is nothing to build. (`cargo build --bin`
# alone would build the Linux one again: the tests' dev-dependencies add features to tokio.)
# EXOWIZ_DIST_TEST_LINUX_BIN / _WINDOWS_BIN name binaries built already (and
# EXOWIZ_DIST_TEST_LINUX_TARGET the Linux one's target), e.g. the release ones.
linux_bin=${EXOWIZ_DIST_TEST_LINUX_BIN:-}
windows_bin=${EXOWIZ_DIST_TEST_WINDOWS_BIN:-}
if [[ -z $linux_bin ]]; then
  cargo test --workspace --locked --no-run --quiet 2>/dev/null ||
    cargo test --workspace --locked --no-run
  linux_bin="$target_dir/debug/exowiz"
fi
if [[ -z $windows_bin ]]; then
  rustup target list --installed | grep -qx "$WINDOWS" || rustup target add "$WINDOWS" >/dev/null
  cargo build --locked --quiet --target "$WINDOWS" --bin exowiz
  windows_bin="$target_dir/$WINDOWS/debug/exowiz.exe"
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/exowiz-dist-test.XXXXXX")
trap 'rm -rf "$work"' EXIT
version=$("$linux_bin" --version | awk '{print $2}')

dist() { scripts/dist.sh --prebuilt "$LINUX=$linux_bin" "$WINDOWS=$windows_bin" --out "$1"; }

check "dist.sh packs and verifies both archives" dist "$work/one"
for a in "exowiz-$version-$LINUX.tar.gz" "exowiz-$version-$WINDOWS.zip" SHA256SUMS; do
  check "dist.sh wrote $a" test -s "$work/one/$a"
done
check "SHA256SUMS lists two archives" test "$(wc -l <"$work/one/SHA256SUMS")" -eq 2

check "a second run into the same folder succeeds" dist "$work/one"
check "a second run into a new folder succeeds" dist "$work/two"
check "the same binaries give the same archives (SHA256SUMS equal)" \
  cmp -s "$work/one/SHA256SUMS" "$work/two/SHA256SUMS"

# The bill of materials of each archive: its own platform's crates only.
mkdir -p "$work/x/linux" "$work/x/windows"
tar -xzf "$work/one/exowiz-$version-$LINUX.tar.gz" -C "$work/x/linux"
unzip -q "$work/one/exowiz-$version-$WINDOWS.zip" -d "$work/x/windows"
components() { jq -r '.components[].name' "$1"/*/exowiz.cdx.json; }
check "the Windows bill lists windows-sys" grep -qx windows-sys <(components "$work/x/windows")
check "the Linux bill does not list windows-sys" bash -c '! grep -qx windows-sys' < <(components "$work/x/linux")
check "the Linux bill lists ring (the C code)" grep -qx ring <(components "$work/x/linux")

# A changed byte in an archive must not pass the check an admin runs.
printf 'x' | dd of="$work/two/exowiz-$version-$WINDOWS.zip" bs=1 seek=100 conv=notrunc status=none
check "sha256sum -c fails on a changed archive" \
  bash -c "! (cd '$work/two' && sha256sum --quiet -c SHA256SUMS >/dev/null 2>&1)"

# A failure is one line that says what.
fails_in_one_line() {
  local err
  err=$(scripts/dist.sh --prebuilt "$WINDOWS=$work/no-such.exe" --out "$work/three" 2>&1 >/dev/null) && return 1
  [[ $(wc -l <<<"$err") -eq 1 && $err == "dist: FAILED: --prebuilt: no file $work/no-such.exe" ]]
}
check "a missing binary fails with one line" fails_in_one_line

echo "dist: $passed passed, $failed failed"
((failed == 0))
