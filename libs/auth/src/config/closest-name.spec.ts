import { describe, expect, it } from '@jest/globals';
import { closestName, editDistance } from './closest-name.js';

describe('editDistance', () => {
  it.each([
    ['', '', 0],
    ['abc', '', 3],
    ['', 'abc', 3],
    ['kitten', 'sitting', 3],
    ['audience', 'audiences', 1],
    ['maxEntries', 'maxEntires', 2],
    ['flaw', 'lawn', 2],
  ])('%s -> %s is %i', (a, b, distance) => {
    expect(editDistance(a, b)).toBe(distance);
    expect(editDistance(b, a)).toBe(distance);
  });
});

describe('closestName', () => {
  const known = ['audience', 'authorizedParties', 'jwksUrl', 'clockSkewInMs', 'issuer'];

  it('suggests the option a typo was meant to be, ignoring case', () => {
    expect(closestName('audiences', known)).toBe('audience');
    expect(closestName('authorisedParties', known)).toBe('authorizedParties');
    expect(closestName('jwksURL', known)).toBe('jwksUrl');
    expect(closestName('clockSkewMs', known)).toBe('clockSkewInMs');
  });

  it('suggests nothing for a name that is far from every option', () => {
    expect(closestName('totallyMadeUp', known)).toBeNull();
    expect(closestName('x', known)).toBeNull();
    expect(closestName('anything', [])).toBeNull();
  });

  it('between two options equally close, suggests the first listed', () => {
    expect(closestName('issuers', ['issuer', 'issuerS2'])).toBe('issuer');
    expect(closestName('secrt', ['secret', 'secrets', 'sect'])).toBe('secret');
    expect(closestName('secrt', ['sect', 'secret'])).toBe('sect');
  });
});
