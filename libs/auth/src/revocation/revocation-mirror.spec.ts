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

  it('replace() drops what the truth no longer holds', () => {
    const mirror = new RevocationMirror();
    const now = 1_900_000_000_000;
    mirror.add('sid:a', now / 1000 + 60, now);
    mirror.replace([['sid:b', now / 1000 + 60]], now);
    expect(mirror.matches({ sid: 'a' }, now)).toBe(false);
    expect(mirror.matches({ sid: 'b' }, now)).toBe(true);
  });
});
