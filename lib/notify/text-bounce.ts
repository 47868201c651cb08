/**
 * Bounces without a delivery-status part (no RFC 3464 report): the free-text notices older MTAs send, such as qmail's
 * (QSBMF, "Hi. This is the qmail-send program at … I'm afraid I wasn't able to deliver your message to the following
 * addresses."), Exim's and Postfix's without DSN support. VERP already says whom a message to `bounces+<tag>@…` is
 * about (verp.ts), so such a notice needs no recipient parsing, only two answers, each decided conservatively from
 * documented texts:
 *
 * 1. Is it a notice of non-delivery at all? A message to the envelope sender may be an auto-reply (RFC 3834 §4 sends
 *    those to the Return-Path too: an out-of-office is not a bounce). It counts as one when the notice says so by a
 *    documented mark: the body of a QSBMF notice "begins with the characters 'Hi. This is the'" (QSBMF §2,
 *    https://cr.yp.to/proto/qsbmf.txt), it comes from the mailer daemon or postmaster (RFC 5321 §4.5.5 sends
 *    non-delivery notices from the null reverse-path, which MTAs name MAILER-DAEMON; RFC 5321 §4.5.1 postmaster), or
 *    its subject is one the common MTAs use ("failure notice": qmail, QSBMF §1; "Undelivered Mail Returned to Sender":
 *    Postfix bounce(8); "Mail delivery failed": Exim's default bounce; "Delivery Status Notification (Failure)",
 *    "Undeliverable:", "Returned mail:": Gmail, Exchange, sendmail).
 * 2. Permanent or temporary? Only from codes the notice quotes, above the copy of our message (a mail of ours names
 *    amounts that could look like codes): RFC 3463 enhanced status codes (§3.1: class 5 "Permanent Failure", 4
 *    "Persistent Transient Failure"; QSBMF quotes them as "(#5.1.1)") and SMTP replies the remote server gave (RFC 5321
 *    §4.2.1: a first digit 5 is a permanent negative completion, 4 a transient one), in a paragraph that says it quotes
 *    a server (`said`, `SMTP`, `RCPT`, `host`, …). All codes of class 5: permanent. All of class 4: temporary (a delay
 *    warning, or qmail giving up after its queue lifetime on a 4.x.x: the address itself may be fine). Mixed, or none:
 *    undetermined. qmail's "This is a permanent error; I've given up." is not read alone: qmail says it after a
 *    transient failure outlived its queue lifetime too (QSBMF §1 example; qmail-send(8) queuelifetime).
 */
import { simpleParser } from 'mailparser';

export type TextBounceVerdict = 'permanent' | 'temporary' | 'undetermined';

export interface TextBounce {
  verdict: TextBounceVerdict;
  /** The codes that decided it, as quoted (`5.1.1`, `550`), and the notice's first explanatory line. */
  codes: string[];
  explanation: string | null;
  /** Every address the message names (recipient candidates, checked against the VERP tag by the caller). */
  addresses: string[];
}

const ADDRESS = /[^\s<>,;:"()[\]]+@[^\s<>,;:"()[\]]+\.[A-Za-z]{2,}/g;

/** Subjects of non-delivery notices (see above); matched at the start, case-insensitively. */
const FAILURE_SUBJECTS = [
  /^failure notice\b/i,
  /^undelivered mail returned to sender\b/i,
  /^mail delivery failed\b/i,
  /^delivery status notification \((failure|delay)\)/i,
  /^undeliverable:/i,
  /^undelivered mail\b/i,
  /^returned mail:/i,
  /^delivery failure\b/i,
  /^warning: message .* delayed\b/i,
  /^delayed mail \(still being retried\)/i,
];

/** The mailer daemon's and postmaster's own addresses (RFC 5321 §4.5.1, §4.5.5). */
const DAEMON = /^(mailer-daemon|postmaster)@/i;

/**
 * Where the notice stops and the copy of the message begins: QSBMF's break paragraph ("--- Below this line is a copy
 * of the message."), Exim's "------ This is a copy of the message, including all the headers. ------", Postfix's and
 * others' "original message" markers, or the copy's own header lines. What follows is ours, not the server's.
 */
const COPY_BEGINS = [
  /^-{2,}.*\b(copy of the message|original message|message headers|returned message)\b/im,
  /^-{2,}\s*(below this line|this is a copy)/im,
  /^(return-path|received|message-id|dkim-signature):/im,
];

const ENHANCED = /(?<![\w.])([245])\.([0-7])\.(\d{1,3})(?![\w]|\.\d)/g;
const SMTP_REPLY = /(?<![\w.#$€£-])([45])([0-5])(\d)(?=[ -]\S|$)/gm;
const QUOTES_A_SERVER = /\b(said|smtp|esmtp|rcpt|mail from|data|reply|replied|response|responded|host|server|remote|error)\b/i;

/** The notice's own text, before the copy of the message. */
export function noticeText(text: string): string {
  let end = text.length;
  for (const marker of COPY_BEGINS) {
    const m = marker.exec(text);
    if (m && m.index < end) end = m.index;
  }
  // Lines quoted from our message (`> …`) are ours too.
  return text.slice(0, end).split(/\r?\n/).filter((l) => !/^\s*>/.test(l)).join('\n');
}

/** The codes quoted in a notice, by class: RFC 3463 enhanced codes anywhere in it, SMTP replies in paragraphs quoting a server. */
export function quotedCodes(notice: string): { codes: string[]; classes: Set<'4' | '5'> } {
  const codes: string[] = [];
  const classes = new Set<'4' | '5'>();
  for (const m of notice.matchAll(ENHANCED)) {
    if (m[1] === '2') continue; // success (RFC 3463 §3.1): says nothing of a failure
    codes.push(m[0]);
    classes.add(m[1] as '4' | '5');
  }
  // By paragraph: Exim puts the server's reply on the line after "SMTP error from remote mail server after RCPT TO:".
  for (const paragraph of notice.split(/\n[ \t]*\n/)) {
    if (!QUOTES_A_SERVER.test(paragraph)) continue;
    for (const m of paragraph.matchAll(SMTP_REPLY)) {
      codes.push(m[0]);
      classes.add(m[1] as '4' | '5');
    }
  }
  return { codes: [...new Set(codes)], classes };
}

export function verdictOf(classes: ReadonlySet<'4' | '5'>): TextBounceVerdict {
  if (classes.size !== 1) return 'undetermined';
  return classes.has('5') ? 'permanent' : 'temporary';
}

/** The free-text notice in a raw message, or null when the message is not a notice of non-delivery (an auto-reply, a person). */
export async function readTextBounce(raw: Buffer | string): Promise<TextBounce | null> {
  const parsed = await simpleParser(raw, { skipHtmlToText: false, skipTextToHtml: true, skipTextLinks: true, skipImageLinks: true });
  const text = (parsed.text ?? '').replace(/\r\n?/g, '\n');
  const from = parsed.from?.value.map((v) => v.address ?? '') ?? [];
  const subject = (parsed.subject ?? '').trim();
  const qsbmf = text.trimStart().startsWith('Hi. This is the');
  const daemon = from.some((a) => DAEMON.test(a));
  if (!qsbmf && !daemon && !FAILURE_SUBJECTS.some((s) => s.test(subject))) return null;
  const notice = noticeText(text);
  const { codes, classes } = quotedCodes(notice);
  const lines = notice.split('\n').map((l) => l.trim());
  // The server's words: the line quoting a code, else (QSBMF §2) the text of the first recipient paragraph ("<address>:").
  const recipientLine = lines.findIndex((l) => /^<[^<>\s]+@[^<>\s]+>:?/.test(l));
  const explanation = lines.find((l) => l.length > 0 && codes.some((c) => l.includes(c)))
    ?? (recipientLine >= 0 ? lines.slice(recipientLine).join(' ').replace(/^<[^>]*>:?\s*/, '').split(/\s{2,}/)[0]!.trim() || null : null);
  const rawText = typeof raw === 'string' ? raw : raw.toString('utf8');
  return { verdict: verdictOf(classes), codes, explanation: explanation ? explanation.slice(0, 300) : null, addresses: [...new Set(rawText.match(ADDRESS) ?? [])] };
}
