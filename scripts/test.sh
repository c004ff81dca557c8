#!/usr/bin/env bash
# Runs Nube's whole test suite on a Debian 12 machine as root: installs what is missing
# (QEMU 10, the tools the guest builder needs), builds the test guest and the solution, then
# runs the unit and integration tests. The integration tests boot the real guest under QEMU.
set -euo pipefail
cd "$(dirname "$0")/.."

# Installs, builds the test guest and the solution (shared with check-fresh.sh).
bash scripts/build.sh test

echo "[test] running the tests"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
set +e
dotnet test Nube.slnx -c Release --no-build -nologo --logger "console;verbosity=normal" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
set -e
# One closing line for the whole suite, summed over the test assemblies' summaries.
awk '/^Total tests:/ { t += $3 } /^ +Passed:/ { p += $2 } /^ +Failed:/ { f += $2 } /^ +Skipped:/ { s += $2 }
     END { if (t == 0) { print "no tests ran"; exit 1 } printf "%d passed, %d failed, %d skipped\n", p, f, s }' "$log" || rc=1
exit "$rc"
