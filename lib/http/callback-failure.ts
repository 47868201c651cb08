import { httpStatusOf, type EdgeFailure } from '@/lib/errors';
import { messagePage } from './message-page';

const titles: Record<EdgeFailure['kind'], string> = {
  BadRequest: 'This request could not be understood',
  Unauthorized: 'This request could not be verified',
  Forbidden: 'Access denied',
  NotFound: 'Not found',
  Conflict: 'Conflict',
  Upstream: 'BigCommerce could not be reached',
};

/** A failure from a BigCommerce callback as a message page with the failure's status. */
export function callbackFailurePage(failure: EdgeFailure): Response {
  return messagePage({
    status: httpStatusOf(failure),
    title: titles[failure.kind],
    message: failure.message,
    variant: failure.kind === 'Upstream' ? 'warning' : 'error',
  });
}
