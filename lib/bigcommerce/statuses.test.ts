import { describe, expect, it } from 'vitest';
import { statusNamed } from './statuses';

describe('statusNamed', () => {
  it('names a known status with its id, and an unknown one by id alone', () => {
    expect(statusNamed(9)).toBe('Awaiting Shipment (9)');
    expect(statusNamed(5)).toBe('Cancelled (5)');
    expect(statusNamed(0)).toBe('Incomplete (0)');
    expect(statusNamed(42)).toBe('status 42');
  });
});
