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
 * Hash of what the accounting system would receive. The order's status is left out: a status change alone
 * (Awaiting Fulfillment → Shipped, or our own write-back) must not cause an update.
 */
export function documentContentHash(document: SalesDocument): string {
  const { source, ...rest } = document;
  const { statusId: _statusId, ...stableSource } = source;
  return `sha256:${createHash('sha256').update(canonicalJson({ ...rest, source: stableSource })).digest('hex')}`;
}
