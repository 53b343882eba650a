#!/usr/bin/env bash
# The CLI as a .NET tool, end to end: pack client/RleTcp.Cli into a temporary folder, install it from there into a
# temporary tool path (never the machine's global tools), run `rletcp --version`, and compress a small reference
# vector with `rletcp compress --local`, comparing the output with its NAME.expected.rle byte for byte; then a GIF
# and a JPEG whose decode outlives its --timeout (it runs in the tool's decode sandbox, the installed tool in its
# worker mode, and must fail with Timeout).
# Usage: bash .ci/tool-smoke.sh   (needs ../shared/vectors beside the repository, like the tests)
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

vectors=../shared/vectors
vector=crop_libtasn1_p15_256.png
if [ ! -f "$vectors/$vector" ]; then
  echo "tool-smoke: $vectors/$vector is missing" >&2
  exit 1
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "tool-smoke: packing client/RleTcp.Cli"
dotnet pack client/RleTcp.Cli -c Release -o "$work/pack" --nologo -v quiet
package=$(find "$work/pack" -maxdepth 1 -name 'rletcp.*.nupkg' ! -name '*.symbols.nupkg' | head -n 1)
if [ -z "$package" ]; then
  echo "tool-smoke: dotnet pack made no rletcp package" >&2
  exit 1
fi
version=$(basename "$package" .nupkg)
version=${version#rletcp.}

# The exact version from the local folder: a package of the same name elsewhere can never be picked instead.
echo "tool-smoke: installing rletcp $version into a temporary tool path"
dotnet tool install rletcp --tool-path "$work/tools" --add-source "$work/pack" --version "$version"

echo "tool-smoke: rletcp --version"
reported=$("$work/tools/rletcp" --version)
echo "  $reported"
case "$reported" in
  "$version"*) ;;
  *) echo "tool-smoke: --version printed '$reported', expected $version" >&2; exit 1 ;;
esac

echo "tool-smoke: rletcp compress --local $vector"
cp "$vectors/$vector" "$work/"
"$work/tools/rletcp" compress --local "$work/$vector" -o "$work/out"
cmp "$work/out/${vector%.*}.rle" "$vectors/${vector%.*}.expected.rle"
# A library format: decoded in the tool's decode sandbox, i.e. the installed tool started again in its worker mode.
library_vector=syn_palette16_320x240.gif
echo "tool-smoke: rletcp compress --local $library_vector"
cp "$vectors/$library_vector" "$work/"
"$work/tools/rletcp" compress --local "$work/$library_vector" -o "$work/out"
cmp "$work/out/${library_vector%.*}.rle" "$vectors/${library_vector%.*}.expected.rle"

# A decode that outlives its deadline (the looping PNG of issue 10 is read by our own reader now, so a 4000x4000
# noise JPEG stands for it): the decode worker never watches the deadline, so only the kill ends it. The tool must
# fail that file with Timeout, in bounded time.
echo "tool-smoke: rletcp compress --local --timeout 300ms on a decode that outlives it"
# Progressive and 4:4:4, so libjpeg-turbo (the tool's JPEG decoder) takes ~780 ms on it: a baseline one takes ~300 ms.
/usr/bin/python3 -c 'import os, sys; from PIL import Image, ImageFile; ImageFile.MAXBLOCK = 1 << 28; Image.frombytes("RGB", (4000, 4000), os.urandom(48000000)).save(sys.argv[1], quality=95, progressive=True, subsampling=0)' "$work/slow.jpg"
status=0
timeout 60 "$work/tools/rletcp" compress --local --timeout 300ms "$work/slow.jpg" -o "$work/out" 2>"$work/slow.err" || status=$?
if [ "$status" -ne 1 ] || ! grep -q "Timeout" "$work/slow.err"; then
  echo "tool-smoke: expected exit 1 with a Timeout line, got exit $status: $(cat "$work/slow.err")" >&2
  exit 1
fi

echo "tool-smoke: OK (the installed tool's outputs equal ${vector%.*}.expected.rle and ${library_vector%.*}.expected.rle; a decode past its deadline fails in bounded time)"
