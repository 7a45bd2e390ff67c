import { describe, expect, it } from '@jest/globals';
import { listeningUrl } from './listen.js';

describe('listeningUrl', () => {
  it('says the address the server really listens on', () => {
    expect(listeningUrl({ address: '127.0.0.1', family: 'IPv4', port: 3000 })).toBe('http://127.0.0.1:3000');
    expect(listeningUrl({ address: '::1', family: 'IPv6', port: 3000 })).toBe('http://[::1]:3000');
  });

  it('says when it is every interface', () => {
    expect(listeningUrl({ address: '::', family: 'IPv6', port: 3000 })).toBe('http://[::]:3000 (every interface)');
    expect(listeningUrl({ address: '0.0.0.0', family: 'IPv4', port: 80 })).toBe('http://0.0.0.0:80 (every interface)');
  });
});
