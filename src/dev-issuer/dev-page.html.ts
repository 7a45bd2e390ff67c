/** Users the page offers; their claims are what POST /dev/session signs (Clerk v1 org claims). */
export const DEV_PAGE_USERS = [
  {
    label: 'Alice: org admin, may read invoices',
    claims: { sub: 'user_alice', org_id: 'org_acme', org_role: 'org:admin', org_permissions: ['org:invoices:read'] },
  },
  { label: 'Bob: org member, no invoice permission', claims: { sub: 'user_bob', org_id: 'org_acme', org_role: 'org:member', org_permissions: [] } },
  { label: 'Carol: no organisation', claims: { sub: 'user_carol' } },
] as const;

const escape = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The demo's page at `/` (dev issuer mode): sign in as a chosen user (the server sets the HttpOnly
 * `__session` cookie), then call the API the way a browser app does, with the cookie.
 */
export function devPageHtml(): string {
  const options = DEV_PAGE_USERS.map((u, i) => `<option value="${i}">${escape(u.label)}</option>`).join('');
  const users = JSON.stringify(DEV_PAGE_USERS.map((u) => u.claims)).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>nestjs-warden demo</title>
<style>
  body { font: 15px/1.5 system-ui, sans-serif; max-width: 46rem; margin: 2rem auto; padding: 0 1rem; }
  button, select { font: inherit; margin: 0 .4rem .4rem 0; }
  pre { background: #f4f4f4; padding: 1rem; overflow: auto; min-height: 4rem; }
  .note { color: #a33; }
</style>
</head>
<body>
<h1>nestjs-warden demo</h1>
<p class="note">Dev issuer mode: this page signs you in as anyone. Never expose it.</p>
<p>
  <select id="user">${options}</select>
  <button id="sign-in">Sign in</button>
  <button id="sign-out">Sign out</button>
</p>
<p id="status">Signed out</p>
<p>
  <button id="call-me">GET /me</button>
  <button id="call-feed">GET /feed</button>
  <button id="call-invoices">GET /org/invoices</button>
</p>
<pre id="result"></pre>
<script>
  const users = ${users};
  const $ = (id) => document.getElementById(id);
  const show = async (label, response) => {
    const text = await response.text();
    let body = text;
    try { body = JSON.stringify(JSON.parse(text), null, 2); } catch {}
    $('result').textContent = label + ' -> ' + response.status + '\\n' + body;
    return response;
  };
  $('sign-in').onclick = async () => {
    const claims = users[Number($('user').value)];
    const response = await fetch('/dev/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(claims) });
    await show('POST /dev/session', response);
    if (response.ok) $('status').textContent = 'Signed in as ' + claims.sub;
  };
  $('sign-out').onclick = async () => {
    await show('DELETE /dev/session', await fetch('/dev/session', { method: 'DELETE' }));
    $('status').textContent = 'Signed out';
  };
  for (const [id, path] of [['call-me', '/me'], ['call-feed', '/feed'], ['call-invoices', '/org/invoices']]) {
    $(id).onclick = async () => show('GET ' + path, await fetch(path));
  }
</script>
</body>
</html>
`;
}
