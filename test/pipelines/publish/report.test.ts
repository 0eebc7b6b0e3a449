import { describe, expect, it } from 'vitest';
import { buildReportData, expectedCharts, renderReport } from '../../../pipelines/publish/report.js';
import { escapeHtml, jsonForScript } from '../../../pipelines/publish/report-html.js';
import { END, fixtureReportData, fixtureRun } from '../../fixtures/report-data.js';

describe('buildReportData', () => {
  const data = fixtureReportData();

  it('charts the top series by units over the last 28 days, with 56 days of history', () => {
    // level i+1: the highest-volume series are the last ones
    expect(data.top.map((s) => s.sku)).toEqual(['</script><img src=x onerror=alert(1)>', 'SKU_10', 'SKU_09', 'SKU_08', 'SKU_07', 'SKU_06']);
    expect(data.top[1].history.length).toBe(56);
    expect(data.top[1].historyStart).toBe('2020-02-14'); // END - 55
    expect(data.top[1].forecastStart).toBe('2020-04-10');
    expect(data.levels).toEqual([80, 95]);
  });

  it('counts the model mix and groups combinations for the value added', () => {
    expect(data.modelMix).toEqual({ ses: 2, croston: 2, 'combo(ses+snaive)': 2, snaive: 2, 'combo(croston+ses)': 2, 'holt-damped': 2 });
    const combo = data.fva.byModel.find((m) => m.model === 'combination')!;
    expect(combo.series).toBe(4);
    // fva = 0.05 * ((i % 4) - 1): combinations are i = 2, 4, 8, 10 -> 0.05, -0.05, -0.05, 0.05 -> mean 0;
    // croston is i = 1, 7 -> 0, 0.1 -> mean 0.05
    expect(combo.meanFva).toBeCloseTo(0, 12);
    expect(data.fva.byModel.find((m) => m.model === 'croston')!.meanFva).toBeCloseTo(0.05, 12);
    expect(data.fva.byModel[0].model).toBe('combination'); // most series first
  });

  it('checks its options', () => {
    const { forecasts } = fixtureRun();
    const run = { runId: 'r', runDate: '2020-04-09', input: { path: 'a', kind: 'daily' }, rows: { read: 0, accepted: 0, rejected: 0 }, issues: {}, quality: { series: [] }, cleaning: null, series: [], end: END };
    expect(() => buildReportData(run, forecasts, null, { topN: 0 })).toThrow(/topN >= 1/);
  });
});

describe('renderReport', () => {
  const data = fixtureReportData();
  const html = renderReport(data);

  it('is self-contained: Chart.js inlined, nothing loaded from elsewhere', () => {
    expect(html).toMatch(/Chart\.js v4/);
    expect(html).not.toMatch(/<script[^>]+src=/i);
    expect(html).not.toMatch(/<link[^>]+href=/i);
    expect(html).not.toMatch(/url\(\s*['"]?https?:/i);
    expect(html).not.toMatch(/sourceMappingURL/);
  });

  it('has one canvas per expected chart', () => {
    const canvases = html.match(/<canvas id="c-[a-z0-9-]+"><\/canvas>/g) ?? [];
    const drills = canvases.filter((c) => /c-(drill|stock)-/.test(c));
    // scores, scatter, bands, defects, 6 forecasts, models, fva, realized; and the first drill-down,
    // open at load (the others are drawn when opened; no stock count: no stock chart)
    expect(expectedCharts(data)).toBe(14);
    expect(canvases.length - drills.length).toBe(13);
    expect(drills.length).toBe(12);
  });

  it('never lets data close a script or inject markup', () => {
    const evil = '</script><img src=x onerror=alert(1)>';
    expect(html).not.toContain(evil);
    expect(html).toContain('\\u003c/script\\u003e\\u003cimg src=x onerror=alert(1)\\u003e');
    expect(escapeHtml(evil)).toBe('&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;');
    expect(jsonForScript({ a: evil })).toBe('{"a":"\\u003c/script\\u003e\\u003cimg src=x onerror=alert(1)\\u003e"}');
    expect(jsonForScript({ x: NaN, y: Infinity })).toBe('{"x":null,"y":null}');
  });

  it('says what is missing instead of drawing empty charts', () => {
    const bare = renderReport({ ...data, impact: null, scatter: [], realized: [] });
    expect(bare).toMatch(/defect ranking not available/);
    expect(bare).toMatch(/no series with both a quality score and a backtest error/);
    expect(bare).not.toMatch(/id="c-scatter"/);
    // scores, 6 forecasts, models, fva, the first drill-down
    expect(expectedCharts({ ...data, impact: null, scatter: [], realized: [] })).toBe(10);
  });
});
