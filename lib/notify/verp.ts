/**
 * VERP (variable envelope return path): every email's envelope sender is the bounce mailbox with a tag naming the
 * recipient, `bounces+<tag>@mail.example.com`. Delivery status notifications go to the envelope sender (RFC 5321
 * §4.5.5; RFC 3464 §2), so a DSN that comes back addressed to a tag is known to be about a mail we sent to that
 * recipient. The tag is an HMAC of the lowercased recipient under a key derived from SESSION_SECRET (its own purpose
 * string): a DSN made up by someone who never received our mail cannot carry a valid tag for the address, so it cannot
 * stop mail to someone else. 16 hex characters keep the local part within RFC 5321's 64 (§4.5.3.1.1).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

const keyOf = (secret: string) => createHmac('sha256', secret).update('ledgerbridge/verp/v1').digest();

export function verpTag(secret: string, recipient: string): string {
  return createHmac('sha256', keyOf(secret)).update(recipient.trim().toLowerCase()).digest('hex').slice(0, 16);
}

/** The envelope sender for a mail to `recipient`: `local+tag@domain` of the bounce address. */
export function verpSender(bounceAddress: string, secret: string, recipient: string): string {
  const at = bounceAddress.lastIndexOf('@');
  return `${bounceAddress.slice(0, at)}+${verpTag(secret, recipient)}@${bounceAddress.slice(at + 1)}`;
}

/** The tag of `address` when it is the bounce address with a tag (`local+tag@domain`, case-insensitive), else null. */
export function tagOf(bounceAddress: string, address: string): string | null {
  const at = bounceAddress.lastIndexOf('@');
  const local = bounceAddress.slice(0, at).toLowerCase();
  const domain = bounceAddress.slice(at + 1).toLowerCase();
  const match = /^([^@+\s]+)\+([0-9a-f]{16})@([^@\s]+)$/i.exec(address.trim());
  if (!match || match[1]!.toLowerCase() !== local || match[3]!.toLowerCase() !== domain) return null;
  return match[2]!.toLowerCase();
}

/** Whether `tag` is the one mail to `recipient` was sent with. */
export function tagMatches(secret: string, tag: string, recipient: string): boolean {
  const expected = Buffer.from(verpTag(secret, recipient));
  const given = Buffer.from(tag.toLowerCase());
  return expected.length === given.length && timingSafeEqual(expected, given);
}
