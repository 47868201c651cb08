/**
 * How the pipeline meets failures: an outage or a rate limit throws TransientFailure (the job layer retries, waiting
 * as long as the platform asked), lost access throws PermanentFailure, and what the merchant can fix (a refused
 * document, a revoked connection) comes back as a reason and a message to record. Bugs throw.
 */
import type { BcFailure } from '@/lib/bigcommerce/client/failures';
import { PermanentFailure, TransientFailure } from '@/lib/errors';
import type { ProviderFailure } from '../provider';

export function fromStore(failure: BcFailure, what: string): never {
  switch (failure.kind) {
    case 'RateLimited':
      throw new TransientFailure(`BigCommerce rate limit while ${what}`, failure.resetMs);
    case 'Unavailable':
      throw new TransientFailure(`BigCommerce unavailable while ${what}: ${failure.message}`);
    case 'Unauthorized':
      throw new PermanentFailure(`BigCommerce refused the store's token while ${what}: the app must be reinstalled.`);
    case 'Forbidden':
      throw new PermanentFailure(`The app lacks a BigCommerce permission (${failure.missingScope ?? 'unknown'}) needed for ${what}.`);
    default:
      throw new Error(`BigCommerce ${failure.kind} while ${what}: ${failure.message}`);
  }
}

export interface Problem {
  reason: string;
  message: string;
}

/** Outages and rate limits throw (retry); the rest are the merchant's to fix and come back as a message. */
export function providerProblem(failure: ProviderFailure, what: string): Problem {
  if (failure.kind === 'rate_limited') throw new TransientFailure(`${what}: rate limited`, failure.retryAfterMs);
  if (failure.kind === 'unavailable') throw new TransientFailure(`${what}: ${failure.message}`, failure.retryAfterMs);
  const prefix = failure.kind === 'auth_revoked' ? 'Reconnect your accounting system: ' : '';
  return { reason: failure.kind, message: `${prefix}${failure.message}` };
}
