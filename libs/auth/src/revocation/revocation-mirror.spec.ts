import { describe, expect, it } from '@jest/globals';
import { RevocationMirror } from './revocation-mirror.js';

describe('RevocationMirror', () => {
  it('holds about twice the live entries at most, however many expired ones went through', () => {
    const mirror = new RevocationMirror();
    let now = 1_900_000_000_000;
    let largest = 0;
    for (let i = 0; i < 20_000; i += 1) {
      mirror.add(`sid:sess_${i}`, now / 1000 + 1, now); // each lives one second: about 100 live at once
      now += 10;
      largest = Math.max(largest, mirror.size);
    }
    expect(largest).toBeLessThanOrEqual(2 * 128 + 1);
  });

  it('entriesInForce() lists what is still in force; a later until wins', () => {
    const mirror = new RevocationMirror();
    const now = 1_900_000_000_000;
    mirror.add('sid:a', now / 1000 + 60, now);
    mirror.add('sid:a', now / 1000 + 30, now);
    mirror.add('sid:gone', now / 1000 - 1, now);
    expect(mirror.entriesInForce(now)).toEqual([['sid:a', now / 1000 + 60]]);
    expect(mirror.matches({ sid: 'gone' }, now)).toBe(false);
  });
});

describe('RevocationMirror keys', () => {
  it('keeps sid, sub and jti apart and ignores other kinds', () => {
    const mirror = new RevocationMirror();
    const now = 1_900_000_000_000;
    mirror.add('sid:x', now / 1000 + 60, now);
    mirror.add('org:x', now / 1000 + 60, now);
    mirror.add('nocolon', now / 1000 + 60, now);
    expect(mirror.size).toBe(1);
    expect(mirror.matches({ sid: 'x' }, now)).toBe(true);
    expect(mirror.matches({ sub: 'x', jti: 'x' }, now)).toBe(false);
    mirror.add('sub:a:b', now / 1000 + 60, now); // the value may hold a colon
    expect(mirror.matches({ sub: 'a:b' }, now)).toBe(true);
  });
});

describe('RevocationMirror, at the limits', () => {
  const now = 1_900_000_000_000;

  it('holds an entry in force until its until, to the millisecond', () => {
    const mirror = new RevocationMirror();
    mirror.add('jti:t', now / 1000 + 1, now);
    expect(mirror.entriesInForce(now + 999)).toEqual([['jti:t', now / 1000 + 1]]);
    expect(mirror.entriesInForce(now + 1000)).toEqual([]);
    expect(mirror.matches({ jti: 't' }, now + 999)).toBe(true);
    expect(mirror.size).toBe(1);
    expect(mirror.matches({ jti: 't' }, now + 1000)).toBe(false);
    expect(mirror.size).toBe(0); // dropped when met
    expect(mirror.matches({ jti: 't' }, now)).toBe(false);
  });

  it('counts a key once, however often it is revoked', () => {
    const mirror = new RevocationMirror();
    mirror.add('sub:u', now / 1000 + 5, now);
    mirror.add('sub:u', now / 1000 + 9, now);
    mirror.add('sub:u', now / 1000 + 1, now);
    expect(mirror.size).toBe(1);
    expect(mirror.entriesInForce(now)).toEqual([['sub:u', now / 1000 + 9]]);
  });

  it('ignores keys without a kind, of another kind, or named like object members', () => {
    const mirror = new RevocationMirror();
    for (const key of [':x', 'sidx', 'subx', 'jtix', 'constructor:x', 'toString:x', '__proto__:x', 'SID:x', 'sids:x']) {
      expect(() => mirror.add(key, now / 1000 + 60, now)).not.toThrow();
    }
    expect(mirror.size).toBe(0);
    expect(mirror.matches({ sid: 'x', sub: 'x', jti: 'x' }, now)).toBe(false);
  });

  it('matches each field against its own claim: sid, sub and jti', () => {
    const mirror = new RevocationMirror();
    mirror.add('sub:user_1', now / 1000 + 60, now);
    mirror.add('jti:tok_1', now / 1000 + 60, now);
    expect(mirror.matches({ sid: 'user_1' }, now)).toBe(false);
    expect(mirror.matches({ sub: 'user_1' }, now)).toBe(true);
    expect(mirror.matches({ sid: 'tok_1', sub: 'tok_1' }, now)).toBe(false);
    expect(mirror.matches({ jti: 'tok_1' }, now)).toBe(true);
  });

  it('sweeps expired entries once it holds more than twice 64, and not before', () => {
    const mirror = new RevocationMirror();
    for (let i = 0; i < 128; i += 1) mirror.add(`sid:old_${i}`, now / 1000, now); // expired as they come
    expect(mirror.size).toBe(128);
    mirror.add('sid:live', now / 1000 + 60, now);
    expect(mirror.size).toBe(1);
    expect(mirror.entriesInForce(now)).toEqual([['sid:live', now / 1000 + 60]]);
  });

  it('sweeps next when the mirror has doubled since the last sweep', () => {
    const mirror = new RevocationMirror();
    for (let i = 0; i < 129; i += 1) mirror.add(`sub:u_${i}`, now / 1000 + 1, now); // a sweep at 129 keeps all
    expect(mirror.size).toBe(129);
    const later = now + 5_000; // all 129 have expired
    mirror.add('sub:next', later / 1000 + 60, later);
    expect(mirror.size).toBe(130); // 130 is not more than twice 129: no sweep yet
    mirror.sweep(later);
    expect(mirror.size).toBe(1);
  });
});

describe('RevocationMirror, issuers', () => {
  const now = 1_900_000_000_000;
  const A = 'https://a.example.com';
  const B = 'https://b.example.com/tenant:1';

  it('a key without issuer matches every issuer and tokens without iss; a scoped one only its issuer', () => {
    const mirror = new RevocationMirror();
    mirror.add('sub:u_all', now / 1000 + 60, now);
    mirror.add(`sub@${encodeURIComponent(A)}:u_a`, now / 1000 + 60, now);
    expect([A, B, undefined].map((iss) => mirror.matches({ iss, sub: 'u_all' }, now))).toEqual([true, true, true]);
    expect([A, B, undefined].map((iss) => mirror.matches({ iss, sub: 'u_a' }, now))).toEqual([true, false, false]);
    expect(mirror.matches({ iss: '', sub: 'u_a' }, now)).toBe(false);
  });

  it('lists scoped entries in their key format, and reads back what it lists', () => {
    const mirror = new RevocationMirror();
    mirror.add(`sid@${encodeURIComponent(B)}:s:1`, now / 1000 + 60, now);
    mirror.add('jti:t', now / 1000 + 60, now);
    const listed = mirror.entriesInForce(now);
    expect(listed).toEqual([
      ['sid@https%3A%2F%2Fb.example.com%2Ftenant%3A1:s:1', now / 1000 + 60],
      ['jti:t', now / 1000 + 60],
    ]);
    const copy = new RevocationMirror();
    for (const [key, until] of listed) copy.add(key, until, now);
    expect(copy.matches({ iss: B, sid: 's:1' }, now)).toBe(true);
    expect(copy.holds('jti:t')).toBe(true);
    expect(copy.holds('jti:u')).toBe(false);
  });

  it('ignores keys with an empty or badly encoded issuer; sweeps issuers left empty', () => {
    const mirror = new RevocationMirror();
    for (const key of ['sid@:x', 'sid@%E0%A4%A:x', 'org@a:x']) mirror.add(key, now / 1000 + 60, now);
    expect(mirror.size).toBe(0);
    mirror.add(`sid@${encodeURIComponent(A)}:x`, now / 1000 + 1, now);
    expect(mirror.matches({ iss: A, sid: 'x' }, now + 1000)).toBe(false);
    expect(mirror.size).toBe(0);
    mirror.sweep(now + 1000);
    expect(mirror.entriesInForce(now)).toEqual([]);
  });
});

describe('RevocationMirror listeners', () => {
  const now = 1_900_000_000_000;
  const A = 'https://a.example.com';

  it('tell each entry added or extended (issuer null for every issuer), not one kept as it was, until stopped', () => {
    const mirror = new RevocationMirror();
    const heard: unknown[] = [];
    const stop = mirror.listen((revoked) => heard.push(revoked));
    mirror.add('sid:a', now / 1000 + 60, now);
    mirror.add(`sub@${encodeURIComponent(A)}:u`, now / 1000 + 60, now);
    mirror.add('sid:a', now / 1000 + 30, now); // an earlier until: kept as it was
    mirror.add('sid:a', now / 1000 + 90, now); // a later one: extended
    stop();
    mirror.add('jti:t', now / 1000 + 60, now);
    expect(heard).toEqual([
      { field: 'sid', iss: null, value: 'a' },
      { field: 'sub', iss: A, value: 'u' },
      { field: 'sid', iss: null, value: 'a' },
    ]);
  });

  it('records the revocation and tells the other listeners when one throws', () => {
    const mirror = new RevocationMirror();
    const heard: string[] = [];
    mirror.listen(() => {
      throw new Error('listener failed');
    });
    mirror.listen((revoked) => heard.push(revoked.value));
    expect(() => mirror.add('sid:a', now / 1000 + 60, now)).not.toThrow();
    expect(heard).toEqual(['a']);
    expect(mirror.matches({ sid: 'a' }, now)).toBe(true);
  });
});
