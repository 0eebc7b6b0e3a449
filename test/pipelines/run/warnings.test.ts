import { describe, expect, it } from 'vitest';
import { MAX_NAMED, seriesWarning, warningLines } from '../../../pipelines/run/warnings.js';
import { renderReport } from '../../../pipelines/publish/report.js';
import { fixtureReportData } from '../../fixtures/report-data.js';

describe('seriesWarning', () => {
  it('names the first series by name and counts the rest', () => {
    const keys = Array.from({ length: MAX_NAMED + 3 }, (_, i) => `S/${String(i).padStart(2, '0')}`).reverse();
    const w = seriesWarning('inconsistent_period', 'dates are not evenly spaced in 13 series', keys);
    expect(w.series).toEqual(['S/00', 'S/01', 'S/02', 'S/03', 'S/04', 'S/05', 'S/06', 'S/07', 'S/08', 'S/09']);
    expect(w.seriesCount).toBe(13);
    expect(w.message).toBe('dates are not evenly spaced in 13 series: S/00, S/01, S/02, S/03, S/04, S/05, S/06, S/07, S/08, S/09 and 3 more');
  });

  it('lists a short set whole', () => {
    expect(seriesWarning('x', 'two series', ['b', 'a']).message).toBe('two series: a, b');
  });
});

describe('warnings in the outputs', () => {
  it('are one stderr line each', () => {
    expect(warningLines([{ code: 'a', message: 'first' }, { code: 'b', message: 'second' }])).toEqual(['warning: first', 'warning: second']);
  });

  it('come first in the report, escaped, and not at all when there are none', () => {
    const data = fixtureReportData();
    expect(renderReport(data)).not.toContain('id="warnings"');
    const html = renderReport({ ...data, warnings: [{ code: 'stale_data', message: 'the last sale is <6 weeks> old' }] });
    const at = html.indexOf('id="warnings"');
    expect(at).toBeGreaterThan(0);
    expect(at).toBeLessThan(html.indexOf('id="quality"'));
    expect(html).toContain('the last sale is &lt;6 weeks&gt; old');
  });
});
