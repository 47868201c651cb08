// JournalEntry in the sandbox (journal.ts): balanced or refused, names on A/R, create/read/query/sparse update/delete,
// no void, multicurrency, and the admin read.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedAccountId } from './companies';
import type { StartedQuickBooksSandbox } from './server';
import { admin, companyApi } from './test-client';
import { startTestSandbox } from './test-client';

const line = (posting: 'Debit' | 'Credit', account: string, amount: number, extra: Record<string, unknown> = {}) => ({
  DetailType: 'JournalEntryLineDetail', Amount: amount, Description: `${posting} ${account}`,
  JournalEntryLineDetail: { PostingType: posting, AccountRef: { value: account }, ...extra },
});
const errorOf = (json: { Fault?: { Error?: Array<{ code?: string; Detail?: string }> } }) => json.Fault?.Error?.[0];

describe('QuickBooks sandbox journal entries', () => {
  let qb: StartedQuickBooksSandbox;
  beforeAll(async () => {
    qb = await startTestSandbox();
  });
  afterAll(async () => {
    await qb?.close();
  });

  it('a balanced entry is created, read, queried by DocNumber, sparsely updated (lines replaced) and deleted; void is unsupported', async () => {
    const { realmId, api } = await companyApi(qb.url, { name: 'Journal Co' });
    const body = { DocNumber: 'SUM-20261102-USD-1', TxnDate: '2026-11-02', PrivateNote: 'Daily summary', Line: [line('Debit', seedAccountId('undeposited'), 107.25), line('Credit', seedAccountId('income'), 100), line('Credit', seedAccountId('taxPayable'), 7.25)] };
    const created = await api('POST', '/journalentry', body);
    expect(created.status, created.text).toBe(200);
    const je = created.json.JournalEntry;
    expect(je).toMatchObject({ DocNumber: 'SUM-20261102-USD-1', TxnDate: '2026-11-02', TotalAmt: 107.25, SyncToken: '0' });
    expect((await api('GET', `/journalentry/${je.Id}`)).json.JournalEntry.Line).toHaveLength(3);
    const found = await api('GET', `/query?query=${encodeURIComponent("SELECT * FROM JournalEntry WHERE DocNumber IN ('SUM-20261102-USD-1')")}`);
    expect(found.json.QueryResponse.JournalEntry.map((j: { Id: string }) => j.Id)).toEqual([je.Id]);

    const updated = await api('POST', '/journalentry', { Id: je.Id, SyncToken: je.SyncToken, sparse: true, Line: [line('Debit', seedAccountId('undeposited'), 50), line('Credit', seedAccountId('income'), 50)] });
    expect(updated.status, updated.text).toBe(200);
    expect(updated.json.JournalEntry).toMatchObject({ TotalAmt: 50, SyncToken: '1', DocNumber: 'SUM-20261102-USD-1', PrivateNote: 'Daily summary' });
    expect(updated.json.JournalEntry.Line).toHaveLength(2);
    const stale = await api('POST', '/journalentry', { Id: je.Id, SyncToken: '0', sparse: true, PrivateNote: 'x' });
    expect(errorOf(stale.json)?.code).toBe('5010');

    const voided = await api('POST', '/journalentry?operation=update&include=void', { Id: je.Id, SyncToken: '1', sparse: true });
    expect(errorOf(voided.json)?.code).toBe('500');
    const listed = await admin(qb.url, 'GET', `/companies/${realmId}/entities/JournalEntry`);
    expect(listed.status).toBe(200);
    expect(JSON.stringify(listed.json)).toContain('SUM-20261102-USD-1');
    const deleted = await api('POST', '/journalentry?operation=delete', { Id: je.Id, SyncToken: '1' });
    expect(deleted.json.JournalEntry ?? deleted.json).toMatchObject({ status: 'Deleted' });
    expect((await api('GET', `/journalentry/${je.Id}`)).status).toBe(400);
  });

  it('refuses an entry whose debits and credits differ, a negative amount, and A/R without a customer', async () => {
    const { api } = await companyApi(qb.url, { name: 'Unbalanced Co' });
    const off = await api('POST', '/journalentry', { Line: [line('Debit', seedAccountId('undeposited'), 100), line('Credit', seedAccountId('income'), 99.99)] });
    expect(off.status).toBe(400);
    expect(errorOf(off.json)).toMatchObject({ code: '6000', Detail: expect.stringMatching(/debits 100\.00, credits 99\.99/) });
    const negative = await api('POST', '/journalentry', { Line: [line('Debit', seedAccountId('undeposited'), -5), line('Credit', seedAccountId('income'), -5)] });
    expect(errorOf(negative.json)?.code).toBe('6000');
    const ar = await api('POST', '/journalentry', { Line: [line('Debit', seedAccountId('receivable'), 10), line('Credit', seedAccountId('income'), 10)] });
    expect(errorOf(ar.json)).toMatchObject({ code: '6000', Detail: expect.stringMatching(/customer/) });
    const customer = (await api('POST', '/customer', { DisplayName: 'Online sales — Credit Card' })).json.Customer.Id;
    const named = await api('POST', '/journalentry', { Line: [line('Debit', seedAccountId('receivable'), 10, { Entity: { Type: 'Customer', EntityRef: { value: customer } } }), line('Credit', seedAccountId('income'), 10)] });
    expect(named.status, named.text).toBe(200);
    expect(named.json.JournalEntry.Line[0].JournalEntryLineDetail.Entity).toMatchObject({ Type: 'Customer', EntityRef: { value: customer } });
  });

  it('a foreign currency needs multicurrency; with it the entry keeps its rate and HomeTotalAmt', async () => {
    const { api } = await companyApi(qb.url, { name: 'Single currency Co' });
    const eur = await api('POST', '/journalentry', { CurrencyRef: { value: 'EUR' }, Line: [line('Debit', seedAccountId('undeposited'), 10), line('Credit', seedAccountId('income'), 10)] });
    expect(errorOf(eur.json)?.code).toBe('6000');
    const multi = await companyApi(qb.url, { name: 'Multi Co', multicurrency: true });
    const ok = await multi.api('POST', '/journalentry', { CurrencyRef: { value: 'EUR' }, ExchangeRate: 1.1, Line: [line('Debit', seedAccountId('undeposited'), 10), line('Credit', seedAccountId('income'), 10)] });
    expect(ok.status, ok.text).toBe(200);
    expect(ok.json.JournalEntry).toMatchObject({ CurrencyRef: { value: 'EUR' }, ExchangeRate: 1.1, TotalAmt: 10, HomeTotalAmt: 11 });
  });
});
