import { describe, expect, it } from 'vitest';
import { parseApiPath, parseCredentialsFile } from './credentials';

// The shape of the file BigCommerce downloads for a store-level API account (values are made up).
const FILE = [
  'ACCESS TOKEN: 7dkqr0e1qs6b2jgzbyqpvnf8c2mxa1t',
  'CLIENT NAME: Ledgerbridge CLI',
  'CLIENT ID: 0cu3b5r7pzz8t4kdrf1gq7hyx1wn2ls',
  'CLIENT SECRET: 5b0d5a4f1c2e3d4b5a6978877665544332211aabbccddeeff00112233445566',
  'NAME: Ledgerbridge CLI',
  'API PATH: https://api.bigcommerce.com/stores/x7k2m9q1/v3/',
  '',
].join('\r\n');

describe('parseCredentialsFile', () => {
  it('reads the token, the names, and the store hash and API base from the API PATH', () => {
    const parsed = parseCredentialsFile(FILE);
    expect(parsed).toEqual({
      ok: true,
      value: {
        accessToken: '7dkqr0e1qs6b2jgzbyqpvnf8c2mxa1t',
        clientId: '0cu3b5r7pzz8t4kdrf1gq7hyx1wn2ls',
        clientName: 'Ledgerbridge CLI',
        name: 'Ledgerbridge CLI',
        apiPath: 'https://api.bigcommerce.com/stores/x7k2m9q1/v3/',
        storeHash: 'x7k2m9q1',
        apiBase: 'https://api.bigcommerce.com',
      },
    });
    // The client secret is read by nobody.
    expect(JSON.stringify(parsed)).not.toContain('5b0d5a4f');
  });

  it('accepts LF line ends, a byte-order mark, blank and unknown lines, and only the two lines it needs', () => {
    const minimal = '\uFEFF\nNOTE: created by the owner\nAPI PATH: https://api.bigcommerce.com/stores/abc/v3\n\nACCESS TOKEN:   tok_12345678  \n';
    const parsed = parseCredentialsFile(minimal);
    expect(parsed.ok && parsed.value).toMatchObject({ accessToken: 'tok_12345678', storeHash: 'abc', clientId: null, name: null });
    expect(parseCredentialsFile(FILE.replace(/\r\n/g, '\n'))).toEqual(parseCredentialsFile(FILE));
  });

  it('explains what is wrong with a file that is not one', () => {
    expect(parseCredentialsFile('')).toEqual({ ok: false, error: 'not a BigCommerce API credentials file: no ACCESS TOKEN and no API PATH line' });
    expect(parseCredentialsFile('{"access_token": "x"}')).toMatchObject({ ok: false, error: expect.stringMatching(/no ACCESS TOKEN and no API PATH/) });
    expect(parseCredentialsFile(FILE.replace(/API PATH: .*/, ''))).toMatchObject({ ok: false, error: expect.stringMatching(/no API PATH line$/) });
    expect(parseCredentialsFile(FILE.replace(/ACCESS TOKEN: .*/, 'ACCESS TOKEN: '))).toMatchObject({ ok: false, error: expect.stringMatching(/no ACCESS TOKEN line/) });
    expect(parseCredentialsFile(FILE.replace(/ACCESS TOKEN: .*/, 'ACCESS TOKEN: has spaces in it'))).toMatchObject({ ok: false, error: expect.stringMatching(/does not hold an access token/) });
    expect(parseCredentialsFile(`${FILE}ACCESS TOKEN: anothertoken123\n`)).toMatchObject({ ok: false, error: expect.stringMatching(/two different ACCESS TOKEN lines/) });
    expect(parseCredentialsFile('x'.repeat(20_000))).toMatchObject({ ok: false, error: expect.stringMatching(/too large/) });
    expect(parseCredentialsFile('ACCESS TOKEN: abc\u0000')).toMatchObject({ ok: false, error: expect.stringMatching(/binary/) });
  });

  it('never puts the token in an error message', () => {
    const bad = parseCredentialsFile(FILE.replace(/API PATH: .*/, 'API PATH: nonsense'));
    expect(bad.ok).toBe(false);
    expect(JSON.stringify(bad)).not.toContain('7dkqr0e1qs6b2jgzbyqpvnf8c2mxa1t');
  });
});

describe('parseApiPath', () => {
  it('splits the store hash from the API base, keeping a path prefix (a proxy or the sandbox)', () => {
    expect(parseApiPath('https://api.bigcommerce.com/stores/abc123/v3/')).toEqual({ ok: true, value: { storeHash: 'abc123', apiBase: 'https://api.bigcommerce.com' } });
    expect(parseApiPath('http://127.0.0.1:4567/stores/abc123/v2')).toEqual({ ok: true, value: { storeHash: 'abc123', apiBase: 'http://127.0.0.1:4567' } });
    expect(parseApiPath('https://proxy.example.com/bc/stores/abc123/v3/')).toEqual({ ok: true, value: { storeHash: 'abc123', apiBase: 'https://proxy.example.com/bc' } });
  });

  it('refuses anything else', () => {
    expect(parseApiPath('api.bigcommerce.com/stores/abc/v3/').ok).toBe(false);
    expect(parseApiPath('ftp://api.bigcommerce.com/stores/abc/v3/').ok).toBe(false);
    expect(parseApiPath('https://api.bigcommerce.com/stores/abc/').ok).toBe(false);
    expect(parseApiPath('https://api.bigcommerce.com/stores/ABC/v3/').ok).toBe(false);
    expect(parseApiPath('https://api.bigcommerce.com/stores/abc/v3/orders').ok).toBe(false);
  });
});
