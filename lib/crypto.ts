import { createCipheriv, createDecipheriv, randomBytes, timingSafeEqual, createHash } from 'node:crypto';

/**
 * Secrets at rest (store access tokens, webhook secrets, accounting tokens): AES-256-GCM with a random 96-bit IV.
 * Stored as `v2.<key id>.<iv>.<tag>.<ciphertext>` (base64url). The key id names the key that sealed the value, so
 * the key can be rotated without downtime: values are always sealed with the current key, read with whichever
 * configured key their id names, and `ledgerbridge keys rotate` re-seals the old ones under the current key.
 * Values written before key ids (`v1.<iv>.<tag>.<ciphertext>`) still open: with the current key, or a previous one.
 * The associated data binds a ciphertext to its owner (e.g. the store hash): a ciphertext copied to another
 * store's row does not decrypt.
 */
const VERSION = 'v2';
const LEGACY_VERSION = 'v1';

/** The keys the app knows: the current one (seals everything) and previous ones (only open what they sealed). */
export interface KeyRing {
  readonly currentId: string;
  readonly keys: ReadonlyMap<string, Buffer>;
}

/** A single hex key (it is then the current key and the only one), or a key ring. */
export type EncryptionKeys = string | KeyRing;

/** A value sealed under a key id that no configured key has, or a legacy value no configured key opens. */
export class UnknownKeyError extends Error {
  override name = 'UnknownKeyError';
  constructor(
    message: string,
    /** The key id the value names (null for a legacy value without one). */
    readonly keyId: string | null,
  ) {
    super(message);
  }
}

function keyBytes(hexKey: string): Buffer {
  const key = Buffer.from(hexKey, 'hex');
  if (key.length !== 32 || key.toString('hex') !== hexKey.toLowerCase()) {
    throw new Error('Encryption key must be 32 bytes (64 hex characters)');
  }
  return key;
}

/**
 * A key's id: the first 8 hex characters of a SHA-256 of the key (with a label, so it is not the hash any other
 * tool would take of it). Derived, not configured: the same key has the same id on every instance, and an id says
 * nothing useful about the key.
 */
export function keyIdOf(hexKey: string): string {
  return createHash('sha256').update('ledgerbridge token key id\0').update(keyBytes(hexKey)).digest('hex').slice(0, 8);
}

const rings = new Map<string, KeyRing>();

/**
 * The key ring from TOKEN_ENCRYPTION_KEY and TOKEN_ENCRYPTION_KEYS_PREVIOUS (hex keys separated by commas or
 * spaces). The current key may also be listed among the previous ones (handy while swapping them).
 */
export function keyRing(current: string, previous: string | readonly string[] = []): KeyRing {
  const list = typeof previous === 'string' ? previous.split(/[\s,]+/).filter(Boolean) : previous;
  const cacheKey = [current, ...list].join(',');
  const cached = rings.get(cacheKey);
  if (cached) return cached;
  const keys = new Map<string, Buffer>();
  const currentId = keyIdOf(current);
  keys.set(currentId, keyBytes(current));
  for (const hex of list) {
    const id = keyIdOf(hex);
    const bytes = keyBytes(hex);
    const known = keys.get(id);
    // Two different keys with one 32-bit id: astronomically unlikely, and refused rather than guessed between.
    if (known && !known.equals(bytes)) throw new Error(`Two configured encryption keys have the same key id ${id}; generate a new key`);
    keys.set(id, bytes);
  }
  const ring: KeyRing = { currentId, keys };
  if (rings.size > 16) rings.clear();
  rings.set(cacheKey, ring);
  return ring;
}

const asRing = (keys: EncryptionKeys): KeyRing => (typeof keys === 'string' ? keyRing(keys) : keys);

function describeRing(ring: KeyRing): string {
  const previous = [...ring.keys.keys()].filter((id) => id !== ring.currentId);
  return `current key ${ring.currentId}${previous.length > 0 ? `, previous ${previous.join(', ')}` : ', no previous keys'}`;
}

export function encryptSecret(plaintext: string, keys: EncryptionKeys, associatedData: string): string {
  const ring = asRing(keys);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', ring.keys.get(ring.currentId)!, iv);
  cipher.setAAD(Buffer.from(associatedData, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [VERSION, ring.currentId, iv.toString('base64url'), tag.toString('base64url'), ciphertext.toString('base64url')].join('.');
}

function open(key: Buffer, iv: string, tag: string, ciphertext: string, associatedData: string): string {
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
  decipher.setAAD(Buffer.from(associatedData, 'utf8'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
}

interface Parsed {
  keyId: string | null;
  iv: string;
  tag: string;
  ciphertext: string;
}

function parse(sealed: string): Parsed {
  const parts = sealed.split('.');
  if (parts[0] === VERSION && parts.length === 5 && parts[1] && parts[2] && parts[3]) {
    return { keyId: parts[1], iv: parts[2], tag: parts[3], ciphertext: parts[4]! };
  }
  if (parts[0] === LEGACY_VERSION && parts.length === 4 && parts[1] && parts[2]) {
    return { keyId: null, iv: parts[1], tag: parts[2], ciphertext: parts[3]! };
  }
  throw new Error('Unrecognised secret format');
}

/** The id of the key that sealed a value; null for a legacy value (sealed before key ids). */
export function sealedKeyId(sealed: string): string | null {
  return parse(sealed).keyId;
}

/**
 * Opens a sealed value with the key its id names. A value naming a key that is not configured throws
 * UnknownKeyError naming that id (never a wrong plaintext: GCM authenticates). A legacy value is tried with the
 * current key, then the previous ones. A tampered value, or one moved to another owner, throws.
 */
export function decryptSecret(sealed: string, keys: EncryptionKeys, associatedData: string): string {
  const ring = asRing(keys);
  const { keyId, iv, tag, ciphertext } = parse(sealed);
  if (keyId !== null) {
    const key = ring.keys.get(keyId);
    if (!key) {
      throw new UnknownKeyError(
        `this value was sealed with encryption key ${keyId}, which is not configured (${describeRing(ring)}); add that key to TOKEN_ENCRYPTION_KEYS_PREVIOUS until \`ledgerbridge keys rotate\` has re-sealed everything`,
        keyId,
      );
    }
    return open(key, iv, tag, ciphertext, associatedData);
  }
  const order = [ring.currentId, ...[...ring.keys.keys()].filter((id) => id !== ring.currentId)];
  for (const id of order) {
    try {
      return open(ring.keys.get(id)!, iv, tag, ciphertext, associatedData);
    } catch {
      // Not this key (or tampered): try the next one.
    }
  }
  throw new UnknownKeyError(
    `this value was sealed before key ids (v1) and none of the configured keys opens it (${describeRing(ring)}); configure the key it was sealed with in TOKEN_ENCRYPTION_KEYS_PREVIOUS`,
    null,
  );
}

/**
 * The value re-sealed under the current key, or null when it already is. Used by `ledgerbridge keys rotate`; throws
 * like decryptSecret when the value cannot be opened.
 */
export function resealSecret(sealed: string, keys: EncryptionKeys, associatedData: string): string | null {
  const ring = asRing(keys);
  if (parse(sealed).keyId === ring.currentId) return null;
  return encryptSecret(decryptSecret(sealed, ring, associatedData), ring, associatedData);
}

/** Constant-time comparison of two secrets of any length (hashing first equalises the lengths). */
export function secretsEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}

export function randomSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}
