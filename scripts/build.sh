#!/usr/bin/env bash
# Installs what Nube needs and builds it: the install and build steps of scripts/test.sh and
# scripts/demo.sh, in one place so that scripts/check-fresh.sh runs exactly these steps on a
# fresh Debian 12 root (run as root).
#
#   scripts/build.sh deps         # Debian packages (scripts/install-deps.sh), the test guest
#   scripts/build.sh test         # deps, the real Debian 12 guests and installer disc, the web console, then the solution in Release (what test.sh runs)
#   scripts/build.sh demo [OUT]   # deps, the web console, then nube and nubed published into OUT (default out/)
set -euo pipefail
cd "$(dirname "$0")/.."

mode=${1:-}
case $mode in
  deps|test|demo) ;;
  *) echo "usage: $0 deps|test|demo [OUT]" >&2; exit 2 ;;
esac
# Messages keep the prefix of the command the user ran.
who=$mode; [ "$mode" = deps ] && who=build

command -v dotnet >/dev/null || { echo "$who: the .NET 10 SDK (dotnet) is required on PATH" >&2; exit 1; }
bash scripts/install-deps.sh
bash guest/build.sh
# The end-to-end tests' real Debian 12 guests (debootstrap; a few minutes once, then cached) and
# Debian's installer on a disc (a 130 MB package, once).
[ "$mode" = test ] && bash guest/debian/build.sh
[ "$mode" = test ] && bash guest/debian/installer.sh
# The web console goes into src/Nube.Service/wwwroot, which nubed's build and publish carry.
[ "$mode" = deps ] || bash web/build.sh

case $mode in
  test)
    echo "[test] building"
    dotnet build Nube.slnx -c Release -nologo -clp:ErrorsOnly
    ;;
  demo)
    out=${2:-$(pwd)/out}
    echo "[demo] building nube and nubed into $out"
    dotnet publish src/Nube.Service -c Release -o "$out" -nologo -clp:ErrorsOnly >/dev/null
    # Native AOT (Nube.Cli.csproj): one native file, out/nube; most of a CLI call was start-up.
    dotnet publish src/Nube.Cli -c Release -o "$out" -nologo -clp:ErrorsOnly
    ;;
esac
