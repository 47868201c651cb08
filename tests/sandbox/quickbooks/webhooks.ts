// Intuit's webhooks, as QuickBooks Online sends them today: one endpoint URL and one verifier token per app
// (developer portal); each delivery is a POST whose body is signed in `intuit-signature` = base64 HMAC-SHA256 of the
// body keyed with the verifier token (developer.intuit.com .../develop/webhooks/managing-webhooks-notifications).
// The body is in the CloudEvents format Intuit moved its webhooks to (blogs.intuit.com 2025-11-12 "Upcoming change
// to webhooks payload structure", mandatory by mid-2026): a JSON array of
//   {specversion: "1.0", id, source, type: "qbo.<entity>.<action>.v1", datacontenttype: "application/json", time,
//    intuitentityid, intuitaccountid (the realm), data: {}}
// with actions created, updated, deleted, voided (also merged and emailed, which the sandbox never makes). Events name
// the entity, never its content; Intuit batches what changed in a short window into one delivery and may deliver
// out of order.
//
// Here: after each request that changes a company (the Accounting API, any client), one delivery with an event per
// entity created, changed (a new SyncToken), voided or deleted, for the entities Intuit sends webhooks for.
import { createHmac, randomUUID } from 'node:crypto';
import type { Company, EntityName } from './store';

export interface QuickBooksWebhookTarget {
  url: string;
  verifierToken: string;
}

export interface QuickBooksWebhookDelivery {
  body: string;
  status: number | null;
  events: number;
}

export const signIntuitPayload = (body: string, token: string) => createHmac('sha256', token).update(body).digest('base64');

/** The sandbox's entities Intuit sends webhooks for (the webhooks page's table; TaxCode, TaxRate, CompanyInfo: none). */
const NOTIFIED: ReadonlySet<EntityName> = new Set(['Customer', 'Vendor', 'Employee', 'Item', 'Account', 'Class', 'Department', 'SalesReceipt', 'Invoice', 'Payment', 'CreditMemo', 'RefundReceipt', 'JournalEntry', 'Preferences']);

/** entity:id → SyncToken and voided, per realm. */
export type CompanySnapshot = Map<string, string>;

export class QuickBooksWebhooks {
  target: QuickBooksWebhookTarget | null;
  readonly deliveries: QuickBooksWebhookDelivery[] = [];

  constructor(target: QuickBooksWebhookTarget | null = null) {
    this.target = target;
  }

  snapshot(company: Company): CompanySnapshot {
    const out: CompanySnapshot = new Map();
    for (const [name, rows] of company.entities) {
      if (!NOTIFIED.has(name)) continue;
      for (const [id, stored] of rows) out.set(`${name}:${id}`, `${String(stored.data.SyncToken)}|${stored.voided ? 'voided' : ''}`);
    }
    return out;
  }

  /** One delivery with an event per entity created, updated, voided or deleted between the two snapshots. */
  async changed(company: Company, before: CompanySnapshot, after: CompanySnapshot, now: number): Promise<void> {
    if (!this.target) return;
    const events: Array<Record<string, unknown>> = [];
    const event = (key: string, action: string) => {
      const [name, id] = key.split(':') as [string, string];
      events.push({
        specversion: '1.0',
        id: randomUUID(),
        source: `intuit.sandbox.${company.realmId}`,
        type: `qbo.${name.toLowerCase()}.${action}.v1`,
        datacontenttype: 'application/json',
        time: new Date(now).toISOString(),
        intuitentityid: id,
        intuitaccountid: company.realmId,
        data: {},
      });
    };
    for (const [key, state] of after) {
      const was = before.get(key);
      if (was === undefined) event(key, 'created');
      else if (was !== state) event(key, state.endsWith('|voided') && !was.endsWith('|voided') ? 'voided' : 'updated');
    }
    for (const key of before.keys()) if (!after.has(key)) event(key, 'deleted');
    if (events.length > 0) await this.deliver(JSON.stringify(events), this.target.verifierToken, events.length);
  }

  /** A delivery signed with another token (what a forger without the verifier token can send). */
  async forged(body: string): Promise<number | null> {
    return this.target ? this.deliver(body, `${this.target.verifierToken}-wrong`, 0) : null;
  }

  private async deliver(body: string, token: string, count: number): Promise<number | null> {
    const record: QuickBooksWebhookDelivery = { body, status: null, events: count };
    this.deliveries.push(record);
    try {
      const res = await fetch(this.target!.url, { method: 'POST', headers: { 'content-type': 'application/json', 'intuit-signature': signIntuitPayload(body, token) }, body, signal: AbortSignal.timeout(5_000) });
      record.status = res.status;
      await res.arrayBuffer();
    } catch {
      record.status = null;
    }
    return record.status;
  }
}
