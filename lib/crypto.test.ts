import { describe, expect, it } from 'vitest';
import { decryptSecret, encryptSecret, secretsEqual } from './crypto';

const key = 'a'.repeat(64);

describe('secrets at rest', () => {
  it('round-trips and never contains the plaintext', () => {
    const sealed = encryptSecret('tok_live_123', key, 'stores/abc/access_token');
    expect(sealed).not.toContain('tok_live_123');
    expect(decryptSecret(sealed, key, 'stores/abc/access_token')).toBe('tok_live_123');
  });

  it('uses a fresh IV each time', () => {
    expect(encryptSecret('same', key, 'x')).not.toBe(encryptSecret('same', key, 'x'));
  });

  it('refuses a ciphertext moved to another store', () => {
    const sealed = encryptSecret('tok', key, 'stores/abc/access_token');
    expect(() => decryptSecret(sealed, key, 'stores/xyz/access_token')).toThrow();
  });

  it('refuses a tampered ciphertext or the wrong key', () => {
    const sealed = encryptSecret('tok', key, 'aad');
    const parts = sealed.split('.');
    const body = Buffer.from(parts[3]!, 'base64url');
    body[0] = body[0]! ^ 1;
    parts[3] = body.toString('base64url');
    expect(() => decryptSecret(parts.join('.'), key, 'aad')).toThrow();
    expect(() => decryptSecret(sealed, 'b'.repeat(64), 'aad')).toThrow();
  });

  it('compares secrets of different lengths safely', () => {
    expect(secretsEqual('abc', 'abc')).toBe(true);
    expect(secretsEqual('abc', 'abcd')).toBe(false);
  });
});
