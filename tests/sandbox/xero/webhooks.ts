// Xero's webhooks, as Xero sends them (https://developer.xero.com/documentation/guides/webhooks/overview/ and
// .../webhooks/configuring-your-server/): one webhook URL and key per app; each delivery is a POST of
// {events: [{resourceUrl, resourceId, eventDateUtc, eventType, eventCategory, tenantId, tenantType}],
//  firstEventSequence, lastEventSequence, entropy} signed in `x-xero-signature` = base64 HMAC-SHA256 of the raw body
// keyed with the webhook key. Events name the resource, never its content. The "intent to receive" check sends one
// correctly signed and one incorrectly signed payload with no events: the receiver must answer 200 and 401.
//
// Here: every change to an invoice's status or to what was paid or credited on it (payments, voids, credit note
// allocations, through the API or the admin API) is one INVOICE UPDATE event, sent after the change.
import { createHmac, randomBytes } from 'node:crypto';
import type { Tenant } from './tenants';
import { amountAllocated, amountPaid } from './documents';

export interface WebhookTarget {
  url: string;
  key: string;
}

export interface WebhookDelivery {
  body: string;
  status: number | null;
  events: number;
}

export const signXeroPayload = (body: string, key: string) => createHmac('sha256', key).update(body).digest('base64');

export class XeroWebhooks {
  target: WebhookTarget | null;
  readonly deliveries: WebhookDelivery[] = [];
  private sequence = 0;

  constructor(target: WebhookTarget | null = null) {
    this.target = target;
  }

  /** What a subscriber is told about: each invoice's status, paid and credited amounts. */
  snapshot(tenants: Iterable<Tenant>): Map<string, { tenantId: string; state: string }> {
    const out = new Map<string, { tenantId: string; state: string }>();
    for (const t of tenants) {
      for (const d of t.documents.values()) {
        if (d.kind !== 'invoice') continue;
        out.set(d.id, { tenantId: t.tenantId, state: `${d.Status}|${amountPaid(t, d).toString()}|${amountAllocated(t, d).toString()}` });
      }
    }
    return out;
  }

  /** Sends one delivery with an INVOICE UPDATE event for each invoice whose state changed (not awaited by callers). */
  async changed(before: Map<string, { tenantId: string; state: string }>, after: Map<string, { tenantId: string; state: string }>, now: number): Promise<void> {
    const changed = [...after].filter(([id, a]) => before.get(id)?.state !== a.state && before.has(id));
    if (!this.target || changed.length === 0) return;
    const first = this.sequence + 1;
    const events = changed.map(([id, a]) => ({
      resourceUrl: `https://api.xero.com/api.xro/2.0/Invoices/${id}`,
      resourceId: id,
      eventDateUtc: new Date(now).toISOString().replace('Z', ''),
      eventType: 'UPDATE',
      eventCategory: 'INVOICE',
      tenantId: a.tenantId,
      tenantType: 'ORGANISATION',
    }));
    this.sequence += events.length;
    await this.deliver({ events, firstEventSequence: first, lastEventSequence: this.sequence, entropy: randomBytes(10).toString('hex').toUpperCase() }, this.target.key);
  }

  /** The intent-to-receive check: a correctly signed and an incorrectly signed empty payload; passed if 200 then 401. */
  async intentToReceive(): Promise<{ ok: boolean; signed: number | null; badlySigned: number | null }> {
    if (!this.target) return { ok: false, signed: null, badlySigned: null };
    const payload = () => ({ events: [], firstEventSequence: 0, lastEventSequence: 0, entropy: randomBytes(10).toString('hex').toUpperCase() });
    const signed = await this.deliver(payload(), this.target.key);
    const badlySigned = await this.deliver(payload(), `${this.target.key}-wrong`);
    return { ok: signed === 200 && badlySigned === 401, signed, badlySigned };
  }

  private async deliver(payload: Record<string, unknown> & { events: unknown[] }, key: string): Promise<number | null> {
    const body = JSON.stringify(payload);
    const record: WebhookDelivery = { body, status: null, events: payload.events.length };
    this.deliveries.push(record);
    try {
      const res = await fetch(this.target!.url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-xero-signature': signXeroPayload(body, key) }, body, signal: AbortSignal.timeout(5_000) });
      record.status = res.status;
      await res.arrayBuffer();
    } catch {
      record.status = null;
    }
    return record.status;
  }
}
