#!/usr/bin/env bash
# Nube's main job on a fresh Debian 12 machine, as root: installs what is missing, builds Nube
# and the test guest, starts the host service on its default data directory (/var/lib/nube),
# then creates and starts a demo VM and shows it running.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
out=$repo/out
socket=/run/nube/nubed.sock

command -v dotnet >/dev/null || { echo "demo: the .NET 10 SDK (dotnet) is required on PATH" >&2; exit 1; }
bash scripts/install-deps.sh
bash guest/build.sh
guest=${NUBE_GUEST_DIR:-/var/cache/nube/guest}

echo "[demo] building nube and nubed into $out"
dotnet publish src/Nube.Service -c Release -o "$out" -nologo -clp:ErrorsOnly >/dev/null
dotnet publish src/Nube.Cli -c Release -o "$out" -nologo -clp:ErrorsOnly  # Native AOT (Nube.Cli.csproj): one native file, out/nube
ln -sf "$out/nube" /usr/local/bin/nube
ln -sf "$out/nubed" /usr/local/bin/nubed

if nube host info >/dev/null 2>&1; then
  echo "[demo] nubed is already running on $socket"
else
  mkdir -p /var/log/nube
  echo "[demo] starting nubed (log: /var/log/nube/nubed.log)"
  setsid nohup "$out/nubed" --data-dir /var/lib/nube --run-dir /run/nube >>/var/log/nube/nubed.log 2>&1 < /dev/null &
  for _ in $(seq 1 100); do nube host info >/dev/null 2>&1 && break; sleep 0.2; done
  nube host info >/dev/null || { echo "demo: nubed did not start; see /var/log/nube/nubed.log" >&2; exit 1; }
fi
nube host info

if ! nube vm show demo --agent-wait 0 >/dev/null 2>&1; then
  echo "[demo] creating VM 'demo'"
  nube vm new demo --memory 512 --kernel "$guest/vmlinux" --initrd "$guest/initrd.img" \
    --append "console=ttyS0 quiet" --nic synthetic:user --notes "Nube demo VM (the project's test guest)" >/dev/null
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
  nube vm console demo      # its serial console (Enter for a shell, Ctrl+] to leave)
  nube vm pause demo; nube vm resume demo
  nube vm save demo; nube vm start demo
  nube vm stop demo
TEXT
