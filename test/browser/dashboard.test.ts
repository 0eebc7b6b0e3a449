/**
 * The dashboard in headless Chromium (Debian's `chromium`, driven by playwright-core), end to
 * end: a request without credentials gets 401; after logging in, a run is triggered from
 * bull-board's "Add job" dialog on the run queue (first with a payload the zod schema refuses,
 * whose message must show, then a valid one), an in-process worker completes it, and its
 * forecasts.csv is downloaded from the runs page and checked. Then as a shop manager would:
 * the "New run" page refuses an upload that is too large or not a spreadsheet, a cross-origin
 * form post and a post without credentials; the sample export is uploaded with a stock file,
 * what it holds is shown, the run is started and followed on its page until it is published,
 * the report opens, orders.csv and forecasts.csv are downloaded and checked. Screenshots go to
 * test/artifacts/dashboard-*.png. All network beyond the dashboard (and the test's own
 * "other site") is blocked.
 *
 * Needs the build (`npm run build`: the worker's sandboxed processors run from dist/workers)
 * and Redis (test/global-setup.ts). Chromium: `apt-get install -y chromium` (.ci/run installs
 * it). Without /usr/bin/chromium the test is skipped locally with a message, and fails under
 * CI=true.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Queue } from 'bullmq';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import type { Config } from '../../config/schema.js';
import { startDashboard, type RunningDashboard } from '../../dashboard/server.js';
import { formatDay, parseIsoDay } from '../../pipelines/dates.js';
import { queueOptions, redisConnection } from '../../workers/connection.js';
import { QUEUES } from '../../workers/queues.js';
import { processorPath, startWorkers, type WorkerHost } from '../../workers/worker-host.js';
import { cleanup, testConfig } from '../workers/helpers.js';

const CHROMIUM = '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
const inCi = process.env.CI === 'true';
if (!available && !inCi) console.warn(`test/browser/dashboard.test.ts skipped: ${CHROMIUM} does not exist (apt-get install -y chromium)`);

const ARTIFACTS = resolve('test/artifacts');
const STORES = ['S1', 'S2'];
const SKUS = ['SKU-1', 'SKU-2', 'SKU-3'];
const FIRST = '2016-01-04';
const DAYS = 84; // 12 weeks, 2016-01-04 .. 2016-03-27
const HORIZON = 14;
const RUN_DATE = '2016-03-27';
/** The upload limit of the test's dashboard: above the sample export (374 KB), below the oversized file. */
const UPLOAD_LIMIT = 1024 * 1024;

/**
 * A small daily sales export (date,store,sku,quantity) with a weekly pattern, and three rows
 * the validator must reject: an unmarked negative quantity, an impossible date and a row dated
 * after the run date.
 */
function salesCsv(): { text: string; good: number; bad: number } {
  const lines = ['date,store,sku,quantity'];
  const first = parseIsoDay(FIRST);
  for (let d = 0; d < DAYS; d++) {
    const date = formatDay(first + d);
    STORES.forEach((store, s) =>
      SKUS.forEach((sku, k) => {
        const weekly = [4, 3, 3, 4, 6, 9, 8][d % 7];
        lines.push(`${date},${store},${sku},${weekly + s + k + ((d * 7 + k) % 3)}`);
      }),
    );
  }
  const bad = ['2016-03-10,S1,SKU-1,-4', '2016-13-45,S2,SKU-2,3', '2016-04-02,S1,SKU-3,5'];
  lines.push(...bad);
  return { text: `${lines.join('\n')}\n`, good: DAYS * STORES.length * SKUS.length, bad: bad.length };
}

describe.skipIf(!available && !inCi)('dashboard in headless Chromium', () => {
  let config: Config;
  let workers: WorkerHost | undefined;
  let dash: RunningDashboard | undefined;
  let context: BrowserContext | undefined;
  let profile: string;
  let runQueue: Queue;
  const password = randomBytes(12).toString('base64url');
  /** Origins the browser may reach: the dashboard, and the test's "other site". */
  const allowed = new Set<string>();
  const fixture = salesCsv();

  beforeAll(async () => {
    if (!available) throw new Error(`${CHROMIUM} is missing: CI must install Debian's chromium`);
    processorPath(QUEUES.run); // throws "run npm run build" when the processors are not built
    config = testConfig({ dashboard: { maxUploadBytes: UPLOAD_LIMIT } });
    mkdirSync(join(config.dataDir, 'samples'));
    writeFileSync(join(config.dataDir, 'samples', 'sales.csv'), fixture.text);
    runQueue = new Queue(QUEUES.run, queueOptions(config, redisConnection(config.queue.redisUrl, 'producer')));
    workers = await startWorkers(config);
    dash = await startDashboard(config, { host: '127.0.0.1', port: 0, credentials: { user: 'forecast', password, generated: false } });
    mkdirSync(ARTIFACTS, { recursive: true });
    profile = mkdtempSync(join(tmpdir(), 'dashboard-browser-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: { width: 1280, height: 900 },
      acceptDownloads: true,
    });
    allowed.add(dash.url);
    // bull-board's page asks for a web font; nothing may leave the machine
    await context.route('**/*', (route) => ([...allowed].some((o) => route.request().url().startsWith(`${o}/`)) ? route.continue() : route.abort()));
  });

  afterAll(async () => {
    await context?.close();
    await dash?.close();
    await workers?.close(true);
    await runQueue?.close();
    if (config) await cleanup(config);
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  /** Open bull-board's "Add job" dialog from the queue's action menu. */
  async function openAddJob(page: Page) {
    await page.goto(`${dash!.url}/queues/queue/run`);
    const addJob = page.getByRole('menuitem', { name: 'Add job' });
    const triggers = page.locator('button[aria-haspopup="menu"]');
    await triggers.first().waitFor();
    // open each action menu in turn until one offers "Add job"; a menu renders after its click,
    // so wait a little for the item rather than look once (a loaded machine is slow to paint)
    let found = false;
    for (let round = 0; round < 3 && !found; round++) {
      for (let i = 0; i < (await triggers.count()) && !found; i++) {
        await triggers.nth(i).click();
        found = await addJob.waitFor({ state: 'visible', timeout: 5_000 }).then(
          () => true,
          () => false,
        );
        if (!found) await page.keyboard.press('Escape');
      }
    }
    await addJob.click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText('Job data').waitFor();
    return dialog;
  }

  /** Replace the job-data editor's text and wait until the form has taken it. */
  async function typeJobData(page: Page, dialog: ReturnType<Page['getByRole']>, data: unknown) {
    const editor = dialog.locator('.cm-content').first();
    await editor.click();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.press('Delete');
    await page.keyboard.insertText(JSON.stringify(data, null, 2));
    const hidden = dialog.locator('input[name="jobData"]');
    await expect.poll(async () => {
      const v = await hidden.inputValue();
      return v ? JSON.parse(v) : null;
    }, { timeout: 60_000 }).toEqual(data);
  }

  it('refuses a request without credentials, triggers a run from the form after login, and serves its forecasts.csv', { timeout: 360_000 }, async () => {
    const page = await context!.newPage();
    // CI runs this beside CPU-heavy test files on 2 cores: give each browser step room
    page.setDefaultTimeout(90_000);

    // 1. no credentials: 401 (Chromium answers the Basic challenge by failing the navigation)
    const challenged = page.waitForResponse((r) => r.url() === `${dash!.url}/queues`);
    const navigation = await page.goto(`${dash!.url}/queues`).then(() => null, (e: Error) => e);
    expect(navigation?.message).toMatch(/ERR_INVALID_AUTH_CREDENTIALS/);
    const anon = await challenged;
    expect(anon.status()).toBe(401);
    expect(anon.headers()['www-authenticate']).toMatch(/^Basic realm=/);
    const api = await context!.request.get(`${dash!.url}/api/runs`);
    expect(api.status()).toBe(401);
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-401.png') });

    // 2. log in
    await context!.setHTTPCredentials({ username: 'forecast', password, origin: dash!.url });
    const board = await page.goto(`${dash!.url}/queues`);
    expect(board?.status()).toBe(200);

    // 3. the add-job dialog shows the run payload's fields, pre-filled from the JSON Schema
    let dialog = await openAddJob(page);
    // the form fills its hidden field after the dialog renders, possibly in steps: wait until it
    // holds the whole pre-filled payload rather than read it once
    const jobData = dialog.locator('input[name="jobData"]');
    const parsed = async (): Promise<Record<string, unknown> | null> => {
      try {
        return JSON.parse(await jobData.inputValue()) as Record<string, unknown>;
      } catch {
        return null;
      }
    };
    await expect.poll(parsed, { timeout: 60_000 }).toMatchObject({ mode: 'input', input: 'samples/sales.csv' });
    const prefilled = (await parsed())!;
    expect(prefilled).toMatchObject({ mode: 'input', input: 'samples/sales.csv' });
    // no horizon unless configured: the run's default counts its periods (28 days, 13 weeks, 12 months)
    expect(prefilled.horizon).toBeUndefined();
    // no run date either: left out, the run takes the day after its input's last date
    expect(Object.keys(prefilled).sort()).toEqual(['input', 'mode']);
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-add-job.png') });

    // 4. a payload the JSON Schema lets through but zod refuses: the zod message shows, nothing is queued
    await typeJobData(page, dialog, { mode: 'input', input: 'samples/sales.csv', runDate: '2016-02-30', horizon: HORIZON });
    await dialog.getByRole('button', { name: 'Add', exact: true }).click();
    await page.getByText('invalid run payload: runDate: not a calendar date').waitFor({ state: 'visible', timeout: 60_000 });
    await page.getByText('The "data" field in the request body is not valid.').waitFor({ state: 'visible', timeout: 60_000 });
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-invalid.png') });
    expect(await runQueue.getJobCountByTypes('waiting', 'active', 'completed', 'failed', 'delayed', 'prioritized')).toBe(0);

    // 5. a valid run
    dialog = await openAddJob(page);
    await typeJobData(page, dialog, { mode: 'input', input: 'samples/sales.csv', runDate: RUN_DATE, horizon: HORIZON });
    await dialog.getByRole('button', { name: 'Add', exact: true }).click();
    await expect.poll(async () => (await runQueue.getJobs(['waiting', 'active', 'completed', 'failed'])).length, { timeout: 60_000 }).toBe(1);
    const [job] = await runQueue.getJobs(['waiting', 'active', 'completed', 'failed']);
    expect(job.id).toMatch(/^2016-03-27-[0-9a-f]{12}$/);
    const runId = job.id!;

    // 6. the runs page (linked from bull-board's menu) follows the run until it is published
    await page.goto(`${dash!.url}/runs`);
    const row = page.locator(`tr[data-run="${runId}"]`);
    await expect
      .poll(async () => {
        await page.reload();
        return (await row.count()) ? row.getAttribute('data-status') : null;
      }, { timeout: 200_000, interval: 1_000 })
      .toMatch(/^(published|failed|degraded)$/);
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-runs.png'), fullPage: true });
    expect(await row.getAttribute('data-status')).toBe('published');
    const cells = await row.locator('td.n').allInnerTexts();
    // rows read, accepted, rejected
    expect(cells.slice(0, 3)).toEqual([(fixture.good + fixture.bad).toLocaleString('en-US'), fixture.good.toLocaleString('en-US'), String(fixture.bad)]);

    // 7. download forecasts.csv and check it
    const [download] = await Promise.all([page.waitForEvent('download'), row.getByRole('link', { name: 'forecasts.csv', exact: true }).click()]);
    const file = join(profile, 'forecasts.csv');
    await download.saveAs(file);
    const lines = readFileSync(file, 'utf8').split('\r\n');
    expect(lines.pop()).toBe('');
    expect(lines[0]).toBe('store,sku,date,forecast,lo_80,hi_80,lo_95,hi_95,model');
    const rows = lines.slice(1).map((l) => l.split(','));
    expect(rows).toHaveLength(STORES.length * SKUS.length * HORIZON);
    const firstForecastDay = parseIsoDay(FIRST) + DAYS;
    const seen = new Set<string>();
    for (const [store, sku, date, forecast, lo80, hi80, lo95, hi95, model] of rows) {
      expect(STORES).toContain(store);
      expect(SKUS).toContain(sku);
      const day = parseIsoDay(date);
      expect(day - firstForecastDay).toBeGreaterThanOrEqual(0);
      expect(day - firstForecastDay).toBeLessThan(HORIZON);
      const [f, l80, h80, l95, h95] = [forecast, lo80, hi80, lo95, hi95].map(Number);
      expect(l95).toBeGreaterThanOrEqual(0);
      expect(l95).toBeLessThanOrEqual(l80);
      expect(l80).toBeLessThanOrEqual(f);
      expect(f).toBeLessThanOrEqual(h80);
      expect(h80).toBeLessThanOrEqual(h95);
      // every series sells every day in the fixture: a forecast of zero would be wrong
      expect(f).toBeGreaterThan(0);
      expect(model).not.toBe('');
      seen.add(`${store}/${sku}/${date}`);
    }
    expect(seen.size).toBe(rows.length);
    expect(formatDay(firstForecastDay)).toBe('2016-03-28');
  });

  it('starts a run from the New run page and follows it to its outputs; refuses what the form would refuse', { timeout: 360_000 }, async () => {
    await context!.setHTTPCredentials({ username: 'forecast', password, origin: dash!.url });
    const page = await context!.newPage();
    page.setDefaultTimeout(90_000);
    const shot = (name: string) => page.screenshot({ path: join(ARTIFACTS, `dashboard-${name}.png`), fullPage: true });
    const files = mkdtempSync(join(tmpdir(), 'dashboard-uploads-'));
    const incoming = () => (existsSync(join(config.dataDir, 'incoming')) ? readdirSync(join(config.dataDir, 'incoming')).filter((n) => n !== 'side') : []);

    // 1. every page links "New run"; the runs page has it too
    await page.goto(`${dash!.url}/runs`);
    await page.getByRole('link', { name: 'New run' }).first().click();
    await page.waitForURL(`${dash!.url}/new-run`);
    await page.getByRole('heading', { name: 'New run' }).waitFor();
    await shot('new-run');

    // 2. refused uploads, through the form: too large (413), not a spreadsheet (415); nothing kept
    const big = join(files, 'big-export.csv');
    writeFileSync(big, `date,store,sku,quantity\n${'2016-01-04,S1,SKU-1,3\n'.repeat(Math.ceil((UPLOAD_LIMIT * 1.5) / 21))}`);
    await page.setInputFiles('#sales', big);
    let refused = page.waitForResponse((r) => r.url().endsWith('/new-run/upload'));
    await page.getByRole('button', { name: 'Upload and read' }).click();
    expect((await refused).status()).toBe(413);
    await page.getByText(/upload refused: "big-export\.csv" is larger than the 1\.0 MB/).waitFor();
    await shot('upload-too-large');
    const pdf = join(files, 'sales.csv');
    writeFileSync(pdf, '%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n');
    await page.goto(`${dash!.url}/new-run`);
    await page.setInputFiles('#sales', pdf);
    refused = page.waitForResponse((r) => r.url().endsWith('/new-run/upload'));
    await page.getByRole('button', { name: 'Upload and read' }).click();
    expect((await refused).status()).toBe(415);
    await page.getByText(/upload refused: "sales\.csv" is a PDF document, not a sales export/).waitFor();
    await shot('upload-not-a-spreadsheet');
    expect(incoming()).toEqual([]);

    // 3. refused posts: no credentials (401), another site's form (403, in the browser), a script's cross-origin post (403)
    const form = new FormData();
    form.append('sales', new Blob([readFileSync('data/sample-sales.csv')]), 'sample-sales.csv');
    const anon = await fetch(`${dash!.url}/new-run/upload`, { method: 'POST', body: form, headers: { origin: dash!.url } });
    expect(anon.status).toBe(401);
    const auth = `Basic ${Buffer.from(`forecast:${password}`).toString('base64')}`;
    const foreign = await fetch(`${dash!.url}/new-run/upload`, { method: 'POST', body: form, headers: { authorization: auth, origin: 'http://evil.example' } });
    expect(foreign.status).toBe(403);
    const other = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' }).end(
        `<form method="post" action="${dash!.url}/new-run/start"><input name="input" value="incoming/x.csv"></form><script>document.forms[0].submit()</script>`,
      );
    });
    await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
    const otherOrigin = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
    allowed.add(otherOrigin);
    try {
      const posted = page.waitForResponse((r) => r.url() === `${dash!.url}/new-run/start` && r.status() !== 401);
      await page.goto(otherOrigin);
      const r = await posted;
      expect(r.status()).toBe(403);
      expect(await r.text()).toMatch(/cross-site request refused/);
      await shot('cross-origin-refused');
    } finally {
      allowed.delete(otherOrigin);
      await new Promise((r) => other.close(r));
    }
    expect(incoming()).toEqual([]);

    // 4. upload the sample export with a stock file: what it holds is shown
    const stock = join(files, 'stock.csv');
    writeFileSync(stock, 'store,sku,on_hand\nCA_1,FOODS_1_218,5\nTX_1,FOODS_1_218,400\n');
    await page.goto(`${dash!.url}/new-run`);
    await page.setInputFiles('#sales', 'data/sample-sales.csv');
    await page.locator('summary').click();
    await page.setInputFiles('input[name="stock"]', stock);
    await page.getByRole('button', { name: 'Upload and read' }).click();
    await page.locator('#preview').waitFor();
    expect(incoming()).toEqual([expect.stringMatching(/^sample-sales-\d{8}-\d{6}-[0-9a-f]{6}\.csv$/)]);
    // data/README.md: 2014-03-28 .. 2016-03-27, daily totals
    expect(await page.locator('[data-k="last-date"]').innerText()).toBe('2016-03-27');
    expect(await page.locator('[data-k="day-after"]').innerText()).toBe('2016-03-28');
    expect(await page.locator('[data-k="frequency"]').innerText()).toBe('day');
    expect(await page.locator('select[name="stock"]').inputValue()).toMatch(/^incoming\/side\/stock-\d{8}-\d{6}-[0-9a-f]{6}\.csv$/);
    await shot('new-run-read');

    // 5. start it (run date blank: the day after the data once issue 15 is in, else today) and follow it on its page
    await page.fill('#horizon', String(HORIZON));
    await page.getByRole('button', { name: 'Start the run' }).click();
    await page.waitForURL(/\/runs\/[A-Za-z0-9_-]+(\?job=[A-Za-z0-9_-]+)?$/);
    const status = page.locator('#status');
    await status.waitFor();
    await shot('run-in-flight');
    await expect.poll(async () => ((await status.count()) ? status.getAttribute('data-status') : null), { timeout: 200_000, interval: 500 }).toMatch(/^(published|degraded|failed)$/);
    expect(await status.getAttribute('data-status')).toBe('published');
    const runId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!);
    // the operators' links: the run's run job (queued under its own id when the run date waits for the data) and publish job
    expect(await page.getByRole('link', { name: 'run job' }).count()).toBe(1);
    expect(await page.getByRole('link', { name: 'publish job' }).count()).toBe(1);
    expect(await page.locator('h1').innerText()).toMatch(/^sample-sales-.*\.csv$/);
    const rowsText = await page.locator('[data-k="rows"]').innerText();
    const [read, accepted, rejected] = [...rowsText.matchAll(/\d[\d,]*/g)].map((m) => Number(m[0].replace(/,/g, '')));
    expect(read).toBe(5854); // data/README.md
    expect(accepted + rejected).toBe(read);
    expect(rejected).toBeGreaterThan(0); // planted defects
    await page.locator('#orders table').waitFor();
    expect(await page.locator('#orders tbody tr').count()).toBe(8);

    // 6. the report inline (its own tab after the downloads)
    const frame = page.frameLocator('iframe[title="report"]');
    await frame.locator('body').getByText(/order/i).first().waitFor();
    await page.waitForTimeout(1_000); // the sandboxed frame paints after its DOM is there: for the screenshots only
    await shot('run-published');
    await page.locator('#report').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-run-report-inline.png') });

    // 7. downloads: orders.csv (one line per series, the stocked one with a quantity) and forecasts.csv
    const save = async (name: string) => {
      // a DOM click: in headless Chromium, mouse clicks on a page holding the report's frame often
      // did not reach the page (no event, no request); the runs-page download above is a mouse click
      const [d] = await Promise.all([page.waitForEvent('download'), page.locator('#downloads').getByRole('link', { name, exact: true }).dispatchEvent('click')]);
      const file = join(files, `got-${name}`);
      await d.saveAs(file);
      return readFileSync(file, 'utf8').split(/\r?\n/).filter((l) => l);
    };
    const orders = await save('orders.csv');
    const oh = orders[0].split(',');
    expect(oh.slice(0, 4)).toEqual(['store', 'sku', 'supplier', 'on_hand']);
    expect(orders).toHaveLength(1 + 8);
    const stocked = orders.slice(1).map((l) => l.split(',')).find((c) => c[0] === 'CA_1' && c[1] === 'FOODS_1_218')!;
    expect(stocked[oh.indexOf('on_hand')]).toBe('5');
    // 5 units on hand of a 12-a-day item with a 7-day lead time: an order is due
    expect(Number(stocked[oh.indexOf('suggested_qty')])).toBeGreaterThan(0);
    const forecasts = await save('forecasts.csv');
    expect(forecasts[0]).toBe('store,sku,date,forecast,lo_80,hi_80,lo_95,hi_95,model');
    expect(forecasts).toHaveLength(1 + 8 * HORIZON);

    // the report in its own tab (after the downloads: a page left in the background takes no clicks)
    const [tab] = await Promise.all([context!.waitForEvent('page'), page.getByRole('link', { name: 'open in its own tab' }).click()]);
    await tab.waitForLoadState();
    expect(await tab.title()).not.toBe('');
    await tab.screenshot({ path: join(ARTIFACTS, 'dashboard-report.png'), fullPage: false });
    await tab.close();
    await page.bringToFront(); // a page left in the background takes no clicks

    // 8. the runs list names it by its export and run date, the id below; bull-board one click away
    await page.goto(`${dash!.url}/runs`);
    const row = page.locator(`tr[data-run="${runId}"]`);
    expect(await row.locator('a.run').innerText()).toMatch(/^sample-sales-.*\.csv$/);
    expect(await row.locator('.id').innerText()).toBe(runId);
    await shot('runs-list');
    await page.getByRole('link', { name: 'Queues (operators)' }).click();
    await page.waitForURL(`${dash!.url}/queues`);

    // 9. a file already in incoming/ can be picked instead of uploaded
    await page.goto(`${dash!.url}/new-run`);
    const uploaded = incoming()[0];
    expect(await page.locator('#pick').inputValue()).toBe(`incoming/${uploaded}`);
    await page.getByRole('button', { name: 'Read this file' }).click();
    await page.locator('#preview').waitFor();
    expect(await page.locator('[data-k="last-date"]').innerText()).toBe('2016-03-27');
    await shot('new-run-picked');
    rmSync(files, { recursive: true, force: true });
  });
});
