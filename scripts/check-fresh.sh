#!/usr/bin/env bash
# Proves that the README's two commands install everything they need on a fresh Debian 12
# machine: makes a minimal bookworm root with debootstrap, copies a clean clone of this
# repository's HEAD into it and runs, under chroot, the install and build steps that
# scripts/test.sh and scripts/demo.sh share (scripts/build.sh), then a quick check of what
# they produced. No VM is booted. Run as root.
#
#   scripts/check-fresh.sh [--keep]    # --keep: leave the root and its logs in /var/tmp
#
# The host's .NET SDK is lent read-only (the README asks for it on PATH); everything else,
# NuGet packages included, comes fresh from the registries. The bare debootstrap root is cached
# in /var/cache/nube/check-fresh (refreshed after a week), so a second run skips debootstrap.
set -euo pipefail
PATH=$PATH:/usr/sbin:/sbin   # chroot, debootstrap, umount

keep=0
case ${1:-} in
  --keep) keep=1 ;;
  "") ;;
  *) echo "usage: $0 [--keep]" >&2; exit 2 ;;
esac
[ "$(id -u)" = 0 ] || { echo "check-fresh: must run as root" >&2; exit 1; }

repo=$(cd "$(dirname "$0")/.." && pwd)
commit=$(git -C "$repo" rev-parse HEAD)
cache=/var/cache/nube/check-fresh
tarball=$cache/bookworm-minbase.tar
command -v dotnet >/dev/null || { echo "check-fresh: the .NET 10 SDK (dotnet) is required on PATH" >&2; exit 1; }
dotnet_dir=$(dirname "$(readlink -f "$(command -v dotnet)")")
start=$SECONDS
work=$(mktemp -d /var/tmp/nube-check-fresh.XXXXXX)
root=$work/root
step_pid= cur_step=

log() { printf '[check-fresh] %s\n' "$*"; }
in_root_pids() {
  local p
  for p in /proc/[0-9]*; do [ "$(readlink "$p/root" 2>/dev/null)" = "$root" ] && echo "${p#/proc/}"; done; true
}

# Runs on every exit: stops what still runs in the root, undoes every mount (deepest first),
# and removes the root only when nothing is mounted in it any more.
cleanup() {
  local rc=$? m left
  trap - EXIT INT TERM
  set +e   # a failing command here must not cut the clean-up short
  [ -n "$step_pid" ] && kill "$step_pid" 2>/dev/null && wait "$step_pid" 2>/dev/null
  # Build servers or an interrupted step's children would keep the mounts busy.
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    left=$(in_root_pids)
    [ -z "$left" ] && break
    kill -KILL $left 2>/dev/null; sleep 0.5
  done
  for m in $(findmnt -rn -o TARGET | grep -F "$root/" | sort -r || true); do
    umount "$m" 2>/dev/null || umount -l "$m" || true
  done
  left=$(findmnt -rn -o TARGET | grep -F "$work/" || true)
  if [ -n "$left" ]; then
    echo "check-fresh: still mounted, $work left in place:" >&2; echo "$left" >&2; rc=1
  elif [ "$keep" = 1 ]; then
    log "kept $work (root: $root, logs: $work/logs)"
  else
    rm -rf --one-file-system "$work"
  fi
  exit "$rc"
}
trap cleanup EXIT
stopped() { echo "check-fresh: FAIL: stopped by $1${cur_step:+ during step '$cur_step'}" >&2; exit "$2"; }
trap 'stopped SIGINT 130' INT
trap 'stopped SIGTERM 143' TERM

# step NAME SECONDS COMMAND...: runs a step with a time limit and its output in a log. Runs it
# in the background and waits, so that Ctrl+C stops it at once (bash defers traps while a
# foreground command runs). On failure prints the log's tail and the verdict, and exits 1.
step() {
  local name=$1 limit=$2 t0=$SECONDS rc=0
  logfile=$work/logs/$(printf %s "$name" | tr -c 'A-Za-z0-9.-' _).log
  shift 2
  mkdir -p "$work/logs"
  log "$name ..."
  cur_step=$name
  timeout -k 10 "$limit" "$@" >"$logfile" 2>&1 &
  step_pid=$!
  wait "$step_pid" || rc=$?
  step_pid= cur_step=
  if [ "$rc" != 0 ]; then
    [ "$rc" = 124 ] && echo "check-fresh: $name timed out after $limit s" >&2
    echo "---- last lines of $name's log ----" >&2; tail -n 40 "$logfile" >&2; echo "----" >&2
    mkdir -p "$cache" && cp "$logfile" "$cache/last-failure.log"
    echo "check-fresh: FAIL at step '$name' (exit $rc, $((SECONDS - t0)) s; log: $cache/last-failure.log)" >&2
    exit 1
  fi
  log "$name ok ($((SECONDS - t0)) s)"
}

# The Debian mirror the host's apt already uses.
# shellcheck source=lib/debian-mirror.sh
. "$repo/scripts/lib/debian-mirror.sh"
mirror=$(debian_mirror)
[ -n "$mirror" ] || { echo "check-fresh: no Debian mirror in the host's apt sources" >&2; exit 1; }

[ -n "$(git -C "$repo" status --porcelain --untracked-files=no)" ] \
  && log "note: uncommitted changes are not checked, only HEAD ($commit)"

mkdir -p "$root" "$cache"
if [ -f "$tarball" ] && [ -z "$(find "$tarball" -mtime +7)" ]; then
  step "unpack cached root" 300 tar -C "$root" -xpf "$tarball"
else
  if ! command -v debootstrap >/dev/null; then
    step "install debootstrap" 600 sh -c 'apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap'
  fi
  # minbase: the smallest Debian there is, so that nothing the scripts use is there by luck.
  step "debootstrap bookworm (minbase)" 1200 debootstrap --variant=minbase bookworm "$root" "$mirror"
  step "cache the root" 300 tar -C "$root" -cpf "$tarball.tmp" .
  mv -f "$tarball.tmp" "$tarball"
fi

step "clone $commit" 300 sh -c 'git clone -q --no-hardlinks "$1" "$2" && git -C "$2" checkout -q --detach "$3"' \
  _ "$repo" "$root/root/nube" "$commit"

# The network as every machine here has it: its resolver, and the CA of its TLS egress (the
# ca-certificates package adds /usr/local/share/ca-certificates to the store when installed).
cp -L /etc/resolv.conf "$root/etc/resolv.conf"
if compgen -G '/usr/local/share/ca-certificates/*.crt' >/dev/null; then
  mkdir -p "$root/usr/local/share/ca-certificates"
  cp /usr/local/share/ca-certificates/*.crt "$root/usr/local/share/ca-certificates/"
fi
# Packages must not start daemons from the chroot (a real machine would start them at boot).
printf '#!/bin/sh\nexit 101\n' > "$root/usr/sbin/policy-rc.d"; chmod 755 "$root/usr/sbin/policy-rc.d"

for m in /proc /sys /dev /dev/pts; do
  mkdir -p "$root$m"; mount --bind "$m" "$root$m"
done
mkdir -p "$root$dotnet_dir"
mount --bind "$dotnet_dir" "$root$dotnet_dir"
mount -o remount,bind,ro "$root$dotnet_dir"

# A clean environment, as on a fresh login, plus this workplace's DOTNET_*/NUGET_* settings.
# UseSharedCompilation=false: no compiler server outliving the build inside the root.
mapfile -t envs < <(env | grep -E '^(DOTNET|NUGET)_[A-Z_]*=' || true)
envs+=(HOME=/root TERM=dumb "PATH=$dotnet_dir:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
       UseSharedCompilation=false MSBUILDDISABLENODEREUSE=1)
inside=(chroot "$root" /usr/bin/env -i "${envs[@]}" bash -c)

step "install-deps + guest/build.sh (build.sh deps)" 1800 "${inside[@]}" 'cd /root/nube && bash scripts/build.sh deps'
step "dotnet build (build.sh test)" 1800 "${inside[@]}" 'cd /root/nube && bash scripts/build.sh test'
step "dotnet publish (build.sh demo)" 1200 "${inside[@]}" 'cd /root/nube && bash scripts/build.sh demo'
step "check the results" 120 "${inside[@]}" '
  set -e; cd /root/nube
  qemu-system-x86_64 --version | head -n1
  for f in vmlinux initrd.img boot.img efi.img guest.iso data.img manifest.json; do
    test -s "/var/cache/nube/guest/$f" || { echo "guest file missing: $f"; exit 1; }
  done
  # The web console, built by Debian'"'"'s own Node.js, in what nubed'"'"'s publish carries.
  echo "node $(node --version), npm $(npm --version), $(chromium --version | head -n1), $(tmux -V)"
  test -s out/wwwroot/index.html || { echo "the web console is missing from out/wwwroot"; exit 1; }
  echo "nube --version: $(out/nube --version)"'
sed 's/^/  /' "$logfile"

rm -f "$cache/last-failure.log"
log "PASS: $commit installs and builds on a fresh Debian 12 root ($((SECONDS - start)) s in all)"
