#!/usr/bin/env bash
# Builds the libtorch peer (../shared/peer, TorchSharp-cpu) OUTSIDE the repository and prints the path of its executable.
# The peer is not part of OnnxOll: its sources are copied to $PEER_BUILD (default: $TMPDIR/onnxoll-peer) and built there.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
src="${PEER_SOURCE:-$root/../shared/peer}"
out="${PEER_BUILD:-${TMPDIR:-/tmp}/onnxoll-peer}"
if [ ! -f "$src/ClipRef.csproj" ]; then
  echo "build-peer: no peer sources at $src" >&2
  exit 1
fi
case "$(cd "$(dirname "$out")" && pwd)/" in
  "$root"/*) echo "build-peer: $out is inside the repository; choose a PEER_BUILD outside it" >&2; exit 1 ;;
esac
mkdir -p "$out"
cp "$src"/*.cs "$src"/*.csproj "$out"/
chmod -R u+w "$out"
dotnet build "$out" -c Release --nologo -v quiet >&2
echo "$out/bin/Release/net10.0/clipref"
