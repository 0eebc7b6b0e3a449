import { describe, expect, it } from 'vitest';
import { orderQuantity } from '../../../pipelines/replenish/order-quantity.js';

describe('orderQuantity (hand-computed)', () => {
  it('orders nothing at or above the order-up-to level', () => {
    expect(orderQuantity(46, 45.5, 12, 30)).toBe(0);
    expect(orderQuantity(45.5, 45.5)).toBe(0);
  });
  it('rounds up to whole packs', () => {
    // 45.5 - 20 = 25.5 -> 3 packs of 12
    expect(orderQuantity(20, 45.5, 12, 0)).toBe(36);
    // exactly 2 packs needed: no third pack from rounding noise
    expect(orderQuantity(21, 45, 12, 0)).toBe(24);
    expect(orderQuantity(0.1 + 0.2, 24.3, 12, 0)).toBe(24);
    // pack 1: whole units
    expect(orderQuantity(3, 10.2)).toBe(8);
  });
  it('orders at least the minimum, in whole packs', () => {
    // 5.5 needed, MOQ 30 -> 30 rounded up to packs of 12 = 36
    expect(orderQuantity(40, 45.5, 12, 30)).toBe(36);
    // MOQ 24 is a multiple of the pack
    expect(orderQuantity(40, 45.5, 12, 24)).toBe(24);
    // need above the MOQ: the need rules
    expect(orderQuantity(0, 45.5, 1, 10)).toBe(46);
  });
  it('checks the pack and the minimum', () => {
    expect(() => orderQuantity(0, 10, 0)).toThrow(/pack size/);
    expect(() => orderQuantity(0, 10, 2.5)).toThrow(/pack size/);
    expect(() => orderQuantity(0, 10, 1, -1)).toThrow(/minimum/);
  });
});
