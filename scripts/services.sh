# shellcheck shell=bash
# Local PostgreSQL 15 and Redis 7 for the demo, the tests and CI: private instances on free loopback ports in
# temporary folders, installed from Debian when missing, stopped on exit. Idempotent; leaves nothing running.
#
# Sourced:   . scripts/services.sh; sd_services_up
#            -> exports ConnectionStrings__Postgres / ConnectionStrings__Redis (and STOCKDATA_TEST_PG / _REDIS);
#               an EXIT trap stops what it started. SD_NEED_REDIS_CLUSTER=1 adds a Redis Cluster (three masters, one
#               replica each: STOCKDATA_TEST_REDIS_CLUSTER). When ConnectionStrings__Postgres / __Redis are already set, it
#               starts nothing for that server and uses the given one. sd_standby_up (after it) adds a streaming standby of
#               that PostgreSQL (STOCKDATA_TEST_PG_STANDBY).
# Executed:  scripts/services.sh pg-start DIR [PORT] | pg-start-durable DIR [PORT] | pg-stop DIR | redis-start DIR [PORT]
#            | redis-stop DIR | redis-cluster-start DIR [REPLICAS] | redis-cluster-stop DIR | prometheus-start DIR CONFIG [PORT] | prometheus-stop DIR
#            | tinyproxy-start DIR BIND [PORT] | tinyproxy-stop DIR | pgbouncer-start DIR PG_PORT [PORT] | pgbouncer-stop DIR
#            | standby-start DIR PRIMARY_PORT [PORT] (a streaming standby; pg-stop / pg-start stop and restart it) | free-port [FROM]
#            Private instances for tests that stop or restart a server; each prints its connection string.
#
# The test servers trade durability for speed (fsync=off, synchronous_commit=off, full_page_writes=off): nothing on
# them outlives the run. Benchmarks must not: those settings favour a writer that commits per batch over one COPY, and
# no user runs them. `pg-start-durable`, or SD_PG_DURABLE=1 before sd_services_up, starts PostgreSQL with its own
# defaults for durability (fsync, synchronous_commit and full_page_writes on); a durable folder stays durable when
# pg-start restarts it.

sd_log() { printf '[services %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }

sd_apt_install() {
  export DEBIAN_FRONTEND=noninteractive
  if [ -z "${_SD_APT_UPDATED:-}" ]; then apt-get update -qq >/dev/null 2>&1 || true; _SD_APT_UPDATED=1; fi
  apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

sd_sudo() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# Installs what is missing: PostgreSQL 15 server and client, Redis 7, pandas (the export tests read the CSV export
# with it, as an independent reader), Prometheus when SD_NEED_PROMETHEUS=1, tinyproxy when SD_NEED_TINYPROXY=1 and
# PgBouncer when SD_NEED_PGBOUNCER=1.
sd_ensure_packages() {
  local need=()
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql-15)
  command -v pg_isready   >/dev/null 2>&1 || need+=(postgresql-client-15)
  command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
  command -v redis-cli    >/dev/null 2>&1 || need+=(redis-tools)
  /usr/bin/python3 -c 'import pandas' >/dev/null 2>&1 || need+=(python3-pandas)
  if [ "${SD_NEED_PROMETHEUS:-0}" = 1 ]; then command -v prometheus >/dev/null 2>&1 || need+=(prometheus); fi
  if [ "${SD_NEED_TINYPROXY:-0}" = 1 ]; then command -v tinyproxy >/dev/null 2>&1 || need+=(tinyproxy); fi
  if [ "${SD_NEED_PGBOUNCER:-0}" = 1 ]; then command -v pgbouncer >/dev/null 2>&1 || need+=(pgbouncer); fi
  if [ ${#need[@]} -gt 0 ]; then
    sd_log "apt-get install ${need[*]}"
    if [ "$(id -u)" = 0 ]; then sd_apt_install "${need[@]}"; else sudo bash -c "$(declare -f sd_apt_install); sd_apt_install ${need[*]}"; fi
  fi
}

sd_port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
sd_free_port() {
  # Skip ports in use and ports another sd_free_port call of this shell already handed out.
  local p=${1:-20000}
  while sd_port_in_use "$p" || [[ " ${_SD_PORTS_TAKEN:-} " == *" $p "* ]]; do p=$((p + 1)); done
  _SD_PORTS_TAKEN="${_SD_PORTS_TAKEN:-} $p"
  echo "$p"
}
sd_wait() { local deadline=$((SECONDS + $1)); shift
  until "$@" >/dev/null 2>&1; do [ $SECONDS -ge $deadline ] && return 1; sleep 0.1; done; }
sd_pg_bin() { ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1; }

# sd_pg_start DIR PORT [durable]: a private cluster in DIR (created, owned by postgres), trust auth on 127.0.0.1:PORT;
# with "durable" (remembered in DIR), PostgreSQL's durability defaults instead of the fast test settings.
sd_pg_start() {
  local dir=$1 port=$2 pgbin fast="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"; pgbin=$(sd_pg_bin)
  mkdir -p "$dir"; chown postgres:postgres "$dir"
  if [ "${3:-}" = durable ]; then touch "$dir/durable"; fi
  if [ -f "$dir/durable" ]; then fast=""; fi
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    runuser -u postgres -- "$pgbin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 \
        --no-sync >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; return 1; }
  fi
  echo "$port" >"$dir/port"
  runuser -u postgres -- "$pgbin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 $fast -c max_connections=300" \
      start >/dev/null || { cat "$dir/server.log" >&2; return 1; }
  sd_wait 30 pg_isready -q -h 127.0.0.1 -p "$port" || { cat "$dir/server.log" >&2; return 1; }
}
sd_pg_stop() {
  local dir=$1 mode=${2:-fast}
  [ -f "$dir/data/postmaster.pid" ] || return 0
  runuser -u postgres -- "$(sd_pg_bin)/pg_ctl" -D "$dir/data" -m "$mode" -w -t 20 stop >/dev/null 2>&1 \
    || kill -9 "$(head -1 "$dir/data/postmaster.pid")" 2>/dev/null || true
}

# sd_start_free FROM START STOP DIR [ARG]: `START DIR PORT [ARG]` on a free port (printed) drawn from FROM..FROM+399.
# Test processes start private servers at the same time: two can both find a port free before either binds it, and
# the loser fails with "Address already in use". So the first port is drawn at random and a failed start (stopped
# with `STOP DIR`) tries another; the last try's errors are shown when all five fail.
sd_start_free() {
  local from=$1 start=$2 stop=$3 dir=$4 port attempt
  for attempt in 1 2 3 4 5; do
    port=$(sd_free_port $((from + RANDOM % 400)))
    if "$start" "$dir" "$port" ${5:+"$5"} 2>"$dir.err"; then rm -f "$dir.err"; echo "$port"; return 0; fi
    "$stop" "$dir"
  done
  cat "$dir.err" >&2; rm -f "$dir.err"; return 1
}
sd_pg_stop_immediate() { sd_pg_stop "$1" immediate; }

# sd_redis_start DIR PORT: a private Redis on 127.0.0.1:PORT, no persistence.
sd_redis_start() {
  local dir=$1 port=$2
  mkdir -p "$dir"; echo "$port" >"$dir/port"
  # A fresh log and no old pid file: the wait below reads both, and must see this start's only.
  : >"$dir/redis.log"; rm -f "$dir/redis.pid"
  redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$dir" \
      --daemonize yes --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" || return 1
  # The answer must come from this server (its pid), not from another that already held the port. A server that could
  # not bind logs "aborting" and exits before it writes its pid file, which ends the wait early.
  sd_wait 30 bash -c "grep -q aborting '$dir/redis.log' && exit 0; [ -f '$dir/redis.pid' ] && { kill -0 \$(cat '$dir/redis.pid') || exit 0; } \
      && redis-cli -h 127.0.0.1 -p $port info server | grep -q \"^process_id:\$(cat '$dir/redis.pid')\"" \
    && [ -f "$dir/redis.pid" ] && kill -0 "$(cat "$dir/redis.pid")" 2>/dev/null || { cat "$dir/redis.log" >&2; return 1; }
}
# sd_redis_stop_started DIR: stops DIR's Redis only if it wrote its pid file. After a start that lost the port, the
# port belongs to another server, which sd_redis_stop (by port, without a pid) would shut down.
sd_redis_stop_started() { if [ -f "$1/redis.pid" ]; then sd_redis_stop "$1"; fi; }
sd_redis_stop() {
  local dir=$1 port pid=
  [ -f "$dir/port" ] || return 0
  port=$(cat "$dir/port")
  [ -f "$dir/redis.pid" ] && pid=$(cat "$dir/redis.pid")
  # By pid first (SIGTERM: a clean shutdown, nothing saved): `redis-cli shutdown` exits 0 even when the server refuses
  # it (NOAUTH, once a test has given it a password), which left such servers running after the suite.
  if [ -n "$pid" ]; then
    kill "$pid" 2>/dev/null || true
  else
    redis-cli -h 127.0.0.1 -p "$port" shutdown nosave >/dev/null 2>&1 || true
  fi
  sd_wait 10 bash -c "! (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null" \
    || { [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; } || true
}

# sd_prometheus_start DIR CONFIG PORT: Prometheus on 127.0.0.1:PORT scraping what CONFIG says.
sd_prometheus_start() {
  local dir=$1 config=$2 port=$3
  mkdir -p "$dir/data"; echo "$port" >"$dir/port"
  nohup prometheus --config.file="$config" --storage.tsdb.path="$dir/data" --web.listen-address="127.0.0.1:$port" \
      --storage.tsdb.retention.time=1h --web.enable-lifecycle >"$dir/prometheus.log" 2>&1 &
  echo $! >"$dir/prometheus.pid"
  sd_wait 30 bash -c "curl -fs http://127.0.0.1:$port/-/ready" || { cat "$dir/prometheus.log" >&2; return 1; }
}
sd_prometheus_stop() {
  local dir=$1
  [ -f "$dir/prometheus.pid" ] || return 0
  kill "$(cat "$dir/prometheus.pid")" 2>/dev/null || true
  sd_wait 10 bash -c "! kill -0 $(cat "$dir/prometheus.pid") 2>/dev/null" || kill -9 "$(cat "$dir/prometheus.pid")" 2>/dev/null || true
}

# sd_tinyproxy_start DIR BIND PORT: a forward proxy (Debian's tinyproxy) on 127.0.0.1:PORT whose outgoing connections
# come from BIND (e.g. 127.0.0.2): one egress of an egress pool, a separate client address to whoever it calls.
# Accepts only 127.0.0.1; logs to DIR/tinyproxy.log.
sd_tinyproxy_start() {
  local dir=$1 bind=$2 port=$3
  mkdir -p "$dir"; echo "$port" >"$dir/port"; echo "$bind" >"$dir/bind"
  printf '%s\n' "Port $port" "Listen 127.0.0.1" "Bind $bind" "Timeout 60" "MaxClients 512" "Allow 127.0.0.1" \
    "LogFile \"$dir/tinyproxy.log\"" "LogLevel Info" "PidFile \"$dir/tinyproxy.pid\"" "DisableViaHeader Yes" >"$dir/tinyproxy.conf"
  # -d: foreground, so the pid recorded here is tinyproxy's own (it runs as root too).
  : >"$dir/tinyproxy.log"
  nohup tinyproxy -d -c "$dir/tinyproxy.conf" >"$dir/tinyproxy.out" 2>&1 &
  echo $! >"$dir/tinyproxy.sd.pid"
  # Up when this proxy says it accepts connections; a port that answers is not enough (another process may hold it,
  # and this proxy then exits with "Could not create listening sockets").
  sd_wait 10 bash -c "grep -q 'Accepting connections' '$dir/tinyproxy.log' || ! kill -0 $! 2>/dev/null" \
    && kill -0 $! 2>/dev/null && (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null \
    || { cat "$dir/tinyproxy.out" "$dir/tinyproxy.log" >&2 2>/dev/null; return 1; }
}
sd_tinyproxy_stop() {
  local dir=$1
  [ -f "$dir/tinyproxy.sd.pid" ] || return 0
  kill "$(cat "$dir/tinyproxy.sd.pid")" 2>/dev/null || true
  sd_wait 10 bash -c "! kill -0 $(cat "$dir/tinyproxy.sd.pid") 2>/dev/null" || kill -9 "$(cat "$dir/tinyproxy.sd.pid")" 2>/dev/null || true
  rm -f "$dir/tinyproxy.sd.pid"
}

# sd_tinyproxy_start_free DIR BIND: sd_tinyproxy_start on a free port (printed), through sd_start_free's retries (a port
# another process just released can still refuse a new listener).
sd_tinyproxy_start_free() {
  sd_start_free 48800 sd_tinyproxy_start_port sd_tinyproxy_stop "$1" "$2" \
    || { sd_log "tinyproxy (bind $2) did not start: see $1/tinyproxy.out"; return 1; }
}
# sd_start_free's START takes DIR PORT [ARG]; tinyproxy's takes the bind address before the port.
sd_tinyproxy_start_port() { sd_tinyproxy_start "$1" "$3" "$2"; }

# sd_tinyproxy_up N: N tinyproxies, the k-th binding 127.0.0.(k+1), on free ports; exports SD_TINYPROXY_URLS (their
# URLs, space-separated) and stops them on exit (with sd_services_down). Installs tinyproxy when missing.
sd_tinyproxy_up() {
  local n=${1:-3} k port dir urls=()
  SD_NEED_TINYPROXY=1 sd_ensure_packages
  trap 'rc=$?; sd_services_down; exit $rc' EXIT
  for k in $(seq 1 "$n"); do
    dir=$(mktemp -d /tmp/stockdata-tinyproxy.XXXXXX)
    SD_TINYPROXY_DIRS="${SD_TINYPROXY_DIRS:-} $dir"
    port=$(sd_tinyproxy_start_free "$dir" "127.0.0.$((k + 1))") || return 1
    urls+=("http://127.0.0.1:$port")
  done
  export SD_TINYPROXY_URLS="${urls[*]}"
  sd_log "tinyproxy up: ${urls[*]} (binding 127.0.0.2-127.0.0.$((n + 1)))"
}

# sd_redis_cluster_start DIR [REPLICAS]: a private Redis Cluster of three masters (and REPLICAS replicas per master,
# default 1: six nodes) on free loopback ports, each node's data in DIR/PORT; prints the nodes as a StackExchange.Redis
# connection string (host:port,host:port,...). A node's cluster bus listens on its port + 10000, so both must be free.
# cluster-node-timeout 2000: a stopped master is replaced by its replica within seconds (the failover tests).
sd_redis_cluster_start() {
  local dir=$1 replicas=${2:-1} n k port from nodes=() node_dir
  n=$((3 * (1 + replicas)))
  mkdir -p "$dir"; : >"$dir/ports"
  from=$((31000 + RANDOM % 8000))
  for k in $(seq 1 "$n"); do
    port=$(sd_free_port "$from")
    while sd_port_in_use $((port + 10000)); do port=$(sd_free_port $((port + 1))); done
    from=$((port + 1))
    node_dir="$dir/$port"; mkdir -p "$node_dir"; echo "$port" >>"$dir/ports"
    redis-server --port "$port" --bind 127.0.0.1 --cluster-enabled yes --cluster-config-file "$node_dir/nodes.conf" \
        --cluster-node-timeout 2000 --save '' --appendonly no --dir "$node_dir" \
        --daemonize yes --pidfile "$node_dir/redis.pid" --logfile "$node_dir/redis.log" || return 1
    nodes+=("127.0.0.1:$port")
  done
  for port in $(cat "$dir/ports"); do
    sd_wait 30 bash -c "redis-cli -h 127.0.0.1 -p $port ping | grep -q PONG" || { cat "$dir/$port/redis.log" >&2; return 1; }
  done
  redis-cli --cluster create "${nodes[@]}" --cluster-replicas "$replicas" --cluster-yes >"$dir/create.log" 2>&1 \
    || { cat "$dir/create.log" >&2; return 1; }
  # Every node must see all 16384 slots served and every replica attached before a client connects: otherwise
  # CLUSTERDOWN at first use, or a replica still listed as an empty master (seen right after create).
  for port in $(cat "$dir/ports"); do
    sd_wait 60 bash -c "redis-cli -h 127.0.0.1 -p $port cluster info | grep -q 'cluster_state:ok' &&
        [ \$(redis-cli -h 127.0.0.1 -p $port cluster nodes | grep -c slave) = $((n - 3)) ]" \
      || { sd_log "redis cluster node $port never reached cluster_state:ok with $((n - 3)) replicas"; return 1; }
  done
  local IFS=,; echo "${nodes[*]}"
}
sd_redis_cluster_stop() {
  local dir=$1 port
  [ -f "$dir/ports" ] || return 0
  for port in $(cat "$dir/ports"); do
    echo "$port" >"$dir/$port/port"
    sd_redis_stop "$dir/$port"
  done
}

# sd_redis_cluster_up: a three-master cluster with one replica each; exports STOCKDATA_TEST_REDIS_CLUSTER (its nodes,
# comma-separated) and stops it on exit (with sd_services_down).
sd_redis_cluster_up() {
  SD_REDIS_CLUSTER_DIR=$(mktemp -d /tmp/stockdata-redis-cluster.XXXXXX)
  trap 'rc=$?; sd_services_down; exit $rc' EXIT
  STOCKDATA_TEST_REDIS_CLUSTER=$(sd_redis_cluster_start "$SD_REDIS_CLUSTER_DIR" 1) || return 1
  export STOCKDATA_TEST_REDIS_CLUSTER
  sd_log "redis cluster up: $STOCKDATA_TEST_REDIS_CLUSTER (3 masters, 3 replicas)"
}

# sd_pgbouncer_start DIR PG_PORT PORT [PG_HOST]: PgBouncer (Debian's 1.18) on 127.0.0.1:PORT in front of the
# PostgreSQL on PG_HOST (127.0.0.1):PG_PORT, every database, pool_mode = transaction with default_pool_size = SD_PGBOUNCER_POOL (4): fewer
# server backends than one replica's pool, so consecutive transactions of one client connection run on different
# backends. Nothing in ignore_startup_parameters: a client that sends search_path is refused, as a user's would be.
# Trust auth like the test server (the auth file only names the user). PgBouncer refuses to run as root: started by
# root it switches to postgres (-u) and stays in the foreground, so the pid recorded is its own.
sd_pgbouncer_start() {
  local dir=$1 pg_port=$2 port=$3 pg_host=${4:-127.0.0.1}
  mkdir -p "$dir"; echo "$port" >"$dir/port"
  printf '"postgres" ""\n' >"$dir/userlist.txt"
  cat >"$dir/pgbouncer.ini" <<INI
[databases]
* = host=$pg_host port=$pg_port
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $port
unix_socket_dir =
auth_type = trust
auth_file = $dir/userlist.txt
pool_mode = transaction
default_pool_size = ${SD_PGBOUNCER_POOL:-4}
max_client_conn = 1000
logfile = $dir/pgbouncer.log
log_connections = 0
log_disconnections = 0
INI
  chown -R postgres:postgres "$dir"
  if [ "$(id -u)" = 0 ]; then
    nohup pgbouncer -u postgres "$dir/pgbouncer.ini" >"$dir/pgbouncer.out" 2>&1 &
  else
    nohup pgbouncer "$dir/pgbouncer.ini" >"$dir/pgbouncer.out" 2>&1 &
  fi
  echo $! >"$dir/pgbouncer.sd.pid"
  sd_wait 15 pg_isready -q -h 127.0.0.1 -p "$port" -U postgres || { cat "$dir/pgbouncer.out" "$dir/pgbouncer.log" >&2 2>/dev/null; return 1; }
}
sd_pgbouncer_stop() {
  local dir=$1 pid
  [ -f "$dir/pgbouncer.sd.pid" ] || return 0
  pid=$(cat "$dir/pgbouncer.sd.pid")
  kill "$pid" 2>/dev/null || true
  sd_wait 10 bash -c "! kill -0 $pid 2>/dev/null" || kill -9 "$pid" 2>/dev/null || true
  rm -f "$dir/pgbouncer.sd.pid"
}

# sd_pgbouncer_up: PgBouncer in transaction mode in front of the PostgreSQL sd_services_up started (call it after);
# exports STOCKDATA_TEST_PGBOUNCER (the test database through PgBouncer) and SD_PGBOUNCER_POSTGRES (the stockdata
# database through it); stopped on exit with the others. Installs pgbouncer when missing.
sd_pgbouncer_up() {
  local pg_port pg_host port
  pg_port=$(sed -n 's/.*Port=\([0-9]*\).*/\1/p' <<<"${STOCKDATA_TEST_PG:-}")
  pg_host=$(sed -n 's/.*Host=\([^;]*\).*/\1/p' <<<"${STOCKDATA_TEST_PG:-}")
  [ -n "$pg_port" ] || { sd_log "sd_pgbouncer_up: no STOCKDATA_TEST_PG (run sd_services_up first)"; return 1; }
  SD_NEED_PGBOUNCER=1 sd_ensure_packages
  SD_PGBOUNCER_DIR=$(mktemp -d /tmp/stockdata-pgbouncer.XXXXXX)
  port=$(sd_free_port "${SD_PGBOUNCER_PORT:-64320}")
  sd_pgbouncer_start "$SD_PGBOUNCER_DIR" "$pg_port" "$port" "${pg_host:-127.0.0.1}" || return 1
  export STOCKDATA_TEST_PGBOUNCER="Host=127.0.0.1;Port=$port;Username=postgres;Database=stockdata_test"
  export SD_PGBOUNCER_POSTGRES="Host=127.0.0.1;Port=$port;Username=postgres;Database=stockdata"
  sd_log "pgbouncer up on 127.0.0.1:$port (transaction pooling, default_pool_size ${SD_PGBOUNCER_POOL:-4}, in front of :$pg_port)"
}

# sd_standby_start DIR PRIMARY_PORT PORT: a streaming standby (hot standby, read-only) of the PostgreSQL on
# 127.0.0.1:PRIMARY_PORT, in DIR on 127.0.0.1:PORT: `pg_basebackup -R` (it writes standby.signal and primary_conninfo)
# over the primary's replication connection (initdb's pg_hba trusts replication from 127.0.0.1; wal_level replica and
# max_wal_senders 10 are PostgreSQL 15's defaults), then started like any private server, so pg-stop / pg-start
# stop and restart it (it comes back as a standby and catches up). hot_standby_feedback: a long read on the standby
# (an export) is not cancelled by the primary's vacuum.
sd_standby_start() {
  local dir=$1 primary_port=$2 port=$3 pgbin; pgbin=$(sd_pg_bin)
  mkdir -p "$dir"; chown postgres:postgres "$dir"
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    runuser -u postgres -- "$pgbin/pg_basebackup" -h 127.0.0.1 -p "$primary_port" -U postgres -D "$dir/data" -R -X stream \
        -c fast --no-sync >"$dir/basebackup.log" 2>&1 || { cat "$dir/basebackup.log" >&2; return 1; }
    echo "hot_standby_feedback = on" >>"$dir/data/postgresql.auto.conf"
  fi
  sd_pg_start "$dir" "$port"
}

# sd_standby_up: a streaming standby of the PostgreSQL sd_services_up started (call it after); exports
# STOCKDATA_TEST_PG_STANDBY (the test database on the standby), SD_STANDBY_POSTGRES (the stockdata database on it) and
# SD_STANDBY_DIR; stopped on exit with the others.
sd_standby_up() {
  local pg_port port
  pg_port=$(sed -n 's/.*Port=\([0-9]*\).*/\1/p' <<<"${STOCKDATA_TEST_PG:-}")
  [ -n "$pg_port" ] || { sd_log "sd_standby_up: no STOCKDATA_TEST_PG (run sd_services_up first)"; return 1; }
  SD_STANDBY_DIR=$(mktemp -d /tmp/stockdata-standby.XXXXXX)
  trap 'rc=$?; sd_services_down; exit $rc' EXIT
  port=$(sd_free_port "${SD_STANDBY_PORT:-54340}")
  sd_standby_start "$SD_STANDBY_DIR" "$pg_port" "$port" || return 1
  export SD_STANDBY_DIR
  export STOCKDATA_TEST_PG_STANDBY="Host=127.0.0.1;Port=$port;Username=postgres;Database=stockdata_test"
  export SD_STANDBY_POSTGRES="Host=127.0.0.1;Port=$port;Username=postgres;Database=stockdata"
  sd_log "standby up on 127.0.0.1:$port (streaming from :$pg_port, $SD_STANDBY_DIR)"
}

sd_services_down() {
  if [ -n "${SD_STANDBY_DIR:-}" ]; then sd_pg_stop "$SD_STANDBY_DIR"; rm -rf "$SD_STANDBY_DIR"; SD_STANDBY_DIR=; fi
  if [ -n "${SD_PGBOUNCER_DIR:-}" ]; then sd_pgbouncer_stop "$SD_PGBOUNCER_DIR"; rm -rf "$SD_PGBOUNCER_DIR"; SD_PGBOUNCER_DIR=; fi
  local d; for d in ${SD_TINYPROXY_DIRS:-}; do sd_tinyproxy_stop "$d"; rm -rf "$d"; done; SD_TINYPROXY_DIRS=
  if [ -n "${SD_REDIS_CLUSTER_DIR:-}" ]; then sd_redis_cluster_stop "$SD_REDIS_CLUSTER_DIR"; rm -rf "$SD_REDIS_CLUSTER_DIR"; SD_REDIS_CLUSTER_DIR=; fi
  if [ -n "${SD_REDIS_DIR:-}" ]; then sd_redis_stop "$SD_REDIS_DIR"; rm -rf "$SD_REDIS_DIR"; SD_REDIS_DIR=; fi
  if [ -n "${SD_PG_DIR:-}" ]; then sd_pg_stop "$SD_PG_DIR"; rm -rf "$SD_PG_DIR"; SD_PG_DIR=; fi
}

# Starts (or adopts) PostgreSQL and Redis and exports the connection strings; stops what it started on exit.
sd_services_up() {
  local need_pg=1 need_redis=1
  [ -n "${ConnectionStrings__Postgres:-}" ] && need_pg=0
  [ -n "${ConnectionStrings__Redis:-}" ] && need_redis=0
  if [ $need_pg = 1 ] || [ $need_redis = 1 ] || [ "${SD_NEED_PROMETHEUS:-0}" = 1 ] \
     || ! /usr/bin/python3 -c 'import pandas' >/dev/null 2>&1; then sd_ensure_packages; fi
  trap 'rc=$?; sd_services_down; exit $rc' EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  if [ $need_pg = 1 ]; then
    SD_PG_DIR=$(mktemp -d /tmp/stockdata-pg.XXXXXX)
    local pg_port; pg_port=$(sd_free_port "${SD_PG_PORT:-54329}")
    sd_pg_start "$SD_PG_DIR" "$pg_port" "$([ "${SD_PG_DURABLE:-0}" = 1 ] && echo durable)" || return 1
    psql -h 127.0.0.1 -p "$pg_port" -U postgres -qAtc "CREATE DATABASE stockdata" >/dev/null
    psql -h 127.0.0.1 -p "$pg_port" -U postgres -qAtc "CREATE DATABASE stockdata_test" >/dev/null
    export ConnectionStrings__Postgres="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=stockdata"
    export STOCKDATA_TEST_PG="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=stockdata_test"
    sd_log "postgres up on 127.0.0.1:$pg_port ($SD_PG_DIR$([ "${SD_PG_DURABLE:-0}" = 1 ] && echo ', durable: PostgreSQL defaults'))"
  else
    export STOCKDATA_TEST_PG="${STOCKDATA_TEST_PG:-$ConnectionStrings__Postgres}"
    sd_log "using the PostgreSQL in ConnectionStrings__Postgres"
  fi
  if [ $need_redis = 1 ]; then
    SD_REDIS_DIR=$(mktemp -d /tmp/stockdata-redis.XXXXXX)
    local redis_port; redis_port=$(sd_free_port "${SD_REDIS_PORT:-63790}")
    sd_redis_start "$SD_REDIS_DIR" "$redis_port" || return 1
    export ConnectionStrings__Redis="127.0.0.1:$redis_port"
    export STOCKDATA_TEST_REDIS="127.0.0.1:$redis_port"
    sd_log "redis up on 127.0.0.1:$redis_port"
  else
    export STOCKDATA_TEST_REDIS="${STOCKDATA_TEST_REDIS:-$ConnectionStrings__Redis}"
    sd_log "using the Redis in ConnectionStrings__Redis"
  fi
  if [ "${SD_NEED_REDIS_CLUSTER:-0}" = 1 ] && [ -z "${STOCKDATA_TEST_REDIS_CLUSTER:-}" ]; then sd_redis_cluster_up || return 1; fi
}

# Executed directly: one private instance per call (the tests' restart scenarios use these).
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  cmd=${1:-}; shift || true
  case "$cmd" in
    pg-start) sd_ensure_packages
              if [ -n "${2:-}" ]; then port=$2; sd_pg_start "$1" "$port"; else port=$(sd_start_free 45000 sd_pg_start sd_pg_stop_immediate "$1"); fi
              echo "Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres" ;;
    pg-start-durable) sd_ensure_packages
              if [ -n "${2:-}" ]; then port=$2; sd_pg_start "$1" "$port" durable; else port=$(sd_start_free 45000 sd_pg_start sd_pg_stop_immediate "$1" durable); fi
              echo "Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres" ;;
    pg-stop) sd_pg_stop "$1" "${2:-fast}" ;;
    redis-start) sd_ensure_packages
                 if [ -n "${2:-}" ]; then port=$2; sd_redis_start "$1" "$port"; else port=$(sd_start_free 46000 sd_redis_start sd_redis_stop_started "$1"); fi
                 echo "127.0.0.1:$port" ;;
    redis-stop) sd_redis_stop "$1" ;;
    redis-cluster-start) sd_ensure_packages; sd_redis_cluster_start "$1" "${2:-1}" ;;
    redis-cluster-stop) sd_redis_cluster_stop "$1" ;;
    prometheus-start) SD_NEED_PROMETHEUS=1 sd_ensure_packages; port=${3:-$(sd_free_port 47000)}
                      sd_prometheus_start "$1" "$2" "$port"; echo "http://127.0.0.1:$port" ;;
    prometheus-stop) sd_prometheus_stop "$1" ;;
    free-port) sd_free_port "${1:-20000}" ;;
    tinyproxy-start) SD_NEED_TINYPROXY=1 sd_ensure_packages
                     if [ -n "${3:-}" ]; then port=$3; sd_tinyproxy_start "$1" "$2" "$port"; else port=$(sd_tinyproxy_start_free "$1" "$2"); fi
                     echo "http://127.0.0.1:$port" ;;
    tinyproxy-stop) sd_tinyproxy_stop "$1" ;;
    pgbouncer-start) SD_NEED_PGBOUNCER=1 sd_ensure_packages; port=${3:-$(sd_free_port 48000)}; sd_pgbouncer_start "$1" "$2" "$port"
                     echo "Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres" ;;
    pgbouncer-stop) sd_pgbouncer_stop "$1" ;;
    standby-start) sd_ensure_packages; port=${3:-$(sd_free_port 45500)}; sd_standby_start "$1" "$2" "$port"
                   echo "Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres" ;;
    *) echo "usage: $0 pg-start DIR [PORT] | pg-start-durable DIR [PORT] | pg-stop DIR [fast|immediate] | redis-start DIR [PORT] | redis-stop DIR" \
            "| redis-cluster-start DIR [REPLICAS] | redis-cluster-stop DIR" \
            "| prometheus-start DIR CONFIG [PORT] | prometheus-stop DIR | tinyproxy-start DIR BIND [PORT] | tinyproxy-stop DIR" \
            "| pgbouncer-start DIR PG_PORT [PORT] | pgbouncer-stop DIR | standby-start DIR PRIMARY_PORT [PORT] | free-port [FROM]" >&2; exit 2 ;;
  esac
fi
