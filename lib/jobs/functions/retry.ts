import { NonRetriableError, RetryAfterError } from 'inngest';
import { PermanentFailure, TransientFailure } from '@/lib/errors';

/**
 * Runs a step body and translates the domain's failures into Inngest's: a rate limit waits exactly as long as the
 * platform asked (RetryAfterError), an outage retries with backoff, lost access stops retrying. Bugs pass through
 * (Inngest retries them, then onFailure records them).
 */
export async function translateFailures<T>(body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (error) {
    if (error instanceof TransientFailure && error.retryAfterMs !== undefined) {
      throw new RetryAfterError(error.message, Math.max(1000, error.retryAfterMs), { cause: error });
    }
    if (error instanceof PermanentFailure) throw new NonRetriableError(error.message, { cause: error });
    throw error;
  }
}
