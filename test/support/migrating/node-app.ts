import { execFile, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** An app compiled with tsc and served by a plain `node` process on 127.0.0.1, until stop(). */
export interface NodeApp {
  url: string;
  stop(): Promise<void>;
}

/**
 * Compiles `source` (a module exporting `AppModule`) with tsc into `<root>/node_modules/.cache/docs-migrating/`
 * (not dist/, which `nest build` deletes, maybe while this runs) and
 * serves it with `node`, outside Jest: for code whose packages Jest in ESM mode cannot load (a
 * CommonJS package that require()s an ES module). `env` is the process's environment on top of ours.
 */
export async function serveCompiled(root: string, source: string, env: Record<string, string>, deadlineMs = 60_000): Promise<NodeApp> {
  const outDir = path.join(root, 'node_modules/.cache/docs-migrating');
  mkdirSync(outDir, { recursive: true });
  // Below node_modules, Node looks no further up for the package scope: say here that these are ES modules.
  writeFileSync(path.join(outDir, 'package.json'), '{ "type": "module" }\n');
  const tsc = path.join(root, 'node_modules/typescript/bin/tsc');
  const flags = ['--outDir', outDir, '--rootDir', path.dirname(source), '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022'];
  await execFileAsync(
    process.execPath,
    [tsc, ...flags, '--experimentalDecorators', '--emitDecoratorMetadata', '--skipLibCheck', '--types', 'node', '--ignoreConfig', source],
    {
      cwd: root,
      timeout: deadlineMs,
    },
  );
  const main = path.join(outDir, `${path.basename(source, '.ts')}.main.js`);
  writeFileSync(
    main,
    `import { NestFactory } from '@nestjs/core';\n` +
      `import { AppModule } from './${path.basename(source, '.ts')}.js';\n` +
      `const app = await NestFactory.create(AppModule, { logger: false });\n` +
      `await app.listen(0, '127.0.0.1');\n` +
      `console.log('PORT ' + app.getHttpServer().address().port);\n`,
  );
  const child = spawn(process.execPath, [main], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([exited, new Promise((resolve) => (timer = setTimeout(resolve, 5_000)))]);
    clearTimeout(timer);
  };
  let output = '';
  const port = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no port within ${deadlineMs} ms:\n${output}`)), deadlineMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /PORT (\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code}:\n${output}`));
    });
  }).catch(async (error: unknown) => {
    await stop();
    throw error;
  });
  return { url: `http://127.0.0.1:${port}`, stop };
}
