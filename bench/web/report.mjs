// Figure 6's section of bench/results/latest.md: replaced if the file has one, appended if not,
// with a line for this run among the header's, as the other figures' separate runs have.

import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';

const TITLE = '## Figure 6:';
const RUN_LINE = "- Figure 6's run:";

export function stats(values) {
  const v = [...values].sort((a, b) => a - b);
  const at = (q) => v[Math.min(v.length - 1, Math.ceil(q * v.length) - 1)];
  return { n: v.length, median: median(v), p90: at(0.9), min: v[0], max: v[v.length - 1] };
}

function median(sorted) {
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export const ms = (x) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));

/** Puts `section` (starting with TITLE) and `runLine` into the results file, atomically. */
export function writeSection(file, runLine, section) {
  let text = existsSync(file) ? readFileSync(file, 'utf8') : '# Nube benchmark results\n';
  const start = text.indexOf(`\n${TITLE}`);
  if (start >= 0) {
    const next = text.indexOf('\n## ', start + 1);
    text = text.slice(0, start) + (next >= 0 ? text.slice(next) : '\n');
  }
  const lines = text.trimEnd().split('\n').filter((l) => !l.startsWith(RUN_LINE));
  // After the last "- Figure N's run:" line, else after the header's "- Duration:" line.
  let at = lines.findLastIndex((l) => /^- Figure \d+'s run:/.test(l));
  if (at < 0) at = lines.findIndex((l) => l.startsWith('- Duration:'));
  if (at < 0) at = lines.length - 1;
  lines.splice(at + 1, 0, `${RUN_LINE} ${runLine}`);
  const temp = `${file}.tmp`;
  writeFileSync(temp, `${lines.join('\n')}\n\n${section.trimEnd()}\n`);
  renameSync(temp, file);
}
