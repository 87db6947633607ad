#!/usr/bin/env bash
# What a user does from a fresh clone: make pack, install the tool into a temporary tool path, run `onnxoll demo` with it.
# The install reads only artifacts/nupkg (its own nuget.config) and a fresh package cache, so a package of the same version
# cached by an earlier run, or a package of that name on nuget.org, can never stand in for the one just packed.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
start=$SECONDS
make pack
nupkg="$(ls artifacts/nupkg/OnnxOll.Cli.*.nupkg)"
echo "tool package: $nupkg, $(du -k "$nupkg" | cut -f1) KB"
cat > "$tmp/nuget.config" <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration><packageSources><clear /><add key="local" value="$PWD/artifacts/nupkg" /></packageSources></configuration>
XML
NUGET_PACKAGES="$tmp/packages" dotnet tool install OnnxOll.Cli --tool-path "$tmp/tool" --configfile "$tmp/nuget.config"
installed=$SECONDS
"$tmp/tool/onnxoll" demo --out "$tmp/demo"
for file in sit/summary.json sit/metrics.csv sit/accuracy.png all/summary.json; do
  test -s "$tmp/demo/$file" || { echo "tool smoke: onnxoll demo wrote no $file" >&2; exit 1; }
done
echo "tool smoke: pack + install $((installed - start)) s, demo $((SECONDS - installed)) s"
