import { describe, expect, it } from '@jest/globals';
import { extractToken, type TokenExtractionOptions } from './extract-token.js';

const options: TokenExtractionOptions = { tokenSources: ['header', 'cookie'], headerName: 'authorization', cookieName: '__session' };

describe('extractToken with a token carried outside the headers (socket.io auth.token, an RPC field)', () => {
  it('takes it bare or as Bearer, as the header source', () => {
    expect(extractToken(undefined, options, 'abc.def.ghi')).toEqual({ token: 'abc.def.ghi', source: 'header' });
    expect(extractToken({}, options, 'Bearer abc.def.ghi')).toEqual({ token: 'abc.def.ghi', source: 'header' });
  });

  it('the Authorization header wins over it; it wins over the cookie', () => {
    expect(extractToken({ authorization: 'Bearer from-header' }, options, 'from-field')?.token).toBe('from-header');
    expect(extractToken({ cookie: '__session=from-cookie' }, options, 'from-field')?.token).toBe('from-field');
  });

  it('is not a token when empty, blank, an empty Bearer, or holding spaces', () => {
    for (const value of ['', '   ', 'Bearer', 'Bearer  ', 'two words', 'Basic abc']) {
      expect(extractToken({}, options, value)).toBeNull();
    }
  });

  it('is ignored when the header source is turned off', () => {
    expect(extractToken({ cookie: '__session=c' }, { ...options, tokenSources: ['cookie'] }, 'from-field')).toEqual({ token: 'c', source: 'cookie' });
    expect(extractToken({}, { ...options, tokenSources: ['cookie'] }, 'from-field')).toBeNull();
  });
});
