import { describe, expect, it } from '@jest/globals';
import { devRequestRefusal } from './dev-request-check.js';

const JSON_BODY = { 'content-type': 'application/json' };

describe('devRequestRefusal', () => {
  it('answers loopback hosts, with any port and in any case', () => {
    for (const host of ['localhost', 'localhost:4000', 'LocalHost:4000', '127.0.0.1', '127.0.0.1:4000', '127.1.2.3:80', '[::1]', '[::1]:4000']) {
      expect({ host, refusal: devRequestRefusal({ host }, { body: false }) }).toEqual({ host, refusal: undefined });
    }
  });

  it('refuses any other Host, a missing or repeated one, and values that are no host', () => {
    const hosts: Array<string | string[] | undefined> = [
      'evil.example',
      'evil.example:4000',
      'localhost.evil.example',
      '127.0.0.1.evil.example',
      '10.0.0.1:4000',
      '[::2]',
      'localhost@evil.example',
      'evil.example#@localhost',
      'localhost:4000/x',
      'localhost:99999',
      '',
      undefined,
      ['localhost', 'evil.example'],
    ];
    for (const host of hosts) {
      expect({ host, refusal: devRequestRefusal({ host }, { body: false }) }).toEqual({
        host,
        refusal: { status: 403, error: expect.stringContaining('loopback') },
      });
    }
    expect(devRequestRefusal({ host: ['localhost'] }, { body: false })).toBeUndefined();
  });

  it('refuses a page that is not on a loopback host, Origin: null included; no Origin is a tool', () => {
    const host = 'localhost:4000';
    for (const origin of ['http://localhost:5173', 'https://127.0.0.1', 'http://[::1]:3000']) {
      expect(devRequestRefusal({ host, origin }, { body: false })).toBeUndefined();
    }
    for (const origin of ['http://evil.example', 'null', 'file://', 'ftp://localhost', 'http://localhost.evil.example']) {
      expect({ origin, refusal: devRequestRefusal({ host, origin }, { body: false })?.status }).toEqual({ origin, refusal: 403 });
    }
    expect(devRequestRefusal({ host, origin: ['http://localhost'] }, { body: false })?.status).toBe(403);
  });

  it('with a body, takes application/json only (parameters and case aside): 415 otherwise', () => {
    const host = '127.0.0.1:4000';
    expect(devRequestRefusal({ host, ...JSON_BODY }, { body: true })).toBeUndefined();
    expect(devRequestRefusal({ host, 'content-type': 'Application/JSON; charset=utf-8' }, { body: true })).toBeUndefined();
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/jsonx', '', undefined]) {
      expect({ type, refusal: devRequestRefusal({ host, 'content-type': type }, { body: true }) }).toEqual({
        type,
        refusal: { status: 415, error: 'send the claims as application/json' },
      });
    }
    // Without a body the type does not matter; the host is checked first.
    expect(devRequestRefusal({ host, 'content-type': 'text/plain' }, { body: false })).toBeUndefined();
    expect(devRequestRefusal({ host: 'evil.example', 'content-type': 'text/plain' }, { body: true })?.status).toBe(403);
  });
});
