// Jest test sequencer for mutation testing only (stryker.config.mjs sets it; `npm test` never uses it).
//
// For each mutant, Stryker's jest runner asks Jest for the spec files related to the mutated source
// (--findRelatedTests) and selects the covering tests by name (--testNamePattern). Jest then still
// loads every related spec file, even those with no selected test: in ESM mode that costs about a
// third of a second per file, so most of a mutant's time went into loading files that run nothing.
//
// This sequencer remembers, from each run's results, which spec file holds which test (by full
// name, as Jest matches --testNamePattern), and drops the spec files that hold none of the selected
// tests. When it knows no test the pattern matches, or no pattern is given (the dry run, static
// mutants), it keeps every file: it can make a run cheaper, never skip a covering test.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import DefaultSequencer from '@jest/test-sequencer';

/** Full test name -> the spec files holding a test of that name, kept beside the sandbox's Jest config so a restarted test runner keeps it. */
const MAP_FILE = '.stryker-test-files.json';

export default class TestFileSequencer extends DefaultSequencer {
  #pattern;
  #mapFile;

  /** @param {{ globalConfig: { testNamePattern?: string, rootDir: string } }} options */
  constructor(options) {
    super(options);
    this.#pattern = options.globalConfig.testNamePattern || undefined;
    this.#mapFile = path.join(options.globalConfig.rootDir, MAP_FILE);
  }

  /** The default order, less the spec files that hold none of the selected tests. */
  sort(tests) {
    const sorted = super.sort(tests);
    if (!this.#pattern) return sorted;
    const known = this.#readMap();
    const selected = new RegExp(this.#pattern, 'i');
    const files = new Set(
      Object.entries(known)
        .filter(([name]) => selected.test(name))
        .flatMap(([, paths]) => paths),
    );
    if (files.size === 0) return sorted;
    return sorted.filter((test) => files.has(test.path));
  }

  /** Records the file of every test the run saw, then lets the default sequencer keep its timings. */
  cacheResults(tests, results) {
    const known = this.#readMap();
    let added = false;
    for (const file of results.testResults) {
      for (const test of file.testResults) {
        const paths = (known[test.fullName] ??= []);
        if (paths.includes(file.testFilePath)) continue;
        paths.push(file.testFilePath);
        added = true;
      }
    }
    if (added) writeFileSync(this.#mapFile, JSON.stringify(known));
    super.cacheResults(tests, results);
  }

  /** @returns {Record<string, string[]>} */
  #readMap() {
    return existsSync(this.#mapFile) ? JSON.parse(readFileSync(this.#mapFile, 'utf8')) : {};
  }
}
