#!/usr/bin/env bash
# Scale-out demo, all on loopback: three RleTcp servers, HAProxy in front (deploy/haproxy/haproxy.cfg), and
# `rletcp load --verify` through HAProxy. One server is killed (SIGKILL) in the middle of the load; the client
# library re-sends the requests its dead connections held on other connections, so the run must finish with no
# failed request and no wrong answer. Prints each server's request count from its /metrics. Everything it starts is
# stopped by PID on exit. Needs ../shared/vectors beside the repository; installs haproxy with apt-get if missing.
# Usage: bash deploy/scale-out-demo.sh   (env: DURATION=12s KILL_AFTER=4 CONNECTIONS=6 BASE_PORT=22015)
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

DURATION=${DURATION:-12s}
KILL_AFTER=${KILL_AFTER:-4}
CONNECTIONS=${CONNECTIONS:-6}
BASE_PORT=${BASE_PORT:-22015}
LB_PORT=$BASE_PORT
VECTORS=../shared/vectors
FILES=(crop_libtasn1_p15_256.png syn_bmp_topdown_250x90.bmp syn_palette16_320x240.gif syn_checker1_301x99.bmp syn_gray_gradient_512x128.png)

work=$(mktemp -d)
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT

say() { printf '\n== %s\n' "$*"; }

if ! command -v haproxy >/dev/null 2>&1; then
  say "installing haproxy"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq haproxy >/dev/null
fi
haproxy -v | head -n 1

say "building the server and the CLI (Release)"
dotnet build server/RleTcp.Server -c Release -v quiet --nologo >/dev/null
dotnet build client/RleTcp.Cli -c Release -v quiet --nologo >/dev/null
server_bin=server/RleTcp.Server/bin/Release/net10.0/RleTcp.Server
cli_bin=client/RleTcp.Cli/bin/Release/net10.0/rletcp

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for offset in 0 1 2 3 11 12 13; do
  if ! port_free $((BASE_PORT + offset)); then
    echo "scale-out-demo: port $((BASE_PORT + offset)) on 127.0.0.1 is in use; set BASE_PORT" >&2
    exit 1
  fi
done

wait_ready() { # metrics port, server log
  for _ in $(seq 1 100); do
    if [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$1/healthz")" = 200 ]; then
      return 0
    fi
    sleep 0.1
  done
  echo "scale-out-demo: the server behind $1 did not become ready:" >&2
  cat "$2" >&2
  return 1
}

# Image requests this server answered (all statuses), from its Prometheus text.
requests_of() {
  curl -s "http://127.0.0.1:$1/metrics" | awk '/^rletcp_server_requests_total\{/ { s += $NF } END { print s + 0 }'
}

say "starting three servers"
declare -A server_pid metrics_port
for n in 1 2 3; do
  port=$((BASE_PORT + n)); mport=$((BASE_PORT + 10 + n))
  "$server_bin" --port "$port" --metrics-port "$mport" --workers 1 >"$work/server$n.log" 2>&1 &
  server_pid[$n]=$!; pids+=("$!"); metrics_port[$n]=$mport
done
for n in 1 2 3; do
  wait_ready "${metrics_port[$n]}" "$work/server$n.log"
  echo "server s$n: pid ${server_pid[$n]}, rletcp 127.0.0.1:$((BASE_PORT + n)), /metrics and /healthz on 127.0.0.1:${metrics_port[$n]}"
done

say "starting HAProxy on 127.0.0.1:$LB_PORT (leastconn, tcp-check ping every 1 s)"
export RLETCP_LB_BIND=127.0.0.1:$LB_PORT RLETCP_LB_STATS=$work/haproxy.sock
export RLETCP_S1=127.0.0.1:$((BASE_PORT + 1)) RLETCP_S2=127.0.0.1:$((BASE_PORT + 2)) RLETCP_S3=127.0.0.1:$((BASE_PORT + 3))
haproxy -c -q -f deploy/haproxy/haproxy.cfg
haproxy -db -f deploy/haproxy/haproxy.cfg >"$work/haproxy.log" 2>&1 &
haproxy_pid=$!; pids+=("$haproxy_pid")
for _ in $(seq 1 50); do
  port_free "$LB_PORT" || break
  sleep 0.1
done
sleep 2.5 # two health checks, so every server is up in HAProxy's view
echo "haproxy: pid $haproxy_pid"

say "rletcp load --verify through HAProxy: $CONNECTIONS connections, $DURATION; server s2 is killed after ${KILL_AFTER}s"
inputs=()
for f in "${FILES[@]}"; do inputs+=("$VECTORS/$f"); done
"$cli_bin" load --server "127.0.0.1:$LB_PORT" -c "$CONNECTIONS" -k 2 -d "$DURATION" --verify "${inputs[@]}" >"$work/load.out" 2>&1 &
load_pid=$!; pids+=("$load_pid")

sleep "$KILL_AFTER"
killed_before=$(requests_of "${metrics_port[2]}")
kill -KILL "${server_pid[2]}"
wait "${server_pid[2]}" 2>/dev/null || true
echo "killed server s2 (pid ${server_pid[2]}, SIGKILL) after ${KILL_AFTER}s; it had answered $killed_before requests"

load_status=0
wait "$load_pid" || load_status=$?
cat "$work/load.out"

say "per-server request counts (rletcp_server_requests_total from each server's /metrics)"
total=0
for n in 1 2 3; do
  if [ "$n" = 2 ]; then
    count=$killed_before
    echo "s2: $count (killed: read just before the kill)"
  else
    count=$(requests_of "${metrics_port[$n]}")
    echo "s$n: $count"
  fi
  total=$((total + count))
done
echo "sum: $total"
echo "haproxy's view of the servers after the kill:"
python3 - "$work/haproxy.sock" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); s.connect(sys.argv[1]); s.sendall(b"show stat\n")
data = b""
while chunk := s.recv(65536):
    data += chunk
rows = [line.split(",") for line in data.decode().splitlines() if line and not line.startswith("#")]
for row in rows:
    if row[0] == "rletcp_servers" and row[1] not in ("BACKEND",):
        print(f"  {row[1]}: {row[17]}, {row[7]} connections in all")
PY

say "result"
if [ "$load_status" -ne 0 ]; then
  echo "FAIL: rletcp load exited $load_status" >&2
  exit 1
fi
if ! grep -q "errors: none" "$work/load.out" || ! grep -Eq "verify: [1-9][0-9]* answers compared with a local compression, 0 mismatches" "$work/load.out"; then
  echo "FAIL: the load had failed requests or wrong answers" >&2
  exit 1
fi
echo "OK: every request answered, zero wrong answers, with server s2 killed in the middle of the run"
