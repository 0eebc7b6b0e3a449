import { describe, expect, it } from 'vitest';
import { csvLine, neutraliseFormula, numberCell, optionalNumberCell, textCell } from '../../../pipelines/io/csv-format.js';

describe('neutraliseFormula (OWASP CSV injection)', () => {
  it('prefixes cells a spreadsheet would evaluate', () => {
    expect(neutraliseFormula('=SUM(A1:A9)')).toBe("'=SUM(A1:A9)");
    expect(neutraliseFormula('+cmd|/c calc')).toBe("'+cmd|/c calc");
    expect(neutraliseFormula('-2+3')).toBe("'-2+3");
    expect(neutraliseFormula('@SUM(1)')).toBe("'@SUM(1)");
    expect(neutraliseFormula('\t=1')).toBe("'\t=1");
  });
  it('leaves plain numbers and ordinary text alone', () => {
    expect(neutraliseFormula('-3')).toBe('-3');
    expect(neutraliseFormula('+1.5e3')).toBe('+1.5e3');
    expect(neutraliseFormula('WHITE HANGING HEART')).toBe('WHITE HANGING HEART');
    expect(neutraliseFormula('')).toBe('');
  });
});

describe('textCell (RFC 4180)', () => {
  it('quotes commas, quotes and line breaks, doubling inner quotes', () => {
    expect(textCell('a,b')).toBe('"a,b"');
    expect(textCell('say "hi"')).toBe('"say ""hi"""');
    expect(textCell('two\nlines')).toBe('"two\nlines"');
    expect(textCell('plain')).toBe('plain');
  });
  it('neutralises before quoting', () => {
    expect(textCell('=1,2')).toBe(`"'=1,2"`);
  });
});

describe('numberCell', () => {
  it('rounds without trailing zeros or negative zero', () => {
    expect(numberCell(1.23456, 3)).toBe('1.235');
    expect(numberCell(2, 3)).toBe('2');
    expect(numberCell(-0.00001, 3)).toBe('0');
  });
  it('writes a whole number as the rounding round trip would, to the last digit', () => {
    const roundTrip = (v: number, d: number) => {
      const r = Number(v.toFixed(d));
      return Object.is(r, -0) ? '0' : String(r);
    };
    const whole = [0, -0, 1, -1, 7, 1e6, -123456789, 2 ** 53 - 1, 2 ** 53 + 2, -(2 ** 60), 1e20, 1e21, 1.5e22, Number.MAX_VALUE];
    for (const v of whole) for (const d of [0, 2, 3, 4]) expect(numberCell(v, d)).toBe(roundTrip(v, d));
    expect(numberCell(-0, 3)).toBe('0');
    expect(numberCell(1e21, 3)).toBe('1e+21');
  });
  it('refuses NaN and infinity so they never reach a file', () => {
    expect(() => numberCell(NaN)).toThrow(/finite/);
    expect(() => numberCell(Infinity)).toThrow(/finite/);
    expect(optionalNumberCell(null)).toBe('');
  });
  it('ends lines with CRLF', () => {
    expect(csvLine(['a', 'b'])).toBe('a,b\r\n');
  });
});
