/**
 * Expected failures are values (Result); bugs throw. `AppError` carries an HTTP status for the edges to translate.
 */
export type Result<T, E> = { ok: true; value: T } | { ok: false; error: E };

export const ok = <T>(value: T): { ok: true; value: T } => ({ ok: true, value });
export const err = <E>(error: E): { ok: false; error: E } => ({ ok: false, error });

/** Failures a callback or API route reports to the caller, each with the status it maps to. */
export type EdgeFailure =
  | { kind: 'BadRequest'; message: string } // 400: malformed input
  | { kind: 'Unauthorized'; message: string } // 401: bad signature, expired, wrong audience, no session
  | { kind: 'Forbidden'; message: string } // 403: authenticated, but not allowed here
  | { kind: 'NotFound'; message: string } // 404
  | { kind: 'Conflict'; message: string } // 409
  | { kind: 'Upstream'; message: string }; // 502: BigCommerce (or another platform) unreachable or broken

const statusOf: Record<EdgeFailure['kind'], number> = {
  BadRequest: 400,
  Unauthorized: 401,
  Forbidden: 403,
  NotFound: 404,
  Conflict: 409,
  Upstream: 502,
};

export function httpStatusOf(failure: EdgeFailure): number {
  return statusOf[failure.kind];
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * A failure worth retrying later (rate limit, outage, timeout). The job layer turns it into Inngest's
 * RetryAfterError when `retryAfterMs` is known, else a plain retry with backoff.
 */
export class TransientFailure extends Error {
  override name = 'TransientFailure';
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/** A failure no retry can fix (the store revoked our access): the job layer stops retrying. */
export class PermanentFailure extends Error {
  override name = 'PermanentFailure';
}
