# Shared by the scale-out benchmarks and scripts/test.sh (sourced, not run): a private PostgreSQL (Debian's
# postgresql, /usr/lib/postgresql/*/bin) and Redis (redis-server) on free loopback ports, their files in a new
# temporary folder. Durable settings (fsync on), as a portal would run. servers_stop undoes servers_start: call it
# from the script's EXIT trap, so the servers stop whatever ends the script.
# servers_start sets: pg_bin, pg_port, pg_server (a connection string whose user, postgres, may create databases;
# trust authentication on loopback), redis (the Redis address).

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

servers_start() {
  local redis_port i
  pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  servers=$(mktemp -d /tmp/camreview-servers-XXXXXX)
  pg_port=$(free_port); redis_port=$(free_port)
  # PostgreSQL refuses to run as root: as root, its files belong to, and it runs as, the postgres user.
  as_pg=(); if [[ $(id -u) -eq 0 ]]; then chown postgres: "$servers"; as_pg=(runuser -u postgres --); fi
  "${as_pg[@]}" "$pg_bin/initdb" -D "$servers/pg" --auth=trust -U postgres > "$servers/initdb.log" 2>&1 || { cat "$servers/initdb.log" >&2; return 1; }
  "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$servers/pg" -l "$servers/pg.log" -w -o "-k /tmp -h 127.0.0.1 -p $pg_port" start > /dev/null || { cat "$servers/pg.log" >&2; return 1; }
  redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no > "$servers/redis.log" 2>&1 &
  redis_pid=$!
  pg_server="Host=127.0.0.1;Port=$pg_port;Username=postgres"
  redis=127.0.0.1:$redis_port
  for ((i = 0; i < 100; i++)); do
    (exec 3<> "/dev/tcp/127.0.0.1/$redis_port") 2> /dev/null && return 0
    kill -0 "$redis_pid" 2> /dev/null || break
    sleep 0.1
  done
  echo "redis-server did not start:" >&2; cat "$servers/redis.log" >&2; return 1
}

servers_stop() {
  [[ -n ${servers:-} ]] || return 0
  "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$servers/pg" -m fast stop > /dev/null 2>&1
  [[ -n ${redis_pid:-} ]] && kill "$redis_pid" 2> /dev/null && wait "$redis_pid" 2> /dev/null
  rm -rf "$servers"
  servers=
}

# pg_sql DATABASE SQL  runs SQL on the private server's DATABASE and prints the rows, unaligned, without headers.
pg_sql() { psql -h 127.0.0.1 -p "$pg_port" -U postgres -d "$1" -X -Atq -v ON_ERROR_STOP=1 -c "$2"; }
