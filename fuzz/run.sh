#!/usr/bin/env bash
# Fuzz one target with AFL++ for a bounded time:  fuzz/run.sh TARGET SECONDS
#   TARGET: rle-decoder | intake | library | frame-parser | g4-decoder | jbig2-decoder   (dotnet fuzz/.build/bin/RleTcp.Fuzz.dll --list shows them)
#   fuzz/run.sh --build   only builds and instruments.
# Builds fuzz/RleTcp.Fuzz in Release into fuzz/.build/bin, instruments RleTcp.Protocol.dll, RleTcp.Imaging.dll and
# SixLabors.ImageSharp.dll with the pinned sharpfuzz tool, seeds afl-fuzz from fuzz/corpus/TARGET, prints
# executions/s, total executions, crashes and hangs, and copies each crashing or hanging input to
# fuzz/crashes/TARGET/ or fuzz/hangs/TARGET/ (named by content hash).
# Every run is bounded twice: AFL++'s hang detection (-t, per input) and a memory limit (-m FUZZ_MEMORY_MB of address
# space, 4096 by default, plus the .NET heap cap DOTNET_GCHeapHardLimit of FUZZ_HEAP_MB, 512 by default: -m alone
# cannot cap a .NET process, whose runtime reserves far more address space than it uses).
# The library target's seeds are fuzz/corpus/intake plus fuzz/regressions/library (a decoder loop, a memory bomb).
# Environment: FUZZ_NO_BUILD=1 reuses the last build; FUZZ_TIMEOUT_MS overrides the per-run timeout.
# Exit: 0 nothing found, 3 crashes or hangs found, anything else an error. Hangs of the library target are the
# library's own (the decode sandbox kills them at the deadline): they are kept in fuzz/hangs/library/ and reported,
# but only its crashes fail the run.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
build="$root/fuzz/.build"
bin="$build/bin"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

ensure_afl() {
  if ! command -v afl-fuzz >/dev/null 2>&1; then
    echo "installing afl++"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq afl++ >/dev/null
  fi
}

build_instrumented() {
  echo "== building fuzz/RleTcp.Fuzz (Release) into fuzz/.build/bin"
  rm -rf "$bin"   # sharpfuzz instruments in place and refuses an already instrumented assembly
  dotnet publish fuzz/RleTcp.Fuzz/RleTcp.Fuzz.csproj -c Release -o "$bin" --nologo -v quiet
  dotnet tool restore >/dev/null
  for dll in RleTcp.Protocol.dll RleTcp.Imaging.dll SixLabors.ImageSharp.dll; do
    echo "== instrumenting $dll"
    dotnet tool run sharpfuzz "$bin/$dll"
  done
}

if [ "${1:-}" = "--build" ]; then
  build_instrumented
  exit 0
fi

if [ $# -ne 2 ] || ! [[ "$2" =~ ^[0-9]+$ ]]; then
  echo "usage: fuzz/run.sh TARGET SECONDS | fuzz/run.sh --build" >&2
  exit 2
fi
target=$1
seconds=$2
corpus="$root/fuzz/corpus/$target"
if [ "$target" = library ]; then
  # The library decodes what the intake hands it: the intake's seeds, and the inputs known to hang or balloon it.
  corpus="$build/seeds/library"
  rm -rf "$corpus"
  mkdir -p "$corpus"
  cp "$root"/fuzz/corpus/intake/* "$root"/fuzz/regressions/library/* "$corpus"/
fi
if [ ! -d "$corpus" ] || [ -z "$(ls -A "$corpus")" ]; then
  echo "error: no seed corpus at fuzz/corpus/$target" >&2
  exit 2
fi

ensure_afl
if [ "${FUZZ_NO_BUILD:-}" != 1 ] || [ ! -f "$bin/RleTcp.Fuzz.dll" ]; then
  build_instrumented
fi
if ! dotnet "$bin/RleTcp.Fuzz.dll" --list | cut -f1 | grep -qx "$target"; then
  echo "error: unknown target '$target'" >&2
  exit 2
fi

# Image decoding of a 4-megapixel budget needs more than the decoder targets; a hang is a run past this.
case "$target" in
  intake | library) timeout_ms=${FUZZ_TIMEOUT_MS:-5000} ;;
  *) timeout_ms=${FUZZ_TIMEOUT_MS:-2000} ;;
esac
memory_mb=${FUZZ_MEMORY_MB:-4096}
heap_mb=${FUZZ_HEAP_MB:-512}

findings="$build/findings/$target"
rm -rf "$findings"
mkdir -p "$findings"

# dotnet is not AFL-instrumented itself (the coverage map comes from the instrumented assemblies), CI has no tty,
# no core_pattern or CPU governor to tune, and 2 cores that other work may share.
export AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 \
  AFL_NO_AFFINITY=1 AFL_FORKSRV_INIT_TMOUT=60000 AFL_QUIET=1
# The heap cap is what stops a decoder's memory bomb (an OutOfMemoryException, reported as a crash if it escapes).
export DOTNET_GCHeapHardLimit=$(printf '0x%X' $((heap_mb * 1024 * 1024))) DOTNET_gcServer=0
echo "== afl-fuzz $target for ${seconds}s (timeout ${timeout_ms} ms per run, ${memory_mb} MB address space, ${heap_mb} MB heap)"
status=0
# -V stops fuzzing after SECONDS; the outer timeout only guards start-up and calibration from hanging CI.
timeout --signal=INT --kill-after=30 $((seconds + 180)) \
  afl-fuzz -i "$corpus" -o "$findings" -V "$seconds" -t "$timeout_ms" -m "$memory_mb" \
  -- "$(command -v dotnet)" "$bin/RleTcp.Fuzz.dll" "$target" >"$build/afl-$target.log" 2>&1 || status=$?
stats="$findings/default/fuzzer_stats"
if [ ! -f "$stats" ]; then
  echo "error: afl-fuzz did not start (exit $status); the end of fuzz/.build/afl-$target.log:" >&2
  tail -40 "$build/afl-$target.log" >&2
  exit 1
fi

stat() { awk -F' *: *' -v k="$1" '$1 == k { print $2 }' "$stats"; }
execs=$(stat execs_done)
run_time=$(stat run_time)
crashes=$(stat saved_crashes)
hangs=$(stat saved_hangs)
paths=$(stat corpus_count)
eps=$(awk -v e="$execs" -v t="$run_time" 'BEGIN { printf "%.1f", (t > 0 ? e / t : 0) }')

keep() { # keep SRC_DIR DEST_DIR: copies AFL's id:* files, named by content hash so reruns do not duplicate them
  local n=0 f
  for f in "$1"/id:*; do
    [ -e "$f" ] || continue
    mkdir -p "$2"
    cp "$f" "$2/$(sha1sum "$f" | cut -c1-16)"
    n=$((n + 1))
  done
  [ "$n" -eq 0 ] || echo "   copied $n input(s) to ${2#"$root"/}"
}
keep "$findings/default/crashes" "$root/fuzz/crashes/$target"
keep "$findings/default/hangs" "$root/fuzz/hangs/$target"

echo "RESULT target=$target seconds=$run_time execs=$execs execs_per_sec=$eps corpus=$paths crashes=$crashes hangs=$hangs"
if [ "$crashes" != 0 ] && [ -d "$root/fuzz/crashes/$target" ]; then
  echo "== replaying fuzz/crashes/$target"
  dotnet "$bin/RleTcp.Fuzz.dll" "$target" --replay "$root/fuzz/crashes/$target"/* | grep -v '^   at ' | head -40 || true
fi
if [ "$target" = library ] && [ "$crashes" = 0 ]; then
  # The decoder's own loops: bounded by the sandbox, kept as test material (LibraryFuzzInputsAreBoundedByTheSandbox).
  [ "$hangs" = 0 ] || echo "   $hangs library hang(s) kept in fuzz/hangs/library/ (bounded by the decode sandbox, not a failure)"
  exit 0
fi
if [ "$crashes" != 0 ] || [ "$hangs" != 0 ]; then
  exit 3
fi
