/**
 * Every edge that takes a request body reads it through here: at most `maxBytes`, within `timeoutMs`. A body over the
 * limit is refused as soon as it is known to be (a declared Content-Length at once, a chunked one at the first byte
 * past the limit), without reading the rest; a body still arriving at the deadline is cut. Either way the answer says
 * `connection: close`, and the production server (lib/server/listener.ts) closes a connection whose request is still
 * arriving once its answer is sent, so nothing more is read from it.
 *
 * Reads a web Request (Next's route handlers) or Node's IncomingMessage (the direct webhook path).
 */
import type { IncomingMessage } from 'node:http';

export interface BodyLimits {
  maxBytes: number;
  timeoutMs: number;
}

/** A refused body: `TooLarge` (413), `Timeout` (408: it did not arrive in time), `Aborted` (the client went away). */
export type BodyFailure =
  | { kind: 'TooLarge'; message: string }
  | { kind: 'Timeout'; message: string }
  | { kind: 'Aborted'; message: string };

export type BodyRead = { ok: true; bytes: Uint8Array } | { ok: false; error: BodyFailure };

/** How long any body may take to arrive: BigCommerce, the browser and a consent window send a few KiB at once. */
export const BODY_TIMEOUT_MS = 10_000;

/** The admin API's JSON bodies (settings, mappings, a selection of orders or items). */
export const ADMIN_BODY_LIMITS: BodyLimits = { maxBytes: 1024 * 1024, timeoutMs: BODY_TIMEOUT_MS };
/** Forms posted by the app's own callback pages (an OAuth state and a tenant id). */
export const FORM_BODY_LIMITS: BodyLimits = { maxBytes: 16 * 1024, timeoutMs: BODY_TIMEOUT_MS };

export const BODY_FAILURE_STATUS: Record<BodyFailure['kind'], number> = { TooLarge: 413, Timeout: 408, Aborted: 400 };

export function tooLarge(limits: BodyLimits): BodyFailure {
  const { maxBytes } = limits;
  const size = maxBytes >= 1024 * 1024 ? `${maxBytes / (1024 * 1024)} MiB` : maxBytes >= 1024 ? `${maxBytes / 1024} KiB` : `${maxBytes} bytes`;
  return { kind: 'TooLarge', message: `The body is larger than ${size}.` };
}

function timedOut(limits: BodyLimits): BodyFailure {
  return { kind: 'Timeout', message: `The body did not arrive within ${limits.timeoutMs / 1000} s.` };
}

const ABORTED: BodyFailure = { kind: 'Aborted', message: 'The connection closed before the body arrived.' };

/** A declared Content-Length over the limit: refused before a byte of the body is read. */
function declaredTooLarge(contentLength: string | null | undefined, limits: BodyLimits): boolean {
  if (contentLength === null || contentLength === undefined || contentLength === '') return false;
  const declared = Number(contentLength);
  return !Number.isFinite(declared) || declared > limits.maxBytes;
}

/** `{error: {kind, message}}` with 413 or 408, and `connection: close`: the rest of the body is never read. */
export function bodyFailureResponse(failure: BodyFailure): Response {
  return Response.json({ error: failure }, { status: BODY_FAILURE_STATUS[failure.kind], headers: { connection: 'close' } });
}

/** Bytes as text the way Request.text() does: UTF-8, a leading byte-order mark dropped, bad sequences replaced. */
export function bodyText(bytes: Uint8Array): string {
  return new TextDecoder().decode(bytes);
}

function concat(chunks: Uint8Array[], size: number): Uint8Array {
  const out = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

/**
 * A Request's body within the limits. On refusal the stream is left unread (not cancelled: cancelling Next's body
 * stream destroys the socket before the 413 could be sent); the server closes the connection after the answer.
 */
export async function readRequestBody(request: Request, limits: BodyLimits): Promise<BodyRead> {
  if (declaredTooLarge(request.headers.get('content-length'), limits)) return { ok: false, error: tooLarge(limits) };
  if (!request.body) return { ok: true, bytes: new Uint8Array(0) };
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), limits.timeoutMs)));
  try {
    for (;;) {
      const pending = reader.read();
      // A read abandoned at the deadline settles (or fails) when the connection is closed: nobody waits for it.
      pending.catch(() => undefined);
      const next = await Promise.race([pending, deadline]);
      if (next === 'timeout') return { ok: false, error: timedOut(limits) };
      if (next.done) return { ok: true, bytes: concat(chunks, size) };
      size += next.value.byteLength;
      if (size > limits.maxBytes) return { ok: false, error: tooLarge(limits) };
      chunks.push(next.value);
    }
  } catch {
    // The client went away mid-body: nothing to answer it with, and nothing was accepted.
    return { ok: false, error: ABORTED };
  } finally {
    clearTimeout(timer);
  }
}

/** Node's IncomingMessage body within the limits; on refusal it stops reading (the answer closes the connection). */
export function readIncomingBody(req: IncomingMessage, limits: BodyLimits): Promise<BodyRead> {
  if (declaredTooLarge(req.headers['content-length'], limits)) return Promise.resolve({ ok: false, error: tooLarge(limits) });
  return new Promise((resolve) => {
    const chunks: Uint8Array[] = [];
    let size = 0;
    const finish = (read: BodyRead) => {
      clearTimeout(timer);
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onError);
      // Stop pulling bytes off the wire; a late error (the connection closed under us) is nobody's to handle.
      req.on('error', () => undefined);
      if (!read.ok) req.pause();
      resolve(read);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limits.maxBytes) finish({ ok: false, error: tooLarge(limits) });
      else chunks.push(chunk);
    };
    const onEnd = () => finish({ ok: true, bytes: concat(chunks, size) });
    // An error or a close before the end: the client went away mid-body.
    const onError = () => finish({ ok: false, error: ABORTED });
    const timer = setTimeout(() => finish({ ok: false, error: timedOut(limits) }), limits.timeoutMs);
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onError);
  });
}
