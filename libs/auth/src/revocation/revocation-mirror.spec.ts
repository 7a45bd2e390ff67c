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
