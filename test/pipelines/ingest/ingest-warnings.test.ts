/** Warnings and the stop rule of an ingest (pipelines/ingest/ingest-warnings.ts), on hand-made counts. */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../config/load.js';
import { InputError } from '../../../pipelines/errors.js';
import { checkRejectedShare, ingestWarnings } from '../../../pipelines/ingest/ingest-warnings.js';

const v = parseConfig({}).validation;
const noDup = { policy: 'drop' as const, lines: 0, units: 0, shareOfUnits: 0 };

describe('ingestWarnings', () => {
  it('nothing at or under 5% rejected and 1% of units in repeats', () => {
    expect(ingestWarnings({ rows: { read: 100, accepted: 95, rejected: 5 }, issueCounts: { bad_date: 5 }, duplicateLines: { ...noDup, lines: 1, units: 1, shareOfUnits: 0.01 } }, v)).toEqual([]);
  });

  it('over 5% rejected: the share and the top three reasons, most frequent first', () => {
    const w = ingestWarnings({ rows: { read: 1000, accepted: 900, rejected: 100 }, issueCounts: { bad_date: 10, non_product: 60, missing_sku: 20, future_date: 5, return: 400, duplicate_row: 10 }, duplicateLines: noDup }, v);
    expect(w).toHaveLength(1);
    expect(w[0].code).toBe('rejected_share');
    expect(w[0].message).toContain('10.0% of the rows were rejected (100 of 1,000)');
    // flags (return) are not reasons; ties by name
    expect(w[0].message).toContain('top reasons non_product 60 rows, missing_sku 20 rows, bad_date 10 rows;');
  });

  it('the threshold is a setting', () => {
    const strict = parseConfig({ validation: { warnRejectedShare: 0.01 } }).validation;
    expect(ingestWarnings({ rows: { read: 100, accepted: 98, rejected: 2 }, issueCounts: { bad_date: 2 }, duplicateLines: noDup }, strict)).toHaveLength(1);
  });

  it('repeated lines over 1% of units, dropped or kept', () => {
    const drop = ingestWarnings({ rows: { read: 10, accepted: 10, rejected: 0 }, issueCounts: {}, duplicateLines: { policy: 'drop', lines: 3, units: 4, shareOfUnits: 0.02 } }, v);
    expect(drop.map((x) => x.code)).toEqual(['duplicate_units']);
    expect(drop[0].message).toMatch(/^4 units \(2\.0% of the units read\) in 3 lines were dropped/);
    const flag = ingestWarnings({ rows: { read: 10, accepted: 10, rejected: 0 }, issueCounts: {}, duplicateLines: { policy: 'flag', lines: 3, units: 4, shareOfUnits: 0.02 } }, v);
    expect(flag[0].message).toContain('were kept although they repeat earlier lines');
  });

  it('numbers such as 1.200 read with a decimal point where a point may group thousands', () => {
    const w = ingestWarnings({ rows: { read: 10, accepted: 10, rejected: 0 }, issueCounts: {}, duplicateLines: noDup, pointGroupedAsDecimal: { cells: 3, example: '1.200' } }, v);
    expect(w.map((x) => x.code)).toEqual(['ambiguous_numbers']);
    expect(w[0].message).toMatch(/^3 quantity or price cells such as "1\.200" were read with a decimal point \(as 1\.2\), .*\(1\.200 = 1200\)/);
  });

  it('price cells that are not numbers: their count, the first, and how to write them', () => {
    const w = ingestWarnings({ rows: { read: 10, accepted: 10, rejected: 0 }, issueCounts: { missing_price: 10 }, duplicateLines: noDup, unreadablePrice: { cells: 1200, example: '1,99' } }, v);
    expect(w.map((x) => x.code)).toEqual(['unreadable_price']);
    expect(w[0].message).toMatch(/^1,200 price cells such as "1,99" are not numbers, so their rows have no price .* a decimal comma \(1,99\) is read in a file separated by semicolons or tabs/);
  });

  it('slashed dates read day first because none told the order', () => {
    const w = ingestWarnings({ rows: { read: 10, accepted: 10, rejected: 0 }, issueCounts: {}, duplicateLines: noDup, ambiguousDateOrder: { example: '11/01/2026' } }, v);
    expect(w.map((x) => x.code)).toEqual(['ambiguous_date_order']);
    expect(w[0].message).toMatch(/^dates such as "11\/01\/2026" could be day\/month or month\/day, .* read day first \(11 January 2026\); .*"dateOrder": "mdy"/);
  });

  it('rows without a store in a file that has a store column: a phantom store', () => {
    const w = ingestWarnings({ rows: { read: 180, accepted: 180, rejected: 0 }, issueCounts: { missing_store: 9 }, duplicateLines: noDup }, v);
    expect(w.map((x) => x.code)).toEqual(['missing_store']);
    expect(w[0].message).toMatch(/^9 rows have an empty store cell although the file has a store column: they are forecast as series of no store .*, and the stores that sold them miss those sales/);
  });
});

describe('checkRejectedShare', () => {
  it('stops over half of the rows rejected, not at half, not with acceptRejects', () => {
    const counts = (rejected: number) => ({ rows: { read: 10, accepted: 10 - rejected, rejected }, issueCounts: { bad_quantity: rejected } });
    expect(() => checkRejectedShare(counts(5), v)).not.toThrow();
    expect(() => checkRejectedShare(counts(6), v)).toThrow(InputError);
    expect(() => checkRejectedShare(counts(6), v)).toThrow(/60\.0% of the rows were rejected \(6 of 10\): top reasons bad_quantity 6 rows/);
    expect(() => checkRejectedShare(counts(6), parseConfig({ validation: { acceptRejects: true } }).validation)).not.toThrow();
    expect(() => checkRejectedShare({ rows: { read: 0, accepted: 0, rejected: 0 }, issueCounts: {} }, v)).not.toThrow();
  });
});
