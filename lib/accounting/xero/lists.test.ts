import { describe, expect, it } from 'vitest';
import { ok } from '@/lib/sync/provider';
import type { XeroApi, XeroRequest } from './http';
import { OrganisationLists } from './lists';

/** A Xero that answers /Contacts and /Items from arrays the test changes, and records each request. */
function fakeXero() {
  const contacts: Array<Record<string, unknown>> = [{ ContactID: 'c1', Name: 'Web Sales', ContactStatus: 'ACTIVE' }];
  const items: Array<Record<string, unknown>> = [{ ItemID: 'i1', Code: 'MUG-1', Name: 'Mug' }];
  const requests: XeroRequest[] = [];
  const api: XeroApi = {
    counters: { calls: 0, rateLimited: 0 },
    async send(request) {
      requests.push(request);
      await new Promise((r) => setTimeout(r, 1));
      const json = request.path === '/Contacts' ? { Contacts: contacts } : { Items: items };
      return ok({ kind: 'response', status: 200, headers: new Headers(), json, text: JSON.stringify(json) });
    },
  };
  return { api, contacts, items, requests };
}

describe('the organisation lists a live order is looked up in', () => {
  it('reads contacts in full once, then only what changed since (If-Modified-Since, archived included), at most once a window', async () => {
    const xero = fakeXero();
    let t = 1_000_000;
    const lists = new OrganisationLists({ maxAgeMs: 60_000, now: () => t });
    const deps = { api: xero.api, contactNumberPrefix: 'BC-' };
    await Promise.all([lists.freshContacts(deps), lists.freshContacts(deps)]);
    expect(xero.requests).toHaveLength(1);
    expect(xero.requests[0]!.headers).toBeUndefined();
    expect(lists.contacts.byName.get('web sales')?.ContactID).toBe('c1');

    t += 30_000;
    await lists.freshContacts(deps);
    expect(xero.requests).toHaveLength(1);

    t += 31_000;
    xero.contacts.splice(0, 1, { ContactID: 'c1', Name: 'Web Sales', ContactStatus: 'ARCHIVED' });
    await lists.freshContacts(deps);
    expect(xero.requests).toHaveLength(2);
    expect(xero.requests[1]!.headers).toEqual({ 'If-Modified-Since': new Date(1_000_000 - 5 * 60_000).toISOString().slice(0, 19) });
    expect(xero.requests[1]!.query).toMatchObject({ includeArchived: 'true' });
    expect(lists.contacts.byName.has('web sales')).toBe(false);
    expect(lists.reads).toMatchObject({ contactsFull: 1, contactsChanged: 1 });
  });

  it('reads the items again only after the window, or at once after the app wrote items', async () => {
    const xero = fakeXero();
    let t = 0;
    const lists = new OrganisationLists({ maxAgeMs: 60_000, now: () => t });
    await lists.freshItems(xero.api);
    xero.items.push({ ItemID: 'i2', Code: 'TEE-1', Name: 'Tee' });
    t += 10_000;
    await lists.freshItems(xero.api);
    expect(lists.items.has('TEE-1')).toBe(false);
    lists.itemsChanged();
    await lists.freshItems(xero.api);
    expect(lists.items.has('TEE-1')).toBe(true);
    expect(lists.reads.items).toBe(2);
  });
});
