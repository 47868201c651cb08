import { describe, expect, it } from 'vitest';
import { xeroBooksStatus } from './books-status';

describe('what a Xero invoice says about its order', () => {
  it('reads paid, partly paid, voided, credited and open from Status, AmountPaid and AmountCredited', () => {
    expect(xeroBooksStatus({ Status: 'PAID', AmountPaid: '120.00', AmountCredited: '0.00' })).toBe('paid');
    expect(xeroBooksStatus({ Status: 'AUTHORISED', AmountPaid: '20.00', AmountCredited: '0.00' })).toBe('partlyPaid');
    expect(xeroBooksStatus({ Status: 'VOIDED', AmountPaid: '0.00' })).toBe('voided');
    expect(xeroBooksStatus({ Status: 'PAID', AmountPaid: '0.00', AmountCredited: '120.00' })).toBe('credited');
    expect(xeroBooksStatus({ Status: 'AUTHORISED', AmountPaid: '0.00', AmountCredited: '10.00' })).toBe('credited');
    expect(xeroBooksStatus({ Status: 'AUTHORISED', AmountPaid: '0.00', AmountCredited: '0.00' })).toBe('open');
    expect(xeroBooksStatus({ Status: 'DRAFT' })).toBe('open');
  });
});
