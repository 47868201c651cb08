import { describe, expect, it } from 'vitest';
import { receiveBounce } from './bounces';
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

function collector() {
  const suppressed: Array<{ email: string; reason: string }> = [];
  return { suppressed, deps: { secret: SECRET, bounceAddress: BOUNCES, suppress: async (email: string, reason: string) => void suppressed.push({ email, reason }) } };
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
