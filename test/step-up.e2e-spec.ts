import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { decodeJwt } from 'jose';
import { authorizationCodeWithPkce, discover, type ProviderMetadata } from './support/oauth-client.js';
import { ACR, API_RESOURCE, API_SCOPE, SPA_CLIENT, startOidcProvider, type OidcTestProvider } from './support/oidc-test-provider.js';

/**
 * RFC 9470 step-up with a real OpenID provider (oidc-provider on 127.0.0.1): access tokens from the
 * authorization code flow carry the login's `acr` and `auth_time`.
 */

let op: OidcTestProvider;
let metadata: ProviderMetadata;

beforeAll(async () => {
  op = await startOidcProvider();
  metadata = await discover(op.issuer);
});
afterAll(async () => {
  await op?.close();
});

const signIn = (extra: { acrValues?: string; maxAge?: number; loginAcr?: string; loginTs?: number } = {}) =>
  authorizationCodeWithPkce(metadata, SPA_CLIENT, { resource: API_RESOURCE, scope: API_SCOPE, login: 'alice', ...extra });

describe('the provider', () => {
  it('puts the login acr and auth_time into JWT access tokens', async () => {
    const before = Math.floor(Date.now() / 1000);
    const { access_token } = await signIn({ acrValues: ACR.mfa, maxAge: 300, loginAcr: ACR.mfa });
    const claims = decodeJwt(access_token);
    expect(claims.acr).toBe(ACR.mfa);
    expect(claims.auth_time).toBeGreaterThanOrEqual(before - 1);
    const old = decodeJwt((await signIn({ loginAcr: ACR.password, loginTs: before - 3600 })).access_token);
    expect(old).toMatchObject({ acr: ACR.password, auth_time: before - 3600 });
  });
});
