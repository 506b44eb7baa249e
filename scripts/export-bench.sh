#!/usr/bin/env bash
# Measures `stockdata export` against `COPY (SELECT …) TO STDOUT` of the same rows from the same server in the same
# run, on a demo-sized store: scripts/demo.sh's replay of samples/tickers-500.txt over ten years (1.28 M daily bars).
# Prints rows/s of each and the ratios. Usage: scripts/export-bench.sh [TICKERS] (default samples/tickers-500.txt).
# Needs a Release build (dotnet build StockData.Pipeline.sln -c Release).
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
tickers=${1:-samples/tickers-500.txt}

. scripts/services.sh
SD_PG_DURABLE=1 sd_services_up

stockdata() { dotnet src/StockData.Pipeline/bin/Release/net10.0/stockdata.dll "$@"; }
sim_port=$(sd_free_port 18080)
work=$(mktemp -d /tmp/stockdata-export-bench.XXXXXX)
dotnet src/StockData.YahooSim/bin/Release/net10.0/StockData.YahooSim.dll --auth session --urls "http://127.0.0.1:$sim_port" >"$work/sim.log" 2>&1 &
sim_pid=$!
trap 'rc=$?; kill "$sim_pid" 2>/dev/null; wait "$sim_pid" 2>/dev/null; rm -rf "$work"; sd_services_down; exit $rc' EXIT
sd_wait 30 curl -fs "http://127.0.0.1:$sim_port/healthz" || { cat "$work/sim.log" >&2; exit 1; }

stockdata migrate >/dev/null
from=$(date -u -d '10 years ago' +%Y-%m-%d)
stockdata replay "$tickers" --base-url "http://127.0.0.1:$sim_port" --from "$from" \
  --rate 5000 --burst 100 --concurrency 8 >"$work/replay.log" 2>&1 || { tail -20 "$work/replay.log" >&2; exit 1; }

pg="${ConnectionStrings__Postgres}"
port=$(sed -E 's/.*Port=([0-9]+).*/\1/' <<<"$pg")
q() { psql -h 127.0.0.1 -p "$port" -U postgres -d stockdata -At "$@"; }
rows=$(q -c "SELECT count(*) FROM daily_bars WHERE interval = '1d'")
echo "store: $rows daily bars of $(q -c "SELECT count(*) FROM symbols") symbols"

now() { date +%s.%N; }
rate() { awk -v r="$1" -v a="$2" -v b="$3" 'BEGIN { printf "%.0f", r / (b - a) }'; }

copy_once() {
  local t0 t1; t0=$(now)
  q -c "COPY (SELECT symbol, interval, ts, trade_date, open, high, low, close, adj_close, volume FROM daily_bars
               WHERE interval = '1d' ORDER BY symbol, trade_date) TO STDOUT" >"$work/copy.txt"
  t1=$(now); rate "$rows" "$t0" "$t1"
}
export_once() {
  local t0 t1; rm -rf "${work:?}/$1"; t0=$(now)
  stockdata export --all --format "$1" --out "$work/$1" >"$work/$1.log" 2>&1 || { cat "$work/$1.log" >&2; exit 1; }
  t1=$(now); rate "$rows" "$t0" "$t1"
}

# Rounds of COPY, Parquet, CSV back to back: on a shared machine the load changes by the minute, so each round's
# ratios compare runs seconds apart, and the median round is reported.
rounds=${ROUNDS:-3}
: >"$work/ratios"
for round in $(seq "$rounds"); do
  c=$(copy_once); p=$(export_once parquet); v=$(export_once csv)
  pr=$(awk -v e="$p" -v c="$c" 'BEGIN { printf "%.2f", e / c }'); cr=$(awk -v e="$v" -v c="$c" 'BEGIN { printf "%.2f", e / c }')
  echo "round $round: copy $c rows/s, parquet $p rows/s (${pr}x), csv $v rows/s (${cr}x)"
  echo "$pr $cr" >>"$work/ratios"
done
echo "median of $rounds rounds: parquet $(cut -d' ' -f1 "$work/ratios" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')x," \
     "csv $(cut -d' ' -f2 "$work/ratios" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')x of COPY;" \
     "sizes: parquet $(du -sh "$work/parquet" | cut -f1), csv $(du -sh "$work/csv" | cut -f1), COPY text $(du -sh "$work/copy.txt" | cut -f1)"
