#!/usr/bin/env bash
# Release archives (issue 12.3), in one command on a clean checkout:
#
#   dist/exowiz-<version>-x86_64-unknown-linux-musl.tar.gz   static Linux binary
#   dist/exowiz-<version>-x86_64-pc-windows-gnu.zip          Windows binary (no DLL beyond Windows')
#   dist/SHA256SUMS                                          for `sha256sum -c` and Get-FileHash
#
# Each archive holds one folder, exowiz-<version>-<target>/, with the binary, README.md, LICENSE
# and exowiz.cdx.json (the software bill of materials: CycloneDX JSON by cargo-cyclonedx, for
# that target's dependencies only). Then the script checks its own result: the archives' contents,
# the checksums (sha256sum -c), the Linux binary static and answering --version natively, the
# Windows one importing only Windows' own DLLs and answering --version under wine.
#
#   scripts/dist.sh                  build both (release profile: fat LTO, slow), package, verify
#   scripts/dist.sh --bench          also measure sizes and start-up (Linux native, Windows under
#                                    wine) and write them into BENCHMARKS.md's "Shipped binaries"
#   scripts/dist.sh --prebuilt TARGET=PATH [TARGET=PATH…]
#                                    package and verify binaries built already, no cargo build
#                                    (scripts/dist-test.sh uses it on the debug builds)
#   --out DIR                        where the archives go (default dist/, git-ignored)
#
# Installs what it needs when missing: the rustup targets, Debian's musl-tools (musl-gcc for
# ring's C code), gcc-mingw-w64-x86-64, zip/unzip, jq, wine (for the check only), and
# cargo-cyclonedx (cargo install --locked, a pinned version, into $EXOWIZ_DIST_CACHE, default
# ~/.cache/exowiz-dist; never into ~/.cargo/bin). Idempotent: the same commit gives the same
# archives, byte for byte (file times are the commit's, owners and order fixed), and a second
# run replaces them. Fails with one line that starts "dist: FAILED:".
#
# With --bench: EXOWIZ_DIST_RUNS (native runs per median, 20), EXOWIZ_DIST_WINE_RUNS (20), and
# EXOWIZ_DIST_BENCH_PANIC_ABORT=1 to build and measure the musl binary with panic = "abort" too
# (another fat-LTO build of every crate, into target/panic-abort).
set -euo pipefail
cd "$(dirname "$0")/.."

readonly LINUX_TARGET=x86_64-unknown-linux-musl
readonly WINDOWS_TARGET=x86_64-pc-windows-gnu
readonly CYCLONEDX_VERSION=0.5.9
readonly STEP_TIMEOUT=180 # seconds for one run of the binary (wine's first start is the slow one)

say() { echo "dist: $*" >&2; }
fail() {
  echo "dist: FAILED: $*" >&2
  exit 1
}

# --- Arguments ---------------------------------------------------------------------------------
out=dist
bench=false
prebuilt=()
while (($#)); do
  case $1 in
  --bench) bench=true ;;
  --out)
    (($# >= 2)) || fail "--out needs a directory"
    out=$2
    shift
    ;;
  --prebuilt)
    shift
    while (($#)) && [[ $1 == *=* ]]; do
      prebuilt+=("$1")
      shift
    done
    ((${#prebuilt[@]})) || fail "--prebuilt needs TARGET=PATH (e.g. $LINUX_TARGET=target/…/exowiz)"
    continue
    ;;
  -h | --help)
    # The comment block at the top, without its "# ".
    awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"
    exit 0
    ;;
  *) fail "unknown argument: $1 (see scripts/dist.sh --help)" ;;
  esac
  shift
done

cache="${EXOWIZ_DIST_CACHE:-$HOME/.cache/exowiz-dist}"
target_dir="${CARGO_TARGET_DIR:-target}"

# target → binary to ship
declare -A binary=()
targets=()
if ((${#prebuilt[@]})); then
  for pair in "${prebuilt[@]}"; do
    t=${pair%%=*}
    binary[$t]=${pair#*=}
    [[ -f ${binary[$t]} ]] || fail "--prebuilt: no file ${binary[$t]}"
    targets+=("$t")
  done
else
  targets=("$LINUX_TARGET" "$WINDOWS_TARGET")
  binary[$LINUX_TARGET]="$target_dir/$LINUX_TARGET/release/exowiz"
  binary[$WINDOWS_TARGET]="$target_dir/$WINDOWS_TARGET/release/exowiz.exe"
fi
is_windows() { [[ $1 == *windows* ]]; }
has_windows=false
for t in "${targets[@]}"; do is_windows "$t" && has_windows=true; done

# --- What it needs -----------------------------------------------------------------------------
missing=()
need() { command -v "$1" >/dev/null 2>&1 || missing+=("$2"); }
need jq jq
need zip zip
need unzip unzip
need sha256sum coreutils
need readelf binutils
need python3 python3
if $has_windows; then
  # MinGW links exowiz.exe and builds the test-only ProcessPrng shim that wine 8 needs.
  need x86_64-w64-mingw32-gcc gcc-mingw-w64-x86-64
  need wine "wine wine64"
fi
if ((${#prebuilt[@]} == 0)); then need musl-gcc musl-tools; fi
if ((${#missing[@]})); then
  # shellcheck disable=SC2206 # "wine wine64" is two packages on purpose
  packages=(${missing[*]})
  command -v apt-get >/dev/null 2>&1 || fail "install ${packages[*]} and run again"
  sudo=""
  [[ $(id -u) -eq 0 ]] || sudo="sudo"
  say "installing ${packages[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get install -y -q --no-install-recommends "${packages[@]}" >/dev/null ||
    { $sudo apt-get update -q >/dev/null &&
      $sudo apt-get install -y -q --no-install-recommends "${packages[@]}" >/dev/null; } ||
    fail "apt-get could not install ${packages[*]}"
fi
for t in "${targets[@]}"; do
  # Only to build: a prebuilt binary's target needs no standard library here.
  ((${#prebuilt[@]} == 0)) || break
  if ! rustup target list --installed 2>/dev/null | grep -qx "$t"; then
    say "adding the Rust target $t"
    rustup target add "$t" >/dev/null || fail "rustup could not add the target $t"
  fi
done
cyclonedx="$cache/cargo-cyclonedx-$CYCLONEDX_VERSION/bin/cargo-cyclonedx"
if [[ ! -x $cyclonedx ]]; then
  say "installing cargo-cyclonedx $CYCLONEDX_VERSION into $cache (a few minutes, once)"
  cargo install --locked --quiet --version "$CYCLONEDX_VERSION" \
    --root "$cache/cargo-cyclonedx-$CYCLONEDX_VERSION" cargo-cyclonedx ||
    fail "cargo install cargo-cyclonedx $CYCLONEDX_VERSION failed"
fi

version=$(cargo metadata --locked --no-deps --format-version 1 |
  jq -r '.packages[] | select(.name == "exowiz") | .version') ||
  fail "cargo metadata could not read exowiz's version"
[[ -n $version ]] || fail "cargo metadata names no exowiz package"
# File times inside the archives: the commit's, so the same commit packs to the same bytes.
epoch=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || echo 0)}
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
# "+changes": the checkout differs from the commit (BENCHMARKS.md aside, which --bench writes).
git diff --quiet HEAD -- . ':!BENCHMARKS.md' 2>/dev/null || commit="$commit+changes"

# --- Build -------------------------------------------------------------------------------------
declare -A build_secs=()
if ((${#prebuilt[@]} == 0)); then
  # ring's C code for musl: Debian has musl-gcc, not the x86_64-linux-musl-gcc cc-rs tries first.
  export CC_x86_64_unknown_linux_musl="${CC_x86_64_unknown_linux_musl:-musl-gcc}"
  for t in "${targets[@]}"; do
    say "building exowiz for $t (release: fat LTO, one codegen unit; minutes on 2 cores)"
    start=$(date +%s)
    cargo build --release --locked --target "$t" --bin exowiz ||
      fail "the release build for $t (cargo build --release --locked --target $t) broke"
    build_secs[$t]=$(($(date +%s) - start))
    [[ -f ${binary[$t]} ]] || fail "the build left no ${binary[$t]}"
  done
fi

# --- Package -----------------------------------------------------------------------------------
work=$(mktemp -d "${TMPDIR:-/tmp}/exowiz-dist.XXXXXX")
wine_ready=false
cleanup() {
  # Only the private prefix's wineserver (it outlives the programs for a few seconds).
  if $wine_ready; then wineserver -k >/dev/null 2>&1 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

mkdir -p "$out"
out=$(realpath "$out")
archives=()
declare -A archive_of=()
for t in "${targets[@]}"; do
  name="exowiz-$version-$t"
  stage="$work/stage/$name"
  mkdir -p "$stage"
  exe=exowiz
  is_windows "$t" && exe=exowiz.exe
  cp "${binary[$t]}" "$stage/$exe"
  chmod 0755 "$stage/$exe"
  cp README.md LICENSE "$stage/"

  # The bill of materials for this target's build: cargo-cyclonedx writes <package>.cdx.json
  # next to each workspace member's Cargo.toml, so it runs on a copy of the checkout's files
  # (the checkout stays untouched). --target drops the other platform's crates (windows-sys is
  # not in the Linux archive's list); --no-build-deps drops what only runs at build time (cc).
  say "writing the bill of materials for $t"
  sbom_src="$work/sbom-$t"
  mkdir -p "$sbom_src"
  { git ls-files -z --cached --others --exclude-standard | grep -zv '^dist/' |
    tar --null -T - -cf - | tar -xf - -C "$sbom_src"; } 2>/dev/null ||
    cp -r Cargo.toml Cargo.lock src crates benches tests "$sbom_src/" ||
    fail "could not copy the checkout for cargo-cyclonedx"
  (cd "$sbom_src" && SOURCE_DATE_EPOCH=$epoch "$cyclonedx" cyclonedx --format json \
    --target "$t" --spec-version 1.5 --no-build-deps >"$work/cyclonedx-$t.log" 2>&1) ||
    { sed 's/^/  | /' "$work/cyclonedx-$t.log" >&2; fail "cargo cyclonedx failed for $t"; }
  [[ -f $sbom_src/exowiz.cdx.json ]] || fail "cargo cyclonedx wrote no exowiz.cdx.json for $t"
  # The same bytes for the same commit: no random serial number, the temporary copy's path
  # written as "." (the bill's time is the commit's, SOURCE_DATE_EPOCH above).
  jq -S --arg dir "$sbom_src" \
    'del(.serialNumber) | walk(if type == "string" then (split($dir) | join(".")) else . end)' \
    "$sbom_src/exowiz.cdx.json" >"$stage/exowiz.cdx.json" ||
    fail "the bill of materials for $t is not JSON"

  find "$work/stage/$name" -exec touch -h -d "@$epoch" {} +
  if is_windows "$t"; then
    archive="$name.zip"
    rm -f "$out/$archive"
    # -X: no Unix owners or extra times; sorted names; the zip's DOS times are local: UTC here.
    (cd "$work/stage" && find "$name" | LC_ALL=C sort | TZ=UTC zip -X -q -@ "$out/$archive") ||
      fail "zip could not write $out/$archive"
  else
    archive="$name.tar.gz"
    rm -f "$out/$archive"
    (cd "$work/stage" && tar --sort=name --owner=0 --group=0 --numeric-owner \
      --mtime="@$epoch" -cf - "$name" | gzip -n -9 >"$out/$archive") ||
      fail "tar could not write $out/$archive"
  fi
  archives+=("$archive")
  archive_of[$t]=$archive
  say "packed $out/$archive"
done

# SHA256SUMS: the archives of this version that are in $out now (an earlier run's other targets
# stay listed only while their archive is there). sha256sum's text format ("hash  name", LF).
(
  cd "$out" && shopt -s nullglob && export LC_ALL=C &&
    listed=(exowiz-"$version"-*.tar.gz exowiz-"$version"-*.zip) &&
    sha256sum "${listed[@]}" >SHA256SUMS.new && mv SHA256SUMS.new SHA256SUMS
) || fail "could not write $out/SHA256SUMS"

# --- Verify ------------------------------------------------------------------------------------
say "verifying"
(cd "$out" && sha256sum --quiet -c SHA256SUMS) || fail "sha256sum -c $out/SHA256SUMS does not match the archives"
for a in "${archives[@]}"; do
  grep -q "  $a\$" "$out/SHA256SUMS" || fail "SHA256SUMS does not list $a"
done

# A private, offline wine prefix with the test-only ProcessPrng shim on its PATH, exactly as in
# scripts/windows-smoke.sh (see there why wine 8 needs it). It never goes into an archive.
wine_prepare() {
  $wine_ready && return 0
  mkdir -p "$work/shim"
  x86_64-w64-mingw32-gcc -O2 -shared -o "$work/shim/bcryptprimitives.dll" \
    tests/windows/process_prng_shim.c -ladvapi32 ||
    fail "the ProcessPrng shim (tests/windows/process_prng_shim.c) did not build"
  export WINEPREFIX="$work/prefix" WINEARCH=win64 WINEDEBUG=-all
  export WINEDLLOVERRIDES="mscoree,mshtml="
  export WINEPATH="Z:${work//\//\\}\\shim"
  unset DISPLAY WAYLAND_DISPLAY
  wine_ready=true # from here on, cleanup ends this prefix's wineserver
  timeout "$STEP_TIMEOUT" wineboot --init >/dev/null 2>&1 || fail "wine could not create its prefix ($WINEPREFIX)"
}
# Runs the unpacked binary of a target with the arguments (under wine for Windows).
run_bin() {
  local t=$1
  shift
  if is_windows "$t"; then
    timeout "$STEP_TIMEOUT" wine "${unpacked[$t]}" "$@"
  else
    timeout "$STEP_TIMEOUT" "${unpacked[$t]}" "$@"
  fi
}

declare -A unpacked=()
for t in "${targets[@]}"; do
  a=${archive_of[$t]}
  name="exowiz-$version-$t"
  exe=exowiz
  is_windows "$t" && exe=exowiz.exe
  if is_windows "$t"; then
    listing=$(unzip -Z1 "$out/$a") || fail "unzip cannot read $a"
  else
    listing=$(tar -tzf "$out/$a") || fail "tar cannot read $a"
  fi
  say "$a holds:"
  # shellcheck disable=SC2001 # one indent per line of a multi-line listing
  sed 's/^/  /' <<<"$listing" >&2
  for f in "$exe" README.md LICENSE exowiz.cdx.json; do
    grep -qx "$name/$f" <<<"$listing" || fail "$a lacks $name/$f"
  done
  mkdir -p "$work/unpacked/$t"
  if is_windows "$t"; then
    unzip -q "$out/$a" -d "$work/unpacked/$t" || fail "unzip could not unpack $a"
  else
    tar -xzf "$out/$a" -C "$work/unpacked/$t" || fail "tar could not unpack $a"
  fi
  unpacked[$t]="$work/unpacked/$t/$name/$exe"
  cmp -s "${unpacked[$t]}" "${binary[$t]}" || fail "the binary in $a is not the one built"
  jq -e '.bomFormat == "CycloneDX" and (.components | length > 50)' \
    "$work/unpacked/$t/$name/exowiz.cdx.json" >/dev/null ||
    fail "$a's exowiz.cdx.json is not a CycloneDX bill with the dependencies"

  if [[ $t == *-musl ]]; then
    # Static: no program interpreter and no shared library, so it runs on any x86_64 Linux.
    if readelf -lW "${unpacked[$t]}" | grep -q 'program interpreter' ||
      readelf -dW "${unpacked[$t]}" 2>/dev/null | grep -q '(NEEDED)'; then
      fail "the $t binary is not static (readelf shows an interpreter or a NEEDED library)"
    fi
  fi
  if is_windows "$t"; then
    # Windows' own DLLs only: an import of MinGW's runtime (libgcc_s, libwinpthread) would make
    # the .exe fail on a Windows without MinGW, which wine's check below would not notice.
    dlls=$(x86_64-w64-mingw32-objdump -p "${unpacked[$t]}" | awk '/DLL Name:/ {print $3}' | sort -u) ||
      fail "objdump cannot read the imports of the $t binary"
    if grep -Eiq '^lib(gcc|winpthread|stdc)' <<<"$dlls"; then
      fail "the $t binary needs MinGW's DLLs ($(tr '\n' ' ' <<<"$dlls")), not only Windows' own"
    fi
    say "$t: imports $(tr '\n' ' ' <<<"$dlls")"
    wine_prepare
  elif [[ $t != "$(uname -m)"-*linux* ]]; then
    say "not running the $t binary on this $(uname -m) machine"
    continue
  fi
  answer=$(run_bin "$t" --version </dev/null 2>"$work/version-$t.err" | tr -d '\r') ||
    { sed 's/^/  | /' "$work/version-$t.err" >&2; fail "the $t binary from $a did not answer --version"; }
  [[ $answer == "exowiz $version" ]] || fail "the $t binary answered --version with '$answer', not 'exowiz $version'"
  say "$t: --version answers '$answer'$(is_windows "$t" && echo ' (under wine)')"
done

# --- Sizes and start-up (--bench) --------------------------------------------------------------
if $bench; then
  runs=${EXOWIZ_DIST_RUNS:-20}
  wine_runs=${EXOWIZ_DIST_WINE_RUNS:-20}
  # Median wall time in ms of N runs of a command (stdout and stderr discarded).
  cat >"$work/median.py" <<'PY'
import statistics, subprocess, sys, time
runs, cmd = int(sys.argv[1]), sys.argv[2:]
walls = []
for _ in range(runs):
    t = time.perf_counter()
    subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, check=True, timeout=180)
    walls.append((time.perf_counter() - t) * 1000)
print(f"{statistics.median(walls):.1f}")
PY
  median() { python3 "$work/median.py" "$@" || fail "a timed run of ${*:2} failed"; }
  mib() { python3 -c "import sys; print(f'{int(sys.argv[1])/1048576:.2f}')" "$1"; }
  rows=()
  for t in "${targets[@]}"; do
    a=${archive_of[$t]}
    bin_bytes=$(stat -c %s "${unpacked[$t]}")
    arc_bytes=$(stat -c %s "$out/$a")
    rows+=("$t|archive \`$a\`|$(mib "$arc_bytes") MiB|$arc_bytes bytes")
    rows+=("$t|binary \`$(basename "${unpacked[$t]}")\`|$(mib "$bin_bytes") MiB|$bin_bytes bytes")
  done
  # panic = "abort" against the profile's unwinding (Cargo.toml says why it stays): the musl
  # binary built once more with only that changed, in a target folder of its own. Opt-in, as it
  # is another fat-LTO build of every crate (EXOWIZ_DIST_BENCH_PANIC_ABORT=1).
  if [[ ${EXOWIZ_DIST_BENCH_PANIC_ABORT:-} == 1 ]] && [[ -n ${unpacked[$LINUX_TARGET]:-} ]]; then
    say "building the $LINUX_TARGET binary with panic = \"abort\" for comparison (slow)"
    CC_x86_64_unknown_linux_musl="${CC_x86_64_unknown_linux_musl:-musl-gcc}" \
      CARGO_PROFILE_RELEASE_PANIC=abort CARGO_TARGET_DIR="$target_dir/panic-abort" \
      cargo build --release --locked --target "$LINUX_TARGET" --bin exowiz ||
      fail "the panic = \"abort\" build for $LINUX_TARGET broke"
    abort_bin="$target_dir/panic-abort/$LINUX_TARGET/release/exowiz"
    for variant in unwind abort; do
      b=${unpacked[$LINUX_TARGET]}
      [[ $variant == abort ]] && b=$abort_bin
      bytes=$(stat -c %s "$b")
      gz=$(gzip -9 -n -c "$b" | wc -c)
      rows+=("$LINUX_TARGET|binary with panic = \"$variant\"$([[ $variant == unwind ]] && echo ' (shipped)')|$(mib "$bytes") MiB|$bytes bytes; gzip -9: $(mib "$gz") MiB")
    done
  fi
  # Start-up with a fresh, empty data folder: a new one natively, and under wine the private
  # prefix's %LOCALAPPDATA% (a Linux path in EXOWIZ_DATA_DIR would mean nothing to exowiz.exe).
  mkdir -p "$work/bench-data"
  unset EXOWIZ_DATA_DIR
  for t in "${targets[@]}"; do
    if is_windows "$t"; then
      wine_prepare
      # One wineserver for all runs (as on a desktop where wine is running already); each run
      # still starts wine's own loader and DLLs, which is most of what is measured.
      wineserver -p >/dev/null 2>&1 || true
      run_bin "$t" --version >/dev/null 2>&1 || true # warms the prefix's registry and caches
      for args in "--version" "profiles --json"; do
        # shellcheck disable=SC2086 # the arguments split on purpose
        ms=$(median "$wine_runs" wine "${unpacked[$t]}" $args)
        rows+=("$t|\`exowiz.exe $args\` under wine 8 (median of $wine_runs)|$ms ms|includes wine's own start")
      done
      # wine's own start alone: a Windows program that does nothing (return 0), built here.
      printf 'int main(void) { return 0; }\n' >"$work/noop.c"
      x86_64-w64-mingw32-gcc -O2 -o "$work/noop.exe" "$work/noop.c" ||
        fail "MinGW could not build the empty program for wine's start-up"
      ms=$(median "$wine_runs" wine "$work/noop.exe")
      rows+=("$t|an empty Windows program (\`int main() { return 0; }\`) under wine 8 (median of $wine_runs)|$ms ms|wine's own start, for comparison")
    elif [[ $t == "$(uname -m)"-*linux* ]]; then
      for args in "--version" "profiles --json"; do
        # shellcheck disable=SC2086
        ms=$(EXOWIZ_DATA_DIR="$work/bench-data" median "$runs" "${unpacked[$t]}" $args)
        rows+=("$t|\`exowiz $args\` native (median of $runs)|$ms ms|")
      done
    fi
  done

  cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')
  mem=$(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)
  machine="$(uname -sr), $(uname -m), $cpu, $(nproc) cores, $mem RAM, load $(cut -d' ' -f1-3 /proc/loadavg)"
  section="$work/section.md"
  {
    echo "<!-- dist.sh --bench: begin (written by scripts/dist.sh --bench; scripts/bench.sh keeps it) -->"
    echo "## Shipped binaries"
    echo
    echo "Written by \`scripts/dist.sh --bench\` on $(date -u '+%Y-%m-%d %H:%M UTC') (commit $commit, exowiz $version,"
    echo "release profile: fat LTO, one codegen unit, symbols stripped). Machine: $machine."
    echo "$(rustc --version); $(wine --version 2>/dev/null || echo 'no wine')."
    echo "The Windows figures are wine 8 on this Linux machine, not Windows: they include wine's own"
    echo "start (its loader and DLLs; one wineserver kept running for all runs) and the test-only"
    echo "ProcessPrng shim. The machine is shared: figures are one run's, and wine's swing the most"
    echo "with the other builders' load (several-fold between runs here; the empty program shows it)."
    echo
    if ((${#build_secs[@]})); then
      # Only what this run built: a few seconds means the binary was built before.
      echo -n "\`cargo build --release\` in this run (wall; a few seconds: built before, nothing to do):"
      sep=""
      for t in "${targets[@]}"; do
        echo -n "$sep $t ${build_secs[$t]} s"
        sep=";"
      done
      echo "."
      echo
    fi
    echo "| target | what | value | note |"
    echo "|---|---|---|---|"
    for r in "${rows[@]}"; do echo "| ${r//|/ | } |"; done
    echo "<!-- dist.sh --bench: end -->"
  } >"$section"
  python3 - "$section" BENCHMARKS.md <<'PY' || fail "could not write BENCHMARKS.md"
import re, sys
section = open(sys.argv[1]).read().rstrip("\n")
try:
    text = open(sys.argv[2]).read()
except FileNotFoundError:
    text = "# Benchmarks\n"
pattern = re.compile(r"<!-- dist\.sh --bench: begin.*?<!-- dist\.sh --bench: end -->", re.S)
if pattern.search(text):
    text = pattern.sub(lambda _: section, text)
else:
    text = text.rstrip("\n") + "\n\n" + section + "\n"
open(sys.argv[2], "w").write(text)
PY
  cat "$section"
  say "written: BENCHMARKS.md (section \"Shipped binaries\")"
fi

say "done: ${archives[*]} and SHA256SUMS in $out (checked: contents, checksums, --version)"
