#!/usr/bin/env bash
# Runs a `stockdata-bench` verb the way a user's server would see it: against a private PostgreSQL with its
# durability defaults (fsync, synchronous_commit, full_page_writes on; scripts/services.sh, SD_PG_DURABLE=1), not the
# fast test settings. Prints the load average before and after (the machine's speed decides the absolute figures; the
# ratios are measured side by side in one run). Leaves nothing running.
#
#   scripts/bench.sh writer   [--symbols 500] [--bars 2520] [--rounds 3] [--json]
#   scripts/bench.sh pipeline [--symbols 500] [--years 10] [--rounds 3] [--json]
#   scripts/bench.sh read     [--symbols 100] [--years 10] [--rounds 3] [--json]
#   scripts/bench.sh daemon   [--symbols 1000] [--replicas 1,2,4] [--json]   M symbols due at once, refreshed by R real
#                                                   `stockdata run` replicas (docs/performance.md, Daemon capacity curve)
#   scripts/bench.sh writer --via-pgbouncer [...]   the same through PgBouncer in transaction mode (services.sh
#                                                   sd_pgbouncer_up) with StockData__Storage__Pooler=Transaction
#
# Set ConnectionStrings__Postgres to bench against a server of your own instead (its settings are printed).
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
[ $# -ge 1 ] || { echo "usage: $0 writer|pipeline|read|daemon [bench options]" >&2; exit 2; }

via_pgbouncer=0
args=()
for a in "$@"; do if [ "$a" = --via-pgbouncer ]; then via_pgbouncer=1; else args+=("$a"); fi; done
set -- "${args[@]}"

. scripts/services.sh
export SD_PG_DURABLE=1
sd_services_up
if [ $via_pgbouncer = 1 ]; then
  sd_pgbouncer_up
  export ConnectionStrings__Postgres="$SD_PGBOUNCER_POSTGRES" StockData__Storage__Pooler=Transaction
  echo "via PgBouncer in transaction mode: $ConnectionStrings__Postgres (StockData__Storage__Pooler=Transaction)" >&2
fi
[ -f src/StockData.Bench/bin/Release/net10.0/stockdata-bench.dll ] && [ -f src/StockData.YahooSim/bin/Release/net10.0/StockData.YahooSim.dll ] \
  || dotnet build StockData.Pipeline.sln -c Release -nologo -v quiet -clp:ErrorsOnly
echo "load before: $(uptime)" >&2
rc=0
dotnet src/StockData.Bench/bin/Release/net10.0/stockdata-bench.dll "$@" || rc=$?
echo "load after:  $(uptime)" >&2
exit $rc
