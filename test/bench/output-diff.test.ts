import { describe, expect, it } from 'vitest';
import {
  RUN_SPECIFIC,
  blankCsvColumn,
  blankDurations,
  blankHtmlTableColumn,
  blankJsonKeys,
  blankJsonLinesKey,
  compareBytes,
  compareTexts,
  normaliserFor,
  withinTolerance,
} from '../../bench/output-diff.js';

describe('compareTexts', () => {
  it('finds identical texts identical', () => {
    expect(compareTexts('a,1\n', 'a,1\n')).toEqual({ status: 'identical' });
  });

  it('reports the largest absolute and relative number differences when only numbers differ', () => {
    const v = compareTexts('x,1.5,100\ny,0.001,7\n', 'x,1.5,100.5\ny,0.002,7\n');
    expect(v.status).toBe('numeric');
    if (v.status !== 'numeric') return;
    expect(v.numbers).toBe(4);
    expect(v.differing).toBe(2);
    expect(v.maxAbs).toMatchObject({ base: 100, head: 100.5, abs: 0.5, where: 'line 1' });
    expect(v.maxRel).toMatchObject({ base: 0.001, head: 0.002, rel: 0.5, where: 'line 2' });
  });

  it('treats a changed word, date, digest or run id as a text difference, with the first differing line', () => {
    expect(compareTexts('a\nmodel,ses\n', 'a\nmodel,naive\n')).toMatchObject({ status: 'differs', where: 'line 2', base: 'model,ses', head: 'model,naive' });
    expect(compareTexts('2016-03-27,5\n', '2016-03-28,5\n').status).toBe('differs');
    expect(compareTexts('"sha256":"ab12cd"', '"sha256":"ab13cd"').status).toBe('differs');
    expect(compareTexts('2016-03-27-571089c401af', '2016-03-27-571089c401ae').status).toBe('differs');
  });

  it('treats another count of numbers, or another spelling of the same number, as a text difference', () => {
    expect(compareTexts('1,2\n', '1,2,3\n').status).toBe('differs');
    expect(compareTexts('1.0\n', '1\n').status).toBe('differs');
  });

  it('reads negative numbers, exponents and numbers ending a sentence', () => {
    const v = compareTexts('a -2.5e-3 b 0.62.', 'a -2.6e-3 b 0.62.');
    expect(v).toMatchObject({ status: 'numeric', numbers: 2, differing: 1 });
  });
});

describe('withinTolerance', () => {
  it('accepts identical files and last-digit changes, not larger ones', () => {
    expect(withinTolerance({ status: 'identical' })).toBe(true);
    expect(withinTolerance(compareTexts('1.2345678901', '1.2345678902'))).toBe(true);
    expect(withinTolerance(compareTexts('12', '13'))).toBe(false);
    expect(withinTolerance(compareTexts('a', 'b'))).toBe(false);
    expect(withinTolerance({ status: 'only-base' })).toBe(false);
  });
});

describe('compareBytes', () => {
  it('names the first differing byte', () => {
    expect(compareBytes(Buffer.from([1, 2, 3]), Buffer.from([1, 2, 3]))).toEqual({ status: 'identical' });
    expect(compareBytes(Buffer.from([1, 2, 3]), Buffer.from([1, 9, 3]))).toMatchObject({ status: 'differs', where: 'byte 1' });
  });
});

describe('normalisers', () => {
  it('blank only the named run.json keys', () => {
    const a = JSON.stringify({ runId: 'r', startedAt: '2026-01-01T00:00:00Z', finishedAt: 'x', timingsMs: { a: 1 }, rows: { read: 3 } }, null, 2);
    const out = JSON.parse(normaliserFor('out/runs/r/run.json')(a)) as Record<string, unknown>;
    expect(out).toEqual({ runId: 'r', startedAt: RUN_SPECIFIC, finishedAt: RUN_SPECIFIC, timingsMs: RUN_SPECIFIC, rows: { read: 3 } });
    expect(blankJsonKeys('{"a":1}', ['b'])).toBe(JSON.stringify({ a: 1 }, null, 2));
  });

  it('blank recordedAt on every line of the run history', () => {
    const t = '{"runId":"a","recordedAt":"t1","rows":1}\n{"runId":"b","recordedAt":"t2"}\n';
    expect(blankJsonLinesKey(t, 'recordedAt')).toBe(`{"runId":"a","recordedAt":"${RUN_SPECIFIC}","rows":1}\n{"runId":"b","recordedAt":"${RUN_SPECIFIC}"}\n`);
  });

  it('blank the seconds column of the experiment CSV and HTML table, nothing else', () => {
    expect(blankCsvColumn('scenario,rmsse,seconds\r\nbase,0.61,0.8\r\n', 'seconds')).toBe(`scenario,rmsse,seconds\r\nbase,0.61,${RUN_SPECIFIC}\r\n`);
    const html =
      '<table><thead><tr><th scope="col">a</th><th scope="col">seconds</th></tr></thead><tbody><tr><td>1</td><td>0.8</td></tr><tr><td>2</td><td>0.3</td></tr></tbody></table>' +
      '<table><thead><tr><th scope="col">b</th></tr></thead><tbody><tr><td>0.8</td></tr></tbody></table>';
    expect(blankHtmlTableColumn(html, 'seconds')).toBe(html.replace('<td>0.8</td></tr><tr>', `<td>${RUN_SPECIFIC}</td></tr><tr>`).replace('<td>0.3</td>', `<td>${RUN_SPECIFIC}</td>`));
  });

  it('blank the progress durations of the impact command only', () => {
    expect(blankDurations('  baseline raw: RMSSE 0.6133 (0.8 s)\n  done in 6.9 s\n')).toBe(`  baseline raw: RMSSE 0.6133 (${RUN_SPECIFIC} s)\n  done in ${RUN_SPECIFIC} s\n`);
    expect(normaliserFor('logs/impact.stderr')('(1.5 s)')).toBe(`(${RUN_SPECIFIC} s)`);
    expect(normaliserFor('logs/run.stderr')('(1.5 s)')).toBe('(1.5 s)');
    expect(normaliserFor('out/runs/r/forecasts.csv')('2016-03-28,1.5')).toBe('2016-03-28,1.5');
  });
});
