import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TLS_CERTIFICATE_TOOL } from './tls-certificate.js';

/** A key and its certificate, PEM. */
export interface KeyAndCertificate {
  key: string;
  cert: string;
}

/** A throwaway test CA, a server certificate for 127.0.0.1 and client certificates, all signed by the CA. */
export interface MtlsCertificates {
  ca: KeyAndCertificate;
  server: KeyAndCertificate;
  /** One client certificate per name asked for (`CN=<name>`); names may repeat under another key with `twin`. */
  clients: Record<string, KeyAndCertificate>;
}

/**
 * Makes a CA and certificates with the openssl CLI (P-256, valid one day) in a temporary folder that
 * is removed at once. `twins` makes, for each name, a second certificate with the same subject and
 * a new key (`<name>-twin`): the same name, another thumbprint. Check `hasSystemBinary(TLS_CERTIFICATE_TOOL, suite)` first.
 */
export function makeMtlsCertificates(clientNames: string[], twins: string[] = []): MtlsCertificates {
  const dir = mkdtempSync(path.join(tmpdir(), 'nestjs-warden-mtls-'));
  const openssl = (...args: string[]) => execFileSync(TLS_CERTIFICATE_TOOL, args, { stdio: 'ignore', timeout: 10_000, cwd: dir });
  const file = (name: string) => path.join(dir, name);
  const read = (name: string) => readFileSync(file(name), 'utf8');
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  try {
    openssl('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '1', '-subj', '/CN=nestjs-warden test CA');
    const signed = (name: string, subject: string, extensions: string) => {
      writeFileSync(file(`${name}.ext`), extensions);
      openssl('req', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject);
      openssl(
        'x509',
        '-req',
        '-in',
        `${name}.csr`,
        '-CA',
        'ca.pem',
        '-CAkey',
        'ca.key',
        '-CAcreateserial',
        '-out',
        `${name}.pem`,
        '-days',
        '1',
        '-extfile',
        `${name}.ext`,
      );
      return { key: read(`${name}.key`), cert: read(`${name}.pem`) };
    };
    const server = signed('server', '/CN=127.0.0.1', 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
    const clients: Record<string, KeyAndCertificate> = {};
    for (const name of clientNames) clients[name] = signed(name, `/CN=${name}`, 'extendedKeyUsage=clientAuth\n');
    for (const name of twins) clients[`${name}-twin`] = signed(`${name}-twin`, `/CN=${name}`, 'extendedKeyUsage=clientAuth\n');
    return { ca: { key: read('ca.key'), cert: read('ca.pem') }, server, clients };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** GET over https with an optional client certificate; resolves the status and the JSON body. */
export function httpsGet(
  url: string,
  ca: string,
  headers: Record<string, string>,
  client?: KeyAndCertificate,
): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      url,
      { method: 'GET', headers, ca, ...(client ? { key: client.key, cert: client.cert } : {}), agent: false, timeout: 5000 },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end();
  });
}
