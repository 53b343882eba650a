#!/usr/bin/env bash
# Bounded fuzz smoke run for CI: builds and instruments once, then runs every fuzz target for FUZZ_SMOKE_SECONDS
# (default 25) each with AFL++ (installed when missing). Exits non-zero when any target found a crash or a hang,
# and leaves the inputs in fuzz/crashes/TARGET/ or fuzz/hangs/TARGET/ for a regression test.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${FUZZ_SMOKE_SECONDS:-25}

if ! command -v afl-fuzz >/dev/null 2>&1; then
  echo "installing afl++"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq afl++ >/dev/null
fi

fuzz/run.sh --build
targets=$(dotnet fuzz/.build/bin/RleTcp.Fuzz.dll --list | cut -f1)
failed=()
for target in $targets; do
  status=0
  FUZZ_NO_BUILD=1 fuzz/run.sh "$target" "$seconds" || status=$?
  if [ "$status" -ne 0 ]; then
    failed+=("$target (exit $status)")
  fi
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz smoke: FAILED: ${failed[*]}" >&2
  exit 1
fi
echo "fuzz smoke: every target ran ${seconds}s with no crash or hang"
