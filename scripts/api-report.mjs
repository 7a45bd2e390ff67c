// `npm run api:check` / `npm run api:update`: the public API of every entry point, locked by an API
// report (@microsoft/api-extractor) committed in libs/auth/api/. `--update` rewrites the reports;
// without it, a public API that differs from its report fails, naming the entry and the file.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Extractor, ExtractorConfig } from '@microsoft/api-extractor';
import { readEntryPoints } from './lib-package/entry-points.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const update = process.argv.includes('--update');
const dtsDir = path.join(root, 'dist/api-dts');
const reportDir = path.join(root, 'libs/auth/api');
const tempDir = path.join(root, 'dist/api-report-temp');

rmSync(dtsDir, { recursive: true, force: true });
mkdirSync(reportDir, { recursive: true });
mkdirSync(tempDir, { recursive: true });
// Declarations only: what users' compilers see.
execFileSync(
  process.execPath,
  [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', path.join(root, 'libs/auth/tsconfig.lib.json'), '--emitDeclarationOnly', '--outDir', dtsDir],
  { stdio: 'inherit' },
);

const off = { logLevel: 'none' };
let failed = false;
for (const { subpath, module } of readEntryPoints(root, 'nestjs-warden', path.join(root, 'libs/auth/src'))) {
  const name = subpath === '.' ? 'nestjs-warden' : `nestjs-warden.${subpath.slice(2).replaceAll('/', '-')}`;
  const config = ExtractorConfig.prepare({
    configObject: {
      projectFolder: root,
      mainEntryPointFilePath: path.join(dtsDir, `${module}.d.ts`),
      compiler: {
        overrideTsconfig: {
          compilerOptions: {
            module: 'nodenext',
            moduleResolution: 'nodenext',
            target: 'ES2022',
            lib: ['ES2023'],
            types: ['node'],
            skipLibCheck: true,
            strict: true,
          },
          include: [path.join(dtsDir, '**/*.d.ts')],
        },
      },
      apiReport: { enabled: true, reportFolder: reportDir, reportTempFolder: tempDir, reportFileName: `${name}.api.md` },
      docModel: { enabled: false },
      dtsRollup: { enabled: false },
      tsdocMetadata: { enabled: false },
      messages: {
        compilerMessageReporting: { default: { logLevel: 'warning' } },
        extractorMessageReporting: { default: off, 'ae-forgotten-export': off, 'ae-missing-release-tag': off },
        tsdocMessageReporting: { default: off },
      },
    },
    configObjectFullPath: path.join(root, 'api-extractor.json'),
    packageJsonFullPath: path.join(root, 'libs/auth/package.json'),
  });
  const result = Extractor.invoke(config, { localBuild: update, showVerboseMessages: false, messageCallback: (m) => (m.handled = m.logLevel === 'none') });
  if (!result.succeeded || (!update && result.apiReportChanged)) {
    failed = true;
    console.error(
      `api-report: the public API of "${subpath}" differs from libs/auth/api/${name}.api.md. ` +
        'If the change is intended, run `npm run api:update`, commit the report, and note it in the CHANGELOG.',
    );
  } else {
    console.log(`api-report: ${subpath} ${update && result.apiReportChanged ? 'updated' : 'unchanged'}`);
  }
}
process.exit(failed ? 1 : 0);
