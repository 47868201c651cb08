import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderAlert, renderDigest, type AlertModel, type DigestModel } from './templates';

const alert = (title: string, message: string): AlertModel => ({
  storeName: 'Shop',
  kindLabel: 'Orders that need you',
  count: 1,
  items: [{ title, message, appLink: 'https://app.test/activity/1', orderLink: null }],
  more: 0,
  notificationsLink: 'https://app.test/notifications',
  unsubscribeKindLink: 'https://app.test/api/notifications/unsubscribe?token=a.b',
  unsubscribeAllLink: 'https://app.test/api/notifications/unsubscribe?token=c.d',
});

describe('email templates', () => {
  it('text from the store (a SKU, a customer’s note) never becomes markup in the HTML, and reads as written in the text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (text) => {
        const mail = renderAlert(alert(`Order #1 ${text}`, `Unable to find product with SKU ${text}`));
        const withoutOurs = mail.html.replace(/<\/?(?:!doctype html|html|body[^>]*|h2|ul|li[^>]*|strong|br|a href="[^"<>]*"|a|p[^>]*)>/gi, '');
        expect(withoutOurs).not.toMatch(/[<>]/);
        expect(mail.text).toContain(`Unable to find product with SKU ${text}`);
        expect(mail.subject).not.toMatch(/\n/);
      }),
    );
  });

  it('the alert lists each item with its link and both unsubscribe links; "more" only when some are left out', () => {
    const mail = renderAlert(alert('Order #7 is held', 'Tax rate "City" is not mapped'));
    expect(mail.text).toContain('Open in Ledgerbridge: https://app.test/activity/1');
    expect(mail.text).toContain('Stop these alerts: https://app.test/api/notifications/unsubscribe?token=a.b');
    expect(mail.html).toContain('Tax rate &quot;City&quot; is not mapped');
    expect(mail.text).not.toContain('more');
    expect(renderAlert({ ...alert('x', 'y'), count: 25, more: 5 }).text).toContain('…and 5 more');
  });

  it('the digest says when a day was not reconciled, and shows the result when it was', () => {
    const model: DigestModel = {
      storeName: 'Shop', date: '2026-12-05', timeZone: 'Europe/London', posted: [], postedOrders: 0, problems: [], failed: 0, held: 0,
      reconciliation: null, activityLink: 'https://app.test/activity', unsubscribeDigestLink: 'u1', unsubscribeAllLink: 'u2',
    };
    expect(renderDigest(model).text).toContain('Not reconciled for this day.');
    const reconciled = renderDigest({ ...model, reconciliation: { days: [{ currency: 'GBP', storeTotal: '10.00', booksTotal: '10.00', differences: 0 }], byClass: [], link: 'https://app.test/reconciliation' } });
    expect(reconciled.text).toContain('GBP: store 10.00, books 10.00, 0 difference(s)');
    expect(reconciled.text).not.toContain('Not reconciled');
    expect(reconciled.subject).toBe('[Ledgerbridge] Shop: 2026-12-05 — 0 posted, 0 failed, 0 held');
  });
});
