#!/usr/bin/env bash
# The export's "done when" at the demo's size: `stockdata export --all --format parquet` over a store of 508 symbols x
# 2,520 daily bars (1,280,160 rows, the size `scripts/demo.sh` fills), every file read back by DuckDB with the sums per
# symbol (rows, volume, close) checked against the store's, a rerun that writes nothing, and an export killed with
# SIGKILL half-way whose rerun ends with the uninterrupted export's manifest. It runs the integration test
# ExportAtScaleTests (the suite runs it at 60 symbols) on a private durable PostgreSQL and prints its report.
#
#   scripts/export-check.sh [SYMBOLS]          # default 508
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
symbols="${1:-508}"
report="$(mktemp)"

. scripts/services.sh
export SD_PG_DURABLE=1 STOCKDATA_TEST_REQUIRE=1
sd_services_up
[ -f src/StockData.Pipeline/bin/Release/net10.0/stockdata.dll ] && [ -f tests/StockData.IntegrationTests/bin/Release/net10.0/StockData.IntegrationTests.dll ] \
  || dotnet build StockData.Pipeline.sln -c Release -nologo -v quiet -clp:ErrorsOnly
echo "load before: $(uptime)" >&2
rc=0
STOCKDATA_EXPORT_CHECK_SYMBOLS="$symbols" STOCKDATA_EXPORT_CHECK_REPORT="$report" \
  dotnet test tests/StockData.IntegrationTests -c Release --no-build --filter 'FullyQualifiedName~ExportAtScaleTests' >&2 || rc=$?
echo "load after:  $(uptime)" >&2
cat "$report"
rm -f "$report"
[ "$rc" = 0 ] && echo "export-check: passed" || echo "export-check: FAILED (exit $rc)"
exit $rc
