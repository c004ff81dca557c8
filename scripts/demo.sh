#!/usr/bin/env bash
# Nube's main job on a fresh Debian 12 machine, as root: installs what is missing, builds Nube
# and the test guest, starts the host service on its default data directory (/var/lib/nube),
# then creates and starts a demo VM and shows it running.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
out=$repo/out
socket=/run/nube/nubed.sock

# Installs, builds the test guest and publishes nube and nubed into $out (shared with check-fresh.sh).
bash scripts/build.sh demo "$out"
guest=${NUBE_GUEST_DIR:-/var/cache/nube/guest}
# VMs may use files under the host's storage roots only; /var/lib/nube/images is the default one.
images=/var/lib/nube/images/nube-test-guest
mkdir -p "$images"
cp -u "$guest/vmlinux" "$guest/initrd.img" "$images/"

ln -sf "$out/nube" /usr/local/bin/nube
ln -sf "$out/nubed" /usr/local/bin/nubed

if nube host info >/dev/null 2>&1; then
  echo "[demo] nubed is already running on $socket"
elif [ "$(cat /proc/1/comm 2>/dev/null)" = systemd ]; then
  # The units run /usr/local/bin/nubed and nube, linked above; nube-vms.service applies the VMs'
  # automatic stop actions at host shutdown (docs/host-service.md).
  echo "[demo] starting nubed with systemd: nubed.service and nube-vms.service, enabled at boot (log: journalctl -u nubed)"
  install -m 0644 scripts/systemd/nubed.service scripts/systemd/nube-vms.service /etc/systemd/system/
  # nubed is published framework-dependent and systemd does not pass on this shell's PATH: a drop-in
  # tells the unit where this machine's .NET is.
  mkdir -p /etc/systemd/system/nubed.service.d
  printf '[Service]\nEnvironment=DOTNET_ROOT=%s\n' "$(dirname "$(readlink -f "$(command -v dotnet)")")" \
    > /etc/systemd/system/nubed.service.d/dotnet.conf
  systemctl daemon-reload
  # Type=notify: this returns once nubed serves, or fails when it does not start.
  systemctl enable --now nubed.service nube-vms.service
  log="journalctl -u nubed"
else
  mkdir -p /var/log/nube
  echo "[demo] starting nubed with setsid nohup, as systemd is not PID 1 here (log: /var/log/nube/nubed.log, rotated)"
  # nubed writes its log itself, dated and rotated; standard output and error keep only what comes
  # before the log opens or after the runtime fails (a crash's stack), from this start.
  setsid nohup "$out/nubed" --data-dir /var/lib/nube --run-dir /run/nube --log-file /var/log/nube/nubed.log \
    >/var/log/nube/nubed.stderr 2>&1 < /dev/null &
  log="/var/log/nube/nubed.log and /var/log/nube/nubed.stderr"
fi
for _ in $(seq 1 100); do nube host info >/dev/null 2>&1 && break; sleep 0.2; done
nube host info >/dev/null || { echo "demo: nubed did not start; see ${log:-its log}" >&2; exit 1; }
# The web console and the API over TCP: on port 8006 with the host's own self-signed certificate,
# and a first user whose password is kept, readable by root only, in the data directory.
if ! nube host info --json | grep -A1 '"remote": {' | grep -q '"enabled": true'; then
  echo "[demo] turning on remote management (the web console and the API on port 8006, TLS)"
  nube host set --remote on >/dev/null
fi
password_file=/var/lib/nube/admin-password
if [ "$(nube user list --json | grep -c '"name"')" = 0 ]; then
  echo "[demo] adding the web console's first user 'admin' (password in $password_file)"
  (umask 077; head -c 18 /dev/urandom | base64 | tr '+/' '-_' > "$password_file")
  nube user add admin --password-file "$password_file" >/dev/null
fi
nube host info

if ! nube vm show demo --agent-wait 0 >/dev/null 2>&1; then
  # Without --nic, its adapter is on the host's default switch (NAT and DHCP), which nubed made at
  # its first start; a host that has none (its operator removed it) gets QEMU's user-mode NAT.
  nic=()
  if ! nube host info --json | grep -q '"defaultSwitch": "'; then
    echo "[demo] this host has no default switch: the demo VM uses user-mode networking"
    nic=(--nic synthetic:user)
  fi
  echo "[demo] creating VM 'demo'"
  nube vm new demo --memory 512 --kernel "$images/vmlinux" --initrd "$images/initrd.img" \
    --append "console=ttyS0 quiet nube.dhcp=1" "${nic[@]}" --notes "Nube demo VM (the project's test guest)" >/dev/null
fi
state=$(nube vm show demo --agent-wait 0 --json | sed -n 's/^ *"state": "\(.*\)",*$/\1/p' | head -n1)
if [ "$state" != running ]; then
  echo "[demo] starting VM 'demo' and waiting for its guest agent"
  nube vm start demo --wait-agent 120 >/dev/null
fi
nube vm list
nube vm show demo
cat <<TEXT

The demo VM is running. Try:
  nube vm connect demo      # the URL of its console in the web console (user admin, password in $password_file)
  nube vm console demo      # its serial console (Enter for a shell, Ctrl+] to leave)
  nube vm screenshot demo /tmp/demo.png
  nube sconfig              # the host's text menu
  nube vm pause demo; nube vm resume demo
  nube vm save demo; nube vm start demo
  nube vm stop demo
TEXT
