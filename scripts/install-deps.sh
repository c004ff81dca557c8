#!/usr/bin/env bash
# Installs the Debian packages Nube needs on a Debian 12 host (run as root).
# QEMU comes from bookworm-backports: Debian 12's own QEMU 7.2 corrupts live
# migrations under TCG. The backports suite uses the mirror the machine already has.
set -euo pipefail

log() { printf '[install-deps] %s\n' "$*"; }

[ "$(id -u)" = 0 ] || { echo "install-deps: must run as root" >&2; exit 1; }

qemu_major() {
  command -v qemu-system-x86_64 >/dev/null 2>&1 || { echo 0; return; }
  qemu-system-x86_64 --version | sed -n 's/.*version \([0-9]*\)\..*/\1/p' | head -n1
}

# shellcheck source=lib/debian-mirror.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/debian-mirror.sh"
mirror_uri() {
  local uri
  uri=$(debian_mirror)
  [ -n "$uri" ] || { echo "install-deps: cannot find the Debian mirror in /etc/apt/sources*" >&2; exit 1; }
  echo "$uri"
}

need=()
# libicu72, libssl3, ca-certificates: what the .NET SDK itself needs, which an SDK unpacked from
# Microsoft's tarball does not bring; on a minimal Debian 12 `dotnet` aborts without ICU (the
# SDK does not run invariant, whatever Nube's projects set) and NuGet's TLS fails (UntrustedRoot)
# without the CA certificates. procps: the end-to-end tests signal nubed with kill(1).
# gcc, libc6-dev, zlib1g-dev: the Native AOT publish of the nube CLI links with them.
# ovmf: the UEFI firmware of generation 2 VMs (/usr/share/OVMF, with and without Secure Boot).
# nftables: nubed keeps VMs' user-mode networking from the host's own services (LoopbackGuard).
# tmux: the end-to-end tests drive `nube sconfig` on a tmux terminal. `nube sconfig` offers the
# updates of these packages: keep src/Nube.Service/HostSystem/NubePackages.cs in step.
# nodejs, npm: build the web console (web/build.sh) and run its browser tests; chromium: the
# browser those tests drive headless (playwright-core brings no browser of its own).
# debootstrap: guest/debian/build.sh makes the real Debian 12 guests of the tests with it.
# iperf3: the host's end of the metering test's and the benchmark's network transfers.
# iputils-ping: the host's end of the virtual switch tests' pings (and the operator's).
# dnsmasq-base: the DHCP and DNS server nubed starts for each internal switch with DHCP on.
# xorriso, isolinux: guest/build.sh makes the test guest's installer disc (guest.iso, BIOS and
# UEFI bootable) with them; it would install them itself, but a fresh host gets them here.
for pkg in cpio zstd xz-utils kmod socat iproute2 nftables e2fsprogs file binutils passwd tmux \
           libicu72 libssl3 ca-certificates procps gcc libc6-dev zlib1g-dev ovmf nodejs chromium debootstrap iperf3 iputils-ping dnsmasq-base xorriso isolinux; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
# A nodejs from elsewhere (NodeSource's) carries its own npm and conflicts with Debian's.
command -v npm >/dev/null 2>&1 || dpkg -s npm >/dev/null 2>&1 || need+=(npm)
major=$(qemu_major)

if [ "${#need[@]}" -gt 0 ] || [ "$major" -lt 10 ] || ! dpkg -s qemu-utils >/dev/null 2>&1; then
  src=/etc/apt/sources.list.d/nube-backports.list
  if ! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
    log "adding bookworm-backports for $(mirror_uri)"
    echo "deb $(mirror_uri) bookworm-backports main" > "$src"
  fi
  log "apt-get update"
  apt-get update -q >/dev/null
  if [ "${#need[@]}" -gt 0 ]; then
    log "installing ${need[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null
  fi
  if [ "$(qemu_major)" -lt 10 ] || ! dpkg -s qemu-utils >/dev/null 2>&1; then
    log "installing QEMU 10 from bookworm-backports"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
      -t bookworm-backports qemu-system-x86 qemu-utils >/dev/null
  fi
fi
# Each VM's QEMU runs as a uid of its own, dropped to with util-linux's setpriv (always installed).
log "QEMU: $(qemu-system-x86_64 --version | head -n1)"
[ "$(qemu_major)" -ge 10 ] || { echo "install-deps: QEMU 10 or newer is required, found $(qemu_major)" >&2; exit 1; }
