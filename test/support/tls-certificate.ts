import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const OPENSSL = '/usr/bin/openssl';

/**
 * A throwaway self-signed P-256 certificate for `api.example` and 127.0.0.1, valid for one day, made
 * with openssl in a temporary folder that is removed at once; the key lives in memory only.
 * Check `hasSystemBinary(TLS_CERTIFICATE_TOOL, suite)` first.
 */
export function makeTlsCertificate(): { key: string; cert: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'nestjs-warden-tls-'));
  try {
    const key = path.join(dir, 'key.pem');
    const cert = path.join(dir, 'cert.pem');
    execFileSync(
      OPENSSL,
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-keyout',
        key,
        '-out',
        cert,
        '-days',
        '1',
        '-subj',
        '/CN=api.example',
        '-addext',
        'subjectAltName=DNS:api.example,IP:127.0.0.1',
      ],
      { stdio: 'ignore', timeout: 10_000 },
    );
    return { key: readFileSync(key, 'utf8'), cert: readFileSync(cert, 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The program {@link makeTlsCertificate} runs. */
export const TLS_CERTIFICATE_TOOL = OPENSSL;
