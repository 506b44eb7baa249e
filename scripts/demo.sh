#!/usr/bin/env bash
# The offline demo: local PostgreSQL and Redis (scripts/services.sh), the bundled Yahoo simulator, and a replay of
# samples/tickers-500.txt (about 500 real tickers) for 10 years of daily bars; then the summary, a few stored rows,
# and where to look next. Leaves nothing running. SD_DEMO_AUTH=none|session|consent picks what the simulator demands
# (default session: a cookie + crumb, as Yahoo does; consent: an EU consent form first, as Yahoo's EU edge does).
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

. scripts/services.sh
sd_services_up

echo "== building (Release)"
dotnet build StockData.Pipeline.sln -c Release -nologo -v quiet -clp:ErrorsOnly
stockdata() { dotnet src/StockData.Pipeline/bin/Release/net10.0/stockdata.dll "$@"; }

sim_port=$(sd_free_port 18080)
sim_dir=$(mktemp -d /tmp/stockdata-sim.XXXXXX)
dotnet src/StockData.YahooSim/bin/Release/net10.0/StockData.YahooSim.dll --auth "${SD_DEMO_AUTH:-session}" --urls "http://127.0.0.1:$sim_port" >"$sim_dir/sim.log" 2>&1 &
sim_pid=$!
trap 'rc=$?; kill "$sim_pid" 2>/dev/null; wait "$sim_pid" 2>/dev/null; rm -rf "$sim_dir"; sd_services_down; exit $rc' EXIT
sd_wait 30 curl -fs "http://127.0.0.1:$sim_port/healthz" || { cat "$sim_dir/sim.log" >&2; exit 1; }
echo "== Yahoo simulator on http://127.0.0.1:$sim_port"

echo "== migrating"
stockdata migrate

from=$(date -u -d '10 years ago' +%Y-%m-%d)
echo "== replaying samples/tickers-500.txt from $from (the simulator has no rate limit, so the demo raises the client's:"
echo "   the defaults, 1 request/s and 2 in flight, are the safe ones for real Yahoo)"
stockdata replay samples/tickers-500.txt --base-url "http://127.0.0.1:$sim_port" --from "$from" \
  --rate 5000 --burst 100 --concurrency 8
# The simulator demands a Yahoo session (cookie + crumb) as Yahoo does: the whole run should have needed one or two.
echo "== Yahoo session requests the simulator served: $(curl -fs "http://127.0.0.1:$sim_port/sim/stats" \
  | grep -oE '"(cookie_requests|getcrumb_requests|consent_posts|unauthorized_responses)":[0-9]+' | tr '\n' ' ')"

port=${ConnectionStrings__Postgres##*Port=}; port=${port%%;*}
q() { psql -h 127.0.0.1 -p "$port" -U postgres -d stockdata -P pager=off "$@"; }
echo
echo "== a few stored rows"
q -c "SELECT symbol, trade_date, open, high, low, close, adj_close, volume FROM daily_bars WHERE symbol IN ('AAPL', 'VOD.L', '7203.T') ORDER BY trade_date DESC, symbol LIMIT 9"
q -c "SELECT symbol, currency, exchange_timezone, instrument_type FROM symbols WHERE symbol IN ('AAPL', 'VOD.L', '7203.T', 'BTC-USD', 'EURUSD=X') ORDER BY symbol"
q -c "SELECT count(*) AS bars, count(DISTINCT symbol) AS symbols, min(trade_date), max(trade_date) FROM daily_bars"

cat <<TXT

Next:
  - run it again: 'stockdata replay' resumes from the watermarks (a few rows per symbol, all unchanged)
  - metrics: add --metrics-port 9464 to replay, or run the worker; the Grafana dashboard is dashboards/grafana/
  - real Yahoo: drop --base-url and --rate (the defaults are safe: 1 request/s shared by every replica via Redis);
    see README.md, "Running against real Yahoo"
TXT
