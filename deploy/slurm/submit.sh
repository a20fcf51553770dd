#!/usr/bin/env bash
# Submits a `bridge repro` sweep to Slurm: N shards as a job array, then the merge job, which
# starts once every shard has succeeded.
#   deploy/slurm/submit.sh N NAME [repro options]
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: $0 SHARDS NAME [repro options]" >&2; exit 2; }
shards=$1
shift
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
mkdir -p "${RESULTS:-results}"
array=$(sbatch --parsable --array="0-$((shards - 1))" "$here/repro.sbatch" "$@")
# --parsable prints `jobid` or `jobid;cluster`.
sbatch --dependency="afterok:${array%%;*}" --job-name=bridge-merge "$here/repro.sbatch" --merge "$@"
