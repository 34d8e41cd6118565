#!/usr/bin/env bash
# Private redis-server and rabbitmq-server instances for the tests, on free loopback ports, each in a
# folder of its own with a password made up on the spot. scripts/test.sh starts one of each for the
# suite; tests that stop and restart a server start their own through this script too.
#
#   test-servers.sh start   redis|rabbitmq DIR   starts (or restarts, with DIR's ports and data); prints the URL
#   test-servers.sh stop    redis|rabbitmq DIR   stops it with its own stop command, then by PID; keeps DIR
#   test-servers.sh destroy redis|rabbitmq DIR   stops it and removes DIR (and RabbitMQ's private epmd)
#
# RabbitMQ runs as the user rabbitmq (this needs root), with its own node name, Erlang cookie and epmd port.
set -euo pipefail
command=$1 kind=$2 dir=$3
rabbit_bin=/usr/lib/rabbitmq/bin
bind=${SOBEL_SERVER_BIND:-127.0.0.1}  # the address to listen on (scripts/chaos.sh runs each server in a network namespace)

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
secret() { head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n'; }
# A process counts as gone once it has exited, even if nobody has reaped it yet (a zombie).
alive() { [ -e "/proc/$1" ] && [ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" != Z ]; }

wait_gone() {  # PID SECONDS
    local deadline=$((SECONDS + $2))
    while alive "$1" && [ $SECONDS -lt "$deadline" ]; do sleep 0.1; done
    if alive "$1"; then kill -KILL -- "-$1" 2>/dev/null || kill -KILL "$1" 2>/dev/null || true; fi
}

rabbit() {  # TOOL ARGS... : a RabbitMQ CLI tool against this node
    local tool=$1; shift
    env HOME="$dir" ERL_EPMD_PORT="$epmd_port" "$rabbit_bin/$tool" -q -n "$node" --erlang-cookie "$cookie" "$@"
}

start_redis() {
    if [ ! -f "$dir/settings" ]; then
        mkdir -p "$dir"
        printf 'port=%s\npassword=%s\n' "$(free_port)" "$(secret)" > "$dir/settings"
    fi
    source "$dir/settings"
    setsid redis-server --port "$port" --bind "$bind" --dir "$dir" --save "" --appendonly no --daemonize no \
        --requirepass "$password" --logfile "$dir/redis.log" < /dev/null > /dev/null 2>&1 &
    echo $! > "$dir/pid"
    for _ in $(seq 100); do
        [ "$(redis-cli -h "$bind" -p "$port" -a "$password" --no-auth-warning ping 2>/dev/null)" = PONG ] && break
        sleep 0.1
    done
    [ "$(redis-cli -h "$bind" -p "$port" -a "$password" --no-auth-warning ping 2>/dev/null)" = PONG ] || { echo "redis-server did not start; see $dir/redis.log" >&2; exit 1; }
    echo "redis://:$password@$bind:$port/0"
}

stop_redis() {
    source "$dir/settings"
    redis-cli -h "$bind" -p "$port" -a "$password" --no-auth-warning shutdown nosave > /dev/null 2>&1 || true
    wait_gone "$(cat "$dir/pid")" 5
}

rabbitmq_ready() {
    if [ "$bind" = 127.0.0.1 ]; then
        rabbit rabbitmq-diagnostics check_port_connectivity > /dev/null 2>&1
    else  # check_port_connectivity does not reach a listener on another interface inside a network namespace
        rabbit rabbitmq-diagnostics check_running > /dev/null 2>&1 && (echo > "/dev/tcp/$bind/$port") 2> /dev/null
    fi
}

start_rabbitmq() {
    if [ ! -f "$dir/settings" ]; then
        # The broker's user must be able to enter the folder: not mktemp's 0700.
        mkdir -p "$dir" && chmod 755 "$dir"
        local port
        port=$(free_port)
        printf 'port=%s\ndist_port=%s\nepmd_port=%s\nnode=sobel-test-%s@localhost\nuser=sobel-test\npassword=%s\ncookie=%s\n' \
            "$port" "$(free_port)" "$(free_port)" "$port" "$(secret)" "$(secret)$(secret)" > "$dir/settings"
        source "$dir/settings"
        printf '%s' "$cookie" > "$dir/.erlang.cookie" && chmod 400 "$dir/.erlang.cookie"
        echo '[].' > "$dir/enabled_plugins"
        chown -R rabbitmq:rabbitmq "$dir"
    fi
    source "$dir/settings"
    setsid env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME="$dir" LANG=C.UTF-8 ERL_EPMD_PORT="$epmd_port" \
        RABBITMQ_NODENAME="$node" RABBITMQ_NODE_IP_ADDRESS="$bind" RABBITMQ_NODE_PORT="$port" RABBITMQ_DIST_PORT="$dist_port" \
        RABBITMQ_MNESIA_BASE="$dir/mnesia" RABBITMQ_LOG_BASE="$dir/log" RABBITMQ_ENABLED_PLUGINS_FILE="$dir/enabled_plugins" \
        RABBITMQ_DEFAULT_USER="$user" RABBITMQ_DEFAULT_PASS="$password" \
        setpriv --reuid=rabbitmq --regid=rabbitmq --init-groups "$rabbit_bin/rabbitmq-server" < /dev/null > "$dir/server.log" 2>&1 &
    echo $! > "$dir/pid"
    local deadline=$((SECONDS + 60))
    until rabbitmq_ready; do
        if [ $SECONDS -ge $deadline ] || ! alive "$(cat "$dir/pid")"; then
            echo "rabbitmq-server did not start; see $dir/server.log and $dir/log" >&2
            exit 1
        fi
        sleep 0.25
    done
    echo "amqp://$user:$password@$bind:$port/%2F"
}

stop_rabbitmq() {
    source "$dir/settings"
    rabbit rabbitmqctl stop > /dev/null 2>&1 || true
    wait_gone "$(cat "$dir/pid")" 20
}

case "$command:$kind" in
    start:redis) start_redis ;;
    start:rabbitmq) start_rabbitmq ;;
    stop:redis) [ -f "$dir/pid" ] && stop_redis ;;
    stop:rabbitmq) [ -f "$dir/pid" ] && stop_rabbitmq ;;
    destroy:redis) if [ -f "$dir/pid" ]; then stop_redis; fi; rm -rf "$dir" ;;
    destroy:rabbitmq)
        if [ -f "$dir/pid" ]; then stop_rabbitmq; epmd -port "$epmd_port" -kill > /dev/null 2>&1 || true; fi
        rm -rf "$dir" ;;
    *) echo "usage: $0 start|stop|destroy redis|rabbitmq DIR" >&2; exit 2 ;;
esac
