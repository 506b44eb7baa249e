#!/usr/bin/env bash
# The long reliability soak (docs/reliability.md): the upstream chaos test over STOCKDATA_SOAK_SYMBOLS symbols
# (default 1000; the default suite runs 200), with its own PostgreSQL and Redis (scripts/services.sh). Prints the
# test's figures (symbols, requests, faults injected, outcomes, rows) and ends with the test result.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 STOCKDATA_TEST_REQUIRE=1
export STOCKDATA_SOAK_SYMBOLS=${STOCKDATA_SOAK_SYMBOLS:-1000}
. scripts/services.sh
sd_services_up
dotnet build tests/StockData.IntegrationTests -c Release -nologo -v quiet -clp:ErrorsOnly
dotnet test tests/StockData.IntegrationTests -c Release --no-build -nologo \
  --filter "FullyQualifiedName~Reliability.UpstreamChaosTests" --logger "console;verbosity=detailed" "$@"
