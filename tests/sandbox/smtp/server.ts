// A local SMTP sink for the demo and the tests: a real SMTP server (the `smtp-server` package, from the nodemailer
// project) that keeps every message it accepts, parsed with `mailparser`, and shows them on the sandbox port:
//   GET /__sandbox/mail       → {"messages":[{"to","subject","text","html","receivedAt"}]}   (the tools' contract)
//   DELETE /__sandbox/mail    → empties the box
//   GET /__sandbox/mail/view  → the received mails as a page (linked from the control panel's sidebar)
// Like a real receiving server, it refuses some recipients at RCPT TO with a permanent 550 (RFC 5321 §4.2.2/§4.2.3:
// "550 Requested action not taken: mailbox unavailable"), so a bounce can be shown: any address whose local part
// starts with "bounce" (bounce@…, bounce+x@…) and any address at the reserved domain bounce.invalid (RFC 2606).
// Like the mail system behind a relay, it also bounces some mail *after* accepting it: it answers 250, then sends the
// envelope sender (MAIL FROM, the Return-Path) a delivery status notification (RFC 3464) as a receiving server's
// postmaster would: recipients at undeliverable.invalid (and any configured as 'failed') get "Action: failed,
// Status: 5.1.1" and are not delivered; recipients at delayed.invalid (or configured as 'delayed') get
// "Action: delayed, Status: 4.4.1" and are delivered. The DSN is a real multipart/report built by nodemailer's MIME
// tree (report-type=delivery-status; a human-readable part, the message/delivery-status fields, the original
// message's headers as text/rfc822-headers, RFC 3464 §2 and RFC 6522); nothing is sent for a null sender (RFC 3461
// §6.2). Where it goes: the sink stands in for the inbound mail provider of the bounce mailbox, which forwards each
// received message to a URL (`forwardReportsTo`: the app's POST /api/notifications/bounces with its secret).
// No TLS (STARTTLS is not offered) and no authentication required: it listens on loopback only.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { simpleParser, type AddressObject } from 'mailparser';
import MimeNode from 'nodemailer/lib/mime-node';
import { SMTPServer } from 'smtp-server';

export interface SinkMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
  receivedAt: string;
}

/** What a test may also look at (not part of the JSON contract): the headers a mail client reads. */
export interface SinkMessageDetail extends SinkMessage {
  from: string;
  /** The envelope sender (SMTP MAIL FROM): where bounces go. */
  envelopeFrom: string;
  headers: Record<string, string>;
}

export type LateOutcome = 'failed' | 'delayed';

/** A delivery status notification the sink sent. */
export interface SinkReport {
  /** The envelope sender of the mail it reports on (the DSN's recipient). */
  to: string;
  recipient: string;
  action: LateOutcome;
  status: string;
  raw: string;
  sentAt: string;
  /** The inbound forward's answer (null: no forward configured, or it could not be reached: `error`). */
  forwarded: { status: number | null; body: string; error?: string } | null;
}

export interface ReportForward {
  url: string;
  /** Sent as a bearer token (the app's MAIL_BOUNCE_SECRET). */
  secret: string;
}

export interface SmtpSink {
  /** `smtp://127.0.0.1:<port>`, what SMTP_URL is set to. */
  url: string;
  port: number;
  messages(): SinkMessageDetail[];
  clear(): void;
  /** Waits until at least `count` messages are in the box (tests). */
  waitFor(count: number, timeoutMs?: number): Promise<SinkMessageDetail[]>;
  /** The delivery status notifications sent, oldest first. */
  reports(): SinkReport[];
  /** Waits until at least `count` reports were sent and forwarded (tests). */
  waitForReports(count: number, timeoutMs?: number): Promise<SinkReport[]>;
  /** Makes mail to `address` fail (or be delayed) after it is accepted, with a DSN. */
  reportLater(address: string, outcome: LateOutcome): void;
  /** Where DSNs are forwarded (the bounce mailbox's inbound route); null stops forwarding. */
  forwardReportsTo(forward: ReportForward | null): void;
  /** Ready for `startBigCommerceSandbox({ mounts })`. */
  mounts: Array<{ prefix: string; handle(req: IncomingMessage, res: ServerResponse): Promise<boolean> }>;
  close(): Promise<void>;
}

const REFUSED = (address: string) => /^bounce/i.test(address) || /@bounce\.invalid$/i.test(address);
const MAX_KEPT = 500;
const REPORTING_MTA = 'sandbox-smtp.invalid';

/** RFC 3463 codes and the words a receiving server would give (Postfix's, for the look of it). */
const LATE = {
  failed: { status: '5.1.1', diagnostic: (a: string) => `smtp; 550 5.1.1 <${a}>: Recipient address rejected: User unknown in virtual mailbox table`, subject: 'Undelivered Mail Returned to Sender' },
  delayed: { status: '4.4.1', diagnostic: (a: string) => `smtp; 421 4.4.1 <${a}>: Connection timed out (will retry)`, subject: 'Delayed Mail (still being retried)' },
} as const;

/** A delivery status notification (RFC 3464) about `recipient`, addressed to the original's envelope sender. */
async function buildReport(input: { envelopeFrom: string; recipient: string; outcome: LateOutcome; originalHeaders: string; arrival: Date }): Promise<string> {
  const late = LATE[input.outcome];
  const root = new MimeNode('multipart/report; report-type=delivery-status', { hostname: REPORTING_MTA });
  root.setHeader({
    'Return-Path': '<>',
    'Delivered-To': input.envelopeFrom,
    From: `Mail Delivery System <MAILER-DAEMON@${REPORTING_MTA}>`,
    To: input.envelopeFrom,
    Subject: late.subject,
    'Auto-Submitted': 'auto-replied',
  });
  root.createChild('text/plain; charset=utf-8').setContent(
    input.outcome === 'failed'
      ? `This is the mail system at host ${REPORTING_MTA}.\n\nI'm sorry to have to inform you that your message could not be delivered to one or more recipients.\n\n<${input.recipient}>: ${late.diagnostic(input.recipient).slice(6)}\n`
      : `This is the mail system at host ${REPORTING_MTA}.\n\nYour message could not be delivered yet to <${input.recipient}>. It will be retried; you need not resend it.\n`,
  );
  const now = new Date();
  const perRecipient = [
    `Final-Recipient: rfc822; ${input.recipient}`,
    `Original-Recipient: rfc822; ${input.recipient}`,
    `Action: ${input.outcome}`,
    `Status: ${late.status}`,
    `Remote-MTA: dns; mx.${input.recipient.split('@')[1] ?? 'invalid'}`,
    `Diagnostic-Code: ${late.diagnostic(input.recipient)}`,
    `Last-Attempt-Date: ${now.toUTCString()}`,
    ...(input.outcome === 'delayed' ? [`Will-Retry-Until: ${new Date(now.getTime() + 5 * 86_400_000).toUTCString()}`] : []),
  ];
  root
    .createChild('message/delivery-status')
    .setContent([`Reporting-MTA: dns; ${REPORTING_MTA}`, `Arrival-Date: ${input.arrival.toUTCString()}`, '', ...perRecipient, ''].join('\r\n'));
  root.createChild('text/rfc822-headers').setContent(input.originalHeaders);
  return (await root.build()).toString('utf8');
}

const addressText = (value: AddressObject | AddressObject[] | undefined) =>
  (Array.isArray(value) ? value : value ? [value] : []).flatMap((a) => a.value.map((v) => v.address ?? '')).filter(Boolean).join(', ');

const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

export async function startSmtpSink(
  options: { port?: number; host?: string; late?: Record<string, LateOutcome>; forwardReportsTo?: ReportForward | null } = {},
): Promise<SmtpSink> {
  const box: SinkMessageDetail[] = [];
  const sentReports: SinkReport[] = [];
  let waiters: Array<() => void> = [];
  let reportWaiters: Array<() => void> = [];
  const late = new Map(Object.entries(options.late ?? {}).map(([a, o]) => [a.toLowerCase(), o]));
  let forward = options.forwardReportsTo ?? null;
  const lateOutcome = (address: string): LateOutcome | null =>
    late.get(address.toLowerCase()) ?? (/@undeliverable\.invalid$/i.test(address) ? 'failed' : /@delayed\.invalid$/i.test(address) ? 'delayed' : null);

  async function report(input: { envelopeFrom: string; recipient: string; outcome: LateOutcome; originalHeaders: string; arrival: Date }) {
    const raw = await buildReport(input);
    let forwarded: SinkReport['forwarded'] = null;
    if (forward) {
      try {
        const res = await fetch(forward.url, { method: 'POST', headers: { authorization: `Bearer ${forward.secret}`, 'content-type': 'message/rfc822' }, body: raw, signal: AbortSignal.timeout(15_000) });
        forwarded = { status: res.status, body: await res.text() };
      } catch (error) {
        forwarded = { status: null, body: '', error: error instanceof Error ? error.message : String(error) };
      }
    }
    sentReports.push({ to: input.envelopeFrom, recipient: input.recipient, action: input.outcome, status: LATE[input.outcome].status, raw, sentAt: new Date().toISOString(), forwarded });
    if (sentReports.length > MAX_KEPT) sentReports.splice(0, sentReports.length - MAX_KEPT);
    const ready = reportWaiters;
    reportWaiters = [];
    for (const w of ready) w();
  }

  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    banner: 'Ledgerbridge SMTP sink (sandbox)',
    logger: false,
    onRcptTo(address, _session, callback) {
      if (REFUSED(address.address)) {
        const error = new Error(`5.1.1 <${address.address}>: mailbox unavailable (sandbox refuses bounce addresses)`) as Error & { responseCode: number };
        error.responseCode = 550;
        callback(error);
        return;
      }
      callback();
    },
    onData(stream, session, callback) {
      const arrival = new Date();
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        simpleParser(raw)
          .then((parsed) => {
            const headers: Record<string, string> = {};
            for (const line of parsed.headerLines) headers[line.key] = line.line.slice(line.line.indexOf(':') + 1).trim();
            const envelopeFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
            const recipients = session.envelope.rcptTo.map((r) => r.address);
            const outcomes = recipients.map((r) => ({ recipient: r, outcome: lateOutcome(r) }));
            // Kept (delivered) unless every recipient fails later; a delayed one is delivered in the end.
            if (outcomes.some((o) => o.outcome !== 'failed')) {
              box.push({
                to: addressText(parsed.to),
                subject: parsed.subject ?? '',
                text: parsed.text ?? '',
                html: typeof parsed.html === 'string' ? parsed.html : '',
                receivedAt: new Date().toISOString(),
                from: addressText(parsed.from),
                envelopeFrom,
                headers,
              });
              if (box.length > MAX_KEPT) box.splice(0, box.length - MAX_KEPT);
              const ready = waiters;
              waiters = [];
              for (const w of ready) w();
            }
            callback();
            // The report goes out after the 250, as a later bounce does; never to a null sender (RFC 3461 §6.2).
            const end = raw.indexOf('\r\n\r\n');
            const originalHeaders = raw.subarray(0, end < 0 ? raw.length : end + 2).toString('utf8');
            for (const o of outcomes) {
              if (o.outcome && envelopeFrom) void report({ envelopeFrom, recipient: o.recipient, outcome: o.outcome, originalHeaders, arrival });
            }
          })
          .catch((error: unknown) => callback(error instanceof Error ? error : new Error(String(error))));
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;

  const contract = () => ({ messages: box.map(({ to, subject, text, html, receivedAt }) => ({ to, subject, text, html, receivedAt })) });

  function inboxPage(): string {
    const items = [...box]
      .reverse()
      .map(
        (m, i) => `<article class="mail" data-testid="sandbox-mail">
  <h2>${escapeHtml(m.subject)}</h2>
  <p class="meta">To <strong>${escapeHtml(m.to)}</strong> · ${escapeHtml(m.receivedAt)}</p>
  <details${i === 0 ? ' open' : ''}><summary>Message</summary><pre>${escapeHtml(m.text)}</pre></details>
</article>`,
      )
      .join('\n');
    return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Mail received · sandbox</title>
<style>body{font-family:sans-serif;margin:0;background:#f5f7fa;color:#313440}main{max-width:900px;margin:24px auto;padding:0 16px}
.mail{background:#fff;border-radius:4px;padding:12px 16px;margin:12px 0;box-shadow:0 1px 3px rgba(0,0,0,.15)}h2{font-size:18px;margin:0 0 4px}
.meta{color:#5e637a;margin:0 0 8px}pre{white-space:pre-wrap}</style></head>
<body><main><h1>Mail received by the sandbox's SMTP sink</h1>
<p>${box.length} message(s) at smtp://127.0.0.1:${port}. <a href="/manage">Back to the stores</a></p>
${items || '<p id="no-mail">No mail yet.</p>'}
<h2>Delivery status notifications sent (bounces after acceptance)</h2>
${
  sentReports.length
    ? `<ul id="sandbox-reports">${[...sentReports]
        .reverse()
        .map(
          (r) => `<li data-testid="sandbox-report">${escapeHtml(r.sentAt)} · <strong>${escapeHtml(r.recipient)}</strong>: Action ${escapeHtml(r.action)}, Status ${escapeHtml(r.status)} · to ${escapeHtml(r.to)} · ${
            r.forwarded ? `forwarded: ${r.forwarded.status ?? escapeHtml(r.forwarded.error ?? 'unreachable')}` : 'not forwarded'
          }<details><summary>The report</summary><pre>${escapeHtml(r.raw)}</pre></details></li>`,
        )
        .join('')}</ul>`
    : '<p>None: mail to an address at undeliverable.invalid fails after it is accepted, at delayed.invalid it is delayed.</p>'
}</main></body></html>`;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const path = new URL(req.url ?? '/', 'http://sandbox.local').pathname;
    if (path === '/__sandbox/mail' && req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(contract()));
      return true;
    }
    if (path === '/__sandbox/mail' && req.method === 'DELETE') {
      box.length = 0;
      res.writeHead(204).end();
      return true;
    }
    if (path === '/__sandbox/mail/view' && req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(inboxPage());
      return true;
    }
    return false;
  }

  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    messages: () => [...box],
    clear: () => void (box.length = 0),
    waitFor(count, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`the SMTP sink had ${box.length} message(s), expected ${count}`)), timeoutMs);
        const check = () => {
          if (box.length >= count) {
            clearTimeout(timer);
            resolve([...box]);
          } else waiters.push(check);
        };
        check();
      });
    },
    reports: () => [...sentReports],
    waitForReports(count, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`the SMTP sink sent ${sentReports.length} report(s), expected ${count}`)), timeoutMs);
        const check = () => {
          if (sentReports.length >= count) {
            clearTimeout(timer);
            resolve([...sentReports]);
          } else reportWaiters.push(check);
        };
        check();
      });
    },
    reportLater: (address, outcome) => void late.set(address.toLowerCase(), outcome),
    forwardReportsTo: (f) => void (forward = f),
    mounts: [{ prefix: '/__sandbox/mail', handle }],
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
