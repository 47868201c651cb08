import { createHash } from 'node:crypto';
import type { SalesDocument } from './sales-document';

/** JSON with object keys sorted at every level, so equal values always give equal text. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/**
 * Bump when a change to the document builder changes the documents it builds for unchanged orders. Hashes carry it,
 * and a document posted under another version is never "changed" by a deploy alone (which would void and re-post
 * every posted order the next time it is looked at): see planSync.
 */
export const DOCUMENT_BUILDER_VERSION = 1;

/** The builder version a content hash was made with (null for hashes from before versions were recorded). */
export function hashVersion(hash: string): number | null {
  const match = /^v(\d+):/.exec(hash);
  return match ? Number(match[1]) : null;
}

/**
 * Hash of what the order says, as the accounting system would receive it. Left out: the order's status (a status
 * change alone, such as our own write-back, must not cause an update), and how the customer was matched in the
 * accounting system (`match`, `remoteId`, the display name chosen for it): posting creates the customer, so the
 * next look finds it linked, and that must not look like a changed order.
 */
export function documentContentHash(document: SalesDocument): string {
  const { source, customer, ...rest } = document;
  const { statusId: _statusId, ...stableSource } = source;
  const { match: _match, remoteId: _remoteId, displayName: _displayName, ...orderCustomer } = customer;
  const digest = createHash('sha256').update(canonicalJson({ ...rest, source: stableSource, customer: orderCustomer })).digest('hex');
  return `v${DOCUMENT_BUILDER_VERSION}:sha256:${digest}`;
}
