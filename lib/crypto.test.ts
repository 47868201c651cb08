import { describe, expect, it } from 'vitest';
import { createCipheriv, randomBytes } from 'node:crypto';
import { decryptSecret, encryptSecret, keyIdOf, keyRing, resealSecret, sealedKeyId, secretsEqual, UnknownKeyError } from './crypto';

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
    const body = Buffer.from(parts[4]!, 'base64url');
    body[0] = body[0]! ^ 1;
    parts[4] = body.toString('base64url');
    expect(() => decryptSecret(parts.join('.'), key, 'aad')).toThrow();
    expect(() => decryptSecret(sealed, 'b'.repeat(64), 'aad')).toThrow();
  });

  it('compares secrets of different lengths safely', () => {
    expect(secretsEqual('abc', 'abc')).toBe(true);
    expect(secretsEqual('abc', 'abcd')).toBe(false);
  });
});

/** A value as the app sealed it before key ids: `v1.<iv>.<tag>.<ciphertext>`. */
function sealV1(plaintext: string, hexKey: string, aad: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(hexKey, 'hex'), iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ciphertext.toString('base64url')].join('.');
}

describe('key rotation', () => {
  const oldKey = '1f'.repeat(32);
  const newKey = '2e'.repeat(32);
  const aad = 'stores/abc/access_token';

  it('seals with the current key and names it', () => {
    const ring = keyRing(newKey, [oldKey]);
    const sealed = encryptSecret('tok', ring, aad);
    expect(sealed.startsWith(`v2.${keyIdOf(newKey)}.`)).toBe(true);
    expect(sealedKeyId(sealed)).toBe(keyIdOf(newKey));
    expect(keyIdOf(newKey)).toMatch(/^[0-9a-f]{8}$/);
    expect(keyIdOf(newKey)).not.toBe(keyIdOf(oldKey));
    expect(keyIdOf(newKey.toUpperCase())).toBe(keyIdOf(newKey));
  });

  it('opens a value sealed under a previous key while that key is configured, and after re-sealing with the new key alone', () => {
    const underOld = encryptSecret('tok_old', oldKey, aad);
    expect(decryptSecret(underOld, keyRing(newKey, [oldKey]), aad)).toBe('tok_old');
    expect(decryptSecret(underOld, keyRing(newKey, `${oldKey}, ${'3d'.repeat(32)}`), aad)).toBe('tok_old');
    const resealed = resealSecret(underOld, keyRing(newKey, [oldKey]), aad)!;
    expect(sealedKeyId(resealed)).toBe(keyIdOf(newKey));
    expect(decryptSecret(resealed, newKey, aad)).toBe('tok_old');
    // Already current: nothing to do.
    expect(resealSecret(resealed, keyRing(newKey, [oldKey]), aad)).toBeNull();
  });

  it('names the missing key instead of returning garbage', () => {
    const underOld = encryptSecret('tok_old', oldKey, aad);
    let caught: unknown;
    try {
      decryptSecret(underOld, newKey, aad);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(UnknownKeyError);
    expect((caught as UnknownKeyError).keyId).toBe(keyIdOf(oldKey));
    expect((caught as Error).message).toContain(`encryption key ${keyIdOf(oldKey)}, which is not configured`);
    expect((caught as Error).message).toContain('TOKEN_ENCRYPTION_KEYS_PREVIOUS');
    expect((caught as Error).message).not.toContain(oldKey);
    expect((caught as Error).message).not.toContain(newKey);
  });

  it('opens values sealed before key ids with the current key, or a previous one, and re-seals them with an id', () => {
    expect(decryptSecret(sealV1('legacy', newKey, aad), newKey, aad)).toBe('legacy');
    const legacyUnderOld = sealV1('legacy-old', oldKey, aad);
    expect(sealedKeyId(legacyUnderOld)).toBeNull();
    expect(decryptSecret(legacyUnderOld, keyRing(newKey, [oldKey]), aad)).toBe('legacy-old');
    expect(() => decryptSecret(legacyUnderOld, newKey, aad)).toThrow(UnknownKeyError);
    const resealed = resealSecret(legacyUnderOld, keyRing(newKey, [oldKey]), aad)!;
    expect(decryptSecret(resealed, newKey, aad)).toBe('legacy-old');
    // Moved to another owner, a legacy value still does not open.
    expect(() => decryptSecret(sealV1('x', newKey, aad), newKey, 'stores/xyz/access_token')).toThrow();
  });

  it('refuses malformed keys and unknown formats', () => {
    expect(() => keyRing('zz'.repeat(32))).toThrow(/64 hex characters/);
    expect(() => keyRing(newKey, ['abc'])).toThrow(/64 hex characters/);
    expect(() => decryptSecret('v9.a.b.c', newKey, aad)).toThrow(/Unrecognised secret format/);
    expect(() => decryptSecret(`v2.${keyIdOf(newKey)}.x`, newKey, aad)).toThrow(/Unrecognised secret format/);
  });
});
