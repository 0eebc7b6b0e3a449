import { describe, expect, it } from 'vitest';
import { parseIsoDay } from '../../../pipelines/dates.js';
import type { LevelForecast } from '../../../pipelines/hierarchy/reconcile.js';
import { DAILY } from '../../../pipelines/periods.js';
import { groupedInteger, levelsSection, reportLevels, REPORT_LEVEL_ROWS, units } from '../../../pipelines/publish/report-levels.js';

function node(level: string, key: string, mean: number[], lo80: number[], hi80: number[]): LevelForecast {
  return { level, key, mean, lo: { '80': lo80, '95': lo80.map((x) => x - 1) }, hi: { '80': hi80, '95': hi80.map((x) => x + 1) }, quantiles: [], rmsse: null };
}

const day = parseIsoDay('2016-04-25');
const ten = Array.from({ length: 10 }, (_, i) => i);

describe('report levels section', () => {
  it('shows the first week of days with the 80% interval, whole units from 10 on', () => {
    const d = reportLevels([node('total', 'total', ten.map((i) => 1234.4 + i), ten.map(() => 1100), ten.map(() => 1380.6)), node('store', 'CA_1', ten.map(() => 5.4), ten.map(() => 2.04), ten.map(() => 9.96))], day, DAILY, [80, 95])!;
    expect(d.interval).toBe(80);
    expect(d.periods).toEqual(['2016-04-25', '2016-04-26', '2016-04-27', '2016-04-28', '2016-04-29', '2016-04-30', '2016-05-01']);
    expect(d.rows[0].cells.slice(0, 2)).toEqual(['1,234 (1,100–1,381)', '1,235 (1,100–1,381)']);
    expect(d.rows[1].cells[0]).toBe('5.4 (2.0–10.0)');
    expect(d.hidden).toBe(0);
  });

  it('falls back to the narrowest interval published, caps the rows and escapes keys', () => {
    const nodes = Array.from({ length: REPORT_LEVEL_ROWS + 3 }, (_, k) => node('store', k ? `S${k}` : '<b>&', [1, 2], [0, 1], [2, 3]));
    const d = reportLevels(nodes.map((n) => ({ ...n, lo: { '90': n.lo['80'] }, hi: { '90': n.hi['80'] } })), day, DAILY, [90])!;
    expect(d.interval).toBe(90);
    expect(d.periods).toHaveLength(2);
    expect(d.rows).toHaveLength(REPORT_LEVEL_ROWS);
    expect(d.hidden).toBe(3);
    const html = levelsSection(d);
    expect(html).toContain('&lt;b&gt;&amp;');
    expect(html).toContain('the 3 total(s) not shown here');
    expect(html).toContain('<h2>Totals by store / category</h2>');
  });

  it('is absent without level nodes', () => {
    expect(reportLevels([], day, DAILY, [80])).toBeNull();
  });
});

describe('groupedInteger and units', () => {
  it('group thousands exactly as toLocaleString("en-US") does', () => {
    const values = [10, 999, 1000, -1000, 12345, -999999, 1000000, 1234567, -9876543210, 2 ** 53 - 1, -(2 ** 53 - 1), 2 ** 60, -0, 0];
    for (const v of values) expect(groupedInteger(v)).toBe(v.toLocaleString('en-US'));
    expect(groupedInteger(1234567)).toBe('1,234,567');
    expect(units(12345.6)).toBe('12,346');
    expect(units(-1500.5)).toBe((-1500).toLocaleString('en-US'));
    expect(units(9.96)).toBe('10.0');
    expect(units(NaN)).toBe('–');
  });
});
