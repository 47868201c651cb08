/**
 * Backfills: up to 50 contacts or invoices per request with `summarizeErrors=false`, so Xero answers 200 with
 * every element and marks the failed ones (`HasErrors`, `ValidationErrors`) instead of failing the request
 * (without it valid elements may be saved with no ids returned). Element i of the answer is element i of the
 * request; each is mapped back to its document. The exactly-once rules of single posts hold per element: an
 * uncertain answer is followed by a lookup of the batch's invoice numbers, and only what is not found is sent
 * again; a "must be unique" element is looked up and returned as not created.
 * https://developer.xero.com/documentation/api/accounting/invoices#creating-updating-and-deleting-invoices-in-bulk
 */
import { createHash } from 'node:crypto';
import type { DocumentCustomer, DocumentPayment, SalesDocument } from '@/lib/sync/sales-document';
import { ok, type Outcome, type PostedDocument, type PostedDocumentRef, type ProviderFailure } from '@/lib/sync/provider';
import { XERO_BATCH_SIZE } from './config';
import { customerKey, ensureContact, type ContactDeps, type ContactDirectory } from './contacts';
import { ALREADY_PAID, elementErrors, failed, failureOf, isContactNameTaken, isDuplicateInvoiceNumber, isUncertain, validationFailure } from './errors';
import type { XeroApi } from './http';
import { contactBody, invoiceBody, paymentBody, uniqueNameFor, type TrackingOption, type XeroInvoiceBody } from './mapping';
import { encodeJson, envelopes, type XeroInvoice } from './wire';

export interface BatchItem {
  document: SalesDocument;
  idempotencyKey: string;
}

export interface BatchPaymentItem {
  document: PostedDocumentRef;
  payment: DocumentPayment;
  idempotencyKey: string;
}

export interface BatchDeps {
  api: XeroApi;
  contacts: ContactDeps;
  directory: ContactDirectory;
  status: 'AUTHORISED' | 'DRAFT';
  tracking: TrackingOption | null;
  currencyRateFor(document: SalesDocument): Promise<Outcome<string | null>>;
  /** The single-document path, for the rare element that needs it (a voided earlier version). */
  postOne(document: SalesDocument, idempotencyKey: string): Promise<Outcome<PostedDocument>>;
  retries: number;
  retryDelayMs: number;
  sleep(ms: number): Promise<void>;
  /** Requests in flight at once (Xero allows 5 per organisation). */
  concurrency?: number;
}

/** The Idempotency-Key of a batch request: its elements' own keys, hashed (Xero takes ≤ 128 characters). */
export const batchKey = (prefix: string, keys: readonly string[]) => `${prefix}:${createHash('sha256').update(keys.join('|')).digest('hex').slice(0, 40)}`;
const ACTIVE = (s: string | undefined) => s !== 'DELETED' && s !== 'VOIDED';

function chunks<T>(list: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

/** Runs tasks with at most `limit` at once. */
async function pool<T>(tasks: Array<() => Promise<T>>, limit: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await tasks[i]!();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}

/** Creates the contacts the documents need and do not have yet; returns customer key → ContactID (or failure). */
async function resolveContacts(deps: BatchDeps, customers: readonly DocumentCustomer[]): Promise<Map<string, Outcome<string>>> {
  const prefix = deps.contacts.contactNumberPrefix;
  const out = new Map<string, Outcome<string>>();
  if (customers.length === 0) return out;
  if (!deps.directory.loaded) {
    const loaded = await deps.directory.load(deps.contacts);
    if (!loaded.ok) {
      for (const c of customers) out.set(customerKey(c, prefix), loaded);
      return out;
    }
  }
  const missing = new Map<string, DocumentCustomer>();
  for (const c of customers) {
    const key = customerKey(c, prefix);
    if (out.has(key) || missing.has(key)) continue;
    const known = deps.directory.match(c, prefix);
    if (known?.ContactID) out.set(key, ok(known.ContactID));
    else missing.set(key, c);
  }
  const leftovers: Array<[string, DocumentCustomer]> = [];
  const names = new Set<string>();
  const nameFor = (c: DocumentCustomer): string | null => {
    for (const n of [c.displayName, uniqueNameFor(c)]) {
      if (n && !deps.directory.nameTaken(n) && !names.has(n.toLowerCase())) return n;
    }
    return null;
  };
  const tasks = chunks([...missing.entries()], XERO_BATCH_SIZE).map((chunk) => async () => {
    const planned: Array<[string, DocumentCustomer, string]> = [];
    for (const [key, c] of chunk) {
      const name = nameFor(c);
      if (!name) leftovers.push([key, c]);
      else {
        names.add(name.toLowerCase());
        planned.push([key, c, name]);
      }
    }
    if (planned.length === 0) return;
    const body = { Contacts: planned.map(([, c, name]) => contactBody(c, name, prefix)) };
    const sent = await deps.api.send({ method: 'PUT', path: '/Contacts', query: { summarizeErrors: 'false' }, body, idempotencyKey: batchKey('xc', [encodeJson(body)]) });
    if (!sent.ok) {
      for (const [key] of planned) out.set(key, sent);
      return;
    }
    const reply = sent.value;
    if (isUncertain(reply)) {
      leftovers.push(...planned.map(([k, c]) => [k, c] as [string, DocumentCustomer]));
      return;
    }
    if (reply.kind !== 'response' || reply.status !== 200) {
      const failure = failed(failureOf(reply, 'Creating Xero contacts'));
      for (const [key] of planned) out.set(key, failure);
      return;
    }
    const elements = envelopes.contacts.parse(reply.json).Contacts;
    planned.forEach(([key, c], i) => {
      const el = elements[i];
      const errors = el ? elementErrors(el) : ['missing from the answer'];
      if (el?.ContactID && errors.length === 0) {
        deps.directory.add(el);
        out.set(key, ok(el.ContactID));
      } else if (isContactNameTaken(errors)) leftovers.push([key, c]);
      else out.set(key, failed(validationFailure(errors, `Xero refused the contact "${c.displayName}"`)));
    });
  });
  await pool(tasks, deps.concurrency ?? 5);
  // Races and lost answers: one at a time, each looked up before it is created.
  for (const [key, c] of leftovers) {
    const made = await ensureContact(deps.contacts, c);
    if (made.ok) {
      deps.directory.add(made.value);
      out.set(key, ok(made.value.ContactID ?? ''));
    } else out.set(key, made);
  }
  return out;
}

interface Prepared {
  index: number;
  item: BatchItem;
  body: XeroInvoiceBody;
}

export async function postDocumentsBatch(deps: BatchDeps, items: readonly BatchItem[]): Promise<Array<Outcome<PostedDocument>>> {
  const prefix = deps.contacts.contactNumberPrefix;
  const results: Array<Outcome<PostedDocument> | undefined> = new Array(items.length);
  const contactIds = await resolveContacts(deps, items.map((i) => i.document.customer).filter((c) => !c.remoteId));

  const prepared: Prepared[] = [];
  for (const [index, item] of items.entries()) {
    const { document } = item;
    let contactId = document.customer.remoteId;
    if (!contactId) {
      const resolved = contactIds.get(customerKey(document.customer, prefix));
      if (!resolved || !resolved.ok) {
        results[index] = resolved ?? failed({ kind: 'unavailable', message: 'The Xero contact could not be resolved.' });
        continue;
      }
      contactId = resolved.value;
    }
    const rate = await deps.currencyRateFor(document);
    if (!rate.ok) {
      results[index] = rate;
      continue;
    }
    const body = invoiceBody(document, { contact: { ContactID: contactId }, status: deps.status, currencyRate: rate.value, tracking: deps.tracking });
    if (!body.ok) results[index] = body;
    else prepared.push({ index, item, body: body.value });
  }

  const lookup = async (group: Prepared[]): Promise<Outcome<Map<string, XeroInvoice>>> => {
    const sent = await deps.api.send({ method: 'GET', path: '/Invoices', query: { InvoiceNumbers: group.map((p) => p.body.InvoiceNumber).join(',') } });
    if (!sent.ok) return sent;
    const reply = sent.value;
    if (reply.kind !== 'response' || reply.status !== 200) return failed(failureOf(reply, 'Looking up invoices by number'));
    const found = new Map<string, XeroInvoice>();
    const byNumber = new Map(group.map((p) => [p.body.InvoiceNumber, p]));
    for (const inv of envelopes.invoices.parse(reply.json).Invoices) {
      const p = inv.InvoiceNumber ? byNumber.get(inv.InvoiceNumber) : undefined;
      if (p && inv.Type === 'ACCREC' && ACTIVE(inv.Status) && inv.Reference === p.body.Reference && inv.InvoiceID) found.set(p.body.InvoiceNumber, inv);
    }
    return ok(found);
  };

  const setAll = (group: Prepared[], outcome: Outcome<PostedDocument>) => {
    for (const p of group) results[p.index] = outcome;
  };

  async function send(group: Prepared[], attempt: number): Promise<void> {
    const body = { Invoices: group.map((p) => p.body) };
    const key = `${batchKey('xi', group.map((p) => p.item.idempotencyKey))}${attempt ? `:r${attempt}` : ''}`;
    const sent = await deps.api.send({ method: 'PUT', path: '/Invoices', query: { summarizeErrors: 'false', unitdp: '4' }, body, idempotencyKey: key });
    if (!sent.ok) return setAll(group, sent);
    const reply = sent.value;
    if (isUncertain(reply)) {
      const found = await lookup(group);
      if (!found.ok) return setAll(group, found);
      const rest: Prepared[] = [];
      for (const p of group) {
        const inv = found.value.get(p.body.InvoiceNumber);
        if (inv) results[p.index] = ok({ remoteId: inv.InvoiceID ?? '', number: inv.InvoiceNumber ?? '', created: false });
        else rest.push(p);
      }
      if (rest.length === 0) return;
      if (attempt >= deps.retries) return setAll(rest, failed(failureOf(reply, 'Posting invoices')));
      await deps.sleep(deps.retryDelayMs * (attempt + 1));
      return send(rest, attempt + 1);
    }
    if (reply.kind !== 'response' || reply.status !== 200) return setAll(group, failed(failureOf(reply, 'Posting invoices')));
    const elements = envelopes.invoices.parse(reply.json).Invoices;
    if (elements.length !== group.length) throw new Error(`Xero answered ${elements.length} invoices for a batch of ${group.length}`);
    const duplicates: Prepared[] = [];
    group.forEach((p, i) => {
      const el = elements[i]!;
      if (el.InvoiceNumber !== undefined && el.InvoiceNumber !== p.body.InvoiceNumber) throw new Error(`Xero answered invoice ${el.InvoiceNumber} at the place of ${p.body.InvoiceNumber}`);
      const errors = elementErrors(el);
      if (el.InvoiceID && errors.length === 0) results[p.index] = ok({ remoteId: el.InvoiceID, number: el.InvoiceNumber ?? p.body.InvoiceNumber, created: true });
      else if (isDuplicateInvoiceNumber(errors)) duplicates.push(p);
      else results[p.index] = failed(validationFailure(errors, `Xero refused invoice ${p.body.InvoiceNumber}`));
    });
    if (duplicates.length) {
      const found = await lookup(duplicates);
      if (!found.ok) return setAll(duplicates, found);
      for (const p of duplicates) {
        const inv = found.value.get(p.body.InvoiceNumber);
        results[p.index] = inv
          ? ok({ remoteId: inv.InvoiceID ?? '', number: inv.InvoiceNumber ?? '', created: false })
          : await deps.postOne(p.item.document, p.item.idempotencyKey);
      }
    }
  }

  await pool(chunks(prepared, XERO_BATCH_SIZE).map((group) => () => send(group, 0)), deps.concurrency ?? 5);
  return results.map((r) => r ?? failed({ kind: 'unavailable', message: 'Not posted (no answer).' }));
}

export async function recordPaymentsBatch(
  deps: {
    api: XeroApi;
    recordOne(document: PostedDocumentRef, payment: DocumentPayment, key: string): Promise<Outcome<{ remoteId: string; created: boolean }>>;
    /** The element's body: a payment on an invoice by default (a refund payment on a credit note for payouts). */
    bodyOf?(item: BatchPaymentItem): Record<string, unknown>;
    concurrency?: number;
  },
  items: readonly BatchPaymentItem[],
): Promise<Array<Outcome<{ remoteId: string; created: boolean }>>> {
  const results: Array<Outcome<{ remoteId: string; created: boolean }>> = new Array(items.length);
  const indexed = items.map((item, index) => ({ item, index }));
  const tasks = chunks(indexed, XERO_BATCH_SIZE).map((group) => async () => {
    const body = { Payments: group.map(({ item }) => (deps.bodyOf ? deps.bodyOf(item) : paymentBody(item.document.remoteId, item.payment, null))) };
    const sent = await deps.api.send({ method: 'PUT', path: '/Payments', query: { summarizeErrors: 'false' }, body, idempotencyKey: batchKey('xp', group.map((g) => g.item.idempotencyKey)) });
    const redo: typeof group = [];
    if (!sent.ok) {
      for (const g of group) results[g.index] = sent;
      return;
    }
    const reply = sent.value;
    if (isUncertain(reply)) redo.push(...group);
    else if (reply.kind !== 'response' || reply.status !== 200) {
      const failure: ProviderFailure = failureOf(reply, 'Recording payments');
      for (const g of group) results[g.index] = failed(failure);
      return;
    } else {
      const elements = envelopes.payments.parse(reply.json).Payments;
      group.forEach((g, i) => {
        const el = elements[i];
        const errors = el ? elementErrors(el) : ['missing from the answer'];
        if (el?.PaymentID && errors.length === 0) results[g.index] = ok({ remoteId: el.PaymentID, created: true });
        else if (errors.some((m) => ALREADY_PAID.test(m))) redo.push(g);
        else results[g.index] = failed(validationFailure(errors, `Xero refused the payment for ${g.item.document.number}`));
      });
    }
    // Each looks itself up before it is sent again.
    for (const g of redo) results[g.index] = await deps.recordOne(g.item.document, g.item.payment, g.item.idempotencyKey);
  });
  await pool(tasks, deps.concurrency ?? 5);
  return results;
}
