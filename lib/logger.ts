import pino from 'pino';
import { env } from './env';
import { requestLogFields } from './request-context';

/**
 * Structured logs, one JSON object a line. Secrets never reach a log line: the paths below are redacted wherever they
 * appear, and code logs ids and outcomes, never tokens or payload bodies. Every line written while a request is being
 * answered (or by work it started) carries the request's `requestId`, and its `storeHash` once known
 * (lib/request-context.ts).
 */
const redact = [
  'access_token',
  'accessToken',
  'refresh_token',
  'refreshToken',
  'client_secret',
  'clientSecret',
  'token',
  'secret',
  'signed_payload_jwt',
  'authorization',
  '*.access_token',
  '*.accessToken',
  '*.refresh_token',
  '*.client_secret',
  '*.token',
  '*.secret',
  '*.signed_payload_jwt',
  'headers.authorization',
  'headers["x-auth-token"]',
];

let instance: pino.Logger | undefined;

export function logger(): pino.Logger {
  instance ??= pino({
    level: env().LOG_LEVEL,
    redact: { paths: redact, censor: '[redacted]' },
    base: { app: 'ledgerbridge' },
    mixin: requestLogFields,
  });
  return instance;
}
