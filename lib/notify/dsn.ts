/**
 * Reading a delivery status notification (RFC 3464): a `multipart/report; report-type=delivery-status` message whose
 * `message/delivery-status` part holds one group of per-message fields and one group per recipient (Final-Recipient,
 * Action, Status, Diagnostic-Code, …). mailparser parses the MIME (`keepDeliveryStatus` hands the part over as it
 * is); only the fields of that part are read here: RFC 3464 §2.1 gives them the syntax of header fields (folded
 * lines), groups separated by a blank line. No well-kept npm library parses DSNs (email-bounce-parser is a guesser
 * of free-text bounces with ~1k downloads a week; haraka-dsn builds status codes, it does not read them).
 * `message/global-delivery-status` (RFC 6533, internationalised addresses) is read the same way.
 */
import { simpleParser, type AddressObject } from 'mailparser';

export interface DsnRecipient {
  /** Original-Recipient (RFC 3464 §2.3.1): the address as we sent it, when the reporting MTA kept it. */
  originalRecipient: string | null;
  /** Final-Recipient (§2.3.2): the address the delivery was attempted to. */
  finalRecipient: string | null;
  /** Action (§2.3.3): failed, delayed, delivered, relayed or expanded. */
  action: string;
  /** Status (§2.3.4, RFC 3463): class.subject.detail, e.g. 5.1.1. */
  status: string;
  /** Diagnostic-Code (§2.3.6): the remote server's own reply, e.g. `smtp; 550 5.1.1 user unknown`. */
  diagnostic: string | null;
}

export interface DeliveryReport {
  reportingMta: string | null;
  recipients: DsnRecipient[];
  /** The addresses the report itself was delivered to (To, Delivered-To, X-Original-To, Envelope-To headers). */
  addressedTo: string[];
}

/** A permanent failure: Action failed with a 5.x.x Status (RFC 3463 §3.1: "Permanent Failure"). */
export const isPermanentFailure = (r: DsnRecipient) => r.action === 'failed' && /^5\.\d{1,3}\.\d{1,3}$/.test(r.status);

const DELIVERY_STATUS_TYPES = new Set(['message/delivery-status', 'message/global-delivery-status']);
const ADDRESS = /[^\s<>,;:"()]+@[^\s<>,;:"()]+/g;

/** One group of fields: folded lines joined (RFC 5322 §2.2.3), names lowercased; the first occurrence of a name wins. */
function fieldsOf(group: string): Map<string, string> {
  const fields = new Map<string, string>();
  const unfolded = group.replace(/\n[ \t]+/g, ' ');
  for (const line of unfolded.split('\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!fields.has(name)) fields.set(name, line.slice(colon + 1).trim());
  }
  return fields;
}

/** `rfc822; user@example.com` (or `utf-8; …`, RFC 6533) → the address; another address type is not an email. */
function addressOf(value: string | undefined): string | null {
  if (!value) return null;
  const semi = value.indexOf(';');
  if (semi < 0) return null;
  const type = value.slice(0, semi).trim().toLowerCase();
  if (type !== 'rfc822' && type !== 'utf-8') return null;
  const address = value.slice(semi + 1).trim().replace(/^<|>$/g, '');
  return /^[^\s@]+@[^\s@]+$/.test(address) ? address : null;
}

/** The delivery-status part's text as its groups: the per-message fields, then one per recipient. */
export function parseDeliveryStatus(text: string): { reportingMta: string | null; recipients: DsnRecipient[] } {
  const groups = text
    .replace(/\r\n?/g, '\n')
    .split(/\n[ \t]*\n/)
    .map((g) => g.trim())
    .filter(Boolean)
    .map(fieldsOf);
  const [perMessage, ...perRecipient] = groups;
  const reportingMta = perMessage?.get('reporting-mta') ?? null;
  const recipients = perRecipient
    .filter((f) => f.has('final-recipient') && f.has('action') && f.has('status'))
    .map((f) => ({
      originalRecipient: addressOf(f.get('original-recipient')),
      finalRecipient: addressOf(f.get('final-recipient')),
      action: (f.get('action') ?? '').toLowerCase().split(/[\s(]/)[0]!,
      status: /^\s*(\d\.\d{1,3}\.\d{1,3})/.exec(f.get('status') ?? '')?.[1] ?? '',
      diagnostic: f.get('diagnostic-code')?.slice(0, 300) ?? null,
    }));
  return { reportingMta, recipients };
}

const addressesIn = (value: AddressObject | AddressObject[] | undefined) =>
  (Array.isArray(value) ? value : value ? [value] : []).flatMap((a) => a.value.map((v) => v.address ?? '')).filter(Boolean);

/** The report in a raw message, or null when the message is not an RFC 3464 delivery status notification. */
export async function readDeliveryReport(raw: Buffer | string): Promise<DeliveryReport | null> {
  const parsed = await simpleParser(raw, { keepDeliveryStatus: true, skipHtmlToText: true, skipTextToHtml: true, skipTextLinks: true, skipImageLinks: true });
  const type = parsed.headers.get('content-type') as { value?: string; params?: Record<string, string> } | undefined;
  if (type?.value?.toLowerCase() !== 'multipart/report' || type.params?.['report-type']?.toLowerCase() !== 'delivery-status') return null;
  const part = parsed.attachments.find((a) => DELIVERY_STATUS_TYPES.has(a.contentType.toLowerCase()));
  if (!part) return null;
  const report = parseDeliveryStatus(part.content.toString('utf8'));
  const envelopeHeaders = parsed.headerLines
    .filter((h) => ['delivered-to', 'x-original-to', 'envelope-to'].includes(h.key))
    .flatMap((h) => h.line.slice(h.line.indexOf(':') + 1).match(ADDRESS) ?? []);
  return { ...report, addressedTo: [...new Set([...addressesIn(parsed.to), ...envelopeHeaders])] };
}
