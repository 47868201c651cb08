/**
 * BigCommerce's store-level API account credentials file: the .txt the control panel downloads when an API
 * account is created (Settings > Store-level API accounts). One `LABEL: value` a line:
 *
 *   ACCESS TOKEN: ...        CLIENT NAME: ...      CLIENT ID: ...
 *   CLIENT SECRET: ...       NAME: ...             API PATH: https://api.bigcommerce.com/stores/{hash}/v3/
 *
 * The API PATH gives the store hash and the API base. Only the access token is a credential we keep; the client
 * secret is never read further than this parser.
 * https://developer.bigcommerce.com/docs/start/authentication/api-accounts
 */
import { err, ok, type Result } from '@/lib/errors';
import { StoreHash } from '@/lib/ids';

export interface ApiCredentials {
  accessToken: string;
  clientId: string | null;
  clientName: string | null;
  name: string | null;
  /** The API PATH line as written. */
  apiPath: string;
  storeHash: StoreHash;
  /** Where `/stores/{hash}/v2|v3/...` calls go, e.g. `https://api.bigcommerce.com`. */
  apiBase: string;
}

/** Larger than any credentials file: a bigger file is the wrong file. */
export const MAX_CREDENTIALS_BYTES = 16 * 1024;

const LABELS = {
  'ACCESS TOKEN': 'accessToken',
  'CLIENT NAME': 'clientName',
  'CLIENT ID': 'clientId',
  'CLIENT SECRET': 'clientSecret',
  NAME: 'name',
  'API PATH': 'apiPath',
} as const;
type Field = (typeof LABELS)[keyof typeof LABELS];

/** Parses the file's text; the error is a one-line message naming what is wrong (never a secret). */
export function parseCredentialsFile(text: string): Result<ApiCredentials, string> {
  if (text.length > MAX_CREDENTIALS_BYTES) return err('the file is too large to be a BigCommerce API credentials file');
  if (text.includes('\u0000')) return err('the file is binary, not a BigCommerce API credentials file');
  const fields = new Map<Field, string>();
  for (const raw of text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/)) {
    const line = raw.trim();
    if (line === '') continue;
    const match = /^([A-Za-z][A-Za-z ]*?)\s*:\s*(.*)$/.exec(line);
    const label = match?.[1]?.toUpperCase() as keyof typeof LABELS | undefined;
    // Lines we do not know (a future field, a note) are ignored; the ones we need are checked below.
    if (!match || !label || !Object.hasOwn(LABELS, label)) continue;
    const field = LABELS[label];
    const value = match[2]!.trim();
    const previous = fields.get(field);
    if (previous !== undefined && previous !== value) return err(`the file has two different ${label} lines`);
    fields.set(field, value);
  }
  const accessToken = fields.get('accessToken');
  const apiPath = fields.get('apiPath');
  const missing = [accessToken ? null : 'ACCESS TOKEN', apiPath ? null : 'API PATH'].filter((x): x is string => x !== null);
  if (missing.length > 0) return err(`not a BigCommerce API credentials file: no ${missing.join(' and no ')} line`);
  if (!/^[A-Za-z0-9._-]{8,256}$/.test(accessToken!)) return err('the ACCESS TOKEN line does not hold an access token');

  const parsedPath = parseApiPath(apiPath!);
  if (!parsedPath.ok) return parsedPath;
  return ok({
    accessToken: accessToken!,
    clientId: fields.get('clientId') || null,
    clientName: fields.get('clientName') || null,
    name: fields.get('name') || null,
    apiPath: apiPath!,
    ...parsedPath.value,
  });
}

/** `https://api.bigcommerce.com/stores/{hash}/v3/` → the store hash and `https://api.bigcommerce.com`. */
export function parseApiPath(apiPath: string): Result<{ storeHash: StoreHash; apiBase: string }, string> {
  let url: URL;
  try {
    url = new URL(apiPath);
  } catch {
    return err(`the API PATH "${apiPath}" is not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return err(`the API PATH "${apiPath}" is not an http(s) URL`);
  const match = /^(.*?)\/stores\/([^/]+)\/v[23]\/?$/.exec(url.pathname);
  if (!match) return err(`the API PATH "${apiPath}" does not look like https://api.bigcommerce.com/stores/{hash}/v3/`);
  const hash = StoreHash.safeParse(match[2]);
  if (!hash.success) return err(`the API PATH "${apiPath}" does not hold a store hash`);
  return ok({ storeHash: hash.data, apiBase: `${url.origin}${match[1]}` });
}
