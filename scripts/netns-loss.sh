#!/usr/bin/env bash
# Packet loss between two hosts, made with two network namespaces (docs/reliability.md#two-network-namespaces).
#
#   sudo scripts/netns-loss.sh [--loss PCT] [--seconds N] [--rate R] [--jar PATH]
#
# Root only (namespaces, veth, nftables). The engine (`tickwire engine`, its own embedded media driver) runs in
# namespace A and publishes the bus over UDP to 10.231.N.2, where a standalone media driver and
# `tickwire gateway` run in namespace B; a veth pair joins them. nftables drops PCT% of the UDP data arriving in B
# and PCT% of the control frames (status messages, NAKs) arriving back in A (`numgen random mod 100 < PCT drop`;
# tc netem is not available on this kernel). A WebSocket client (scripts/NoGapCheck.java) checks every trade and
# book stream's prev chain while the loss is on; the script then prints both drivers' loss counters
# (scripts/AeronCounters.java), the nftables drop counts and the gateway's bus gap counter.
# The gateway reads the engine's journal only to start (namespaces share the file system; a gateway on another
# host would start before the engine); the loss is switched on once it runs, and its bus gap counter must not move.
# Exit 0 with "RESULT: no gap" when: the client saw no gap, the gateway counted no bus gap under loss, NAKs were
# sent, and nftables dropped packets. Installs nftables with apt-get when `nft` is missing. Defaults: 5%, 20 s,
# 5000 inputs/s, app/target/tickwire.jar (build it first: ./mvnw -B -q -DskipTests package -pl app -am).
set -euo pipefail

loss=5
seconds=20
rate=5000
here="$(cd "$(dirname "$0")/.." && pwd)"
jar="$here/app/target/tickwire.jar"
while [ $# -gt 0 ]; do
  case "$1" in
    --loss) loss="$2"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    --rate) rate="$2"; shift 2 ;;
    --jar) jar="$2"; shift 2 ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "netns-loss: unknown option $1" >&2; exit 2 ;;
  esac
done

skip() { echo "SKIP: $*"; exit 77; }
[ "$(id -u)" = 0 ] || skip "needs root (network namespaces, veth, nftables)"
command -v ip >/dev/null || skip "no ip command (iproute2)"
[ -f "$jar" ] || skip "no $jar (build it: ./mvnw -B -q -DskipTests package -pl app -am)"
if ! command -v nft >/dev/null; then
  echo "netns-loss: installing nftables"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q nftables >/dev/null || skip "nft missing and apt-get install nftables failed"
fi

id=$$
nsa="tw-eng-$id"; nsb="tw-gw-$id"; va="twa$id"; vb="twb$id"
net="10.231.$((id % 250)).0"; ipa="${net%.0}.1"; ipb="${net%.0}.2"
port=40456; http=8081
work="$(mktemp -d /tmp/tickwire-netns.XXXXXX)"
drva="/dev/shm/tickwire-netns-eng-$id"; drvb="/dev/shm/tickwire-netns-gw-$id"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for _ in $(seq 150); do
    alive=0; for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && break; sleep 0.1
  done
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  ip netns del "$nsa" 2>/dev/null || true
  ip netns del "$nsb" 2>/dev/null || true
  rm -rf "$work" "$drva" "$drvb"
}
trap cleanup EXIT
trap 'exit 143' TERM INT

ip netns add "$nsa" 2>/dev/null || skip "cannot create network namespaces here"
ip netns add "$nsb"
ip link add "$va" type veth peer name "$vb"
ip link set "$va" netns "$nsa"
ip link set "$vb" netns "$nsb"
ip -n "$nsa" addr add "$ipa/24" dev "$va"; ip -n "$nsa" link set "$va" up; ip -n "$nsa" link set lo up
ip -n "$nsb" addr add "$ipb/24" dev "$vb"; ip -n "$nsb" link set "$vb" up; ip -n "$nsb" link set lo up

java_cmd="${JAVA_HOME:+$JAVA_HOME/bin/}java"
flags=(--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED --add-exports=java.base/jdk.internal.ref=ALL-UNNAMED
  --add-exports=java.base/sun.nio.ch=ALL-UNNAMED --add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED
  --add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED --add-opens=jdk.compiler/com.sun.tools.javac=ALL-UNNAMED
  --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.reflect=ALL-UNNAMED
  --add-opens=java.base/java.io=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED -Dchronicle.analytics.disable=true -Dchronicle.announcer.disable=true
  -Xmx512m)

await_http() { # ns url seconds
  local i=0
  until ip netns exec "$1" curl -fsS -o /dev/null "$2" 2>/dev/null; do
    i=$((i + 1)); [ "$i" -lt $(($3 * 10)) ] || { echo "netns-loss: $2 not up"; tail -n 20 "$work"/*.log; exit 1; }
    sleep 0.1
  done
}
metric() { ip netns exec "$nsb" curl -fsS "http://127.0.0.1:$http/metrics" | sed -n "s/^$1 //p"; }

echo "netns-loss: namespaces $nsa ($ipa, engine) and $nsb ($ipb, gateway); loss $loss% each way; $seconds s at $rate inputs/s"
# Namespace A: the engine, its journal, its embedded driver, publishing the bus to B.
ip netns exec "$nsa" "$java_cmd" "${flags[@]}" -jar "$jar" engine --journal "$work/journal" --aeron-dir "$drva" \
  --channel "aeron:udp?endpoint=$ipb:$port" --rate "$rate" --instruments 4 --seed "$id" >"$work/engine.log" 2>&1 &
pids+=($!)
until [ -d "$work/journal" ] && ls "$work/journal"/*.cq4 >/dev/null 2>&1; do sleep 0.1; done
# Namespace B: a standalone media driver and the gateway.
ip netns exec "$nsb" "$java_cmd" "${flags[@]}" -cp "$jar" -Daeron.dir="$drvb" -Daeron.threading.mode=SHARED \
  -Daeron.dir.delete.on.start=true -Daeron.dir.delete.on.shutdown=true io.aeron.driver.MediaDriver \
  >"$work/driver.log" 2>&1 &
pids+=($!)
until [ -f "$drvb/cnc.dat" ]; do sleep 0.1; done
ip netns exec "$nsb" "$java_cmd" "${flags[@]}" -jar "$jar" gateway --aeron-dir "$drvb" --journal "$work/journal" \
  --channel "aeron:udp?endpoint=$ipb:$port" --ingress-channel none --port "$http" --host 127.0.0.1 \
  >"$work/gateway.log" 2>&1 &
pids+=($!)
await_http "$nsb" "http://127.0.0.1:$http/health" 120
seq0="$(metric tickwire_gateway_last_seq)"
until [ "$(metric tickwire_gateway_last_seq)" -gt "$((seq0 + 100))" ]; do sleep 0.2; done
gaps0="$(metric tickwire_gateway_bus_gaps_total)"

# The loss, both ways: data into B, control frames (from the gateway's port) back into A.
ip netns exec "$nsb" nft add table inet twloss
ip netns exec "$nsb" nft add chain inet twloss input '{ type filter hook input priority 0; policy accept; }'
ip netns exec "$nsb" nft add rule inet twloss input udp dport "$port" numgen random mod 100 '<' "$loss" counter drop
ip netns exec "$nsa" nft add table inet twloss
ip netns exec "$nsa" nft add chain inet twloss input '{ type filter hook input priority 0; policy accept; }'
ip netns exec "$nsa" nft add rule inet twloss input udp sport "$port" numgen random mod 100 '<' "$loss" counter drop

set +e
ip netns exec "$nsb" "$java_cmd" "$here/scripts/NoGapCheck.java" "ws://127.0.0.1:$http/stream" "$seconds" | tee "$work/client.log"
client=${PIPESTATUS[0]}
set -e

dropped_data="$(ip netns exec "$nsb" nft list chain inet twloss input | sed -n 's/.*counter packets \([0-9]*\).*/\1/p')"
dropped_ctl="$(ip netns exec "$nsa" nft list chain inet twloss input | sed -n 's/.*counter packets \([0-9]*\).*/\1/p')"
gaps1="$(metric tickwire_gateway_bus_gaps_total)"
echo "nftables dropped: data packets into the gateway's namespace $dropped_data, control packets into the engine's $dropped_ctl"
echo "gateway bus gaps under loss: $((gaps1 - gaps0)) (tickwire_gateway_bus_gaps_total $gaps0 -> $gaps1)"
echo "gateway driver ($nsb):"
ip netns exec "$nsb" "$java_cmd" "${flags[@]}" -cp "$jar" "$here/scripts/AeronCounters.java" "$drvb" | sed 's/^/  /' | tee "$work/gw-counters.txt"
echo "engine driver ($nsa):"
ip netns exec "$nsa" "$java_cmd" "${flags[@]}" -cp "$jar" "$here/scripts/AeronCounters.java" "$drva" | sed 's/^/  /'
naks="$(sed -n 's/^ *NAK_MESSAGES_SENT=//p' "$work/gw-counters.txt")"
if [ "$client" = 0 ] && [ "$gaps1" = "$gaps0" ] && [ "${naks:-0}" -gt 0 ] && [ "${dropped_data:-0}" -gt 0 ] && [ "${dropped_ctl:-0}" -gt 0 ]; then
  echo "RESULT: no gap ($loss% loss each way for $seconds s)"
  exit 0
fi
echo "RESULT: FAILED (client exit $client, bus gaps $gaps0 -> $gaps1, NAKs sent ${naks:-?}, dropped $dropped_data/$dropped_ctl)"
tail -n 20 "$work/gateway.log" "$work/engine.log"
exit 1
