/**
 * Sending one email over SMTP with nodemailer (it builds the MIME). One message per recipient, so each carries its
 * own unsubscribe link and a refused address is known for what it is. The server refusing the address at send
 * (a permanent 5xx reply to RCPT TO or DATA, RFC 5321 §4.2.1) is a bounce: an outcome, not an error. A 4xx reply or
 * a server that cannot be reached is transient: it throws, and the job retries. A bounce after the server took the
 * message comes back later as a delivery status notification to the envelope sender (bounces.ts).
 */
import nodemailer from 'nodemailer';
import { TransientFailure } from '@/lib/errors';
import { verpSender } from './verp';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** The signed one-click unsubscribe URL (List-Unsubscribe, RFC 2369; List-Unsubscribe-Post, RFC 8058). */
  unsubscribeUrl: string;
}

export type SendOutcome = { ok: true } | { ok: false; kind: 'refused'; reason: string };

export interface Mailer {
  send(mail: OutgoingMail): Promise<SendOutcome>;
  close(): void;
}

interface SmtpError extends Error {
  responseCode?: number;
  response?: string;
  code?: string;
}

/**
 * `bounces`: MAIL_BOUNCE_ADDRESS and the VERP key (SESSION_SECRET). With it each message's envelope sender (MAIL FROM,
 * the Return-Path the receiving server records and sends delivery status notifications to) is the bounce address
 * tagged for the recipient (verp.ts); without it nodemailer uses the From's address.
 */
export function createSmtpMailer({ smtpUrl, from, bounces }: { smtpUrl: string; from: string; bounces?: { address: string; secret: string } | null }): Mailer {
  const transport = nodemailer.createTransport(smtpUrl);
  return {
    async send(mail) {
      try {
        await transport.sendMail({
          from,
          ...(bounces ? { envelope: { from: verpSender(bounces.address, bounces.secret, mail.to), to: mail.to } } : {}),
          to: mail.to,
          subject: mail.subject,
          text: mail.text,
          html: mail.html,
          headers: {
            // RFC 8058 §3.1: both headers, the URI an https (here: the app's) one; the POST body the receiver sends is
            // "List-Unsubscribe=One-Click".
            'List-Unsubscribe': `<${mail.unsubscribeUrl}>`,
            'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
            'Auto-Submitted': 'auto-generated',
          },
        });
        return { ok: true };
      } catch (error) {
        const e = error as SmtpError;
        if (typeof e.responseCode === 'number' && e.responseCode >= 500 && e.responseCode < 600) {
          return { ok: false, kind: 'refused', reason: (e.response ?? e.message).slice(0, 300) };
        }
        throw new TransientFailure(`The mail server did not take the message: ${e.message}`);
      }
    },
    close: () => transport.close(),
  };
}
