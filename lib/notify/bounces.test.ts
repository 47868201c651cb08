import { describe, expect, it } from 'vitest';
import { receiveBounce, type BounceDeps } from './bounces';
import { parseDeliveryStatus, readDeliveryReport } from './dsn';
import { tagOf, verpSender, verpTag } from './verp';

const SECRET = 'unit-session-secret-0123456789abcdef-xyz';
const BOUNCES = 'bounces@mail.example.com';

/** A DSN as a receiving MTA writes it (the shape of RFC 3464 appendix examples), to the VERP sender of a mail to `to`. */
function dsn(input: { returnPath: string; recipients: Array<{ to: string; action: string; status: string; diagnostic?: string }>; type?: string }) {
  const groups = input.recipients
    .map((r) => [`Final-Recipient: RFC822; ${r.to}`, `Action: ${r.action}`, `Status: ${r.status}`, ...(r.diagnostic ? [`Diagnostic-Code: smtp;\r\n    ${r.diagnostic}`] : [])].join('\r\n'))
    .join('\r\n\r\n');
  return [
    'From: Mail Delivery Subsystem <MAILER-DAEMON@mx.example.net>',
    `To: ${input.returnPath}`,
    'Subject: Returned mail: User unknown',
    'MIME-Version: 1.0',
    `Content-Type: ${input.type ?? 'multipart/report; report-type=delivery-status'};\r\n boundary="RAA14128.773615765/CS.UTK.EDU"`,
    '',
    '--RAA14128.773615765/CS.UTK.EDU',
    '',
    'The original message was received at Sat, 12 Jul 2026 08:56:00 -0400.',
    '',
    '--RAA14128.773615765/CS.UTK.EDU',
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.example.net',
    'Arrival-Date: Sat, 12 Jul 2026 08:56:00 -0400',
    '',
    groups,
    '',
    '--RAA14128.773615765/CS.UTK.EDU',
    'Content-Type: text/rfc822-headers',
    '',
    `To: ${input.recipients.map((r) => r.to).join(', ')}`,
    'Subject: [Ledgerbridge] Store: 1 × backfill',
    '',
    '--RAA14128.773615765/CS.UTK.EDU--',
    '',
  ].join('\r\n');
}

function collector(known: string[] = []) {
  const suppressed: Array<{ email: string; reason: string }> = [];
  const undetermined: Array<{ email: string; reason: string }> = [];
  const deps: BounceDeps = {
    secret: SECRET,
    bounceAddress: BOUNCES,
    suppress: async (email, reason) => void suppressed.push({ email, reason }),
    // As the repository does: the first is recorded, the second suppresses.
    undeterminedBounce: async (email, reason) => {
      const again = undetermined.some((u) => u.email === email.toLowerCase());
      undetermined.push({ email: email.toLowerCase(), reason });
      if (!again) return 'recorded';
      suppressed.push({ email, reason });
      return 'suppressed';
    },
    knownAddresses: async () => known,
  };
  return { suppressed, undetermined, deps };
}

describe('VERP', () => {
  it('tags the bounce address per recipient (case-insensitively), within 64 characters of local part', () => {
    const sender = verpSender(BOUNCES, SECRET, 'Owner@Example.com');
    expect(sender).toMatch(/^bounces\+[0-9a-f]{16}@mail\.example\.com$/);
    expect(sender).toBe(verpSender(BOUNCES, SECRET, 'owner@example.com'));
    expect(verpSender(BOUNCES, SECRET, 'other@example.com')).not.toBe(sender);
    expect(tagOf(BOUNCES, sender)).toBe(verpTag(SECRET, 'owner@example.com'));
    expect(tagOf(BOUNCES, 'bounces+0123456789abcdef@elsewhere.example')).toBeNull();
    expect(tagOf(BOUNCES, 'postmaster@mail.example.com')).toBeNull();
  });
});

describe('reading a delivery status notification (RFC 3464)', () => {
  it('reads the per-message and per-recipient fields, folded lines joined', () => {
    const parsed = parseDeliveryStatus('Reporting-MTA: dns; mx.example.net\r\n\r\nFinal-Recipient: rfc822; a@example.com\r\nAction: failed\r\nStatus: 5.1.1 (user unknown)\r\nDiagnostic-Code: smtp; 550\r\n  5.1.1 no such user\r\n\r\nFinal-Recipient: rfc822;b@example.com\r\nAction: Delayed\r\nStatus: 4.4.1\r\n');
    expect(parsed).toEqual({
      reportingMta: 'dns; mx.example.net',
      recipients: [
        { originalRecipient: null, finalRecipient: 'a@example.com', action: 'failed', status: '5.1.1', diagnostic: 'smtp; 550 5.1.1 no such user' },
        { originalRecipient: null, finalRecipient: 'b@example.com', action: 'delayed', status: '4.4.1', diagnostic: null },
      ],
    });
  });

  it('is not a report unless multipart/report with report-type=delivery-status', async () => {
    const to = 'gone@example.com';
    const raw = dsn({ returnPath: verpSender(BOUNCES, SECRET, to), recipients: [{ to, action: 'failed', status: '5.1.1' }], type: 'multipart/mixed' });
    expect(await readDeliveryReport(raw)).toBeNull();
    expect(await readDeliveryReport('From: a@example.com\r\nTo: b@example.com\r\nSubject: out of office\r\n\r\nI am away.')).toBeNull();
  });
});

describe('a bounce reported later', () => {
  it('suppresses a permanent failure (Action: failed, 5.x.x) of the address its return-path tag was made for', async () => {
    const to = 'gone@example.com';
    const { suppressed, deps } = collector();
    const result = await receiveBounce(deps, dsn({ returnPath: verpSender(BOUNCES, SECRET, to), recipients: [{ to, action: 'failed', status: '5.1.1', diagnostic: '550 5.1.1 <gone@example.com>: User unknown' }] }));
    expect(result).toMatchObject({ report: true, suppressed: [to], ignored: [] });
    expect(suppressed).toHaveLength(1);
    expect(suppressed[0]!.reason).toBe('Bounced after it was sent: 5.1.1 (smtp; 550 5.1.1 <gone@example.com>: User unknown), reported by dns; mx.example.net');
  });

  it('changes nothing for a delay or a transient failure (4.x.x)', async () => {
    const to = 'slow@example.com';
    const { suppressed, deps } = collector();
    for (const r of [{ action: 'delayed', status: '4.4.1' }, { action: 'failed', status: '4.2.2' }, { action: 'delivered', status: '2.0.0' }]) {
      const result = await receiveBounce(deps, dsn({ returnPath: verpSender(BOUNCES, SECRET, to), recipients: [{ to, ...r }] }));
      expect(result.suppressed).toEqual([]);
      expect(result.ignored).toEqual([{ recipient: to, action: r.action, status: r.status, why: 'not a permanent failure' }]);
    }
    expect(suppressed).toEqual([]);
  });

  it('changes nothing for a report about an address the tag was not made for, or without a tag', async () => {
    const { suppressed, deps } = collector();
    // Someone who got our mail (and so knows their own tag) reports another person's address.
    const forged = await receiveBounce(deps, dsn({ returnPath: verpSender(BOUNCES, SECRET, 'me@example.com'), recipients: [{ to: 'victim@example.com', action: 'failed', status: '5.1.1' }] }));
    expect(forged.ignored[0]!.why).toBe('the return-path tag is not for this address');
    const untagged = await receiveBounce(deps, dsn({ returnPath: BOUNCES, recipients: [{ to: 'victim@example.com', action: 'failed', status: '5.1.1' }] }));
    expect(untagged.ignored[0]!.why).toBe('not addressed to a tagged bounce address');
    // A tag under another key (another deployment's secret) is no tag of ours.
    const otherKey = await receiveBounce(deps, dsn({ returnPath: verpSender(BOUNCES, 'another-secret-entirely-0123456789', 'victim@example.com'), recipients: [{ to: 'victim@example.com', action: 'failed', status: '5.1.1' }] }));
    expect(otherKey.suppressed).toEqual([]);
    expect(suppressed).toEqual([]);
  });

  it('takes the tag from the envelope the provider names when the headers do not carry it', async () => {
    const to = 'gone@example.com';
    const { deps } = collector();
    const raw = dsn({ returnPath: 'someone-else@example.org', recipients: [{ to, action: 'failed', status: '5.2.1' }] });
    expect((await receiveBounce(deps, raw)).suppressed).toEqual([]);
    expect((await receiveBounce(deps, raw, [verpSender(BOUNCES, SECRET, to)])).suppressed).toEqual([to]);
  });
});

/**
 * A free-text notice as qmail writes it (QSBMF, https://cr.yp.to/proto/qsbmf.txt §1's example, with our message as the
 * copy below the break paragraph), to the VERP sender of a mail to `to`.
 */
function qmailNotice(to: string, explanation: string, copy = 'Total: 550.00 USD, 450 items\n') {
  return [
    'From: MAILER-DAEMON@mx.example.net',
    `To: ${verpSender(BOUNCES, SECRET, to)}`,
    'Subject: failure notice',
    '',
    'Hi. This is the qmail-send program at mx.example.net.',
    "I'm afraid I wasn't able to deliver your message to the following addresses.",
    "This is a permanent error; I've given up. Sorry it didn't work out.",
    '',
    `<${to}>:`,
    explanation,
    '',
    '--- Below this line is a copy of the message.',
    '',
    `Return-Path: <${verpSender(BOUNCES, SECRET, to)}>`,
    `To: ${to}`,
    'Subject: [Ledgerbridge] Daily digest',
    '',
    copy,
  ].join('\n');
}

describe('a bounce without a delivery report (free text)', () => {
  it('suppresses the tagged address when every quoted code is permanent: RFC 3463 5.x.x, or an SMTP 5xx a server said', async () => {
    const { suppressed, deps } = collector();
    const to = 'gone@example.com';
    const result = await receiveBounce(deps, qmailNotice(to, 'Sorry, no mailbox here by that name. (#5.1.1)'));
    expect(result).toMatchObject({ report: false, suppressed: [to], text: { recipient: to, verdict: 'permanent', codes: ['5.1.1'], outcome: 'suppressed' } });
    expect(suppressed[0]!.reason).toBe('Bounced after it was sent: 5.1.1 (Sorry, no mailbox here by that name. (#5.1.1)), in a notice without a delivery report');
    const smtp = await receiveBounce(collector().deps, qmailNotice('old@example.com', 'Remote host said: 550 Requested action not taken: mailbox unavailable'));
    expect(smtp).toMatchObject({ suppressed: ['old@example.com'], text: { verdict: 'permanent', codes: ['550'] } });
  });

  it('changes nothing for a temporary failure (4.x.x, 4xx), e.g. qmail giving up after its queue lifetime', async () => {
    const { suppressed, undetermined, deps } = collector();
    const result = await receiveBounce(deps, qmailNotice('slow@example.com', "Connection to mx.example.org timed out. I'm not going to try again; this message has been in the queue too long. (#4.4.1)"));
    expect(result).toMatchObject({ report: false, suppressed: [], text: { verdict: 'temporary', outcome: 'ignored' } });
    expect(suppressed).toEqual([]);
    expect(undetermined).toEqual([]);
  });

  it('records an undetermined bounce (no code, or codes of both kinds) and stops mail only at the second; the copy of our message is never read for codes', async () => {
    const { suppressed, undetermined, deps } = collector();
    const to = 'maybe@example.com';
    const first = await receiveBounce(deps, qmailNotice(to, 'The mail server refused it.'));
    expect(first).toMatchObject({ suppressed: [], undetermined: [to], text: { verdict: 'undetermined', codes: [], outcome: 'recorded' } });
    expect(suppressed).toEqual([]);
    const second = await receiveBounce(deps, qmailNotice(to, 'Remote host said: 452 4.2.2 over quota; then 550 5.2.2 mailbox full'));
    expect(second).toMatchObject({ suppressed: [to], text: { verdict: 'undetermined', outcome: 'suppressed' } });
    expect(undetermined).toHaveLength(2);
  });

  it('finds the recipient among the known addresses when the notice names none, and ignores what is not a non-delivery notice or not tagged', async () => {
    const to = 'unnamed@example.com';
    const { deps, suppressed } = collector(['someone@example.com', to]);
    const exim = [
      'From: Mail Delivery System <Mailer-Daemon@mx.example.net>',
      `To: ${verpSender(BOUNCES, SECRET, to)}`,
      'Subject: Mail delivery failed: returning message to sender',
      'Auto-Submitted: auto-replied',
      '',
      'This message was created automatically by mail delivery software.',
      '',
      'A message that you sent could not be delivered to one or more of its recipients.',
      '    SMTP error from remote mail server after RCPT TO:',
      '    550 5.1.1 User unknown',
    ].join('\n');
    expect(await receiveBounce(deps, exim)).toMatchObject({ suppressed: [to], text: { recipient: to, verdict: 'permanent', codes: ['5.1.1', '550'] } });
    // An out-of-office reply to the tagged sender (RFC 3834 §4 sends it there) is not a bounce.
    const away = `From: ${to}\nTo: ${verpSender(BOUNCES, SECRET, to)}\nSubject: Out of office\nAuto-Submitted: auto-replied\n\nAway until Monday; 550 reasons.\n`;
    expect(await receiveBounce(deps, away)).toEqual({ report: false, suppressed: [], ignored: [] });
    // Untagged: not about a mail of ours.
    expect(await receiveBounce(deps, qmailNotice(to, '(#5.1.1)').replace(/^To: .*$/m, `To: ${BOUNCES}`))).toEqual({ report: false, suppressed: [], ignored: [] });
    // A tag for no address mail is sent to.
    expect(await receiveBounce(collector().deps, exim)).toMatchObject({ suppressed: [], text: { recipient: null, outcome: 'ignored' } });
    expect(suppressed).toHaveLength(1);
  });
});
