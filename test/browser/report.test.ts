/**
 * Opens a rendered report.html in headless Chromium (Debian's `chromium`, driven by
 * playwright-core) with all network access blocked, checks that every chart drew pixels, and
 * saves a screenshot to test/artifacts/report.png; the buyer's report (orders, what to watch, the
 * replay, drill-downs drawn when opened, the series table's search and sort) to
 * test/artifacts/report-buyer*.png.
 *
 * Chromium: `apt-get install -y chromium` (CI installs it). Without /usr/bin/chromium the test
 * is skipped locally with a message, and fails under CI=true.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { expectedCharts, renderReport } from '../../pipelines/publish/report.js';
import { fixtureBuyerReportData, fixtureReportData } from '../fixtures/report-data.js';
import { drillChartsAll, drillChartsAtOpen } from '../../pipelines/publish/report-drill.js';

const CHROMIUM = '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
const inCi = process.env.CI === 'true';
if (!available && !inCi) console.warn(`test/browser/report.test.ts skipped: ${CHROMIUM} does not exist (apt-get install -y chromium)`);

describe.skipIf(!available && !inCi)('report.html in headless Chromium', () => {
  let dir: string;
  let context: BrowserContext;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'report-browser-'));
    if (!available) throw new Error(`${CHROMIUM} is missing: CI must install Debian's chromium`);
    context = await chromium.launchPersistentContext(join(dir, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: { width: 1280, height: 900 },
    });
  });

  afterAll(async () => {
    await context?.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** Open a report file with every non-file request blocked; the blocked URLs and page errors are collected. */
  async function openOffline(file: string): Promise<{ page: Page; external: string[]; pageErrors: string[] }> {
    const page = await context.newPage();
    page.setDefaultTimeout(90_000);
    const external: string[] = [];
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('file:')) return route.continue();
      external.push(url);
      return route.abort();
    });
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(pathToFileURL(file).href);
    return { page, external, pageErrors };
  }

  it('draws every chart offline and saves a screenshot', async () => {
    const data = fixtureReportData();
    const file = join(dir, 'report.html');
    await writeFile(file, renderReport(data));
    const { page, external, pageErrors } = await openOffline(file);
    const expected = expectedCharts(data);
    // (browser-side code is passed as text: the project's TypeScript has no DOM types)
    await page.waitForFunction(`window.__report && window.__report.charts === ${expected}`);
    const state = (await page.evaluate('window.__report')) as { charts: number; rendered: number; errors: string[] };
    expect(state.errors).toEqual([]);
    expect(state.rendered).toBe(expected);
    expect(pageErrors).toEqual([]);
    expect(external).toEqual([]);

    // every canvas has a real size and a fair number of painted pixels
    // (canvases of closed drill-downs are drawn when opened: the buyer test below)
    const painted = (await page.evaluate(`Array.from(document.querySelectorAll('canvas')).filter((c) => !c.closest('details') || c.closest('details').open).map((c) => {
      const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 3; i < px.length; i += 4) if (px[i] > 0) n++;
      return { id: c.id, width: c.width, height: c.height, painted: n / (c.width * c.height) };
    })`)) as { id: string; width: number; height: number; painted: number }[];
    expect(painted.length).toBe(expected);
    for (const c of painted) {
      expect(c.width, c.id).toBeGreaterThan(100);
      expect(c.height, c.id).toBeGreaterThan(100);
      expect(c.painted, c.id).toBeGreaterThan(0.01);
    }
    // the injected sku name is shown as text, never run
    expect(await page.evaluate("document.querySelectorAll('img').length")).toBe(0);

    const artifacts = resolve('test/artifacts');
    await mkdir(artifacts, { recursive: true });
    await page.screenshot({ path: join(artifacts, 'report.png'), fullPage: true });
    expect(existsSync(join(artifacts, 'report.png'))).toBe(true);
    await page.close();
  });

  it('the buyer report: drill-downs draw when opened, the series table searches and sorts, screenshots saved', async () => {
    const data = await fixtureBuyerReportData();
    const file = join(dir, 'report-buyer.html');
    const html = renderReport(data);
    await writeFile(file, html);
    // the sections in the buyer's order, statistics last
    const at = (id: string) => html.indexOf(`id="${id}"`);
    expect(at('orders')).toBeGreaterThan(0);
    expect(at('orders')).toBeLessThan(at('watch'));
    expect(at('watch')).toBeLessThan(at('replay'));
    expect(at('replay')).toBeLessThan(at('items'));
    expect(at('items')).toBeLessThan(at('appendix'));
    const { page, external, pageErrors } = await openOffline(file);
    const atOpen = expectedCharts(data);
    await page.waitForFunction(`window.__report && window.__report.charts === ${atOpen}`);
    const artifacts = resolve('test/artifacts');
    await mkdir(artifacts, { recursive: true });
    for (const id of ['orders', 'watch', 'replay']) await (await page.$(`#${id}`))!.screenshot({ path: join(artifacts, `report-buyer-${id}.png`) });

    // open every drill-down: each draws its charts once
    await page.evaluate(`document.querySelectorAll('details.drill').forEach((d) => { d.open = true; })`);
    const all = atOpen - drillChartsAtOpen(data.drill) + drillChartsAll(data.drill);
    expect(all).toBeGreaterThan(atOpen);
    await page.waitForFunction(`window.__report.charts === ${all}`);
    const state = (await page.evaluate('window.__report')) as { charts: number; rendered: number; errors: string[] };
    expect(state.errors).toEqual([]);
    expect(state.rendered).toBe(all);
    await (await page.$('#items'))!.screenshot({ path: join(artifacts, 'report-buyer-items.png') });

    // the table: every series, a search narrows it, a heading sorts it
    const rowsShown = () => page.evaluate(`document.querySelectorAll('#series-table tbody tr').length`) as Promise<number>;
    expect(await rowsShown()).toBe(12);
    await page.fill('#series-search', 'sku_03');
    expect(await rowsShown()).toBe(1);
    expect(await page.textContent('#series-count')).toBe('showing 1 of 1 matching series');
    await page.fill('#series-search', 'watch');
    expect(await rowsShown()).toBe(4);
    await page.fill('#series-search', '');
    await page.click('#series-table th[data-col="3"]');
    const firstQuality = await page.evaluate(`document.querySelector('#series-table tbody tr').children[3].textContent`);
    expect(firstQuality).toBe('55');
    await page.click('#series-table th[data-col="3"]');
    expect(await page.getAttribute('#series-table th[data-col="3"]', 'aria-sort')).toBe('descending');
    expect(pageErrors).toEqual([]);
    expect(external).toEqual([]);
    await page.screenshot({ path: join(artifacts, 'report-buyer.png'), fullPage: true });
    await page.close();
  });
});
