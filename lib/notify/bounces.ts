/**
 * Bounces that come back later, to the VERP envelope sender (verp.ts). Only an address the message's return-path tag
 * was made for is ever touched: a message that is not about a mail we sent to that address (no tag, another address's
 * tag) changes nothing.
 *
 * - A delivery status notification (RFC 3464, dsn.ts): each recipient the report says failed permanently (Action:
 *   failed, Status 5.x.x) is suppressed, no more mail to it, with the report's status and the remote server's words as
 *   the reason the app shows. A delay (Action: delayed, 4.x.x) or any other action changes nothing.
 * - A free-text notice of non-delivery (no delivery-status part: qmail, Exim, Postfix without DSN; text-bounce.ts): the
 *   tag names the recipient. Codes quoted in it that are all permanent (RFC 3463 5.x.x, SMTP 5xx) suppress the address
 *   as a DSN would; all temporary (4.x.x, 4xx) change nothing; a notice that says neither (no code, or both kinds) is an
 *   undetermined bounce: recorded and shown in the app, mail still sent; a second undetermined bounce of the address
 *   suppresses it.
 */
import { isPermanentFailure, readDeliveryReport } from './dsn';
import { readTextBounce } from './text-bounce';
import { tagMatches, tagOf } from './verp';

export interface BounceDeps {
  suppress(email: string, reason: string): Promise<void>;
  /**
   * An undetermined bounce of `email`: recorded (shown in the app, mail still sent) the first time; the second time the
   * address is suppressed with `reason`. Says which happened.
   */
  undeterminedBounce(email: string, reason: string): Promise<'recorded' | 'suppressed'>;
  /** The addresses mail is sent to (the stores' users), to find the one a tag names when the notice names none. */
  knownAddresses(): Promise<string[]>;
  /** SESSION_SECRET: the VERP tags' key. */
  secret: string;
  /** MAIL_BOUNCE_ADDRESS. */
  bounceAddress: string;
}

export interface BounceResult {
  /** Whether the message was a delivery status notification at all. */
  report: boolean;
  suppressed: string[];
  ignored: Array<{ recipient: string | null; action: string; status: string; why: string }>;
  /** A free-text notice of non-delivery (no delivery-status part) to a tagged address: what it was taken as. */
  text?: { recipient: string | null; verdict: 'permanent' | 'temporary' | 'undetermined'; codes: string[]; outcome: 'suppressed' | 'recorded' | 'ignored'; why?: string };
  /** Undetermined bounces recorded (mail still sent until a second one). */
  undetermined?: string[];
}

/**
 * Reads one received message. `envelopeTo`: the addresses the inbound route was told the message was delivered to
 * (a provider's envelope fields), beside the ones the message's own headers name.
 */
export async function receiveBounce(deps: BounceDeps, raw: Buffer | string, envelopeTo: readonly string[] = []): Promise<BounceResult> {
  const report = await readDeliveryReport(raw);
  if (!report) return receiveTextBounce(deps, raw, envelopeTo);
  const tags = [...envelopeTo, ...report.addressedTo].map((a) => tagOf(deps.bounceAddress, a)).filter((t): t is string => t !== null);
  const result: BounceResult = { report: true, suppressed: [], ignored: [] };
  for (const r of report.recipients) {
    const shown = r.originalRecipient ?? r.finalRecipient;
    if (!isPermanentFailure(r)) {
      result.ignored.push({ recipient: shown, action: r.action, status: r.status, why: 'not a permanent failure' });
      continue;
    }
    const address = [r.originalRecipient, r.finalRecipient].find((c): c is string => c !== null && tags.some((t) => tagMatches(deps.secret, t, c)));
    if (!address) {
      result.ignored.push({ recipient: shown, action: r.action, status: r.status, why: tags.length ? 'the return-path tag is not for this address' : 'not addressed to a tagged bounce address' });
      continue;
    }
    const reason = `Bounced after it was sent: ${r.status}${r.diagnostic ? ` (${r.diagnostic})` : ''}${report.reportingMta ? `, reported by ${report.reportingMta}` : ''}`;
    await deps.suppress(address, reason);
    result.suppressed.push(address.toLowerCase());
  }
  return result;
}

/** The envelope and header addresses a message was delivered to (the tagged bounce address among them, if any). */
async function addressedTo(raw: Buffer | string, envelopeTo: readonly string[]): Promise<string[]> {
  const text = typeof raw === 'string' ? raw : raw.toString('utf8');
  const head = text.split(/\r?\n\r?\n/, 1)[0] ?? '';
  const unfolded = head.replace(/\r?\n[ \t]+/g, ' ');
  const fromHeaders = unfolded
    .split(/\r?\n/)
    .filter((l) => /^(to|delivered-to|x-original-to|envelope-to|cc):/i.test(l))
    .flatMap((l) => l.match(/[^\s<>,;:"()]+@[^\s<>,;:"()]+/g) ?? []);
  return [...envelopeTo, ...fromHeaders];
}

async function receiveTextBounce(deps: BounceDeps, raw: Buffer | string, envelopeTo: readonly string[]): Promise<BounceResult> {
  const none: BounceResult = { report: false, suppressed: [], ignored: [] };
  const tags = [...new Set((await addressedTo(raw, envelopeTo)).map((a) => tagOf(deps.bounceAddress, a)).filter((t): t is string => t !== null))];
  // Only mail to a tagged bounce address can be about a mail of ours (and says to whom).
  if (tags.length !== 1) return none;
  const tag = tags[0]!;
  const notice = await readTextBounce(raw);
  if (!notice) return none;
  const named = notice.addresses.find((a) => tagMatches(deps.secret, tag, a));
  const recipient = named ?? (await deps.knownAddresses()).find((a) => tagMatches(deps.secret, tag, a)) ?? null;
  const text = { recipient: recipient?.toLowerCase() ?? null, verdict: notice.verdict, codes: notice.codes };
  if (!recipient) return { ...none, text: { ...text, outcome: 'ignored', why: 'the return-path tag is for no address mail is sent to' } };
  const words = notice.explanation ? ` (${notice.explanation})` : '';
  if (notice.verdict === 'temporary') return { ...none, text: { ...text, outcome: 'ignored', why: 'a temporary failure' } };
  if (notice.verdict === 'permanent') {
    await deps.suppress(recipient, `Bounced after it was sent: ${notice.codes.join(', ')}${words}, in a notice without a delivery report`);
    return { ...none, suppressed: [recipient.toLowerCase()], text: { ...text, outcome: 'suppressed' } };
  }
  const outcome = await deps.undeterminedBounce(
    recipient,
    `A mail came back and the notice did not say whether the address is gone for good${notice.codes.length ? ` (codes ${notice.codes.join(', ')})` : ''}${words}`,
  );
  return outcome === 'suppressed'
    ? { ...none, suppressed: [recipient.toLowerCase()], text: { ...text, outcome } }
    : { ...none, undetermined: [recipient.toLowerCase()], text: { ...text, outcome } };
}
