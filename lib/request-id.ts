/**
 * Request ids, without Node-only imports so the proxy can use them too. An incoming id is kept only when it looks like
 * one (a proxy's or load balancer's: letters, digits and `._:-`, 8 to 64 characters), so a client cannot write
 * arbitrary text, or a line break, into every log line of its request; otherwise a new UUID.
 */
export const REQUEST_ID_HEADER = 'x-request-id';

const WELL_FORMED = /^[A-Za-z0-9._:-]{8,64}$/;

export function requestIdFrom(incoming: string | string[] | null | undefined): string {
  return typeof incoming === 'string' && WELL_FORMED.test(incoming) ? incoming : crypto.randomUUID();
}
