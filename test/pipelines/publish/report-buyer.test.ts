import { describe, expect, it } from 'vitest';
import { changeReasons, CHANGE_SHARE, LOW_QUALITY_SCORE, reportWatch, watchSection } from '../../../pipelines/publish/report-watch.js';
import { DRILL_ITEMS, projectStock, reportDrill, TABLE_COLUMNS } from '../../../pipelines/publish/report-drill.js';
import { csvCells, currentFigures, type RunFigures } from '../../../pipelines/publish/previous-run.js';
import { fixtureBuyerReportData, fixtureRun } from '../../fixtures/report-data.js';
import { renderReport } from '../../../pipelines/publish/report.js';
import { DAILY } from '../../../pipelines/periods.js';

const K = (sku: string) => `S1\u0000${sku}`;

function figures(over: Partial<RunFigures> = {}): RunFigures {
  return {
    runId: 'r0', runDate: '2020-04-02', inputSha256: 'a', firstDate: '2020-04-03', frequency: 'day', periods: 28,
    totals: new Map([[K('A'), 100], [K('B'), 100], [K('C'), 2], [K('D'), 0]]),
    models: new Map([[K('A'), 'ses'], [K('B'), 'ses']]),
    leadTimes: new Map([[K('A'), 7], [K('B'), 7]]),
    cleaning: new Map([[K('A'), 3]]),
    ...over,
  };
}

describe('What to watch', () => {
  const prev = figures();
  it('lists forecasts moved by more than 25% and at least a unit, with every reason found', () => {
    const cur = figures({ runId: 'r1', inputSha256: 'a', totals: new Map([[K('A'), 126], [K('B'), 125], [K('C'), 2.9], [K('D'), 3]]), models: new Map([[K('A'), 'ses'], [K('B'), 'theta']]), leadTimes: new Map([[K('A'), 5], [K('B'), 7]]), cleaning: new Map() });
    const w = reportWatch([], 'day', prev, cur);
    // A +26% (over 25%); B +25% exactly (not over); C +0.9 units (under 1 unit); D from 0 to 3
    expect(w.changed!.items.map((i) => i.item)).toEqual(['S1 / D', 'S1 / A']);
    expect(w.changed!.items[1].why).toBe('100 → 126 units (+26%): cleaning changed; lead time changed (7 → 5 days)');
    expect(w.changed!.items[0].why).toContain('(from none)');
    expect(changeReasons(K('B'), prev, cur)).toEqual(['model changed (ses → theta)']);
    expect(changeReasons(K('B'), prev, { ...cur, inputSha256: 'b', models: prev.models })).toEqual(['new sales data']);
    expect(changeReasons(K('C'), prev, { ...prev, cleaning: new Map([[K('A'), 3]]) })[0]).toMatch(/^no reason found/);
    expect(w.keys).toEqual([K('A'), K('D')]);
    expect(CHANGE_SHARE).toBe(0.25);
  });
  it('lists low quality below the limit and stale data, and says when there is nothing to compare', () => {
    const { quality } = fixtureRun();
    const q = quality.map((x, i) => (i === 0 ? { ...x, score: LOW_QUALITY_SCORE - 0.1 } : i === 1 ? { ...x, score: LOW_QUALITY_SCORE } : i === 2 ? { ...x, stalenessDays: 28 } : i === 3 ? { ...x, stalenessDays: 27 } : { ...x, score: 99 }));
    const w = reportWatch(q, 'day', null, figures());
    expect(w.lowQuality.items.map((i) => i.item)).toEqual(['S1 / SKU_00']);
    expect(w.stale.items.map((i) => i.item)).toEqual(['S1 / SKU_02']);
    expect(w.changed).toBeNull();
    const html = watchSection(w, 'day');
    expect(html).toContain('There is no earlier run in this output directory');
    expect(reportWatch(q, 'week', { ...prev, frequency: 'day' }, figures({ frequency: 'week' })).note).toContain('forecast days, this one weeks');
  });
});

describe('Item by item', () => {
  it('projects stock: on hand less the forecast, plus the order on its arrival day, never below 0', () => {
    expect(projectStock(5, [2, 2, 2, 2, 2], 3, 10)).toEqual([3, 1, 0, 8, 6]);
    expect(projectStock(5, [1, 1], -1, 10)).toEqual([4, 3]);
  });
  it('keeps at most DRILL_ITEMS drill-downs and one table row per series, whatever the number of series', () => {
    const { forecasts, quality } = fixtureRun();
    const many = Array.from({ length: 40 }, (_, k) => forecasts.map((f) => ({ ...f, sku: `${f.sku}_${k}` }))).flat();
    const d = reportDrill({ forecasts: many, quality, plan: null, grid: DAILY, end: 100, first: 101, tails: {}, recent: {}, watched: new Map(), served: {}, periods: 28 });
    expect(d.drills).toHaveLength(DRILL_ITEMS);
    expect(d.rows).toHaveLength(many.length);
    expect(d.rows[0]).toHaveLength(TABLE_COLUMNS.length);
  });
  it('the buyer report: orders first, plain labels, the watched items marked in the table', async () => {
    const data = await fixtureBuyerReportData();
    expect(data.drill!.drills[0].why).toMatch(/^order \d+ now; runs out Fri 2020-04-10$/);
    const watched = data.drill!.rows.filter((r) => r[r.length - 1] === 'watch').map((r) => r[0]);
    expect(watched.sort()).toEqual(['S1 / SKU_04', 'S1 / SKU_05', 'S1 / SKU_06', 'S1 / SKU_07']);
    const html = renderReport(data);
    const visible = html.slice(html.indexOf('<main>'), html.indexOf('id="appendix"')).replace(/<[^>]+>/g, ' ');
    // no camelCase key shown to the buyer before the appendix
    expect(visible).not.toMatch(/\b[a-z]+[A-Z][a-zA-Z]*\b/);
  });
});

describe('previous runs', () => {
  it('reads our CSV cells: quoted, doubled quotes, commas', () => {
    expect(csvCells('a,"b,c","d""e",,f')).toEqual(['a', 'b,c', 'd"e', '', 'f']);
  });
  it('sums the first periods of the current forecasts as forecasts.csv holds them (3 decimals)', () => {
    const c = currentFigures({ runId: 'r', inputSha256: 's', firstDate: '2020-01-01', frequency: 'day' }, [{ store: 'S', sku: 'A', model: 'm', mean: [1.0004, 2, 3] }], new Map(), new Map(), 2);
    expect(c.totals.get('S\u0000A')).toBe(3);
  });
});
