// Reads the suite's results (OUTDIR/server-<scenario>-<time>/checks.json)
// and decides whether a run.sh run passed:
//
//   node summarize.mjs OUTDIR STRICT [EXPECTED_FAILURES_YAML]
//
// A scenario listed in the expected-failures file may fail or warn (the
// suite itself fails the run if a listed scenario passes: a stale entry).
// Any other scenario must have no FAILURE check and, when STRICT is 1, no
// WARNING check either. The suite's own exit status ignores warnings
// without a baseline, which is why this reads checks.json at all.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const [outDir, strictArg, expectedFile] = process.argv.slice(2);
const strict = strictArg === '1';

// The file is a tiny YAML subset (server: / client: lists of names with
// comments); reading the list items of the server: key needs no parser.
function expectedScenarios(file) {
  const names = new Set();
  if (!file) return names;
  let inServer = false;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const key = line.match(/^([A-Za-z_]+):/);
    if (key) { inServer = key[1] === 'server'; continue; }
    const item = line.match(/^\s*-\s*([^\s#]+)/);
    if (inServer && item) names.add(item[1].replace(/^['"]|['"]$/g, ''));
  }
  return names;
}

const dirPattern = /^server-(.+)-(\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z)$/;
const latest = new Map(); // scenario -> { stamp, dir }
for (const name of readdirSync(outDir)) {
  const m = name.match(dirPattern);
  if (!m || !statSync(join(outDir, name)).isDirectory()) continue;
  const prev = latest.get(m[1]);
  if (!prev || prev.stamp < m[2]) latest.set(m[1], { stamp: m[2], dir: join(outDir, name) });
}
if (latest.size === 0) {
  console.error(`summarize: no server-*/checks.json results in ${outDir}`);
  process.exit(1);
}

const expected = expectedScenarios(expectedFile);
const totals = { SUCCESS: 0, FAILURE: 0, WARNING: 0, INFO: 0 };
const problems = [];
const rows = [];
for (const scenario of [...latest.keys()].sort()) {
  const checks = JSON.parse(readFileSync(join(latest.get(scenario).dir, 'checks.json'), 'utf8'));
  const count = { SUCCESS: 0, FAILURE: 0, WARNING: 0, INFO: 0 };
  for (const c of checks) count[c.status] = (count[c.status] ?? 0) + 1;
  for (const k of Object.keys(totals)) totals[k] += count[k] ?? 0;
  const listed = expected.has(scenario);
  let note = '';
  if (listed) {
    note = count.FAILURE || count.WARNING ? 'expected failure' : 'listed as expected failure but passed';
  } else if (count.FAILURE || (strict && count.WARNING)) {
    note = 'UNEXPECTED';
    for (const c of checks) {
      if (c.status === 'FAILURE' || (strict && c.status === 'WARNING')) {
        problems.push(`${scenario}: ${c.status} ${c.id}: ${c.errorMessage ?? c.description}`);
      }
    }
  }
  rows.push([scenario, count.SUCCESS, count.FAILURE, count.WARNING, note]);
}

const w = Math.max(...rows.map(r => r[0].length));
console.log(`\n${'scenario'.padEnd(w)}  pass  fail  warn`);
for (const [s, p, f, wa, note] of rows) {
  console.log(`${s.padEnd(w)}  ${String(p).padStart(4)}  ${String(f).padStart(4)}  ${String(wa).padStart(4)}  ${note}`);
}
console.log(`\nchecks: ${totals.SUCCESS} passed, ${totals.FAILURE} failed, ${totals.WARNING} warnings, ${totals.INFO} info in ${rows.length} scenarios`);
for (const s of expected) {
  if (!latest.has(s)) problems.push(`${s}: listed in ${expectedFile} but the suite did not run it`);
}
if (problems.length) {
  console.error(`\n${problems.length} problem(s):`);
  for (const p of problems) console.error(`  - ${p}`);
  process.exit(1);
}
