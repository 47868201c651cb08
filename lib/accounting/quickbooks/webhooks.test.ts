import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { quickbooksBooksStatus } from './books-status';
import { quickbooksWebhook } from './webhooks';

const TOKEN = 'verifier-token';
const sign = (body: string, key = TOKEN) => createHmac('sha256', key).update(body).digest('base64');

// Intuit's sample notification (managing-webhooks-notifications), with an invoice paid and a customer changed.
const body = JSON.stringify({
  eventNotifications: [
    {
      realmId: '1185883450',
      dataChangeEvent: {
        entities: [
          { name: 'Invoice', id: '130', operation: 'Update', lastUpdated: '2026-12-06T14:42:19-0700' },
          { name: 'Customer', id: '1', operation: 'Create', lastUpdated: '2026-12-06T14:42:19-0700' },
          { name: 'Payment', id: '88', operation: 'Create', lastUpdated: '2026-12-06T14:42:19-0700' },
        ],
      },
    },
  ],
});

describe('Intuit webhooks', () => {
  it('accepts only the base64 HMAC-SHA256 of the exact payload keyed with the verifier token', () => {
    expect(quickbooksWebhook.verify(body, sign(body), TOKEN)).toBe(true);
    expect(quickbooksWebhook.verify(body, sign(body, 'another-token'), TOKEN)).toBe(false);
    expect(quickbooksWebhook.verify(`${body} `, sign(body), TOKEN)).toBe(false);
    expect(quickbooksWebhook.verify(body, null, TOKEN)).toBe(false);
  });

  it('names the invoices and payments that changed, as the provider keeps their ids, with the company', () => {
    expect(quickbooksWebhook.changedDocuments(body)).toEqual([
      { tenantId: '1185883450', documentId: 'Invoice:130' },
      { tenantId: '1185883450', documentId: 'Payment:88' },
    ]);
    expect(quickbooksWebhook.changedDocuments('not json')).toBeNull();
  });

  it("reads Intuit's CloudEvents format (its webhooks' format since the 2026 migration): the same invoices and payments", () => {
    // The shape of Intuit's sample (blogs.intuit.com, 2025-11-12), with an invoice paid, a customer and a payment.
    const event = (type: string, id: string) => ({
      specversion: '1.0', id: `evt-${id}-${type}`, source: 'intuit.dsnBgbseACLLRZNxo2dfc4evmEJdxde58xeeYcZliOU=', type,
      datacontenttype: 'application/json', time: '2026-12-06T21:31:25.179851517Z', intuitentityid: id, intuitaccountid: '1185883450', data: {},
    });
    const cloud = JSON.stringify([
      event('qbo.invoice.updated.v1', '130'),
      event('qbo.customer.created.v1', '1'),
      event('qbo.payment.created.v1', '88'),
      event('qbo.invoice.voided.v1', '131'),
      event('qbo.invoice.emailed.v1', '132'),
    ]);
    expect(quickbooksWebhook.verify(cloud, sign(cloud), TOKEN)).toBe(true);
    expect(quickbooksWebhook.changedDocuments(cloud)).toEqual([
      { tenantId: '1185883450', documentId: 'Invoice:130' },
      { tenantId: '1185883450', documentId: 'Payment:88' },
      { tenantId: '1185883450', documentId: 'Invoice:131' },
    ]);
    // Not a CloudEvent (no specversion), or an unknown shape: refused as unreadable, not taken as "nothing changed".
    expect(quickbooksWebhook.changedDocuments(JSON.stringify([{ type: 'qbo.invoice.updated.v1', intuitentityid: '1', intuitaccountid: '2' }]))).toBeNull();
    expect(quickbooksWebhook.changedDocuments(JSON.stringify({ something: 'else' }))).toBeNull();
  });

  it('reads paid, partly paid, credited, voided and open from an invoice', () => {
    expect(quickbooksBooksStatus({ TotalAmt: '49.00', Balance: '0', LinkedTxn: [{ TxnId: '9', TxnType: 'Payment' }] })).toBe('paid');
    expect(quickbooksBooksStatus({ TotalAmt: '49.00', Balance: '9.00', LinkedTxn: [{ TxnId: '9', TxnType: 'Payment' }] })).toBe('partlyPaid');
    expect(quickbooksBooksStatus({ TotalAmt: '49.00', Balance: '0', LinkedTxn: [{ TxnId: '7', TxnType: 'CreditMemo' }] })).toBe('credited');
    expect(quickbooksBooksStatus({ TotalAmt: '0', Balance: '0', PrivateNote: 'Voided - order cancelled' })).toBe('voided');
    expect(quickbooksBooksStatus({ TotalAmt: '49.00', Balance: '49.00' })).toBe('open');
  });
});
