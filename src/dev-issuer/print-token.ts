import { parseArgs } from 'node:util';

/**
 * `npm run token -- --sub user_123 [--sid sess_1] [--org org_1] [--azp url] [--expires 600] [--claim k=v]...`
 * Asks the running demo's dev issuer (POST /dev/tokens) for a token and prints it.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      sub: { type: 'string' },
      sid: { type: 'string' },
      org: { type: 'string' },
      azp: { type: 'string' },
      expires: { type: 'string' },
      claim: { type: 'string', multiple: true },
      port: { type: 'string', default: process.env.PORT ?? '3000' },
    },
  });
  const body: Record<string, unknown> = {};
  if (values.sub) body.sub = values.sub;
  if (values.sid) body.sid = values.sid;
  if (values.org) body.org_id = values.org;
  if (values.azp) body.azp = values.azp;
  if (values.expires) body.expiresInSeconds = Number(values.expires);
  for (const pair of values.claim ?? []) {
    const eq = pair.indexOf('=');
    if (eq < 1) throw new Error(`--claim expects name=value, got "${pair}"`);
    const raw = pair.slice(eq + 1);
    let value: unknown = raw;
    try {
      value = JSON.parse(raw);
    } catch {
      // not JSON: keep the string
    }
    body[pair.slice(0, eq)] = value;
  }
  // The dev issuer listens on 127.0.0.1 unless HOST says otherwise (a wildcard HOST still answers there).
  const host = process.env.HOST && process.env.HOST !== '0.0.0.0' && process.env.HOST !== '::' ? process.env.HOST : '127.0.0.1';
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${values.port}/dev/tokens`;
  let response: Response;
  try {
    response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  } catch {
    throw new Error(`cannot reach the demo at ${url}: start it with "npm start" first`);
  }
  const result = (await response.json()) as { token?: string; message?: unknown };
  if (!response.ok || !result.token) throw new Error(`the dev issuer refused: ${JSON.stringify(result.message ?? result)}`);
  process.stdout.write(`${result.token}\n`);
}

main().catch((error: Error) => {
  process.stderr.write(`${error.message}\n`);
  process.exitCode = 1;
});
