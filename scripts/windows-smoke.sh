#!/usr/bin/env bash
# The Windows smoke test (issue 12): builds exowiz.exe for x86_64-pc-windows-gnu and runs its CLI
# under wine against the built-in demo tenant (it runs inside exowiz.exe on 127.0.0.1, so nothing
# leaves the machine): --version, profiles --json, register --demo --json for every profile,
# status, rotate, the saved .ps1 (UTF-8 with BOM, CRLF), and no secret in any file it wrote.
# Fails with one clear line when the build or any step breaks. One command, idempotent: installs
# the Windows target (rustup), the MinGW linker and wine (apt-get) when they are missing.
#
# wine 8.0 lacks bcryptprimitives.dll's ProcessPrng, which Rust's std needs: a test-only shim
# (tests/windows/process_prng_shim.c) is built into a temporary directory that only this script's
# wine finds (WINEPATH). It never goes into target/ or a release.
#
# Then the library's unit tests run under wine too (cargo's runner for the Windows target), the
# #[cfg(windows)] ones among them.
#
# Environment: EXOWIZ_WINDOWS_BUILD=release builds with --release (default debug: on 2 cores the
# debug build is faster overall; see the README). EXOWIZ_SMOKE_KEEP=1 keeps the temp directory.
set -euo pipefail
cd "$(dirname "$0")/.."

readonly TARGET=x86_64-pc-windows-gnu
readonly STEP_TIMEOUT=180 # seconds for one exowiz.exe run (a registration takes ~10 s)

say() { echo "windows-smoke: $*" >&2; }
fail() {
  echo "windows-smoke: FAILED: $*" >&2
  exit 1
}

# --- What it needs ---------------------------------------------------------------------------
missing=()
command -v x86_64-w64-mingw32-gcc >/dev/null 2>&1 || missing+=(gcc-mingw-w64-x86-64)
command -v wine >/dev/null 2>&1 || missing+=(wine wine64)
command -v jq >/dev/null 2>&1 || missing+=(jq)
if ((${#missing[@]})); then
  command -v apt-get >/dev/null 2>&1 ||
    fail "install ${missing[*]} (MinGW-w64 for x86_64, wine 8 with wine64, jq) and run again"
  sudo=""
  [[ $(id -u) -eq 0 ]] || sudo="sudo"
  say "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null ||
    { $sudo apt-get update -q >/dev/null &&
      $sudo apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null; } ||
    fail "apt-get could not install ${missing[*]}"
fi
if ! rustup target list --installed 2>/dev/null | grep -qx "$TARGET"; then
  say "adding the Rust target $TARGET"
  rustup target add "$TARGET" >/dev/null || fail "rustup could not add the target $TARGET"
fi

# --- Build -----------------------------------------------------------------------------------
build_args=(--locked --target "$TARGET" --bin exowiz)
build_dir=debug
if [[ ${EXOWIZ_WINDOWS_BUILD:-debug} == release ]]; then
  build_args+=(--release)
  build_dir=release
fi
say "building exowiz.exe ($build_dir)"
cargo build "${build_args[@]}" || fail "the Windows build (cargo build ${build_args[*]}) broke"
exe_built="${CARGO_TARGET_DIR:-target}/$TARGET/$build_dir/exowiz.exe"
[[ -f $exe_built ]] || fail "the build left no $exe_built"

work=$(mktemp -d "${TMPDIR:-/tmp}/exowiz-windows-smoke.XXXXXX")
cleanup() {
  # The prefix's wineserver outlives the programs for a few seconds: end it before deleting.
  WINEPREFIX="$work/prefix" wineserver -k >/dev/null 2>&1 || true
  if [[ ${EXOWIZ_SMOKE_KEEP:-} == 1 ]]; then
    say "kept $work"
  else
    rm -rf "$work"
  fi
}
trap cleanup EXIT

mkdir -p "$work/shim" "$work/out"
exe=$(realpath "$exe_built")
x86_64-w64-mingw32-gcc -O2 -shared -o "$work/shim/bcryptprimitives.dll" \
  tests/windows/process_prng_shim.c -ladvapi32 ||
  fail "the ProcessPrng shim (tests/windows/process_prng_shim.c) did not build"

# --- A private wine, offline -----------------------------------------------------------------
export WINEPREFIX="$work/prefix" WINEARCH=win64 WINEDEBUG=-all
# No Mono/Gecko: wine would offer to download them; nothing here needs .NET or a browser engine.
export WINEDLLOVERRIDES="mscoree,mshtml="
# The shim's folder on the Windows PATH (wine maps / to Z:), where Windows looks for DLLs last.
export WINEPATH="Z:${work//\//\\}\\shim"
# The Windows known folders must decide where exowiz keeps its data, not an override from here;
# and no window may open (a console program needs no display).
unset EXOWIZ_DATA_DIR EXOWIZ_LOGIN_URL EXOWIZ_GRAPH_URL EXOWIZ_EWS_URL DISPLAY WAYLAND_DISPLAY
say "creating the wine prefix"
timeout "$STEP_TIMEOUT" wineboot --init >/dev/null 2>&1 || fail "wine could not create its prefix ($WINEPREFIX)"
mkdir -p "$WINEPREFIX/drive_c/smoke"

# Runs exowiz.exe with the arguments; stdout to out/<name>.json (CR removed), stderr to
# out/<name>.err. Returns exowiz's exit code.
run() {
  local name=$1
  shift
  local rc=0
  (cd "$WINEPREFIX/drive_c/smoke" &&
    timeout "$STEP_TIMEOUT" wine "$exe" "$@" \
      >"$work/out/$name.raw" 2>"$work/out/$name.err" </dev/null) || rc=$?
  tr -d '\r' <"$work/out/$name.raw" >"$work/out/$name.json"
  ((rc != 124)) || say "$name: no answer within ${STEP_TIMEOUT}s"
  return "$rc"
}
# A failed step: the line, then exowiz's stderr to see why.
step_failed() {
  local name=$1 why=$2
  sed 's/^/  | /' "$work/out/$name.err" >&2 || true
  fail "$name: $why"
}

# --- The steps -------------------------------------------------------------------------------
say "exowiz.exe --version"
run version --version || step_failed version "--version failed"
grep -q "exowiz" "$work/out/version.json" || step_failed version "--version printed no version"

say "exowiz.exe profiles --json"
run profiles profiles --json || step_failed profiles "profiles --json failed"
mapfile -t profiles < <(jq -r '.[].id' "$work/out/profiles.json") ||
  step_failed profiles "profiles --json printed no JSON list"
((${#profiles[@]} >= 6)) || step_failed profiles "only ${#profiles[@]} profiles: ${profiles[*]}"

secrets=()
for profile in "${profiles[@]}"; do
  args=(register --demo --json --profile "$profile")
  # What each profile asks for beyond the defaults (the demo tenant's seeded mailbox and
  # domains); moveit also saves its Exchange Online script, to check the file exowiz.exe writes.
  case $profile in
  officemaster) args+=(--mailbox fax-transfer@contoso.com --domain fax=fax.contoso) ;;
  moveit) args+=(--mailbox fax-transfer@contoso.com --save-commands 'C:\smoke\moveit.ps1') ;;
  custom) args+=(--permission graph:Mail.Send:application) ;;
  esac
  say "exowiz.exe ${args[*]}"
  run "register-$profile" "${args[@]}" || step_failed "register-$profile" "register --demo failed (exit $?)"
  secret=$(jq -r '.secret.value // empty' "$work/out/register-$profile.json") || true
  [[ -n $secret ]] || step_failed "register-$profile" "the JSON has no secret"
  secrets+=("$secret")
done

say "exowiz.exe status --json"
# 0: all fine, 1: something expires soon (the demo's EWS end date does): both are answers.
rc=0
run status status --json || rc=$?
((rc <= 1)) || step_failed status "status failed (exit $rc)"
count=$(jq '.registrations | length' "$work/out/status.json") || step_failed status "status printed no JSON"
((count >= ${#profiles[@]})) ||
  step_failed status "status lists $count registrations, ${#profiles[@]} were made"

moveit_id=$(jq -r '.client_id' "$work/out/register-moveit.json")
say "exowiz.exe rotate --demo --app-id $moveit_id --json"
run rotate rotate --demo --app-id "$moveit_id" --json || step_failed rotate "rotate --demo failed"
secret=$(jq -r '.secret.value // empty' "$work/out/rotate.json") || true
[[ -n $secret ]] || step_failed rotate "the JSON has no new secret"
secrets+=("$secret")

# The data went to the Windows known folder (%LOCALAPPDATA%\exowiz\data), not beside the program.
data_dir=$(find "$WINEPREFIX/drive_c/users" -path '*/AppData/Local/exowiz/data' -type d | head -n1)
[[ -n $data_dir && -f $data_dir/registrations.json ]] ||
  fail "no registrations.json under %LOCALAPPDATA%\\exowiz\\data in the wine prefix"

# The saved script: UTF-8 with BOM, CRLF only, as Windows PowerShell 5.1 reads it right.
ps1="$WINEPREFIX/drive_c/smoke/moveit.ps1"
[[ -f $ps1 ]] || fail "register --save-commands wrote no C:\\smoke\\moveit.ps1"
[[ $(head -c3 "$ps1" | od -An -tx1 | tr -d ' ') == efbbbf ]] || fail "moveit.ps1 has no UTF-8 BOM"
if tr -d '\r' <"$ps1" | cmp -s - "$ps1"; then fail "moveit.ps1 has no CRLF line ends"; fi
[[ $(grep -c $'[^\r]$' "$ps1") -eq 0 && $(grep -c '^$' "$ps1") -eq 0 ]] ||
  fail "moveit.ps1 has a line that does not end in CRLF"

# No secret in any file exowiz.exe wrote: the user folders (data, log), the folder it ran in,
# and wine's registry files; as UTF-8 and as UTF-16LE (Windows' own string encoding).
say "looking for the ${#secrets[@]} secrets in the files written"
for secret in "${secrets[@]}"; do
  utf16=$(printf '%s' "$secret" | sed 's/./[&]\\x00/g')
  for place in "$WINEPREFIX/drive_c/users" "$WINEPREFIX/drive_c/smoke" "$WINEPREFIX"/*.reg; do
    if grep -rlaF -- "$secret" "$place" >&2 || grep -rlaP -- "$utf16" "$place" >&2; then
      fail "a client secret (hint ${secret:0:3}) is in a file above"
    fi
  done
done

# --- The library's unit tests under wine ---------------------------------------------------
# cargo runs the Windows test binary through wine (same prefix, same shim); the #[cfg(windows)]
# tests are among them. EXOWIZ_WINDOWS_TESTS narrows it to a filter (cargo test's argument).
say "the library's unit tests under wine"
CARGO_TARGET_X86_64_PC_WINDOWS_GNU_RUNNER="timeout 900 wine" \
  cargo test --locked --target "$TARGET" --lib -- ${EXOWIZ_WINDOWS_TESTS:-} ||
  fail "the library's unit tests under wine failed (cargo test --target $TARGET --lib)"

say "passed: ${#profiles[@]} profiles registered, status, rotate, .ps1 encoding, no secret on disk, unit tests"
