import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simpleParser } from 'mailparser';
import { readDeliveryReport } from '@/lib/notify/dsn';
import { createSmtpMailer } from '@/lib/notify/mailer';
import { startBigCommerceSandbox, type BigCommerceSandbox } from '../bigcommerce/server';
import { startSmtpSink, type SmtpSink } from './server';

let sink: SmtpSink;
let sandbox: BigCommerceSandbox;

beforeAll(async () => {
  sink = await startSmtpSink();
  sandbox = await startBigCommerceSandbox({ port: 0, mounts: sink.mounts, apps: [{ clientId: 'c', clientSecret: 's', appUrl: 'http://127.0.0.1:1', name: 'App' }] });
});
afterAll(async () => {
  await sandbox?.close();
  await sink?.close();
});

describe('SMTP sink', () => {
  it('GET /__sandbox/mail on the sandbox port lists what it received, exactly {"messages":[{"to","subject","text","html","receivedAt"}]}', async () => {
    const mailer = createSmtpMailer({ smtpUrl: sink.url, from: 'Ledgerbridge <notify@ledgerbridge.test>' });
    expect(await mailer.send({ to: 'owner@example.com', subject: 'Order #999 needs you', text: 'Unable to find product with SKU X', html: '<p>Unable to find product with SKU <b>X</b></p>', unsubscribeUrl: 'http://app.test/u?token=t' })).toEqual({ ok: true });
    mailer.close();
    const response = await fetch(`${sandbox.url}/__sandbox/mail`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { messages: Array<Record<string, unknown>> };
    expect(Object.keys(body)).toEqual(['messages']);
    expect(body.messages).toHaveLength(1);
    const [message] = body.messages;
    expect(Object.keys(message!).sort()).toEqual(['html', 'receivedAt', 'subject', 'text', 'to']);
    expect(message).toMatchObject({ to: 'owner@example.com', subject: 'Order #999 needs you', text: 'Unable to find product with SKU X' });
    expect(message!.html).toContain('<b>X</b>');
    expect(new Date(message!.receivedAt as string).toISOString()).toBe(message!.receivedAt);
    // The headers a mail client reads are kept for tests.
    expect(sink.messages()[0]!.headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click');
  });

  it('shows the mails on a page linked from the control panel', async () => {
    expect(await (await fetch(`${sandbox.url}/manage`)).text()).toContain('href="/__sandbox/mail/view"');
    const page = await (await fetch(`${sandbox.url}/__sandbox/mail/view`)).text();
    expect(page).toContain('Order #999 needs you');
    expect(page).toContain('owner@example.com');
  });

  it('refuses a bounce address at RCPT TO with 550, which the app reads as a refusal, and keeps nothing', async () => {
    const mailer = createSmtpMailer({ smtpUrl: sink.url, from: 'Ledgerbridge <notify@ledgerbridge.test>' });
    const outcome = await mailer.send({ to: 'bounce@example.com', subject: 'x', text: 'x', html: '<p>x</p>', unsubscribeUrl: 'http://app.test/u' });
    mailer.close();
    expect(outcome).toMatchObject({ ok: false, kind: 'refused' });
    expect((outcome as { reason: string }).reason).toMatch(/550/);
    expect(sink.messages()).toHaveLength(1);
  });

  it('bounces mail to undeliverable.invalid after accepting it, with an RFC 3464 report to the envelope sender; delays mail to delayed.invalid', async () => {
    const mailer = createSmtpMailer({ smtpUrl: sink.url, from: 'Ledgerbridge <notify@ledgerbridge.test>', bounces: { address: 'bounces@ledgerbridge.test', secret: 'sink-test-secret-0123456789abcdef' } });
    const before = sink.messages().length;
    expect(await mailer.send({ to: 'gone@undeliverable.invalid', subject: 'Gone', text: 'x', html: '<p>x</p>', unsubscribeUrl: 'http://app.test/u' })).toEqual({ ok: true });
    expect(await mailer.send({ to: 'slow@delayed.invalid', subject: 'Slow', text: 'x', html: '<p>x</p>', unsubscribeUrl: 'http://app.test/u' })).toEqual({ ok: true });
    mailer.close();
    const [failed, delayed] = await sink.waitForReports(2);
    // The failed one is not delivered; the delayed one is (in the end).
    expect(sink.messages().slice(before).map((m) => m.to)).toEqual(['slow@delayed.invalid']);
    expect(sink.messages().at(-1)!.envelopeFrom).toBe(delayed!.to);
    expect(failed).toMatchObject({ recipient: 'gone@undeliverable.invalid', action: 'failed', status: '5.1.1', forwarded: null });
    expect(failed!.to).toMatch(/^bounces\+[0-9a-f]{16}@ledgerbridge\.test$/);
    // RFC 3464 §2: multipart/report; report-type=delivery-status, a human-readable part, the delivery-status fields
    // (per-message, then per-recipient), and the original's headers (text/rfc822-headers, RFC 6522).
    const parsed = await simpleParser(failed!.raw, { keepDeliveryStatus: true });
    expect(parsed.headers.get('content-type')).toMatchObject({ value: 'multipart/report', params: { 'report-type': 'delivery-status' } });
    expect(parsed.headers.get('auto-submitted')).toBe('auto-replied');
    expect(parsed.to).toMatchObject({ value: [{ address: failed!.to }] });
    expect(parsed.text).toContain('could not be delivered');
    const status = parsed.attachments.find((a) => a.contentType === 'message/delivery-status')!.content.toString();
    expect(status).toMatch(/^Reporting-MTA: dns; sandbox-smtp\.invalid\r\nArrival-Date: .+\r\n\r\nFinal-Recipient: rfc822; gone@undeliverable\.invalid\r\n/);
    expect(status).toContain('Action: failed\r\nStatus: 5.1.1\r\n');
    expect(parsed.attachments.find((a) => a.contentType === 'text/rfc822-headers')!.content.toString()).toContain('Subject: Gone');
    const report = await readDeliveryReport(failed!.raw);
    expect(report!.recipients).toEqual([expect.objectContaining({ finalRecipient: 'gone@undeliverable.invalid', action: 'failed', status: '5.1.1' })]);
    expect((await readDeliveryReport(delayed!.raw))!.recipients).toEqual([expect.objectContaining({ finalRecipient: 'slow@delayed.invalid', action: 'delayed', status: '4.4.1' })]);
    expect(await (await fetch(`${sandbox.url}/__sandbox/mail/view`)).text()).toContain('gone@undeliverable.invalid</strong>: Action failed, Status 5.1.1');
  });

  it('DELETE /__sandbox/mail empties the box', async () => {
    expect((await fetch(`${sandbox.url}/__sandbox/mail`, { method: 'DELETE' })).status).toBe(204);
    expect(await (await fetch(`${sandbox.url}/__sandbox/mail`)).json()).toEqual({ messages: [] });
  });

  it('a server that cannot be reached is a transient failure (the job retries), not a bounce', async () => {
    const mailer = createSmtpMailer({ smtpUrl: 'smtp://127.0.0.1:1', from: 'x@example.com' });
    await expect(mailer.send({ to: 'owner@example.com', subject: 'x', text: 'x', html: 'x', unsubscribeUrl: 'http://app.test/u' })).rejects.toThrow(/did not take the message/);
    mailer.close();
  });
});

describe('the control panel shows the mails', () => {
  it('its apps page has the mail section that reads /__sandbox/mail', async () => {
    const store = (await (await fetch(`${sandbox.url}/__sandbox/stores`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).json()) as { hash: string };
    const html = await (await fetch(`${sandbox.url}/manage/${store.hash}/apps`)).text();
    expect(html).toContain('id="sandbox-mail"');
    expect(html).toContain("fetch('/__sandbox/mail'");
  });
});
