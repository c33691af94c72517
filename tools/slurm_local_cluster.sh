#!/bin/bash
# A single-node Slurm cluster in a folder, for the Slurm test (tests/integration/slurm.rs).
#
#   tools/slurm_local_cluster.sh up DIR     start munged, slurmctld and slurmd; wait until idle
#   tools/slurm_local_cluster.sh down DIR   stop what `up` started (by pid)
#   tools/slurm_local_cluster.sh env DIR    print the SLURM_CONF line to source
#
# Everything (config, state, spool, pids, logs, munge socket) lives in DIR. The daemons
# listen on 127.0.0.1 only (NoCtldInAddrAny,NoInAddrAny bind them to the
# addresses configured, all loopback), on ports free at start-up. There is no systemd:
# the daemons are started by hand.
# Needs root (slurmd starts jobs as their user) and Debian's slurmctld slurmd
# slurm-client munge (`make slurm` installs them).
set -euo pipefail
action=${1:?up, down or env}
dir=$(mkdir -p "${2:?a folder}" && cd "$2" && pwd)
host=$(hostname -s)
conf=$dir/slurm.conf

stop() {
    for name in slurmd slurmctld munged; do
        if [ -s "$dir/$name.pid" ]; then
            kill "$(cat "$dir/$name.pid")" 2>/dev/null || true
        fi
    done
    for name in slurmd slurmctld munged; do
        for _ in $(seq 50); do
            [ -s "$dir/$name.pid" ] && kill -0 "$(cat "$dir/$name.pid")" 2>/dev/null || break
            sleep 0.1
        done
        if [ -s "$dir/$name.pid" ]; then
            kill -9 "$(cat "$dir/$name.pid")" 2>/dev/null || true
            rm -f "$dir/$name.pid"
        fi
    done
}

case $action in
env)
    echo "export SLURM_CONF=$conf"
    ;;
down)
    stop
    ;;
up)
    for tool in munged slurmctld slurmd sinfo sbatch; do
        command -v "$tool" >/dev/null || { echo "$tool is missing: run make slurm (as root)" >&2; exit 3; }
    done
    [ "$(id -u)" = 0 ] || { echo "the local Slurm cluster needs root" >&2; exit 3; }
    mkdir -p "$dir/state" "$dir/spool" "$dir/munge"
    # munged runs as the munge user, with a socket of its own in DIR.
    chown munge:munge "$dir/munge"
    chmod 700 "$dir/munge"
    cp /etc/munge/munge.key "$dir/munge/munge.key"
    chown munge:munge "$dir/munge/munge.key"
    chmod 600 "$dir/munge/munge.key"
    # munged refuses a socket folder others may write to; the test's temp folder
    # (/tmp) is one such, so the path up to DIR must be traversable only.
    chmod 755 "$dir"
    runuser -u munge -- munged --key-file="$dir/munge/munge.key" \
        --socket="$dir/munge/munge.socket" --pid-file="$dir/munge/munged.pid" \
        --log-file="$dir/munge/munged.log" --seed-file="$dir/munge/munged.seed" --force
    for _ in $(seq 50); do [ -s "$dir/munge/munged.pid" ] && break; sleep 0.1; done
    cp "$dir/munge/munged.pid" "$dir/munged.pid"
    cpus=$(nproc)
    # Two free ports, next to each other.
    port=$(( 20000 + RANDOM % 20000 ))
    while ss -ltn | grep -qE ":($port|$((port + 1)))\b"; do port=$(( 20000 + RANDOM % 20000 )); done
    cat > "$conf" <<CONF
ClusterName=stancemap-test
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmctldPort=$port
SlurmdPort=$((port + 1))
CommunicationParameters=NoCtldInAddrAny,NoInAddrAny
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$dir/munge/munge.socket
CredType=cred/munge
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
ReturnToService=2
SlurmctldTimeout=30
SlurmdTimeout=30
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
    export SLURM_CONF=$conf
    slurmctld -f "$conf"
    slurmd -f "$conf" -N "$host"
    for _ in $(seq 300); do
        if sinfo --noheader --format=%T 2>/dev/null | grep -qx idle; then
            echo "slurm is up: $(sinfo --noheader --format='%N %T %c CPUs')"
            exit 0
        fi
        sleep 0.1
    done
    echo "slurm did not become idle in 30 s; logs in $dir" >&2
    tail -5 "$dir/slurmctld.log" "$dir/slurmd.log" >&2 || true
    stop
    exit 1
    ;;
*)
    echo "unknown action $action: up, down or env" >&2
    exit 2
    ;;
esac
