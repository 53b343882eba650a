#!/usr/bin/env bash
# One command for issue 5's table: builds Release, runs the micro benchmarks (BenchmarkDotNet, short job), starts
# the servers it needs on 127.0.0.1, runs the end-to-end loads with `rletcp load`, prints one table of figures and
# same-run ratios, and stops every process it started (by PID, in an EXIT trap).
#
#   bench/run.sh                 everything (about 8 minutes on 2 cores)
#   bench/run.sh --e2e-only      skip the micro benchmarks
#   bench/run.sh --micro-only    skip the end-to-end part
#   RLETCP_BENCH_PORT=27100      first of the 7 loopback ports used (27100..27106 by default)
#   RLETCP_BENCH_SECONDS=5       length of each throughput run
#
# Results go to bench/results/<UTC time>/ (results.tsv, table.md, server logs, the generated images).
set -euo pipefail
cd "$(dirname "$0")/.."

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
micro=1 e2e=1
for arg in "$@"; do
  case "$arg" in
    --e2e-only) micro=0 ;;
    --micro-only) e2e=0 ;;
    *) echo "usage: bench/run.sh [--e2e-only|--micro-only]" >&2; exit 2 ;;
  esac
done

port_base=${RLETCP_BENCH_PORT:-27100}
seconds=${RLETCP_BENCH_SECONDS:-5}
out="bench/results/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"
results="$out/results.tsv"
: > "$results"
vectors="$(cd .. && pwd)/shared/vectors"
small="$vectors/crop_libtasn1_p15_256.png"

pids=()
stop_all() {
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
}
trap stop_all EXIT
trap 'exit 130' INT TERM

echo "== machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), dotnet $(dotnet --version)"
echo "== build (Release)"
dotnet build RleTcp.sln -c Release -v quiet -nologo | tail -3
bench_dll=bench/RleTcp.Benchmarks/bin/Release/net10.0/RleTcp.Benchmarks.dll
server_dll=server/RleTcp.Server/bin/Release/net10.0/RleTcp.Server.dll
rletcp_dll=client/RleTcp.Cli/bin/Release/net10.0/rletcp.dll

echo "== inputs"
dotnet "$bench_dll" images "$out/images"

if [ "$micro" = 1 ]; then
  echo "== micro benchmarks (BenchmarkDotNet, ShortRun)"
  dotnet "$bench_dll" micro --out "$results" --job short > "$out/micro.log" 2>&1 || {
    echo "micro benchmarks failed; see $out/micro.log" >&2; tail -20 "$out/micro.log" >&2; exit 1; }
  cp -r BenchmarkDotNet.Artifacts/results "$out/bdn-results" 2>/dev/null || true
fi

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_port() { # wait until something accepts on the port, or the process died
  for _ in $(seq 1 100); do
    if ! port_free "$1"; then return 0; fi
    kill -0 "$2" 2>/dev/null || { echo "server on port $1 exited; see its log" >&2; return 1; }
    sleep 0.1
  done
  echo "server on port $1 did not start within 10 s" >&2; return 1
}
start_peer() { # name port command...: a bench peer (not the server), stopped by the same EXIT trap
  local name=$1 port=$2; shift 2
  port_free "$port" || { echo "port $port is taken; set RLETCP_BENCH_PORT" >&2; exit 1; }
  "$@" > "$out/peer-$name.log" 2>&1 &
  local pid=$!
  pids+=("$pid")
  wait_port "$port" "$pid"
}
start_server() { # name port args...
  local name=$1 port=$2; shift 2
  port_free "$port" || { echo "port $port is taken; set RLETCP_BENCH_PORT" >&2; exit 1; }
  dotnet "$server_dll" --port "$port" "$@" > "$out/server-$name.log" 2>&1 &
  local pid=$!
  pids+=("$pid")
  wait_port "$port" "$pid"
  eval "pid_$name=$pid"
}

if [ "$e2e" = 1 ]; then
  if ! grep -rq "FrameEcho" server/RleTcp.Server 2>/dev/null; then
    echo "== end-to-end: SKIPPED (the server with its frame-echo workload is not in this tree yet)"
  else
    load_args=(--rletcp "$rletcp_dll")
    if ! grep -rqi '"load"' client/RleTcp.Cli 2>/dev/null; then
      echo "== note: 'rletcp load' is not in this tree yet: only the rows that need no load generator are measured"
      load_args=()
    fi
    echo "== end-to-end (servers on 127.0.0.1:$port_base..$((port_base + 3)))"
    start_server compress1 "$port_base" --workers 1
    start_server compress2 "$((port_base + 1))" --workers 2
    start_server echo "$((port_base + 2))" --workers 2 --workload FrameEcho
    start_server idle "$((port_base + 3))" --workers 2
    # shellcheck disable=SC2154 # pid_idle is set by start_server through eval
    dotnet "$bench_dll" e2e --out "$results" "${load_args[@]}" --seconds "$seconds" \
      --big "$out/images/LineArt.bmp" --small "$small" \
      --compress1 "127.0.0.1:$port_base" --compress2 "127.0.0.1:$((port_base + 1))" \
      --echo "127.0.0.1:$((port_base + 2))" --idle "127.0.0.1:$((port_base + 3))" --idle-pid "$pid_idle" \
      2>&1 | tee "$out/e2e.log"
    stop_all
    pids=()

    # Issue 14, transport: FrameEcho against the plain-socket framed echo peer, alternating, same client.
    if [ ${#load_args[@]} -gt 0 ]; then
      echo "== transport (issue 14): FrameEcho vs the plain-socket echo peer"
      start_peer echo "$((port_base + 4))" dotnet "$bench_dll" echo-peer --port "$((port_base + 4))"
      start_server frameecho "$((port_base + 5))" --workers 2 --workload FrameEcho
      dotnet "$bench_dll" transport --out "$results" "${load_args[@]}" --seconds "$seconds" \
        --big "$out/images/LineArt.bmp" --small "$small" \
        --peer "127.0.0.1:$((port_base + 4))" --echo "127.0.0.1:$((port_base + 5))" 2>&1 | tee "$out/transport.log"
      stop_all
      pids=()
    fi

    # Issue 14, grey and colour scans: Pillow 9.4 in process (bench/peers/pillow_convert.py), RleTcp's intake in
    # process, and the server end to end on the same generated pages, one row per page.
    if [ ${#load_args[@]} -gt 0 ]; then
      echo "== grey and colour scans (issue 14): server end to end vs Pillow in process"
      dotnet "$bench_dll" scans "$out/scans" > /dev/null
      /usr/bin/python3 bench/peers/pillow_convert.py --runs 5 "$out"/scans/* > "$out/scans-pillow.tsv"
      dotnet "$bench_dll" intake --runs 5 "$out"/scans/* > "$out/scans-intake.tsv"
      start_server scans "$((port_base + 6))" --workers 2
      dotnet "$bench_dll" scans-e2e --out "$results" "${load_args[@]}" --server "127.0.0.1:$((port_base + 6))" \
        --pillow "$out/scans-pillow.tsv" --intake "$out/scans-intake.tsv" "$out"/scans/* 2>&1 | tee "$out/scans.log"
      stop_all
      pids=()
    fi
  fi
fi

echo
echo "== results ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg))"
dotnet "$bench_dll" table "$results" --markdown > "$out/table.md"
dotnet "$bench_dll" table "$results"
echo "(saved in $out)"
