#!/usr/bin/env bash
# The CLI as a .NET tool, end to end: pack client/RleTcp.Cli into a temporary folder, install it from there into a
# temporary tool path (never the machine's global tools), run `rletcp --version`, and compress a small reference
# vector with `rletcp compress --local`, comparing the output with its NAME.expected.rle byte for byte.
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
echo "tool-smoke: OK (the installed tool's output equals ${vector%.*}.expected.rle)"
