import { describe, expect, it } from '@jest/globals';
import { Webhook } from 'standardwebhooks';
import { AuthConfigError } from '../../config/auth-config-error.js';
import { createSignatureCheck, signatureHeaders } from './webhook-signature.js';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

/** A delivery signed as Svix signs it: its body and the three headers under their Standard Webhooks names. */
function signed(body: string, secret = SECRET): { raw: Buffer; headers: Record<string, string> } {
  const id = 'msg_1';
  const at = new Date();
  return {
    raw: Buffer.from(body),
    headers: { 'webhook-id': id, 'webhook-timestamp': String(Math.floor(at.getTime() / 1000)), 'webhook-signature': new Webhook(secret).sign(id, at, body) },
  };
}

describe('createSignatureCheck', () => {
  it('returns the parsed body of a delivery signed with the secret', async () => {
    const check = await createSignatureCheck(SECRET);
    const { raw, headers } = signed('{"type":"user.created","data":{"id":"user_1"}}');
    expect(check(raw, headers)).toEqual({ type: 'user.created', data: { id: 'user_1' } });
  });

  it('throws for a signature made with another secret, a body changed after signing, and a missing signature', async () => {
    const check = await createSignatureCheck(SECRET);
    const other = signed('{"type":"user.created","data":{}}', 'whsec_' + Buffer.from('another secret of 32 bytes......').toString('base64'));
    expect(() => check(other.raw, other.headers)).toThrow(/signature/i);
    const { raw, headers } = signed('{"type":"user.created","data":{}}');
    expect(() => check(Buffer.from('{"type":"user.deleted","data":{}}'), headers)).toThrow(/signature/i);
    expect(() => check(raw, { ...headers, 'webhook-signature': 'v1,' + Buffer.alloc(32).toString('base64') })).toThrow(/signature/i);
  });

  it('refuses at boot a secret that is not one, naming signingSecret', async () => {
    const refused = await createSignatureCheck('whsec_***not base64***').then(
      () => null,
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(AuthConfigError);
    expect((refused as AuthConfigError).option).toBe('signingSecret');
    expect((refused as AuthConfigError).message).toMatch(/not a valid signing secret/);
  });
});

describe('signatureHeaders', () => {
  const sent = (value: string) => ({ 'svix-id': value, 'svix-timestamp': value, 'svix-signature': value });

  it('takes a header of 4096 characters and refuses one of 4097', () => {
    expect(signatureHeaders(sent('a'.repeat(4096)))).toEqual({
      'webhook-id': 'a'.repeat(4096),
      'webhook-timestamp': 'a'.repeat(4096),
      'webhook-signature': 'a'.repeat(4096),
    });
    for (const name of ['svix-id', 'svix-timestamp', 'svix-signature']) {
      expect(signatureHeaders({ ...sent('a'), [name]: 'a'.repeat(4097) })).toBeNull();
    }
  });

  it('an empty header counts as missing, and svix-* is read before webhook-*', () => {
    for (const name of ['id', 'timestamp', 'signature']) {
      expect(signatureHeaders({ ...sent('a'), [`svix-${name}`]: '' })).toBeNull();
      expect(signatureHeaders({ ...sent('a'), [`svix-${name}`]: undefined, [`webhook-${name}`]: 'w' })).toEqual({
        'webhook-id': 'a',
        'webhook-timestamp': 'a',
        'webhook-signature': 'a',
        [`webhook-${name}`]: 'w',
      });
    }
    expect(signatureHeaders({ ...sent('s'), 'webhook-id': 'w', 'webhook-timestamp': 'w', 'webhook-signature': 'w' })).toEqual({
      'webhook-id': 's',
      'webhook-timestamp': 's',
      'webhook-signature': 's',
    });
  });
});
