// Merges the reports of Stryker runs made in several worktrees or clones into one:
// `node scripts/mutation/merge-runs.mjs <out.json> <run.json>...` (docs/mutation-testing.md,
// "Running it in batches"). Each clone keeps its own reports/mutation/; merged, they give the per-file
// table and the next run's incremental file. Test ids are numbers local to each report: they are
// mapped through the test's file and name. A file in several reports is taken from the last one given.
import { readFileSync, writeFileSync } from 'node:fs';

const [out, ...inputs] = process.argv.slice(2);
if (!out || inputs.length === 0) {
  console.error('usage: node scripts/mutation/merge-runs.mjs <out.json> <run.json>...');
  process.exit(2);
}

const merged = { files: {}, testFiles: {} };
const idByKey = new Map();
const keyOf = (testFile, name) => `${testFile}\u0000${name}`;

for (const input of inputs) {
  const report = JSON.parse(readFileSync(input, 'utf8'));
  const localIds = new Map();
  for (const [testFile, { tests, source }] of Object.entries(report.testFiles ?? {})) {
    // A spec changed between runs: its tests are those of the later run.
    const earlier = merged.testFiles[testFile];
    const target = earlier?.source === source ? earlier : (merged.testFiles[testFile] = { tests: [], source });
    for (const test of tests) {
      const key = keyOf(testFile, test.name);
      if (!idByKey.has(key)) idByKey.set(key, String(idByKey.size));
      const id = idByKey.get(key);
      if (!target.tests.some((t) => t.id === id)) target.tests.push({ ...test, id });
      localIds.set(test.id, id);
    }
  }
  const remap = (ids) => ids?.map((id) => localIds.get(id) ?? id);
  for (const [file, result] of Object.entries(report.files)) {
    const mutants = result.mutants.map((m) => ({ ...m, coveredBy: remap(m.coveredBy), killedBy: remap(m.killedBy) }));
    merged.files[file] = { ...result, mutants };
  }
  Object.assign(merged, { ...report, files: merged.files, testFiles: merged.testFiles });
}

writeFileSync(out, JSON.stringify(merged));
const mutants = Object.values(merged.files).reduce((n, f) => n + f.mutants.length, 0);
console.log(`${out}: ${Object.keys(merged.files).length} files, ${mutants} mutants, ${idByKey.size} tests`);
