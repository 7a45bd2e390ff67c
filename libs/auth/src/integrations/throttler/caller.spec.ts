import { describe, expect, it } from '@jest/globals';
import { signedInAuthObject, signedOutAuthObject } from '../../auth-object/auth-object.js';
import { readSessionFields } from '../../auth-object/claims.js';
import { machineAuthObject } from '../../auth-object/machine-auth-object.js';
import { trackerOf } from './caller.js';

const iss = 'https://clerk.example.com';
const session = (claims: Record<string, unknown>) => signedInAuthObject({ iss, ...claims }, readSessionFields({ iss, ...claims }), 't');

describe('trackerOf', () => {
  it('one bucket per user, organization (when asked), machine, API key and OAuth caller, per issuer', () => {
    expect(trackerOf(session({ sub: 'user_1', sid: 's' }), '10.0.0.1')).toBe(`user:${iss}:user_1`);
    expect(trackerOf(session({ sub: 'user_1', sid: 's', org_id: 'org_1' }), '10.0.0.1', { per: 'organization' })).toBe(`org:${iss}:org_1`);
    expect(trackerOf(session({ sub: 'user_1', sid: 's' }), '10.0.0.1', { per: 'organization' })).toBe(`user:${iss}:user_1`);
    expect(trackerOf(machineAuthObject('m2m_token', { iss, sub: 'mch_1' }, 't'), '10.0.0.1')).toBe(`machine:${iss}:mch_1`);
    expect(trackerOf(machineAuthObject('api_key', { iss, sub: 'user_1', jti: 'ak_1' }, 't'), '10.0.0.1')).toBe(`api-key:${iss}:ak_1`);
    expect(trackerOf(machineAuthObject('api_key', { iss, sub: 'user_1' }, 't'), '10.0.0.1')).toBe(`api-key:${iss}:user_1`);
    expect(trackerOf(machineAuthObject('oauth_token', { iss, sub: 'user_2', client_id: 'c' }, 't'), '10.0.0.1')).toBe(`oauth:${iss}:user_2`);
  });

  it('a signed-out caller counts by address', () => {
    expect(trackerOf(signedOutAuthObject(null, false), '10.0.0.1')).toBe('ip:10.0.0.1');
  });

  it('the same id under two issuers is two buckets', () => {
    const other = signedInAuthObject({ iss: 'https://b.test', sub: 'user_1' }, readSessionFields({ iss: 'https://b.test', sub: 'user_1' }), 't');
    expect(trackerOf(other, 'x')).not.toBe(trackerOf(session({ sub: 'user_1' }), 'x'));
  });
});
