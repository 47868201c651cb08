// Wire plumbing for the Xero sandbox: exact decimals on the wire, Xero's JSON dates, body reading and answers.
//
// Money is Big inside and is written as a numeric literal with a fixed number of decimals (Xero writes
// `"Total": 115.00`), so a client that parses the raw text losslessly gets the exact figure. JSON.parse on the
// way in yields doubles; String(double) is the shortest round-trip form, which equals the literal the client
// sent for any amount with at most 15 significant digits, so `toBig(body.UnitAmount)` is exact for money.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import Big from 'big.js';

/** A decimal that serialises as a bare JSON number with `dp` decimals. */
export class Dec {
  constructor(
    readonly value: Big,
    readonly dp = 2,
  ) {}
  toJSON(): number {
    // Only used by plain JSON.stringify (tests, logs); the sandbox's own writer emits the exact literal.
    return Number(this.value.toFixed(this.dp));
  }
}

export const dec = (value: Big, dp = 2): Dec => new Dec(value, dp);

/** JSON.stringify that writes Dec values as exact numeric literals. */
export function stringify(value: unknown): string {
  if (value instanceof Dec) return value.value.toFixed(value.dp);
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : stringify(v))).join(',')}]`;
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (typeof value === 'object') {
    const parts: string[] = [];
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (v === undefined || typeof v === 'function') continue;
      parts.push(`${JSON.stringify(k)}:${stringify(v)}`);
    }
    return `{${parts.join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Parses a decimal from a wire value (number or numeric string); undefined when absent, null when malformed. */
export function toBig(value: unknown): Big | undefined | null {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'number') return Number.isFinite(value) ? new Big(String(value)) : null;
  if (typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value)) return new Big(value.trim());
  return null;
}

export const round2 = (b: Big): Big => b.round(2, Big.roundHalfUp);

// ---------------------------------------------------------------------------------------------- dates

const DAY_MS = 86_400_000;

/** Xero's JSON date for a calendar day: `/Date(1700000000000+0000)/`. */
export function msDate(day: string): string {
  return `/Date(${Date.parse(`${day}T00:00:00Z`)}+0000)/`;
}

/** Xero's JSON timestamp for an instant (ms since epoch). */
export function msDateTime(ms: number): string {
  return `/Date(${Math.floor(ms)}+0000)/`;
}

/** `2023-11-14T00:00:00`, the DateString Xero sends beside Date. */
export const dateString = (day: string): string => `${day}T00:00:00`;

/** Identity API timestamps: `2019-12-07T18:46:19.5165400` (seven fractional digits, no zone). */
export function identityTimestamp(ms: number): string {
  const iso = new Date(ms).toISOString(); // 2019-12-07T18:46:19.516Z
  return `${iso.slice(0, 19)}.${iso.slice(20, 23)}0000`;
}

export function dayOf(ms: number): string {
  return new Date(Math.floor(ms / DAY_MS) * DAY_MS).toISOString().slice(0, 10);
}

/** Accepts `2023-11-14`, `2023-11-14T10:00:00` and `/Date(ms+0000)/`; returns the calendar day or null. */
export function parseWireDate(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const s = value.trim();
  const ms = /^\/Date\((-?\d+)([+-]\d{4})?\)\/$/.exec(s);
  if (ms) return dayOf(Number(ms[1]));
  const m = /^(\d{4})-(\d{2})-(\d{2})(T[\d:.]+Z?)?$/.exec(s);
  if (!m) return null;
  const day = `${m[1]}-${m[2]}-${m[3]}`;
  return Number.isNaN(Date.parse(`${day}T00:00:00Z`)) ? null : day;
}

// ---------------------------------------------------------------------------------------------- http

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(`HTTP ${status}`);
  }
}

/** Xero's gateway-style problem body (401/403/404/400 outside validation). */
export function problem(status: number, title: string, detail: string): Record<string, unknown> {
  return { Type: null, Title: title, Status: status, Detail: detail, Instance: randomUUID(), Extensions: {} };
}

export interface Answer {
  status: number;
  headers: Record<string, string>;
  /** Serialised body. */
  body: string;
}

export function jsonAnswer(status: number, body: unknown, headers: Record<string, string> = {}): Answer {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    body: status === 204 ? '' : stringify(body),
  };
}

export function send(res: ServerResponse, answer: Answer, extraHeaders: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  const headers = { ...answer.headers, ...extraHeaders };
  if (answer.status !== 204) headers['content-length'] = String(Buffer.byteLength(answer.body));
  res.writeHead(answer.status, headers);
  res.end(answer.status === 204 ? undefined : answer.body);
}

/** Xero rejects requests over 10 MB. */
export async function readBody(req: IncomingMessage, limitBytes = 10 * 1024 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > limitBytes) throw new HttpError(413, problem(413, 'Request Entity Too Large', 'The request exceeds 10 MB.'));
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function parseForm(raw: string): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(raw));
}

export interface RequestCtx {
  req: IncomingMessage;
  res: ServerResponse;
  method: string;
  url: URL;
  rawBody: string;
}

export function htmlAnswer(status: number, html: string, headers: Record<string, string> = {}): Answer {
  return { status, headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', ...headers }, body: html };
}

export function redirectAnswer(location: string): Answer {
  return { status: 302, headers: { location, 'cache-control': 'no-store' }, body: '' };
}

export const escapeHtml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/** Minimal path router with `:name` segments. */
export class Router<C> {
  private readonly routes: Array<{ method: string; regex: RegExp; keys: string[]; handler: (ctx: C, params: Record<string, string>) => Promise<Answer> | Answer }> = [];

  add(method: string, pattern: string, handler: (ctx: C, params: Record<string, string>) => Promise<Answer> | Answer): this {
    const keys: string[] = [];
    const source = pattern
      .split('/')
      .map((seg) => {
        if (seg.startsWith(':')) {
          keys.push(seg.slice(1));
          return '([^/]+)';
        }
        return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      })
      .join('/');
    // Xero's paths are case-insensitive (`/Invoices` and `/invoices` both work).
    this.routes.push({ method, regex: new RegExp(`^${source}/?$`, 'i'), keys, handler });
    return this;
  }

  match(
    method: string,
    path: string,
  ): { handler: (ctx: C, params: Record<string, string>) => Promise<Answer> | Answer; params: Record<string, string> } | { allowed: string[] } | null {
    const allowed: string[] = [];
    for (const r of this.routes) {
      const m = r.regex.exec(path);
      if (!m) continue;
      if (r.method !== method) {
        allowed.push(r.method);
        continue;
      }
      const params: Record<string, string> = {};
      r.keys.forEach((k, i) => (params[k] = decodeURIComponent(m[i + 1] ?? '')));
      return { handler: r.handler, params };
    }
    return allowed.length ? { allowed } : null;
  }
}
