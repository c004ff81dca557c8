#!/usr/bin/env bash
# Runs Nube's whole test suite on a Debian 12 machine as root: installs what is missing
# (QEMU 10, the tools the guest builder needs), builds the test guest and the solution, then
# runs the unit and integration tests. The integration tests boot the real guest under QEMU.
set -euo pipefail
cd "$(dirname "$0")/.."

command -v dotnet >/dev/null || { echo "test: the .NET 10 SDK (dotnet) is required on PATH" >&2; exit 1; }
bash scripts/install-deps.sh
bash guest/build.sh

echo "[test] building"
dotnet build Nube.slnx -c Release -nologo -clp:ErrorsOnly

echo "[test] running the tests"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
set +e
dotnet test Nube.slnx -c Release --no-build -nologo --logger "console;verbosity=normal" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
set -e
# One closing line for the whole suite, summed over the test assemblies.
awk '/^(Passed|Failed)! +- Failed:/ {
       gsub(",", ""); for (i = 1; i <= NF; i++) { if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1); if ($i == "Skipped:") s += $(i+1) }
     } END { printf "%d passed, %d failed, %d skipped\n", p, f, s }' "$log"
exit "$rc"
