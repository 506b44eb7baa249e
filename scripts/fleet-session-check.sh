#!/usr/bin/env bash
# The fleet-session checks against the simulator in session mode with short-lived sessions: one replay, then three
# replays on disjoint thirds of the list sharing Redis, then the same with getcrumb throttled. Prints, per scenario,
# the run's seconds, symbols ok/failed, unauthorized failures and the simulator's session counters, and the bound
# getcrumb <= seconds/20 + 3. Arguments name the scenarios to run (single, fleet3, throttled3; all by default). Run from the repository root after a Release build; leaves nothing running.
set -uo pipefail
cd "$(dirname "$0")/.."
. scripts/services.sh
sd_services_up >/dev/null
stockdata() { dotnet src/StockData.Pipeline/bin/Release/net10.0/stockdata.dll "$@"; }
work=$(mktemp -d /tmp/fleet-check.XXXXXX)
sim_pid=
trap 'kill "$sim_pid" 2>/dev/null; wait "$sim_pid" 2>/dev/null; rm -rf "$work"; sd_services_down' EXIT
stockdata migrate >/dev/null
grep -v '^\s*#' samples/tickers-500.txt | grep -v '^\s*$' > "$work/all.txt"
split -n l/3 -d "$work/all.txt" "$work/part"
from=$(date -u -d '2 years ago' +%Y-%m-%d)
export StockData__Yahoo__MinRefreshInterval=00:00:05
redis_port=${ConnectionStrings__Redis##*:}; redis_port=${redis_port%%,*}

scenario() { # name, replicas, extra simulator args...
  local name=$1 replicas=$2; shift 2
  redis-cli -p "$redis_port" FLUSHALL >/dev/null
  local port; port=$(sd_free_port 18090)
  dotnet src/StockData.YahooSim/bin/Release/net10.0/StockData.YahooSim.dll --auth session --session-ttl 00:00:20 "$@" \
    --urls "http://127.0.0.1:$port" >"$work/sim-$name.log" 2>&1 &
  sim_pid=$!
  sd_wait 30 curl -fs "http://127.0.0.1:$port/healthz" >/dev/null || { cat "$work/sim-$name.log"; return 1; }
  local started=$SECONDS pids=()
  if [ "$replicas" = 1 ]; then
    stockdata replay "$work/all.txt" --base-url "http://127.0.0.1:$port" --from "$from" --rate 8 --burst 8 --concurrency 8 \
      >"$work/$name-0.log" 2>&1 & pids+=($!)
  else
    for i in 0 1 2; do
      stockdata replay "$work/part0$i" --base-url "http://127.0.0.1:$port" --from "$from" --rate 8 --burst 8 --concurrency 8 \
        >"$work/$name-$i.log" 2>&1 & pids+=($!)
    done
  fi
  local rc=0; for p in "${pids[@]}"; do wait "$p" || rc=$?; done
  local secs=$((SECONDS - started))
  local stats; stats=$(curl -fs "http://127.0.0.1:$port/sim/stats")
  kill "$sim_pid"; wait "$sim_pid" 2>/dev/null; sim_pid=
  local crumbs; crumbs=$(echo "$stats" | grep -oE '"getcrumb_requests":[0-9]+' | cut -d: -f2)
  echo "== $name: replicas=$replicas seconds=$secs exit=$rc getcrumb=$crumbs bound=$((secs / 20 + 3))"
  echo "   sim: $(echo "$stats" | grep -oE '"(requests|cookie_requests|getcrumb_requests|getcrumb_throttled|unauthorized_responses|sessions_issued|throttled)":[0-9]+' | tr '\n' ' ')"
  for f in "$work/$name"-*.log; do
    echo "   $(basename "$f"): 429 cooldowns started $(grep -c 'every replica pauses' "$f"), sessions refreshed $(grep -c 'shared with the fleet' "$f"), $(grep -E 'symbols (ok|failed)' "$f" | tr -s ' |' ' ' | tr '\n' ' ')"
  done
}

only=("$@")
in_only() { [ ${#only[@]} -eq 0 ] || [[ " ${only[*]} " == *" $1 "* ]]; }
in_only single && scenario single 1
in_only fleet3 && scenario fleet3 3
in_only throttled3 && scenario throttled3 3 --getcrumb-rate 0.04
