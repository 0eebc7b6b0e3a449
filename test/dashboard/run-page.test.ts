/** The page of one run: stages and batch progress, warnings in words, figures, orders, report frame, downloads; escaped. */
import { describe, expect, it } from 'vitest';
import { progressText, renderRunPage, REFRESH_SECONDS } from '../../dashboard/run-page.js';
import { stageProgress } from '../../dashboard/run-detail.js';
import type { RunJson, RunRow } from '../../dashboard/runs.js';

function row(extra: Partial<RunRow>): RunRow {
  return { runId: '2016-03-28-abc', status: 'published', time: '2016-03-28T02:00:00.000Z', files: [], latest: false, jobs: [], input: 'sales.csv', runDate: '2016-03-28', ...extra };
}

describe('renderRunPage', () => {
  it('while forecasting: the stage, N of M batches, and a reload', () => {
    const html = renderRunPage(row({ status: 'forecasting' }), null, { stage: 'forecasting', done: 3, total: 8 });
    expect(html).toContain('forecasting: 3 of 8 batches <progress max="8" value="3">');
    expect(html).toContain('<li class="stage-done" data-stage="preparing">');
    expect(html).toContain('<li class="stage-current" data-stage="forecasting">');
    expect(html).toContain(`<meta http-equiv="refresh" content="${REFRESH_SECONDS}">`);
  });

  it('published: warnings, figures with the top reject reasons, orders, report frame and downloads; no reload', () => {
    const summary: RunJson = {
      rows: { read: 100, accepted: 90, rejected: 10 },
      issues: { bad_date: 6, negative_quantity: 4, missing_price: 50 },
      quality: { series: 3, meanScore: 88.79 },
      forecast: { series: 3, meanRmsse: 0.81234, meanMase: 0.9, meanFva: 0.147, horizon: 28, firstDate: '2016-03-28' },
      warnings: [{ code: 'stale_data', message: 'the data ends on 2016-03-27 <old>' }],
      degraded: ['batch 2'],
      orders: { ordersDue: 2, units: 419, value: 12.5, notes: [] },
    };
    const orders = { header: ['store', 'sku', 'supplier', 'on_hand', 'suggested_qty', 'reason', 'method'], rows: [['S1', 'A', '', '5', '419', 'runs out <soon>', 'normal']], more: true };
    const html = renderRunPage(row({ files: ['report.html', 'orders.csv', 'forecasts.csv'] }), summary, undefined, orders);
    expect(html).not.toContain('http-equiv="refresh"');
    expect(html).toContain('<li>the data ends on 2016-03-27 &lt;old&gt;</li>');
    expect(html).toContain('<li>degraded: batch 2</li>');
    expect(html).toContain('<span data-k="rows">100 read, 90 accepted, 10 rejected</span>');
    // reject codes only, most first; a flag (missing_price) is not a reject reason
    expect(html).toContain('Top reasons: bad date 6, negative quantity 4 ');
    expect(html).toContain('88.8 of 100 on average over 3 series');
    expect(html).toContain('RMSSE 0.812, MASE 0.900; 14.7% better than repeating last season');
    expect(html).toContain('<td>runs out &lt;soon&gt;</td>');
    expect(html).not.toContain('<th>method</th>');
    expect(html).toContain('<iframe title="report" src="/runs/2016-03-28-abc/report.html?view=1" sandbox="allow-scripts"');
    expect(html.indexOf('id="downloads"')).toBeLessThan(html.indexOf('id="report"'));
    expect(html).toContain('<a href="/runs/2016-03-28-abc/forecasts.csv" download>forecasts.csv</a>');
    expect(html).toContain('<h1>sales.csv</h1>');
    expect(html).toContain('2 order lines due, 419 units, value 12.50');
  });

  it('failed: the reason shown as an error', () => {
    const html = renderRunPage(row({ status: 'failed', detail: 'failed at validation: more than half of the rows rejected' }), null);
    expect(html).toContain('<p class="error">failed at validation: more than half of the rows rejected</p>');
  });
});

describe('progressText', () => {
  it('says each stage in words', () => {
    expect(progressText({ stage: 'ingest', done: 450, total: 1000 })).toBe('reading the file: 45%');
    expect(progressText({ stage: 'queued', done: 8, total: 8 })).toBe('8 batches of series handed to the forecasting workers');
    expect(progressText({ stage: 'forecasting', done: 1234, total: 2000 })).toBe('forecasting: 1,234 of 2,000 batches');
    expect(progressText({ stage: 'publishing' })).toBe('publishing…');
    expect(progressText({ stage: '<x>', done: 1, total: 2 })).toBe('&lt;x&gt;: 1 of 2');
  });
});

describe('stageProgress', () => {
  it("reads the run job's progress object, anything else as plain preparing", () => {
    expect(stageProgress({ stage: 'ingest', done: 5, total: 10 })).toEqual({ stage: 'ingest', done: 5, total: 10 });
    expect(stageProgress(42)).toEqual({ stage: 'preparing', done: undefined, total: undefined });
    expect(stageProgress({ stage: '', done: 'x' })).toEqual({ stage: 'preparing', done: undefined, total: undefined });
  });
});

describe('csvHead', () => {
  it('reads the header and the first lines, and says when there are more', async () => {
    const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const { csvHead } = await import('../../dashboard/run-detail.js');
    const dir = mkdtempSync(join(tmpdir(), 'csv-head-'));
    try {
      writeFileSync(join(dir, 'o.csv'), 'store,sku,reason\r\nS1,A,"runs out, soon"\r\nS1,B,x\r\nS2,A,y\r\n');
      expect(await csvHead(join(dir, 'o.csv'), 2)).toEqual({ header: ['store', 'sku', 'reason'], rows: [['S1', 'A', 'runs out, soon'], ['S1', 'B', 'x']], more: true });
      expect((await csvHead(join(dir, 'o.csv'), 3))?.more).toBe(false);
      expect(await csvHead(join(dir, 'missing.csv'), 3)).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
