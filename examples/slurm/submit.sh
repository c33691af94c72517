#!/bin/bash
# Runs `stancemap run` as a Slurm job array of N shards, then `stancemap merge` as a
# job that starts only when every shard succeeded.
#
#   examples/slurm/submit.sh [--wait] N OUT [stancemap run options…]
#   examples/slurm/submit.sh 16 /scratch/$USER/run1 -i 'news/*.jsonl.gz' --study study.toml
#
# STANCEMAP names the binary (default: stancemap on PATH); extra sbatch options go in
# SBATCH_OPTIONS (e.g. "--partition=short --time=04:00:00 --mem=8G"). With --wait the
# script returns when the merge has finished, with its exit status.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
wait_flag=()
if [ "${1:-}" = "--wait" ]; then
    wait_flag=(--wait)
    shift
fi
if [ $# -lt 2 ]; then
    sed -n '2,11p' "$0" >&2
    exit 2
fi
shards=$1
out=$2
shift 2
mkdir -p "$out"
# shellcheck disable=SC2086
array=$(sbatch --parsable ${SBATCH_OPTIONS:-} --array="0-$((shards - 1))" \
    --output="$out/slurm-%A_%a.log" "$here/run_shard.sbatch" --out "$out" "$@")
array=${array%%;*}
echo "shards: job array $array (0-$((shards - 1)))"
# shellcheck disable=SC2086
sbatch --parsable ${SBATCH_OPTIONS:-} "${wait_flag[@]}" --dependency="afterok:$array" --kill-on-invalid-dep=yes \
    --output="$out/slurm-merge-%j.log" "$here/merge.sbatch" "$out" | sed 's/^/merge: job /'
