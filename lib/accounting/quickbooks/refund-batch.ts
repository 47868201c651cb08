/**
 * A backfill page's refunds through /batch, each booked exactly as postCreditNote and payOut book one:
 * - Credit memos: the credited forms are read by a query per kind (`Id IN (…)`, not a read each), the memos created
 *   30 to a request; a memo crediting an invoice that still owes something is then applied to it (the zero Payment,
 *   one at a time, as postCreditNote does).
 * - Payouts: the memos and any RefundReceipt already made from them are read by two queries, the RefundReceipts
 *   created 30 to a request, then the memos they replace deleted 30 to a request.
 * Every request carries a requestid made of its elements' idempotency keys. An uncertain request, or an element
 * refused for its number or by a server fault, goes the single way, which looks up before it writes again: a lost
 * answer never books twice. Element i is mapped back by its bId.
 * https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/batch
 */
import { ok, type CreditNoteInput, type Outcome, type PostedDocument, type PostedDocumentRef, type RecordedPayment } from '@/lib/sync/provider';
import type { DocumentPayment } from '@/lib/sync/sales-document';
import { batchRequestId, chunks, failureOfErrors, sendBatch, type Element } from './batch';
import { QUICKBOOKS_BATCH_SIZE } from './config';
import { CODES, failed, failureOf, hasCode, isUncertain, validationFailure } from './errors';
import { quoted, type QboApi } from './http';
import { payoutMarker, payoutSkipped, refundReceiptBody } from './mapping';
import { parseRemoteId, remoteIdOf, type TxnEntity } from './refs';
import { queryResponse, txnSchema, type QboTxn } from './wire';

export interface PreparedCredit {
  reference: string;
  build(number: string): Outcome<Record<string, unknown>>;
}

/** Ids listed in one query: well under the 1,000 rows a query answers. */
const IDS_PER_QUERY = 100;

/** Forms of one kind by Id, a query per 100: absent ones are simply not in the map. */
async function readByIds(api: QboApi, entity: TxnEntity, ids: readonly string[]): Promise<Outcome<Map<string, QboTxn>>> {
  const out = new Map<string, QboTxn>();
  for (const group of chunks([...new Set(ids)], IDS_PER_QUERY)) {
    const r = await api.query(`SELECT * FROM ${entity} WHERE Id IN (${group.map(quoted).join(', ')}) MAXRESULTS 1000`, `Reading QuickBooks ${entity} forms`);
    if (!r.ok) return r;
    for (const t of queryResponse(entity, txnSchema).parse(r.value)) out.set(t.Id, t);
  }
  return ok(out);
}

async function byDocNumbers(api: QboApi, entity: TxnEntity, numbers: readonly string[]): Promise<Outcome<QboTxn[]>> {
  const out: QboTxn[] = [];
  for (const group of chunks([...new Set(numbers)], IDS_PER_QUERY)) {
    const r = await api.query(`SELECT * FROM ${entity} WHERE DocNumber IN (${group.map(quoted).join(', ')}) MAXRESULTS 1000`, `Looking up the QuickBooks ${entity} by number`);
    if (!r.ok) return r;
    out.push(...queryResponse(entity, txnSchema).parse(r.value));
  }
  return ok(out);
}

/** An element the single way should take again: no answer for it, its number in use, or a server fault. */
const goSingle = (el: Element | undefined) =>
  !el || hasCode(el.errors, CODES.duplicateDocNumber) || el.errors.some((e) => Number(e.code) >= 10000);

export interface CreditBatchDeps {
  api: QboApi;
  prepareCredit(input: CreditNoteInput, credited: QboTxn): Promise<Outcome<PreparedCredit>>;
  postOne(input: CreditNoteInput, key: string): Promise<Outcome<PostedDocument>>;
  applyToInvoice(credit: PostedDocument, invoice: QboTxn, date: string, key: string): Promise<Outcome<void>>;
}

export async function postCreditNotesBatch(deps: CreditBatchDeps, items: readonly { input: CreditNoteInput; idempotencyKey: string }[]): Promise<Array<Outcome<PostedDocument>>> {
  const { api } = deps;
  const results: Array<Outcome<PostedDocument> | undefined> = new Array(items.length);
  const refs = items.map((i) => parseRemoteId(i.input.document.remoteId));
  const credited = new Map<TxnEntity, Map<string, QboTxn>>();
  for (const entity of new Set(refs.flatMap((r) => (r ? [r.entity] : [])))) {
    const read = await readByIds(api, entity, refs.flatMap((r) => (r?.entity === entity ? [r.id] : [])));
    if (!read.ok) return items.map(() => read);
    credited.set(entity, read.value);
  }
  const ready: Array<{ index: number; txn: QboTxn; entity: TxnEntity; body: Record<string, unknown> }> = [];
  for (const [index, { input }] of items.entries()) {
    const ref = refs[index];
    if (!ref) throw new Error(`not a QuickBooks remote id: ${input.document.remoteId}`);
    const txn = credited.get(ref.entity)?.get(ref.id);
    if (!txn) {
      results[index] = failed({ kind: 'not_found', message: `Crediting the document: ${ref.entity} ${input.document.number} is not in QuickBooks any more.` });
      continue;
    }
    const prepared = await deps.prepareCredit(input, txn);
    const body = prepared.ok ? prepared.value.build(input.number) : prepared;
    if (!body.ok) results[index] = body;
    else ready.push({ index, txn, entity: ref.entity, body: body.value });
  }
  const single: number[] = [];
  const made: Array<{ index: number; txn: QboTxn; entity: TxnEntity }> = [];
  for (const group of chunks(ready, QUICKBOOKS_BATCH_SIZE)) {
    const answer = await sendBatch(api, group.map((g) => ({ bId: String(g.index), entity: 'CreditMemo', body: g.body })), batchRequestId('lbc', group.map((g) => items[g.index]!.idempotencyKey)));
    if (!answer.ok) {
      for (const g of group) results[g.index] = answer;
      continue;
    }
    if (!(answer.value instanceof Map)) {
      if (isUncertain(answer.value)) single.push(...group.map((g) => g.index));
      else for (const g of group) results[g.index] = failed(failureOf(answer.value, 'Posting credit memos to QuickBooks', api.minuteMs));
      continue;
    }
    for (const g of group) {
      const el = answer.value.get(String(g.index));
      const memo = el?.entity !== undefined ? txnSchema.safeParse(el.entity) : undefined;
      if (memo?.success) {
        results[g.index] = ok({ remoteId: remoteIdOf('CreditMemo', memo.data.Id), number: memo.data.DocNumber ?? items[g.index]!.input.number, created: true });
        made.push(g);
      } else if (goSingle(el)) single.push(g.index);
      else results[g.index] = failed(failureOfErrors(el!.errors, `QuickBooks refused credit memo ${items[g.index]!.input.number}`, api.minuteMs));
    }
  }
  // What a credited invoice still owes is settled by the new memo, as postCreditNote does. An invoice that owed
  // nothing when it was read, a moment ago, has nothing to settle (payments only lower what it owes).
  for (const m of made) {
    if (m.entity !== 'Invoice' || !(Number(m.txn.Balance ?? 0) > 0)) continue;
    const r = results[m.index]!;
    if (!r.ok) continue;
    const item = items[m.index]!;
    const applied = await deps.applyToInvoice(r.value, m.txn, item.input.date, `${item.idempotencyKey}:apply`);
    if (!applied.ok) results[m.index] = applied;
  }
  for (const index of single) results[index] = await deps.postOne(items[index]!.input, items[index]!.idempotencyKey);
  return results.map((r) => r ?? failed({ kind: 'unavailable', message: 'Not credited (no answer from QuickBooks).' }));
}

export interface PayoutBatchDeps {
  api: QboApi;
  payOne(credit: PostedDocumentRef, payment: DocumentPayment, key: string): Promise<Outcome<RecordedPayment>>;
}

export async function payOutsBatch(deps: PayoutBatchDeps, items: readonly { credit: PostedDocumentRef; payment: DocumentPayment; idempotencyKey: string }[]): Promise<Array<Outcome<RecordedPayment>>> {
  const { api } = deps;
  const results: Array<Outcome<RecordedPayment> | undefined> = new Array(items.length);
  const single = new Set<number>();
  const memoIds: Array<{ index: number; id: string }> = [];
  for (const [index, item] of items.entries()) {
    const ref = parseRemoteId(item.credit.remoteId);
    if (!ref) throw new Error(`not a QuickBooks remote id: ${item.credit.remoteId}`);
    if (ref.entity === 'RefundReceipt') results[index] = ok({ remoteId: item.credit.remoteId, created: false });
    else if (ref.entity !== 'CreditMemo') single.add(index);
    else memoIds.push({ index, id: ref.id });
  }
  const memos = await readByIds(api, 'CreditMemo', memoIds.map((m) => m.id));
  if (!memos.ok) return items.map(() => memos);
  const receipts = await byDocNumbers(api, 'RefundReceipt', memoIds.map((m) => items[m.index]!.credit.number));
  if (!receipts.ok) return items.map(() => receipts);

  const toCreate: Array<{ index: number; memo: QboTxn; body: Record<string, unknown> }> = [];
  const toDelete: Array<{ index: number; memo: QboTxn }> = [];
  for (const { index, id } of memoIds) {
    const { credit, payment } = items[index]!;
    const memo = memos.value.get(id);
    const done = receipts.value.find((t) => t.DocNumber === credit.number && (t.PrivateNote ?? '').includes(payoutMarker(credit.number)));
    if (done) {
      // Made before (an earlier run): never again; the memo it replaces goes if it is still there.
      results[index] = ok({ remoteId: remoteIdOf('RefundReceipt', done.Id), created: false });
      if (memo) toDelete.push({ index, memo });
      continue;
    }
    if (!memo) {
      results[index] = failed({ kind: 'not_found', message: `Credit memo ${credit.number} is not in QuickBooks any more, so the refund cannot be paid out against it.` });
      continue;
    }
    const skipped = payoutSkipped(memo, credit.number, payment);
    if (skipped) results[index] = ok({ remoteId: '', created: false, skipped });
    else toCreate.push({ index, memo, body: refundReceiptBody(memo, credit.number, payment) });
  }

  for (const group of chunks(toCreate, QUICKBOOKS_BATCH_SIZE)) {
    const answer = await sendBatch(api, group.map((g) => ({ bId: String(g.index), entity: 'RefundReceipt', body: g.body })), batchRequestId('lbr', group.map((g) => items[g.index]!.idempotencyKey)));
    if (!answer.ok) {
      for (const g of group) results[g.index] = answer;
      continue;
    }
    if (!(answer.value instanceof Map)) {
      if (isUncertain(answer.value)) for (const g of group) single.add(g.index);
      else for (const g of group) results[g.index] = failed(failureOf(answer.value, 'Paying out refunds', api.minuteMs));
      continue;
    }
    for (const g of group) {
      const el = answer.value.get(String(g.index));
      const receipt = el?.entity !== undefined ? txnSchema.safeParse(el.entity) : undefined;
      if (receipt?.success) {
        results[g.index] = ok({ remoteId: remoteIdOf('RefundReceipt', receipt.data.Id), created: true });
        toDelete.push({ index: g.index, memo: g.memo });
      } else if (goSingle(el)) single.add(g.index);
      else results[g.index] = failed(validationFailure(el!.errors, `QuickBooks refused the refund from account ${items[g.index]!.payment.account}`));
    }
  }

  // The memos now replaced by their RefundReceipts: revenue and tax are reversed once.
  for (const group of chunks(toDelete, QUICKBOOKS_BATCH_SIZE)) {
    const answer = await sendBatch(
      api,
      group.map((g) => ({ bId: String(g.index), entity: 'CreditMemo', operation: 'delete', body: { Id: g.memo.Id, SyncToken: g.memo.SyncToken } })),
      batchRequestId('lbx', group.map((g) => items[g.index]!.idempotencyKey)),
    );
    if (!answer.ok || !(answer.value instanceof Map)) {
      // Not known to be deleted: the single way finds the RefundReceipt and deletes the memo.
      for (const g of group) single.add(g.index);
      continue;
    }
    for (const g of group) {
      const el = answer.value.get(String(g.index));
      if (!el || (el.errors.length > 0 && !hasCode(el.errors, CODES.notFound))) single.add(g.index);
    }
  }

  for (const index of single) results[index] = await deps.payOne(items[index]!.credit, items[index]!.payment, items[index]!.idempotencyKey);
  return results.map((r) => r ?? failed({ kind: 'unavailable', message: 'Not paid out (no answer from QuickBooks).' }));
}
