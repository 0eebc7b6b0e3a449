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
  it('refuses NaN and infinity so they never reach a file', () => {
    expect(() => numberCell(NaN)).toThrow(/finite/);
    expect(() => numberCell(Infinity)).toThrow(/finite/);
    expect(optionalNumberCell(null)).toBe('');
  });
  it('ends lines with CRLF', () => {
    expect(csvLine(['a', 'b'])).toBe('a,b\r\n');
  });
});
