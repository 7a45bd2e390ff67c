// Makes the next incremental Stryker run test again every mutant the last runs counted as a timeout
// (docs/mutation-testing.md, "Timeouts"): `node scripts/mutation/retest-timeouts.mjs [file,...]`, then
// `npm run test:mutation -- --timeoutMS 60000 [--mutate file,...]` with the same files (a file left
// out of --mutate would keep its timeouts stored as Ignored). A timeout counts as detected without any test
// failing; on a loaded machine a mutant that only slows a test down can time out too. Stryker's
// incremental mode tests again a mutant stored as Ignored, so the timeouts are stored as that.
import { readFileSync, writeFileSync } from 'node:fs';

const path = new URL('../../reports/mutation/stryker-incremental.json', import.meta.url);
const report = JSON.parse(readFileSync(path, 'utf8'));
const only = process.argv[2]?.split(',');
let count = 0;
for (const [file, { mutants }] of Object.entries(report.files)) {
  if (only && !only.includes(file)) continue;
  for (const mutant of mutants.filter((m) => m.status === 'Timeout')) {
    mutant.status = 'Ignored';
    count += 1;
    console.log(`${file}:${mutant.location.start.line} ${mutant.mutatorName} ${JSON.stringify(mutant.replacement ?? '')}`);
  }
}
writeFileSync(path, JSON.stringify(report));
console.log(`${count} timeouts to test again`);
