#!/usr/bin/env bash
# Benchmarks where the admin waits (issue 13), in one command: builds the release binary,
# measures start-up, first frame, memory, idle CPU, binary size, render time per screen, and the
# round trips of `register` and `rotate` against the demo tenant (100 ms per request, with and
# without replication lag), prints one table and writes BENCHMARKS.md with the machine described.
#
#   scripts/bench.sh            exowiz only
#   scripts/bench.sh --peers    also the Azure CLI (PyPI azure-cli) and the CLI for Microsoft 365
#                               (npm @pnp/cli-microsoft365, telemetry off), installed into a cache
#                               folder ($EXOWIZ_BENCH_CACHE, default ~/.cache/exowiz-bench), measured
#                               in the same run so the ratios come from one machine at one moment
#
# Needs python3 and GNU time (/usr/bin/time) for the peak RSS. Nothing here reaches a Microsoft service: the demo tenant runs on loopback, the peers are only
# asked for their version and offline help. Benchmarks are not part of the test suite.
set -euo pipefail
cd "$(dirname "$0")/.."

peers=false
for arg in "$@"; do
  case "$arg" in
    --peers) peers=true ;;
    -h | --help)
      sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    *)
      echo "unknown argument: $arg (only --peers)" >&2
      exit 2
      ;;
  esac
done

for tool in python3 /usr/bin/time strip; do
  command -v "$tool" >/dev/null || { echo "scripts/bench.sh needs $tool (GNU time: package 'time')" >&2; exit 1; }
done

target="${CARGO_TARGET_DIR:-target}"
bin="$target/release/exowiz"
cache="${EXOWIZ_BENCH_CACHE:-$HOME/.cache/exowiz-bench}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "building the release binary…" >&2
cargo build --release --locked --quiet

# ---------------------------------------------------------------------------------------------
# Peers: installed once into the cache folder, never globally.
az_bin=""
m365_bin=""
if $peers; then
  mkdir -p "$cache/peers" "$cache/home"
  if [[ ! -x "$cache/peers/az-venv/bin/az" ]]; then
    echo "installing azure-cli into $cache/peers/az-venv…" >&2
    python3 -m venv "$cache/peers/az-venv"
    "$cache/peers/az-venv/bin/pip" install --quiet azure-cli
  fi
  if [[ ! -x "$cache/peers/m365/node_modules/.bin/m365" ]]; then
    echo "installing @pnp/cli-microsoft365 into $cache/peers/m365…" >&2
    npm install --silent --no-audit --no-fund --prefix "$cache/peers/m365" @pnp/cli-microsoft365
  fi
  az_bin="$cache/peers/az-venv/bin/az"
  m365_bin="$cache/peers/m365/node_modules/.bin/m365"
  # Their settings live in the cache folder, not in the user's home; no telemetry, no update
  # checks (documented switches of each tool).
  export AZURE_CONFIG_DIR="$cache/home/azure" AZURE_CORE_COLLECT_TELEMETRY=false
  export AZURE_CORE_NO_COLOR=true AZURE_CORE_ONLY_SHOW_ERRORS=true
  export CLIMICROSOFT365_NOUPDATE=1
  HOME="$cache/home" "$m365_bin" cli config set --key disableTelemetry --value true >/dev/null 2>&1 || true
fi

# ---------------------------------------------------------------------------------------------
# Process measurements (wall time, peak RSS, first frame, idle CPU) in Python: wait4() gives
# each child's peak RSS, pty gives a real terminal.
cat >"$work/measure.py" <<'PY'
import re, fcntl, json, os, pty, select, statistics, struct, subprocess, sys, termios, time

def run(cmd, env=None, runs=10):
    """Median wall time (ms) of `runs` runs and the largest peak RSS (KiB) of three more.

    The peak RSS comes from GNU time (`%M`): a child forked from this Python process would
    report Python's own peak (about 13 MiB) when that is larger than the program's."""
    walls, rss = [], 0
    for _ in range(runs):
        t = time.perf_counter()
        p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        _, status, _ = os.wait4(p.pid, 0)
        walls.append((time.perf_counter() - t) * 1000)
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"{cmd} failed with {os.waitstatus_to_exitcode(status)}")
    out = os.path.join(os.environ.get("BENCH_WORK", "/tmp"), "rss")
    for _ in range(3):
        subprocess.run(["/usr/bin/time", "-f", "%M", "-o", out] + cmd,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=True)
        with open(out) as f:
            rss = max(rss, int(f.read().split()[-1]))
    return statistics.median(walls), rss

def in_pty(cmd, env, needle, idle_seconds):
    """Time until `needle` is on the screen, then CPU time used while idle for idle_seconds."""
    t = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:
        # 80×24 before the program asks for its size (a new pty is 0×0).
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        os.execvpe(cmd[0], cmd, env)
    seen, first = b"", None
    while first is None and time.perf_counter() - t < 60:
        r, _, _ = select.select([fd], [], [], 0.05)
        if r:
            try:
                seen += os.read(fd, 65536)
            except OSError:
                break
            if needle.encode() in seen:
                first = (time.perf_counter() - t) * 1000
    def cpu():
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])
    # Let the first frame settle (and the demo tenant start), then sit on the screen.
    end = time.perf_counter() + 1
    while time.perf_counter() < end:
        if select.select([fd], [], [], 0.05)[0]:
            os.read(fd, 65536)
    before, written = cpu(), 0
    end = time.perf_counter() + idle_seconds
    while time.perf_counter() < end:
        if select.select([fd], [], [], 0.1)[0]:
            written += len(os.read(fd, 65536))
    ticks = cpu() - before
    os.write(fd, b"\x03")
    try:
        _, status, usage = os.wait4(pid, 0)
    except ChildProcessError:
        usage = None
    hz = os.sysconf("SC_CLK_TCK")
    return first, ticks / hz, written, usage.ru_maxrss if usage else 0

def walk(cmd, env, needle, idle_seconds):
    """`exowiz demo` to Done by Enter alone (every default taken, the demo tenant approves the
    sign-in and the consent), then `c` copies the secret and the clipboard countdown runs for
    idle_seconds: the program's own peak RSS (VmHWM) and the CPU time the countdown costs."""
    pid, fd = pty.fork()
    if pid == 0:
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        os.execvpe(cmd[0], cmd, env)
    seen, start, last_enter, done = b"", time.perf_counter(), 0.0, False
    while time.perf_counter() - start < 180:
        if select.select([fd], [], [], 0.05)[0]:
            try:
                seen = (seen + os.read(fd, 65536))[-200000:]
            except OSError:
                break
        # The screen's text without its escape sequences (styles split a line into pieces).
        text = re.sub(rb"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07", b" ", seen[-8000:])
        if needle.encode() in b" ".join(text.split()):
            done = True
            break
        # Enter twice a second: each step's default, never faster than the screen can follow.
        if time.perf_counter() - last_enter > 0.5:
            os.write(fd, b"\r")
            last_enter = time.perf_counter()
    def status(field):
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
        return 0
    def cpu():
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])
    rss, ticks = status("VmHWM"), None
    if done:
        os.write(fd, b"c")
        end = time.perf_counter() + 1
        while time.perf_counter() < end:
            if select.select([fd], [], [], 0.05)[0]:
                os.read(fd, 65536)
        before = cpu()
        end = time.perf_counter() + idle_seconds
        while time.perf_counter() < end:
            if select.select([fd], [], [], 0.1)[0]:
                os.read(fd, 65536)
        ticks = cpu() - before
        rss = max(rss, status("VmHWM"))
    os.kill(pid, 9)
    os.waitpid(pid, 0)
    hz = os.sysconf("SC_CLK_TCK")
    return done, rss, ticks / hz if ticks is not None else None

what = sys.argv[1]
if what == "walk":
    needle, idle = sys.argv[2], float(sys.argv[3])
    cmd = sys.argv[4:]
    env = dict(os.environ, TERM="xterm-256color", COLUMNS="80", LINES="24")
    print(json.dumps(walk(cmd, env, needle, idle)))
elif what == "run":
    runs = int(sys.argv[2])
    cmd = sys.argv[3:]
    print(json.dumps(run(cmd, runs=runs)))
elif what == "pty":
    needle, idle = sys.argv[2], float(sys.argv[3])
    cmd = sys.argv[4:]
    env = dict(os.environ, TERM="xterm-256color", COLUMNS="80", LINES="24")
    print(json.dumps(in_pty(cmd, env, needle, idle)))
PY
measure() { BENCH_WORK="$work" python3 "$work/measure.py" "$@"; }
field() { python3 -c "import json,sys; print(json.loads(sys.argv[1])[int(sys.argv[2])])" "$1" "$2"; }
ms() { printf '%.1f' "$1"; }
mib() { python3 -c "import sys; print(f'{int(sys.argv[1])/1024:.1f}')" "$1"; }

rows=()
row() { rows+=("$1|$2|$3"); }

echo "measuring start-up…" >&2
r=$(measure run 20 "$bin" --version)
row "\`exowiz --version\`: wall (median of 20)" "$(ms "$(field "$r" 0)") ms" "peak RSS $(mib "$(field "$r" 1)") MiB"

echo "measuring the first frame and idle CPU (10 s on Welcome)…" >&2
export EXOWIZ_DATA_DIR="$work/data-pty" EXOWIZ_NO_BROWSER=1
# The key bar is the last line drawn: once it is there, the whole first frame is.
r=$(measure pty "continue" 10 "$bin" demo --lang en --reset)
row "\`exowiz demo\`: first frame in a pseudo-terminal (80×24)" "$(ms "$(field "$r" 0)") ms" "incl. starting the demo tenant"
row "\`exowiz demo\`: CPU while idle 10 s on Welcome" "$(field "$r" 1) s CPU" "$(field "$r" 2) bytes written"
unset EXOWIZ_DATA_DIR

echo "measuring a whole register --demo…" >&2
export EXOWIZ_DATA_DIR="$work/data-register"
r=$(measure run 3 "$bin" register --demo --profile bueroware --grant-consent --json)
row "\`exowiz register --demo\` (BüroWARE, sign-in included)" "$(ms "$(field "$r" 0)") ms" "peak RSS $(mib "$(field "$r" 1)") MiB"
unset EXOWIZ_DATA_DIR
# The product alone, as an admin runs it: the demo tenant in a process of its own (the line
# above carries the in-process demo tenant's memory too). Device-code sign-in, approved at once.
echo "measuring a whole register against a separate demo tenant…" >&2
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
EXOWIZ_DATA_DIR="$work/data-emulator" "$bin" emulator --port "$port" --auto-approve-delay-ms 0 \
  --replication-lag-ms 0 >"$work/emulator.log" 2>&1 &
emulator_pid=$!
for _ in $(seq 50); do grep -q listening "$work/emulator.log" 2>/dev/null && break; sleep 0.1; done
export EXOWIZ_DATA_DIR="$work/data-register-alone" EXOWIZ_LOGIN_URL="http://127.0.0.1:$port/" \
  EXOWIZ_GRAPH_URL="http://127.0.0.1:$port/" EXOWIZ_NO_BROWSER=1
r=$(measure run 3 "$bin" register --profile bueroware --grant-consent --json)
row "\`exowiz register\` against a separate demo tenant (sign-in included)" "$(ms "$(field "$r" 0)") ms" "peak RSS $(mib "$(field "$r" 1)") MiB"
unset EXOWIZ_DATA_DIR EXOWIZ_LOGIN_URL EXOWIZ_GRAPH_URL EXOWIZ_NO_BROWSER
kill "$emulator_pid" 2>/dev/null || true
echo "walking exowiz demo to Done by Enter alone, then 10 s of clipboard countdown…" >&2
export EXOWIZ_DATA_DIR="$work/data-walk" EXOWIZ_NO_BROWSER=1
r=$(measure walk "r show secret" 10 "$bin" demo --lang en --reset)
unset EXOWIZ_DATA_DIR EXOWIZ_NO_BROWSER
if [[ $(field "$r" 0) == True ]]; then
  row "\`exowiz demo\` to Done (Enter alone): peak RSS" "$(mib "$(field "$r" 1)") MiB" "the demo tenant runs in the same process"
  row "\`exowiz demo\`: CPU during 10 s of clipboard countdown on Done" "$(field "$r" 2) s CPU" "after \`c\` copied the secret"
else
  row "\`exowiz demo\` to Done: peak RSS" "not measured" "Done did not appear within 180 s of Enter"
fi

strip -o "$work/exowiz-stripped" "$bin"
size=$(stat -c %s "$work/exowiz-stripped")
row "binary size, stripped" "$(python3 -c "print(f'{$size/1048576:.1f}')") MiB" "$size bytes"

echo "measuring render time per screen…" >&2
render=$(cargo bench --locked --quiet --bench render 2>/dev/null | grep -v '^$')

echo "measuring round trips of register and rotate (demo tenant, 100 ms per request)…" >&2
trips=$(EXOWIZ_BIN="$bin" cargo bench --locked --quiet --bench round_trips 2>/dev/null | grep -P '^(register|rotate)\t')

# ---------------------------------------------------------------------------------------------
peer_rows=()
if $peers; then
  echo "measuring the peers…" >&2
  peer() { peer_rows+=("$1|$2|$3"); }
  r=$(HOME="$cache/home" measure run 5 "$az_bin" --version)
  peer "\`az --version\` (median of 5)" "$(ms "$(field "$r" 0)") ms" "peak RSS $(mib "$(field "$r" 1)") MiB"
  r=$(HOME="$cache/home" measure run 5 "$az_bin" ad app --help)
  peer "\`az ad app --help\` (offline)" "$(ms "$(field "$r" 0)") ms" "peak RSS $(mib "$(field "$r" 1)") MiB"
  r=$(HOME="$cache/home" measure run 5 "$m365_bin" version)
  peer "\`m365 version\` (median of 5)" "$(ms "$(field "$r" 0)") ms" "peak RSS $(mib "$(field "$r" 1)") MiB"
  r=$(HOME="$cache/home" measure run 5 "$m365_bin" entra app add --help)
  peer "\`m365 entra app add --help\` (offline)" "$(ms "$(field "$r" 0)") ms" "peak RSS $(mib "$(field "$r" 1)") MiB"
  az_version=$(HOME="$cache/home" "$az_bin" version --output tsv 2>/dev/null | head -1 | cut -f1 || true)
  m365_version=$(HOME="$cache/home" "$m365_bin" version 2>/dev/null | tr -d '"' || true)
  r=$(measure run 5 "$bin" --help)
  peer "\`exowiz --help\` (offline, for comparison)" "$(ms "$(field "$r" 0)") ms" "peak RSS $(mib "$(field "$r" 1)") MiB"
fi

# ---------------------------------------------------------------------------------------------
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')
mem=$(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)
machine="$(uname -sr), $(uname -m), $cpu, $(nproc) cores, $mem RAM, load $(cut -d' ' -f1-3 /proc/loadavg)"
rustc_v=$(rustc --version)
when=$(date -u '+%Y-%m-%d %H:%M UTC')
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)

table() {
  echo "| measure | value | note |"
  echo "|---|---|---|"
  for r in "${rows[@]}"; do echo "| ${r//|/ | } |"; done
}
trips_table() {
  echo "| job | replication lag | requests | waves (with polls) | longest chain | wall time (median of 3) | floor | over the floor |"
  echo "|---|---|---|---|---|---|---|---|"
  while IFS=$'\t' read -r job lag requests waves chain wall floor; do
    echo "| \`$job\` | $lag ms | $requests | $waves | $chain | $wall ms | $floor ms | $((wall - floor)) ms |"
  done <<<"$trips"
}
peers_table() {
  echo "| measure | value | note |"
  echo "|---|---|---|"
  for r in "${peer_rows[@]}"; do echo "| ${r//|/ | } |"; done
}

# The shipped archives' sizes and start-up (Windows under wine) come from scripts/dist.sh --bench,
# which builds what this script does not: that section of BENCHMARKS.md is carried over as it is.
dist_section=""
if [[ -f BENCHMARKS.md ]]; then
  dist_section=$(sed -n '/<!-- dist.sh --bench: begin/,/<!-- dist.sh --bench: end -->/p' BENCHMARKS.md)
fi

{
  echo "# Benchmarks"
  echo
  echo "Written by \`scripts/bench.sh$($peers && echo ' --peers')\` on $when (commit $commit, release build)."
  echo
  echo "Machine: $machine. $rustc_v. The machine is shared: figures are one run's, not a lab's."
  echo
  echo "## exowiz"
  echo
  table
  echo
  echo "## Round trips where the admin waits"
  echo
  echo "The release binary against the demo tenant (\`crates/demo-tenant\`, loopback) with 100 ms added to"
  echo "every request, signed in already (the token is given), a new tenant and data directory per run."
  echo "*Waves*: requests that had to wait for an answer before they could be sent (counted from the demo"
  echo "tenant's request log, as in \`tests/e2e/round_trips.rs\`), replication polls included. *Longest chain*:"
  echo "the waves without replication lag, i.e. the dependent requests. *Floor*: chain × 100 ms plus the"
  echo "replication lag the job must wait out (a registration waits for the new app before its service"
  echo "principal, and for that before the grants: 2 × lag; a rotation creates nothing another request"
  echo "must find). \`register\`: OfficeMaster with a transfer mailbox and \`--grant-consent\`; \`rotate\`:"
  echo "that app, a new secret and a token per API (Graph and Exchange Online)."
  echo
  trips_table
  echo
  echo "## Render time per screen"
  echo
  echo "\`cargo bench --bench render\` (ratatui into a test backend; 16 ms is one frame at 60 Hz):"
  echo
  echo '```'
  echo "$render"
  echo '```'
  if $peers; then
    echo
    echo "## Beside the Azure CLI and the CLI for Microsoft 365"
    echo
    echo "Installed into \`$cache/peers\` by this script (azure-cli $az_version from PyPI,"
    echo "@pnp/cli-microsoft365 $m365_version from npm, telemetry off); measured in the same run."
    echo
    peers_table
  fi
  if [[ -n $dist_section ]]; then
    echo
    echo "$dist_section"
  fi
} >BENCHMARKS.md

echo
table
echo
trips_table
echo
echo "$render"
if $peers; then
  echo
  peers_table
fi
echo
echo "written: BENCHMARKS.md" >&2
