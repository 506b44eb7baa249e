#!/usr/bin/env bash
# Builds the native stockdata binary (the whole CLI compiled ahead of time: no JIT, a one-symbol export takes about
# 0.1 s instead of 0.4 s) into src/StockData.Pipeline/bin/native/stockdata. Needs clang and zlib's headers (Debian
# packages `clang`, `zlib1g-dev`), installed here when missing. About 2-4 min on two cores.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
if ! command -v clang >/dev/null 2>&1 || [ ! -f /usr/include/zlib.h ]; then
  echo "[build-native] installing clang and zlib1g-dev (apt-get)" >&2
  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq clang zlib1g-dev >/dev/null
fi
out=src/StockData.Pipeline/bin/native
dotnet publish src/StockData.Pipeline/StockData.Pipeline.csproj -c Release -p:StockDataNative=true -o "$out" -nologo -v quiet -clp:ErrorsOnly
rm -f "$out/stockdata.dbg" "$out"/*.xml
echo "$out/stockdata"
