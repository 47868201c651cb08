/**
 * Wire shapes of Inngest's SDK protocol as the `inngest` 4.x SDK speaks it, from docs/SDK_SPEC.md in the
 * public inngest/inngest repository and the SDK source (InngestCommHandler, InngestStepTools).
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';

const concurrencyOptionSchema = z.object({
  limit: z.number().int().min(0),
  key: z.string().nullish(),
  scope: z.enum(['fn', 'env', 'account']).nullish(),
});

const triggerSchema = z.union([
  z.object({ event: z.string().min(1), expression: z.string().nullish() }),
  z.object({ cron: z.string().min(1) }),
]);

/** One entry of `functions` in `POST /fn/register` (SDK_SPEC 4.3.2). Unknown keys are kept for warnings. */
export const functionConfigSchema = z.looseObject({
  id: z.string().min(1),
  name: z.string().nullish(),
  triggers: z.array(triggerSchema),
  steps: z.record(
    z.string(),
    z.object({
      runtime: z.object({ type: z.string(), url: z.string().url() }),
      // The JS SDK sends the function's `retries` option here, so `attempts` counts retries.
      retries: z.object({ attempts: z.number().int().min(0).max(20).nullish() }).nullish(),
    }),
  ),
  concurrency: z.union([z.number().int().min(0), concurrencyOptionSchema, z.array(concurrencyOptionSchema)]).nullish(),
  idempotency: z.string().nullish(),
  throttle: z
    .object({ limit: z.number().int().min(1), period: z.string().min(1), key: z.string().nullish(), burst: z.number().int().min(0).nullish() })
    .nullish(),
  cancel: z
    .array(z.object({ event: z.string().min(1), if: z.string().nullish(), timeout: z.string().nullish() }))
    .nullish(),
});
export type FunctionConfig = z.infer<typeof functionConfigSchema>;

export const registerBodySchema = z.object({
  url: z.string().url(),
  appName: z.string().min(1),
  deployType: z.string().nullish(),
  sdk: z.string().nullish(),
  framework: z.string().nullish(),
  functions: z.array(functionConfigSchema),
});

/** An event as sent to `POST /e/{key}` (SDK_SPEC 1.3.4); `id` is the sender's deduplication id. */
export const incomingEventSchema = z.looseObject({
  name: z.string().min(1),
  data: z.record(z.string(), z.unknown()).nullish(),
  id: z.string().nullish(),
  ts: z.number().nullish(),
  user: z.record(z.string(), z.unknown()).nullish(),
  v: z.string().nullish(),
});
export type InngestEvent = {
  id: string;
  name: string;
  data: Record<string, unknown>;
  ts: number;
  user?: Record<string, unknown>;
  v?: string;
};

export const serializedErrorSchema = z.looseObject({
  name: z.string().catch('Error'),
  message: z.string().catch(''),
  stack: z.string().optional().catch(undefined),
});
export type SerializedError = z.infer<typeof serializedErrorSchema>;

/** A step op in a 206 response (SDK_SPEC 5.1.1); `name` carries the sleep duration / awaited event in v4. */
export const outgoingOpSchema = z.looseObject({
  id: z.string().min(1),
  op: z.string().min(1),
  name: z.string().nullish(),
  displayName: z.string().nullish(),
  opts: z.record(z.string(), z.unknown()).nullish(),
  data: z.unknown().optional(),
  error: z.unknown().optional(),
});
export type OutgoingOp = z.infer<typeof outgoingOpSchema>;

/** Memoised step state sent back in `steps` (SDK_SPEC 5.2). */
export type StepState = { data: unknown } | { error: SerializedError };

export function toSerializedError(value: unknown, fallbackMessage = 'Unknown error'): SerializedError {
  const parsed = serializedErrorSchema.safeParse(value);
  if (parsed.success && parsed.data.message) return parsed.data;
  // The SDK's step-not-found and internal failures answer `{ error: string, ... }`.
  const withError = z.object({ error: z.string().min(1) }).safeParse(value);
  if (withError.success) return { name: 'Error', message: withError.data.error };
  if (value instanceof Error) return { name: value.name, message: value.message };
  return { name: 'Error', message: typeof value === 'string' && value ? value : fallbackMessage };
}

const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1e3, m: 6e4, h: 3.6e6, d: 8.64e7, w: 6.048e8 };

/** Parses an Inngest time string ("300ms", "2h45m", "1d") to milliseconds (SDK_SPEC 1.3.2). */
export function parseTimeString(value: string): number {
  const parts = [...value.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h|d|w)/g)];
  if (!parts.length || parts.map((p) => p[0]).join('') !== value) throw new Error(`Invalid time string: ${value}`);
  return parts.reduce((total, [, n, unit]) => total + Number(n) * (UNIT_MS[unit ?? ''] ?? 0), 0);
}

/** A time string or an ISO 8601 date to a delay from `now` in milliseconds (never negative). */
export function delayUntil(value: string, now = Date.now()): number {
  if (/^\d{4}-\d{2}-\d{2}/.test(value)) {
    const at = Date.parse(value);
    if (Number.isNaN(at)) throw new Error(`Invalid date: ${value}`);
    return Math.max(0, at - now);
  }
  return parseTimeString(value);
}

/** `Retry-After` as the SDK sends it: whole seconds, or an ISO 8601 date (SDK_SPEC 4.1.1). */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A ULID, the id format the dev server returns for events and runs. */
export function ulid(now = Date.now()): string {
  let time = '';
  for (let t = now, i = 0; i < 10; i++, t = Math.floor(t / 32)) time = CROCKFORD[t % 32] + time;
  const random = [...randomBytes(16)].map((b) => CROCKFORD[b % 32]).join('');
  return time + random;
}
