import { z } from 'zod';
import { secretsEqual } from '@/lib/crypto';
import { err, httpStatusOf, ok, type EdgeFailure, type Result } from '@/lib/errors';
import { BODY_TIMEOUT_MS, type BodyFailure, type BodyLimits } from '@/lib/http/read-body';
import { StoreContext, type StoreHash } from '@/lib/ids';
import { checkWebhookSignature, type SignatureHeaders } from './webhook-signature';

/**
 * Webhook deliveries from BigCommerce.
 * https://developer.bigcommerce.com/docs/integrations/webhooks (payload: scope, store_id, data, hash, created_at,
 * producer). Delivery is at least once; a redelivery has the same `hash`. Only a 2xx counts as delivered, so we
 * answer as soon as the delivery is recorded and do the work later.
 */

/** The scopes the app registers (PLATFORM-FACTS: orders and inventory). */
export const WEBHOOK_SCOPES = [
  'store/order/created',
  'store/order/updated',
  'store/order/statusUpdated',
  'store/order/refund/created',
  'store/product/inventory/updated',
  'store/sku/inventory/updated',
] as const;
export type WebhookScope = (typeof WEBHOOK_SCOPES)[number];

/**
 * Registered as a custom header on every hook; BigCommerce sends it back on each delivery: the proof, per store, that
 * a delivery came from BigCommerce (PLATFORM-FACTS). Every delivery must also carry a valid Standard Webhooks
 * signature (lib/bigcommerce/webhook-signature.ts: an HMAC of id, timestamp and body keyed with the app's client
 * secret, one key for every store), which the per-store secret alone does not give: the body and the time it was sent
 * are authenticated, so a tampered body or a delivery replayed after 5 minutes is refused.
 */
export const WEBHOOK_SECRET_HEADER = 'x-ledgerbridge-webhook-secret';

/** Largest body we accept; real payloads are a few hundred bytes. */
export const MAX_WEBHOOK_BODY_BYTES = 64 * 1024;
/** What both receiver edges read of a delivery (lib/http/read-body.ts): the limit above, within the usual deadline. */
export const WEBHOOK_BODY_LIMITS: BodyLimits = { maxBytes: MAX_WEBHOOK_BODY_BYTES, timeoutMs: BODY_TIMEOUT_MS };

export const webhookPayload = z.object({
  scope: z.string().regex(/^store\/[a-z_/A-Z]+$/, 'must be a store/... scope'),
  store_id: z.union([z.string(), z.number()]).transform(String),
  producer: StoreContext,
  hash: z.string().min(1).max(200),
  created_at: z.number().int().nonnegative(),
  data: z
    .object({
      type: z.string(),
      id: z.number().int(),
      status: z.object({ previous_status_id: z.number().int(), new_status_id: z.number().int() }).optional(),
      refund: z.object({ refund_id: z.number().int() }).optional(),
      inventory: z
        .object({
          product_id: z.number().int(),
          method: z.string(),
          value: z.number(),
          variant_id: z.number().int().optional(),
        })
        .optional(),
    })
    .loose(),
});
export type WebhookPayload = z.infer<typeof webhookPayload>;

export interface RecordedDelivery {
  storeHash: StoreHash;
  scope: string;
  resourceId: number;
  hash: string;
  /** BigCommerce's `created_at`: when the change happened. */
  eventCreatedAt: Date;
  /** Parsed and validated. */
  event: WebhookPayload;
  /** The body exactly as BigCommerce sent it (kept for the activity log and replays). */
  raw: Record<string, unknown>;
}

/** A store's webhook secret: the plaintext to compare, and the stored ciphertext that identifies its version. */
export interface StoreWebhookSecret {
  secret: string;
  sealed: string;
}

/**
 * Why a delivery was refused, counted per store without its body (lib/repos/webhook-refusals.ts). The Standard
 * Webhooks signature: `unsigned` (a header missing), `bad_signature` (no signature matches), `stale_signature` (its
 * timestamp more than 5 minutes from our clock: a replay, or a clock to fix).
 */
export type WebhookRefusalReason = 'bad_secret' | 'malformed' | 'too_large' | 'timeout' | 'unsigned' | 'bad_signature' | 'stale_signature';
export interface WebhookRefusal {
  /** The store the payload names, or null when the body could not be read or parsed or names none. */
  storeHash: StoreHash | null;
  reason: WebhookRefusalReason;
}

export interface WebhookDeps {
  /** The app's client secret (BIGCOMMERCE_CLIENT_SECRET): the key of every delivery's Standard Webhooks signature. */
  signingSecret: string;
  /** The clock the signature's timestamp is checked against (tests); Date.now by default. */
  now?: () => number;
  /**
   * The store's webhook secret, or null when the store is unknown or uninstalled. May answer from a cache;
   * `fresh` forces a database read.
   */
  webhookSecret(storeHash: StoreHash, options?: { fresh?: boolean }): Promise<StoreWebhookSecret | null>;
  /**
   * Records the delivery only if the store is still installed with this secret version (one round trip, so a
   * cached secret can never admit a delivery for an uninstalled store). `duplicate`: this (store, hash) was
   * already recorded; `stale`: the store was uninstalled or its secret changed since it was cached.
   */
  recordDelivery(delivery: RecordedDelivery, sealedSecret: string): Promise<'recorded' | 'duplicate' | 'stale'>;
  /** Hands a newly recorded delivery on to the job layer. */
  handOff?(delivery: RecordedDelivery): Promise<void>;
  /** Counts a refused delivery (never waits, never fails the answer). */
  countRefusal?(refusal: WebhookRefusal): void;
}

/** A body an edge refused before reading it all: too large, or too slow. A client that went away is not counted. */
export function countRefusedBody(deps: WebhookDeps, failure: BodyFailure): void {
  if (failure.kind === 'TooLarge') deps.countRefusal?.({ storeHash: null, reason: 'too_large' });
  else if (failure.kind === 'Timeout') deps.countRefusal?.({ storeHash: null, reason: 'timeout' });
}

export interface Received {
  storeHash: StoreHash;
  duplicate: boolean;
}

/** What an edge hands over of a delivery: the per-store secret header, the signature headers, the body as text. */
export interface DeliveryInput {
  secretHeader: string | null;
  signature: SignatureHeaders;
  rawBody: string;
}

export async function receiveWebhook(deps: WebhookDeps, input: DeliveryInput): Promise<Result<Received, EdgeFailure>> {
  let json: unknown;
  try {
    json = JSON.parse(input.rawBody);
  } catch {
    deps.countRefusal?.({ storeHash: null, reason: 'malformed' });
    return err({ kind: 'BadRequest', message: 'The body is not valid JSON.' });
  }
  const parsed = webhookPayload.safeParse(json);
  if (!parsed.success) {
    const named = StoreContext.safeParse(typeof json === 'object' && json !== null ? (json as { producer?: unknown }).producer : undefined);
    deps.countRefusal?.({ storeHash: named.success ? named.data : null, reason: 'malformed' });
    const fields = parsed.error.issues.map((i) => i.path.join('.') || '(body)').join(', ');
    return err({ kind: 'BadRequest', message: `The webhook payload is malformed: ${fields}.` });
  }
  const payload = parsed.data;
  const storeHash = payload.producer;
  // A bad signature and a bad secret get the same answer: the caller learns nothing about which check failed.
  const refused = err({ kind: 'Unauthorized', message: 'Unknown store, bad webhook secret or bad signature.' } as const);
  const signatureFailure = checkWebhookSignature({
    clientSecret: deps.signingSecret,
    headers: input.signature,
    rawBody: input.rawBody,
    nowMs: (deps.now ?? Date.now)(),
  });
  if (signatureFailure) return (deps.countRefusal?.({ storeHash, reason: signatureFailure }), refused);
  const unauthorized = () => (deps.countRefusal?.({ storeHash, reason: 'bad_secret' }), refused);
  if (!input.secretHeader) return unauthorized();
  const matches = (known: StoreWebhookSecret | null) => known !== null && secretsEqual(input.secretHeader!, known.secret);
  let known = await deps.webhookSecret(storeHash);
  // A cached secret that does not match may be out of date: read it again before refusing.
  if (!matches(known)) known = await deps.webhookSecret(storeHash, { fresh: true });
  // Unknown store, uninstalled store and wrong secret look the same to the caller.
  if (!known || !matches(known)) return unauthorized();
  const delivery: RecordedDelivery = {
    storeHash,
    scope: payload.scope,
    resourceId: payload.data.id,
    hash: payload.hash,
    eventCreatedAt: new Date(payload.created_at * 1000),
    event: payload,
    raw: json as Record<string, unknown>,
  };
  let outcome = await deps.recordDelivery(delivery, known.sealed);
  if (outcome === 'stale') {
    // Uninstalled (or re-keyed) since the secret was cached: decide on what the database says now.
    const current = await deps.webhookSecret(storeHash, { fresh: true });
    if (!current || !matches(current)) return unauthorized();
    outcome = await deps.recordDelivery(delivery, current.sealed);
    if (outcome === 'stale') return unauthorized();
  }
  if (outcome === 'recorded' && deps.handOff) await deps.handOff(delivery);
  return ok({ storeHash, duplicate: outcome === 'duplicate' });
}

/** What the receiver answers BigCommerce: the status and the JSON body. */
export interface WebhookAnswer {
  status: number;
  body: { received: true; duplicate: boolean } | { error: { kind: string; message: string } };
}

export const TOO_LARGE_ANSWER: WebhookAnswer = {
  status: 413,
  body: { error: { kind: 'TooLarge', message: `The body is larger than ${MAX_WEBHOOK_BODY_BYTES / 1024} KiB.` } },
};

/**
 * The receiver's HTTP answer to one delivery, shared by both edges that serve `POST /api/webhooks/bigcommerce`: the
 * Next route (app/api/webhooks/bigcommerce/route.ts, under `next dev` and `next start`) and the production server's
 * direct path (lib/server/webhook-path.ts), so the two answer the same bytes the same way.
 */
export async function answerDelivery(deps: WebhookDeps, input: DeliveryInput): Promise<WebhookAnswer> {
  if (Buffer.byteLength(input.rawBody) > MAX_WEBHOOK_BODY_BYTES) {
    deps.countRefusal?.({ storeHash: null, reason: 'too_large' });
    return TOO_LARGE_ANSWER;
  }
  const result = await receiveWebhook(deps, input);
  if (!result.ok) return { status: httpStatusOf(result.error), body: { error: { kind: result.error.kind, message: result.error.message } } };
  return { status: 200, body: { received: true, duplicate: result.value.duplicate } };
}
