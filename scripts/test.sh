#!/usr/bin/env bash
# Runs Nube's whole test suite on a Debian 12 machine as root: installs what is missing
# (QEMU 10, the tools the guest builder needs), builds the test guest and the solution, then
# runs the unit and end-to-end tests, then the web console's browser tests. The end-to-end and
# browser tests boot the real guest under QEMU.
set -euo pipefail
cd "$(dirname "$0")/.."

# Installs, builds the test guest and the solution (shared with check-fresh.sh).
bash scripts/build.sh test

echo "[test] running the tests"
log=$(mktemp)
weblog=$(mktemp)
trap 'rm -f "$log" "$weblog"' EXIT
set +e
dotnet test Nube.slnx -c Release --no-build -nologo --logger "console;verbosity=normal" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
# The web console in Debian's Chromium against a real nubed (web/tests). Two files at a time: each
# waits mostly on its browser and guest (4.0 min one at a time here, 2.4 min two at a time).
echo "[test] running the browser tests"
node --test --test-reporter=tap --test-concurrency=2 web/tests/*.test.mjs \
  2>&1 | tee "$weblog"
webrc=${PIPESTATUS[0]}
set -e
[ "$webrc" -eq 0 ] || rc=1
# The failures again, whole, near the end where a reader of a long log looks first.
awk '/^  Failed / { n = 40 } n > 0 { print; n-- }' "$log"
grep -E -A25 '^ *not ok' "$weblog" || true
# One closing line for the whole suite, summed over the test assemblies' summaries and the browser
# tests' (node's TAP summary: a cancelled test counts as failed).
awk '/^Total tests:/ { t += $3 } /^ +Passed:/ { p += $2 } /^ +Failed:/ { f += $2 } /^ +Skipped:/ { s += $2 }
     FILENAME == ARGV[2] && /^# tests / { t += $3 } FILENAME == ARGV[2] && /^# pass / { p += $3 }
     FILENAME == ARGV[2] && /^# (fail|cancelled) / { f += $3 } FILENAME == ARGV[2] && /^# (skipped|todo) / { s += $3 }
     END { if (t == 0) { print "no tests ran"; exit 1 } printf "%d passed, %d failed, %d skipped\n", p, f, s }' "$log" "$weblog" || rc=1
exit "$rc"
