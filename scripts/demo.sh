#!/usr/bin/env bash
# The offline demo: local PostgreSQL and Redis (scripts/services.sh), build, migrate, show the schema.
# (The pipeline issue turns this into a replay of samples/ through the bundled Yahoo simulator.)
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

. scripts/services.sh
sd_services_up

dotnet build StockData.Pipeline.sln -c Release -nologo -v quiet -clp:ErrorsOnly
stockdata() { dotnet src/StockData.Pipeline/bin/Release/net10.0/stockdata.dll "$@"; }

stockdata migrate
stockdata migrate   # a second run is a no-op: migrations are idempotent

port=${ConnectionStrings__Postgres##*Port=}; port=${port%%;*}
echo
echo "Tables in the store:"
psql -h 127.0.0.1 -p "$port" -U postgres -d stockdata -P pager=off -c '\dt+'
psql -h 127.0.0.1 -p "$port" -U postgres -d stockdata -P pager=off -c '\d daily_bars'
echo "The services stop when this script exits. Next: README.md (configuration, CLI, architecture)."
