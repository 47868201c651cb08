import { describe, expect, it } from 'vitest';
import { noticeText, quotedCodes, verdictOf } from './text-bounce';

describe('codes quoted in a free-text bounce', () => {
  it('reads RFC 3463 enhanced codes anywhere, and SMTP replies only in a paragraph that quotes a server', () => {
    expect(quotedCodes('Sorry, no mailbox here by that name. (#5.1.1)').codes).toEqual(['5.1.1']);
    expect(quotedCodes('host mx.example.org[192.0.2.7] said: 550-5.1.1 The email account does not exist').codes).toEqual(['5.1.1', '550']);
    expect(quotedCodes('SMTP error from remote mail server after RCPT TO:\n    452 Mailbox full').codes).toEqual(['452']);
    // A number in a paragraph that quotes no server is not a reply.
    expect(quotedCodes('Your order of 550 mugs could not be delivered.').codes).toEqual([]);
  });

  it('takes no address, version or amount for a code', () => {
    const text = 'Relay 10.5.1.1 (Exim 4.96, dovecot 2.3.4) said: nothing; amounts 550.00 and 5.1.10.2; build 45.1.1';
    expect(quotedCodes(text).codes).toEqual([]);
    expect(quotedCodes('Status 2.0.0 delivered').codes).toEqual([]); // success (RFC 3463 §3.1): no failure
  });

  it('stops before the copy of our message and skips quoted lines', () => {
    const notice = noticeText('Remote host said: 550 no such user\n\n--- Below this line is a copy of the message.\n\nTotal 450.00, 4.4.1 items');
    expect(notice).not.toContain('4.4.1');
    expect(noticeText('Failed.\n> Order #550 total 5.0.0\nReturn-Path: <x@example.com>\n450 later').trim()).toBe('Failed.');
  });

  it('is permanent or temporary only when every code agrees', () => {
    expect(verdictOf(new Set(['5']))).toBe('permanent');
    expect(verdictOf(new Set(['4']))).toBe('temporary');
    expect(verdictOf(new Set(['4', '5']))).toBe('undetermined');
    expect(verdictOf(new Set())).toBe('undetermined');
  });
});
