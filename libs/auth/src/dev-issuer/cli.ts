#!/usr/bin/env node
// The `nestjs-warden` command (package.json "bin"): a development issuer and a token minter.
import { runCli } from './cli-commands.js';

runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  cwd: process.cwd(),
}).then(
  ({ code, running }) => {
    if (!running) {
      process.exitCode = code;
      return;
    }
    const stop = () => void running.close().then(() => process.exit(0));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  },
  () => {
    process.stderr.write('nestjs-warden: failed\n');
    process.exitCode = 1;
  },
);
