/**
 * Opens a rendered report.html in headless Chromium (Debian's `chromium`, driven by
 * playwright-core) with all network access blocked, checks that every chart drew pixels, and
 * saves a screenshot to test/artifacts/report.png.
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
import { chromium, type BrowserContext } from 'playwright-core';
import { expectedCharts, renderReport } from '../../pipelines/publish/report.js';
import { fixtureReportData } from '../fixtures/report-data.js';

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

  it('draws every chart offline and saves a screenshot', async () => {
    const data = fixtureReportData();
    const file = join(dir, 'report.html');
    await writeFile(file, renderReport(data));
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
    const expected = expectedCharts(data);
    // (browser-side code is passed as text: the project's TypeScript has no DOM types)
    await page.waitForFunction(`window.__report && window.__report.charts === ${expected}`);
    const state = (await page.evaluate('window.__report')) as { charts: number; rendered: number; errors: string[] };
    expect(state.errors).toEqual([]);
    expect(state.rendered).toBe(expected);
    expect(pageErrors).toEqual([]);
    expect(external).toEqual([]);

    // every canvas has a real size and a fair number of painted pixels
    const painted = (await page.evaluate(`Array.from(document.querySelectorAll('canvas')).map((c) => {
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
});
