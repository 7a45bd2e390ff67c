// Prints the per-file table of docs/mutation-testing.md ("Last scores") from the last Stryker report
// (reports/mutation/mutation.json) or from a report given, such as the runs merged by merge-runs.mjs:
// `node scripts/mutation/score-table.mjs [report.json]`.
import { readFileSync } from 'node:fs';

const path = process.argv[2] ?? new URL('../../reports/mutation/mutation.json', import.meta.url);
const report = JSON.parse(readFileSync(path, 'utf8'));
const rows = [];
const total = { killed: 0, timeout: 0, survived: 0, noCoverage: 0, marks: 0, ignored: 0 };
for (const [path, file] of Object.entries(report.files).sort(([a], [b]) => a.localeCompare(b))) {
  const count = (status) => file.mutants.filter((m) => m.status === status).length;
  const row = {
    killed: count('Killed'),
    timeout: count('Timeout'),
    survived: count('Survived'),
    noCoverage: count('NoCoverage'),
    marks: (file.source.match(/Stryker disable/g) ?? []).length,
    ignored: count('Ignored'),
  };
  for (const key of Object.keys(total)) total[key] += row[key];
  rows.push([`\`${path.replace('libs/auth/src/', '')}\``, row]);
}
rows.push(['**total**', total]);
const tested = (r) => r.killed + r.timeout + r.survived + r.noCoverage;
// A file whose every mutant the checker refused (or a mark covers) has no score.
const score = (r) => (tested(r) === 0 ? 'n/a' : `${((100 * (r.killed + r.timeout)) / tested(r)).toFixed(1)} %`);
console.log('| file | killed | timeout | survived | no coverage | marks | ignored | score |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const [name, r] of rows)
  console.log(`| ${name} | ${r.killed} | ${r.timeout} | ${r.survived} | ${r.noCoverage} | ${r.marks} | ${r.ignored} | ${score(r)} |`);
