// Xero's `where` language as integrations write it.
import { describe, expect, it } from 'vitest';
import { parseOrder, parseWhere, WhereError } from './where';
import { dec } from './wire';
import Big from 'big.js';

const rows = [
  { Name: 'Jane Doe', EmailAddress: 'Jane@Example.com', IsCustomer: true, Total: dec(new Big('115.00')), Date: '/Date(1709251200000+0000)/', Contact: { ContactID: 'AB12' } },
  { Name: 'John Roe', EmailAddress: null, IsCustomer: false, Total: dec(new Big('20.5')), Date: '/Date(1711929600000+0000)/', Contact: { ContactID: 'cd34' } },
];
const names = (expr: string) => rows.filter(parseWhere(expr)).map((r) => r.Name);

describe('parseWhere', () => {
  it('compares strings case-insensitively and numbers as decimals', () => {
    expect(names('EmailAddress=="jane@example.com"')).toEqual(['Jane Doe']);
    expect(names('Total>=115')).toEqual(['Jane Doe']);
    expect(names('Total<115.00 && Total>20.49')).toEqual(['John Roe']);
    expect(names('Total!=20.50')).toEqual(['Jane Doe']);
  });
  it('supports OR, AND, NOT, parentheses, methods, Guid, DateTime, null and bare booleans', () => {
    expect(names('Name.Contains("roe") OR Name.StartsWith("JANE")')).toEqual(['Jane Doe', 'John Roe']);
    expect(names('(Name.EndsWith("doe") || IsCustomer==false) AND NOT Total>100')).toEqual(['John Roe']);
    expect(names('Contact.ContactID==Guid("ab12")')).toEqual(['Jane Doe']);
    expect(names('Date>=DateTime(2024,03,15)')).toEqual(['John Roe']);
    expect(names('EmailAddress==null')).toEqual(['John Roe']);
    expect(names('IsCustomer')).toEqual(['Jane Doe']);
  });
  it('rejects what it cannot parse', () => {
    expect(() => parseWhere('Name=="unterminated')).toThrow(WhereError);
    expect(() => parseWhere('Name== && Total')).toThrow(WhereError);
  });
  it('orders by one or more fields', () => {
    expect([...rows].sort(parseOrder('Total ASC')).map((r) => r.Name)).toEqual(['John Roe', 'Jane Doe']);
    expect([...rows].sort(parseOrder('Name DESC')).map((r) => r.Name)).toEqual(['John Roe', 'Jane Doe']);
  });
});
