/**
 * The dashboard in headless Chromium (Debian's `chromium`, driven by playwright-core), end to
 * end: a request without credentials gets 401; after logging in, a run is triggered from
 * bull-board's "Add job" dialog on the run queue (first with a payload the zod schema refuses,
 * whose message must show, then a valid one), an in-process worker completes it, and its
 * forecasts.csv is downloaded from the runs page and checked. Screenshots go to
 * test/artifacts/dashboard-*.png. All network beyond the dashboard is blocked.
 *
 * Needs the build (`npm run build`: the worker's sandboxed processors run from dist/workers)
 * and Redis (test/global-setup.ts). Chromium: `apt-get install -y chromium` (.ci/run installs
 * it). Without /usr/bin/chromium the test is skipped locally with a message, and fails under
 * CI=true.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
  const fixture = salesCsv();

  beforeAll(async () => {
    if (!available) throw new Error(`${CHROMIUM} is missing: CI must install Debian's chromium`);
    processorPath(QUEUES.run); // throws "run npm run build" when the processors are not built
    config = testConfig();
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
    const origin = dash.url;
    // bull-board's page asks for a web font; nothing may leave the machine
    await context.route('**/*', (route) => (route.request().url().startsWith(`${origin}/`) ? route.continue() : route.abort()));
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
});
