import { describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Runs `npm run bench -- --quick` as a user would (one round: the test proves it runs and reports, never its speed); resolves with its exit code and output. */
function runQuickBench(): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['bench/run.mjs', '--quick', '--rounds=1'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr = (stderr + chunk).slice(-8000)));
    const timer = setTimeout(() => child.kill('SIGKILL'), 280_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

// Proves the benchmark runs from this checkout and prints its report. Speed is never asserted.
describe('npm run bench -- --quick', () => {
  it('runs every server and prints the table, the JWKS herd count and the memory figure', async () => {
    const { code, stdout, stderr } = await runQuickBench();
    if (code !== 0) throw new Error(`bench failed (${code}):\n${stderr}`);
    expect(stdout).toContain('| server | req/s | p50 (ms) | p99 (ms) | vs no-auth | server CPU µs/req |');
    for (const label of [
      'no auth',
      'a guard that only checks the header is there',
      'nestjs-warden (same token)',
      'nestjs-warden (same token, metrics on)',
      'nestjs-warden, three issuers configured (same token)',
      'nestjs-warden (fresh token every request)',
      'nestjs-warden (opaque token, introspection cache)',
      'plain jose guard',
      '@nestjs/passport + passport-jwt + jwks-rsa',
      'express-oauth2-jwt-bearer',
      '@clerk/backend verifyToken',
      'nestjs-warden DPoP (fresh proof every request, memory replay store)',
      // Run when redis-server is installed (the bench starts one); left out, with a note, otherwise.
      ...(existsSync('/usr/bin/redis-server')
        ? ['nestjs-warden + Redis revocation (same token)', 'nestjs-warden DPoP (fresh proof every request, Redis replay store)']
        : []),
    ]) {
      // A note such as "token pool ran out" may follow the label; failed requests may not.
      const note = '(?: \\((?![^)]*non-2xx)[^)]*\\))?';
      expect(stdout).toMatch(
        new RegExp(`^\\| ${label.replace(/[()+.]/g, '\\$&')}${note} \\| \\d+ \\| [\\d.]+ \\| [\\d.]+ \\| [\\d.]+ \\| (?:\\d+|n/a) \\|$`, 'm'),
      );
    }
    expect(stdout).toMatch(/^\| no auth \| \d+ \| [\d.]+ \| [\d.]+ \| 1\.00 \| (?:\d+|n\/a) \|$/m);
    expect(stdout).toMatch(/^\| nestjs-warden \| 1 \| 1000\/1000 \|$/m);
    expect(stdout).toMatch(/^Fresh token every request, .*: plain jose guard \d+\.\d\dx, express-oauth2-jwt-bearer \d+\.\d\dx\.$/m);
    expect(stdout).toMatch(/^Metrics on \(OpenTelemetry SDK\), same token: \d+\.\d\d of the req\/s with metrics off/m);
    expect(stdout).toMatch(/^Three issuers configured, same token: \d+\.\d\d of the req\/s with one issuer in the same round/m);
    if (existsSync('/usr/bin/redis-server')) expect(stdout).toMatch(/^Redis revocation store .*: \d+\.\d\dx \(target >= 0\.95\)\.$/m);
    expect(stdout).toMatch(
      /^nestjs-warden DPoP \(fresh proof every request, memory replay store\): \d+\.\d\dx the req\/s of a fresh token every request, \d+\.\d\dx the same token's; -?\d+ µs more server CPU/m,
    );
    expect(stdout).toMatch(/^The opaque-token row sends one opaque token, .* \((\d+) introspection calls in \1 server starts\)\.$/m);
    expect(stdout).toMatch(/^Memory: 5,000 distinct HS256 tokens .* RSS \d+ MiB before, \d+ MiB after/m);
  }, 300_000);
});
