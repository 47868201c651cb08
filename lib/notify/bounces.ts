/**
 * Bounces that come back later, as delivery status notifications (RFC 3464) to the VERP envelope sender (verp.ts):
 * each recipient the report says failed permanently (Action: failed, Status 5.x.x) is suppressed, no more mail to it,
 * with the report's status and the remote server's words as the reason the app shows. A delay (Action: delayed, 4.x.x)
 * or any other action changes nothing. Only an address the report's return-path tag was made for is suppressed: a
 * report that is not about a mail we sent to that address (no tag, another address's tag) changes nothing.
 */
import { isPermanentFailure, readDeliveryReport } from './dsn';
import { tagMatches, tagOf } from './verp';

export interface BounceDeps {
  suppress(email: string, reason: string): Promise<void>;
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
}

/**
 * Reads one received message. `envelopeTo`: the addresses the inbound route was told the message was delivered to
 * (a provider's envelope fields), beside the ones the message's own headers name.
 */
export async function receiveBounce(deps: BounceDeps, raw: Buffer | string, envelopeTo: readonly string[] = []): Promise<BounceResult> {
  const report = await readDeliveryReport(raw);
  if (!report) return { report: false, suppressed: [], ignored: [] };
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
