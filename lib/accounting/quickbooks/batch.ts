/**
 * Backfills through /batch: up to 30 operations a request, each answered on its own (`{bId, <Entity>}` or
 * `{bId, Fault}`); element i is mapped back by its bId. The request carries a requestid made of its elements' keys
 * (≤ 36 characters for batches). The single-form rules hold per element: after an uncertain answer the batch's
 * DocNumbers are looked up and only what is not there goes again, one by one; a DocNumber in use goes the single way
 * (which tells ours from someone else's). https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/batch
 */
import { createHash } from 'node:crypto';
import { ok, type Outcome, type PostedDocument, type PostedDocumentRef, type RecordedPayment } from '@/lib/sync/provider';
import type { DocumentPayment, SalesDocument } from '@/lib/sync/sales-document';
import { QUICKBOOKS_BATCH_SIZE } from './config';
import { CODES, failed, failureOf, hasCode, isUncertain, validationFailure, type QboReply } from './errors';
import type { QboApi } from './http';
import { BATCH_REQUEST_ID_MAX, paymentBody } from './mapping';
import { remoteIdOf, type TxnEntity } from './refs';
import { intuitErrorSchema, paymentSchema, txnSchema, type IntuitError, type QboTxn } from './wire';
import { z } from 'zod';

const batchResponseSchema = z.object({
  BatchItemResponse: z.array(z.object({ bId: z.string(), Fault: z.object({ Error: z.array(intuitErrorSchema).default([]) }).loose().optional() }).loose()),
});

/** The requestid of a batch: its elements' keys, hashed to fit 36 characters. */
export const batchRequestId = (prefix: string, keys: readonly string[]) =>
  `${prefix}-${createHash('sha256').update(keys.join('|')).digest('base64url')}`.slice(0, BATCH_REQUEST_ID_MAX);

export function chunks<T>(list: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

export type Element = { bId: string; entity?: unknown; errors: IntuitError[] };

/**
 * Sends one /batch of operations (create unless said; a delete names `{Id, SyncToken}`); the answer per bId, or the
 * reply when the request as a whole failed. A deleted element answers with its entity `{status: "Deleted", Id}`.
 */
export async function sendBatch(
  api: QboApi,
  operations: Array<{ bId: string; entity: TxnEntity; body: Record<string, unknown>; operation?: 'create' | 'delete' }>,
  requestId: string,
): Promise<Outcome<Map<string, Element> | QboReply>> {
  const sent = await api.send({
    method: 'POST',
    path: '/batch',
    body: { BatchItemRequest: operations.map((o) => ({ bId: o.bId, operation: o.operation ?? 'create', [o.entity]: o.body })) },
    requestId,
    batchOperations: operations.length,
  });
  if (!sent.ok) return sent;
  const reply = sent.value;
  if (reply.kind !== 'response' || reply.status !== 200) return ok(reply);
  const entities = new Map(operations.map((o) => [o.bId, o.entity]));
  const out = new Map<string, Element>();
  for (const item of batchResponseSchema.parse(reply.json).BatchItemResponse) {
    const entity = entities.get(item.bId);
    out.set(item.bId, { bId: item.bId, entity: entity ? (item as Record<string, unknown>)[entity] : undefined, errors: item.Fault?.Error ?? [] });
  }
  return ok(out);
}

export interface BatchDeps {
  api: QboApi;
  prepare(document: SalesDocument): Promise<Outcome<{ entity: 'SalesReceipt' | 'Invoice'; build(number: string): Outcome<Record<string, unknown>> }>>;
  findPosted(entity: TxnEntity, base: string, reference: string): Promise<Outcome<{ posted: QboTxn | null; mine: QboTxn[] }>>;
  postOne(document: SalesDocument, key: string): Promise<Outcome<PostedDocument>>;
  withPayments(document: SalesDocument, entity: TxnEntity, posted: PostedDocument, key: string): Promise<Outcome<PostedDocument>>;
  retries: number;
  retryDelayMs: number;
  sleep(ms: number): Promise<void>;
}

export async function postDocumentsBatch(deps: BatchDeps, items: readonly { document: SalesDocument; idempotencyKey: string }[]): Promise<Array<Outcome<PostedDocument>>> {
  const results: Array<Outcome<PostedDocument> | undefined> = new Array(items.length);
  const ready: Array<{ index: number; entity: 'SalesReceipt' | 'Invoice'; body: Record<string, unknown> }> = [];
  // Customers and items are resolved one document at a time (against the directory prefetch loaded).
  for (const [index, { document }] of items.entries()) {
    const prepared = await deps.prepare(document);
    if (!prepared.ok) {
      results[index] = prepared;
      continue;
    }
    const body = prepared.value.build(document.number);
    if (!body.ok) results[index] = body;
    else ready.push({ index, entity: prepared.value.entity, body: body.value });
  }
  const single: number[] = [];
  for (const group of chunks(ready, QUICKBOOKS_BATCH_SIZE)) {
    const answer = await sendBatch(deps.api, group.map((g) => ({ bId: String(g.index), entity: g.entity, body: g.body })), batchRequestId('lbd', group.map((g) => items[g.index]!.idempotencyKey)));
    if (!answer.ok) {
      for (const g of group) results[g.index] = answer;
      continue;
    }
    if (!(answer.value instanceof Map)) {
      const reply = answer.value;
      if (isUncertain(reply)) single.push(...group.map((g) => g.index));
      else for (const g of group) results[g.index] = failed(failureOf(reply, 'Posting a batch to QuickBooks', deps.api.minuteMs));
      continue;
    }
    const elements = answer.value;
    for (const g of group) {
      const el = elements.get(String(g.index));
      const doc = el?.entity !== undefined ? txnSchema.safeParse(el.entity) : undefined;
      if (doc?.success) results[g.index] = ok({ remoteId: remoteIdOf(g.entity, doc.data.Id), number: doc.data.DocNumber ?? items[g.index]!.document.number, created: true });
      else if (!el || hasCode(el.errors, CODES.duplicateDocNumber) || el.errors.some((e) => Number(e.code) >= 10000)) single.push(g.index);
      else results[g.index] = failed(failureOfErrors(el.errors, `QuickBooks refused ${items[g.index]!.document.number}`, deps.api.minuteMs));
    }
  }
  // The single way looks each up by DocNumber before creating it: a lost batch answer never books twice.
  for (const index of single) results[index] = await deps.postOne(items[index]!.document, items[index]!.idempotencyKey);
  // Sales receipts paid into several accounts were posted as invoices: their payments now.
  for (const g of ready) {
    const r = results[g.index];
    const item = items[g.index]!;
    if (r?.ok && !single.includes(g.index)) results[g.index] = await deps.withPayments(item.document, g.entity, r.value, item.idempotencyKey);
  }
  return results.map((r) => r ?? failed({ kind: 'unavailable', message: 'Not posted (no answer from QuickBooks).' }));
}

/** An element's fault as a failure (the batch's own HTTP status was 200). */
export function failureOfErrors(errors: IntuitError[], what: string, minuteMs: number) {
  if (hasCode(errors, CODES.companyStatus) || hasCode(errors, CODES.throttled)) {
    return failureOf({ kind: 'response', status: hasCode(errors, CODES.throttled) ? 429 : 400, headers: new Headers(), json: { Fault: { Error: errors } }, text: '' }, what, minuteMs);
  }
  return validationFailure(errors, what);
}

export async function recordPaymentsBatch(
  deps: {
    api: QboApi;
    readRef(ref: PostedDocumentRef, what: string): Promise<Outcome<{ entity: TxnEntity; txn: QboTxn }>>;
    recordOne(document: PostedDocumentRef, payment: DocumentPayment, key: string): Promise<Outcome<RecordedPayment>>;
  },
  items: readonly { document: PostedDocumentRef; payment: DocumentPayment; idempotencyKey: string }[],
): Promise<Array<Outcome<RecordedPayment>>> {
  const results: Array<Outcome<RecordedPayment> | undefined> = new Array(items.length);
  const ready: Array<{ index: number; body: Record<string, unknown> }> = [];
  const redo: number[] = [];
  for (const [index, item] of items.entries()) {
    // Each invoice is read for its customer and currency (and whether it is a sales receipt, which needs nothing).
    const read = await deps.readRef(item.document, 'Recording the payment');
    if (!read.ok) results[index] = read;
    else if (read.value.entity !== 'Invoice') results[index] = ok({ remoteId: item.document.remoteId, created: false });
    else {
      const t = read.value.txn;
      ready.push({ index, body: paymentBody({ invoiceId: t.Id, customerId: t.CustomerRef?.value ?? '', currency: t.CurrencyRef?.value ?? '', exchangeRate: t.ExchangeRate ?? null, payment: item.payment }) });
    }
  }
  for (const group of chunks(ready, QUICKBOOKS_BATCH_SIZE)) {
    const answer = await sendBatch(deps.api, group.map((g) => ({ bId: String(g.index), entity: 'Payment', body: g.body })), batchRequestId('lbp', group.map((g) => items[g.index]!.idempotencyKey)));
    if (!answer.ok) {
      for (const g of group) results[g.index] = answer;
      continue;
    }
    if (!(answer.value instanceof Map)) {
      if (isUncertain(answer.value)) redo.push(...group.map((g) => g.index));
      else for (const g of group) results[g.index] = failed(failureOf(answer.value, 'Recording payments', deps.api.minuteMs));
      continue;
    }
    for (const g of group) {
      const el = answer.value.get(String(g.index));
      const p = el?.entity !== undefined ? paymentSchema.safeParse(el.entity) : undefined;
      if (p?.success) results[g.index] = ok({ remoteId: remoteIdOf('Payment', p.data.Id), created: true });
      else redo.push(g.index);
    }
  }
  // Each looks itself up on its invoice before it is sent again.
  for (const index of redo) results[index] = await deps.recordOne(items[index]!.document, items[index]!.payment, items[index]!.idempotencyKey);
  return results.map((r) => r ?? failed({ kind: 'unavailable', message: 'Not recorded (no answer from QuickBooks).' }));
}
