import { describe, expect, it } from 'vitest';
import { escapeHtml, fileHref, renderRunsPage, REFRESH_SECONDS } from '../../dashboard/runs-page.js';
import type { RunRow } from '../../dashboard/runs.js';

const links = { board: '/queues', files: '/runs' };

function row(extra: Partial<RunRow>): RunRow {
  return { runId: '2016-03-27-abc', status: 'published', time: '2016-03-28T02:00:00.000Z', files: [], latest: false, jobs: [], ...extra };
}

describe('escapeHtml', () => {
  it('escapes the five HTML-significant characters', () => {
    expect(escapeHtml(`<a href="x" onclick='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });
});

describe('renderRunsPage', () => {
  it('shows the figures of a run and links its files', () => {
    const html = renderRunsPage(
      [row({ latest: true, rows: { read: 12345, accepted: 12000, rejected: 345 }, quality: 91.25, accuracy: { rmsse: 0.8123, mase: 0.9, fva: -0.05 }, files: ['forecasts.csv', 'report.html'] })],
      links,
      '2016-03-28T03:00:00.000Z',
    );
    expect(html).toContain('<td class="n">12,345</td><td class="n">12,000</td><td class="n">345</td>');
    expect(html).toContain('<td class="n">91.3</td>');
    expect(html).toContain('<td class="n">0.812</td><td class="n">0.900</td><td class="n">-0.050</td>');
    expect(html).toContain('<a href="/runs/2016-03-27-abc/forecasts.csv" download>forecasts.csv</a>');
    expect(html).toContain('href="/runs/2016-03-27-abc/report.html?view=1"');
    expect(html).toContain('<span class="latest">latest</span>');
    expect(html).not.toContain('http-equiv="refresh"');
  });

  it('escapes everything that comes from a run', () => {
    const evil = '<script>alert(1)</script>';
    const html = renderRunsPage([row({ runId: `x"><img src=y>`, status: 'failed', detail: evil, jobs: [{ queue: 'run', id: `"><b>` }], files: ['forecasts.csv'] })], links, 'now');
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('<img src=y>');
    expect(html).not.toContain('"><b>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain(`href="/runs/x%22%3E%3Cimg%20src%3Dy%3E/forecasts.csv"`);
  });

  it('reloads itself only while a run is in flight', () => {
    expect(renderRunsPage([row({ status: 'forecasting' })], links, 'now')).toContain(`<meta http-equiv="refresh" content="${REFRESH_SECONDS}">`);
    expect(renderRunsPage([row({ status: 'scheduled' }), row({ status: 'failed' })], links, 'now')).not.toContain('http-equiv="refresh"');
  });

  it('shows a notice, escaped', () => {
    expect(renderRunsPage([], links, 'now', 'queue down <b>')).toContain('<p class="notice">queue down &lt;b&gt;</p>');
    expect(renderRunsPage([], links, 'now')).not.toContain('class="notice"');
  });

  it('says how to trigger a run when there is none', () => {
    expect(renderRunsPage([], links, 'now')).toMatch(/No runs yet.*href="\/queues\/queue\/run"/s);
  });
});

describe('fileHref', () => {
  it('encodes the run id and file name', () => {
    expect(fileHref(links, 'a b', 'run.json')).toBe('/runs/a%20b/run.json');
  });
});
