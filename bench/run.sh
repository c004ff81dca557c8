#!/usr/bin/env bash
# Nube's benchmarks: builds the product in Release and runs bench/Nube.Bench, which writes
# bench/results/latest.md (and prints it).
#
#   bench/run.sh [--runs N] [--cli-runs N] [--vms N] [--only figN[,figM...]] [...]
#
# Figure 1: start to the guest agent's first answer, Nube vs plain QEMU with the same argv.
# Figure 2: the CLI published as scripts/demo.sh does (Native AOT): `nube --version`, and
#           `nube vm list` (and --json) with 256 VMs defined.
# Figure 3: fio in the guest, a raw disk file on emulated IDE vs synthetic SCSI, and the SCSI
#           settings (iothread, cache, vCPUs), and plain QEMU twins of both sides with one change
#           each (iothread polling, virtqueue depth, virtio-blk): --disk-rounds N, --disk-variants all.
# Figure 4: iperf3 both ways over a TAP in a network namespace of its own (nbench-*), tulip and
#           e1000 vs virtio-net, virtio-net on a Nube switch, and tulip and virtio-net pairs of VMs
#           on a private switch: --net-rounds N, --net-variants all, --iperf-seconds S.
# Figure 5: nubed's CPU with N idle VMs, heartbeat on vs off, and the time from the guest agent
#           killed to Lost communication: --hb-vms N, --hb-window S, --hb-rounds N, --lost-rounds N.
# Figure 7: what metering costs: nubed's CPU idle with N VMs (the sampler) and per reading asked
#           through the API: --meter-vms N, --meter-window S, --meter-readings N.
# Figure 8: fio on synthetic SCSI in each image format (raw, qcow2, VHDX dynamic and fixed) and
#           through 1 and 5 qcow2 overlays (checkpoints) on a VHDX base: --fmt-rounds N.
# Figure 9: hot add and remove of a SCSI disk on a running VM, Nube's API vs plain QEMU's QMP, to the
#           disk visible (and gone) in the guest: --hp-rounds N.
# Figure 10: moving a running VM between two hosts on this machine (two nubeds, each the other's peer,
#           a shared folder holding the guests' disks), Nube's live and quick moves vs the same QEMU
#           migration by hand (live over plain TCP, quick through a file beside the disk), 512 MiB and
#           2 GiB guests, idle and dirtying memory, then the 512 MiB guest moved live back and forth
#           while dirtying: --mig-rounds N, --mig-dirty-mibps N, --mig-mib N[,N...], --mig-back-to-back N.
# Figure 1 with --baseline-nubed PATH/nubed.dll boots another build's nubed in the same rounds
#           (this build against the one before a change).
# Figure 6 (`web`): the web console in Debian's Chromium: a VM's state change to its row showing it,
#           and the VM list's first paint with 256 VMs (bench/web/console.bench.mjs, Node):
#           --web-rounds N, --web-loads N. It replaces its own section of the results file.
# Every other argument goes to the runner (bench/Nube.Bench/BenchOptions.cs lists them).
# Needs root (nubed runs each VM's QEMU as a user of its own). Installs QEMU and builds the
# test guest first when they are missing (scripts/install-deps.sh, guest/build.sh); installs
# iperf3 (apt-get) for figure 4. NUBE_BENCH_NUBED=/path/nubed.dll measures another build's nubed.
set -euo pipefail

STARTED_AT=$(date +%s.%N)
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO"
log() { echo "[bench] $*" >&2; }

for arg in "$@"; do
    case $arg in -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;; esac
done
[ "$(id -u)" = 0 ] || { echo "bench: must run as root (nubed runs each VM's QEMU as a user of its own)" >&2; exit 1; }

qemu_major() { qemu-system-x86_64 --version 2>/dev/null | sed -n 's/.*version \([0-9]*\)\..*/\1/p' | head -n1; }
if ! command -v qemu-system-x86_64 >/dev/null 2>&1 || [ "$(qemu_major)" -lt 10 ]; then
    log "QEMU 10 is missing: running scripts/install-deps.sh"
    scripts/install-deps.sh
fi
GUEST_DIR=$(realpath -m "${NUBE_GUEST_DIR:-/var/cache/nube/guest}")
if [ ! -s "$GUEST_DIR/vmlinux" ] || [ ! -s "$GUEST_DIR/initrd.img" ]; then
    log "the test guest is missing: running guest/build.sh"
    guest/build.sh >/dev/null
fi

runs=10
mig_rounds=3
mig_back_to_back=20
only=
web_args=()
runner_args=()
prev=
for arg in "$@"; do
    [ "$prev" = --runs ] && runs=$arg
    [ "$prev" = --mig-rounds ] && mig_rounds=$arg
    [ "$prev" = --mig-back-to-back ] && mig_back_to_back=$arg
    case $prev in
        --only) only=$arg
                # Figure 6 is not the runner's: it gets the other figures.
                arg=$(tr ',' '\n' <<< "$arg" | { grep -vx web || true; } | paste -sd, -) ;;
        --web-rounds) web_args+=(--rounds "$arg") ;;
        --web-loads) web_args+=(--loads "$arg") ;;
    esac
    case $arg in
        --web-rounds|--web-loads) ;;
        *) case $prev in --web-rounds|--web-loads) ;; *) runner_args+=("$arg") ;; esac ;;
    esac
    prev=$arg
done
wants() { [ -z "$only" ] || [[ ",$only," == *",$1,"* ]]; }
runner=yes
[ -n "$only" ] && ! wants fig1 && ! wants fig2 && ! wants fig3 && ! wants fig4 && ! wants fig5 && ! wants fig7 && ! wants fig8 && ! wants fig9 && ! wants fig10 && runner=no

if wants fig4 && ! command -v iperf3 >/dev/null 2>&1; then
    log "figure 4 needs iperf3 on the host: installing it (apt-get)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends iperf3 >/dev/null 2>&1 \
        || { apt-get update -qq >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends iperf3 >/dev/null; } \
        || { echo "bench: figure 4 needs iperf3 and apt-get could not install it; install it, or leave fig4 out (--only)" >&2; exit 1; }
fi

if wants web; then
    command -v node >/dev/null && [ -x /usr/bin/chromium ] \
        || { echo "bench: figure 6 needs node and chromium: run scripts/install-deps.sh, or leave web out (--only)" >&2; exit 1; }
    log "building the web console"
    bash web/build.sh >/dev/null
fi
log "building (Release)"
dotnet build bench/Nube.Bench -c Release -nologo -v quiet >/dev/null \
    || { dotnet build bench/Nube.Bench -c Release -nologo -v quiet; exit 1; }
OUT=$REPO/bench/Nube.Bench/bin/Release/net10.0

WORK=$(mktemp -d /tmp/nube-bench-XXXXXX)
RUNNER_PID=
cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    if [ -n "$RUNNER_PID" ] && kill -0 "$RUNNER_PID" 2>/dev/null; then
        kill -TERM "$RUNNER_PID" 2>/dev/null || true
        for _ in $(seq 1 150); do kill -0 "$RUNNER_PID" 2>/dev/null || break; sleep 0.2; done
        kill -KILL "$RUNNER_PID" 2>/dev/null || true
    fi
    # Last resort, if the runner could not clean up: QEMUs by the pidfiles below WORK (only if
    # their command line names WORK), and nubeds whose command line names WORK.
    if [ -d "$WORK" ]; then
        find "$WORK" -name pid -type f -print0 2>/dev/null | while IFS= read -r -d '' pidfile; do
            pid=$(cat "$pidfile" 2>/dev/null || true)
            if [ -n "$pid" ] && tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -qF "$WORK"; then
                kill -KILL "$pid" 2>/dev/null || true
            fi
        done
        for proc in /proc/[0-9]*; do
            if tr '\0' ' ' < "$proc/cmdline" 2>/dev/null | grep -qF "nubed.dll --data-dir $WORK/"; then
                kill -KILL "${proc#/proc/}" 2>/dev/null || true
            fi
        done
        # Figure 4's namespace (its TAPs go with it), named after WORK's suffix.
        ns="nbench-${WORK##*-}"
        ns=${ns:0:15}
        if ip netns list 2>/dev/null | grep -qw "$ns"; then ip netns delete "$ns" 2>/dev/null || true; fi
        # Figure 10's hosts' cgroups (siblings of the runner's own), named after WORK's suffix, deepest first.
        find /sys/fs/cgroup -mindepth 2 -maxdepth 6 -type d -name "nube-bench-${WORK##*-}-*" -prune -print 2>/dev/null \
            | while IFS= read -r cg; do find "$cg" -depth -type d -exec rmdir {} + 2>/dev/null || true; done
        rm -rf "$WORK"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Figure 2 measures the CLI as users run it: published exactly as scripts/demo.sh does (Native AOT,
# from Nube.Cli.csproj), into the temporary folder. The unpublished build output
# (src/Nube.Cli/bin/Release/net10.0, IL run by the JIT, built with the bench above) is its comparison.
CLI_ARGS=()
if wants fig2; then
    log "publishing the CLI as scripts/demo.sh does"
    dotnet publish src/Nube.Cli -c Release -o "$WORK/cli" -nologo -clp:ErrorsOnly >"$WORK/publish.log" 2>&1 \
        || { cat "$WORK/publish.log" >&2; exit 1; }
    CLI_ARGS=(--cli-published "$WORK/cli" --cli-build "$REPO/src/Nube.Cli/bin/Release/net10.0")
fi

# The whole run is bounded: 3 minutes per figure-1 round is far above a TCG boot (~4 s twice);
# figures 3 to 5 get an hour between them, three to four times what their defaults take.
limit=600
wants fig1 && limit=$((limit + 180 * (runs + 1)))
wants fig3 || wants fig4 || wants fig5 && limit=$((limit + 3600))
wants fig7 && limit=$((limit + 900))
wants fig8 && limit=$((limit + 2400))
wants fig9 && limit=$((limit + 600))
# Figure 10: two boots and 5 moves per round and load per size (seconds each), bounded at 2 minutes a move;
# the back-to-back moves take about 10 s each.
wants fig10 && limit=$((limit + 1200 + 480 * mig_rounds + 60 * mig_back_to_back))

if [ "$runner" = yes ]; then
    log "running (at most ${limit} s); temporary folder $WORK"
    timeout --signal=TERM --kill-after=30 "$limit" dotnet "$OUT/Nube.Bench.dll" \
        --work-dir "$WORK" --out "$REPO/bench/results/latest.md" --guest-dir "$GUEST_DIR" \
        --command "bench/run.sh${*:+ $*}" --started-at "$STARTED_AT" "${CLI_ARGS[@]}" "${runner_args[@]}" &
    RUNNER_PID=$!
    wait "$RUNNER_PID"
fi
if wants web; then
    # Its nubed, browser and VMs live under /tmp/nube-web-*, removed by the script itself, also on failure.
    log "figure 6: the web console (at most 900 s)"
    NUBED_DLL=${NUBE_BENCH_NUBED:-$REPO/src/Nube.Service/bin/Release/net10.0/nubed.dll} NUBE_GUEST_DIR=$GUEST_DIR \
        timeout --signal=TERM --kill-after=30 900 node bench/web/console.bench.mjs \
        --out "$REPO/bench/results/latest.md" --command "bench/run.sh${*:+ $*}" "${web_args[@]}"
fi
