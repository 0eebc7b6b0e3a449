/**
 * The dashboard server against the test Redis: authentication, CSRF, triggering a run through
 * bull-board's add-job route (validated with the zod schema, enqueued with enqueueRun), the runs
 * API and the file downloads. No worker runs here: the queued run stays waiting.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { ConfigError } from '../../pipelines/errors.js';
import type { Config } from '../../config/schema.js';
import { startDashboard, type RunningDashboard } from '../../dashboard/server.js';
import { queueOptions, redisConnection } from '../../workers/connection.js';
import { QUEUES } from '../../workers/queues.js';
import { cleanup, testConfig } from '../workers/helpers.js';

let config: Config;
let dash: RunningDashboard;
let runQueue: Queue;
const credentials = { user: 'ops', password: 'correct horse', generated: false };
const auth = { authorization: `Basic ${Buffer.from('ops:correct horse').toString('base64')}` };

beforeAll(async () => {
  config = testConfig();
  writeFileSync(join(config.dataDir, 'sales.csv'), 'date,store,sku,quantity\n2016-03-01,S1,A,3\n');
  const run = join(config.dataDir, 'out', 'runs', '2016-03-27-0123456789ab');
  mkdirSync(run, { recursive: true });
  writeFileSync(join(run, 'forecasts.csv'), 'store,sku,date,forecast\r\nS1,A,2016-03-28,3\r\n');
  writeFileSync(
    join(run, 'run.json'),
    JSON.stringify({ runId: '2016-03-27-0123456789ab', command: 'run', runDate: '2016-03-27', finishedAt: '2016-03-28T02:00:00.000Z', rows: { read: 10, accepted: 9, rejected: 1 }, quality: { series: 1, meanScore: 88 }, forecast: { series: 1, meanRmsse: 0.7, meanMase: 0.8, meanFva: 0.1 }, degraded: [] }),
  );
  dash = await startDashboard(config, { host: '127.0.0.1', port: 0, credentials });
  runQueue = new Queue(QUEUES.run, queueOptions(config, redisConnection(config.queue.redisUrl, 'producer')));
});

afterAll(async () => {
  await dash?.close();
  await runQueue?.close();
  if (config) await cleanup(config);
});

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${dash.url}${path}`, { method: 'POST', headers: { ...auth, origin: dash.url, 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

describe('dashboard server', () => {
  it('answers 401 without or with wrong credentials, on every route', async () => {
    for (const path of ['/', '/queues', '/queues/api/queues', '/runs', '/api/runs', '/runs/latest/forecasts.csv', '/runs/2016-03-28-abc', '/new-run']) {
      const res = await fetch(`${dash.url}${path}`, { redirect: 'manual' });
      expect(res.status, path).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
    }
    const wrong = await fetch(`${dash.url}/queues`, { headers: { authorization: `Basic ${Buffer.from('ops:wrong').toString('base64')}` } });
    expect(wrong.status).toBe(401);
  });

  it('opens on the runs page, and serves bull-board with New run and the runs page linked', async () => {
    const root = await fetch(`${dash.url}/`, { headers: auth, redirect: 'manual' });
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe('/runs');
    const board = await fetch(`${dash.url}/queues`, { headers: auth });
    expect(board.status).toBe(200);
    const html = await board.text();
    expect(html).toContain('"miscLinks":[{"text":"New run","url":"/new-run"},{"text":"Runs and outputs","url":"/runs"}]');
    const queues = (await (await fetch(`${dash.url}/queues/api/queues`, { headers: auth })).json()) as { queues: Array<{ name: string }> };
    expect(queues.queues.map((q) => q.name).sort()).toEqual(['publish', 'run', 'train']);
  });

  it('gives the run queue the JSON Schema of the zod run payload', async () => {
    const schema = (await (await fetch(`${dash.url}/queues/api/queues/run/job-data-schema`, { headers: auth })).json()) as { oneOf: unknown[]; examples: Array<Record<string, unknown>> };
    expect(schema.oneOf).toHaveLength(2);
    expect(schema.examples[0]).toMatchObject({ mode: 'input', input: 'sales.csv' });
    expect(schema.examples[0].horizon).toBeUndefined();
  });

  it('refuses state-changing requests without a same-origin proof (CSRF), bull-board routes included', async () => {
    const noOrigin = await fetch(`${dash.url}/queues/api/queues/run/pause`, { method: 'PUT', headers: auth });
    expect(noOrigin.status).toBe(403);
    expect(((await noOrigin.json()) as { message: string }).message).toMatch(/cross-site request refused/);
    const cross = await fetch(`${dash.url}/queues/api/queues/run/pause`, { method: 'PUT', headers: { ...auth, origin: 'http://localhost:1', 'sec-fetch-site': 'same-site' } });
    expect(cross.status).toBe(403);
    const add = await post('/queues/api/queues/run/add', { name: 'run', data: { mode: 'input', input: 'sales.csv' }, options: {} }, { origin: 'https://evil.example' });
    expect(add.status).toBe(403);
    expect(await runQueue.getJobCounts()).toMatchObject({ waiting: 0 });
    expect(await runQueue.isPaused()).toBe(false);
  });

  it('refuses an invalid run request with the zod message before anything is queued', async () => {
    const res = await post('/queues/api/queues/run/add', { name: 'x', data: { mode: 'input', input: 'sales.csv', runDate: '2016-02-30' }, options: {} });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: unknown; message: string };
    expect(body.error).toEqual({ key: 'ERRORS.INVALID_REQUEST_BODY', options: { field: 'data' } });
    expect(body.message).toBe('invalid run payload: runDate: not a calendar date');
    const missing = await post('/queues/api/queues/run/add', { name: 'x', data: { mode: 'input', input: 'nope.csv' }, options: {} });
    expect(missing.status).toBe(400);
    const train = await post('/queues/api/queues/train/add', { name: 'x', data: {}, options: {} });
    expect(train.status).toBe(405);
    expect((await runQueue.getJobs(['waiting', 'delayed', 'active', 'prioritized'])).length).toBe(0);
  });

  it('triggers a valid run through enqueueRun: run id as job id, run job name and options, deduplicated', async () => {
    const res = await post('/queues/api/queues/run/add', { name: '__default__', data: { mode: 'input', input: 'sales.csv', runDate: '2016-03-27' }, options: { attempts: 99 } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { job: { id: string; name: string; data: unknown } };
    expect(body.job.id).toMatch(/^2016-03-27-[0-9a-f]{12}$/);
    expect(body.job.name).toBe('run');
    expect(body.job.data).toEqual({ mode: 'input', input: 'sales.csv', runDate: '2016-03-27' });
    const job = await runQueue.getJob(body.job.id);
    expect(job?.opts.attempts).toBe(config.queue.attempts);
    const again = await post('/queues/api/queues/run/add', { name: 'x', data: { mode: 'input', input: 'sales.csv', runDate: '2016-03-27' }, options: {} });
    expect(((await again.json()) as { job: { id: string } }).job.id).toBe(body.job.id);
    expect(await runQueue.getJobCounts('waiting')).toEqual({ waiting: 1 });

    const runs = (await (await fetch(`${dash.url}/api/runs`, { headers: auth })).json()) as { runs: Array<{ runId: string; status: string }> };
    expect(runs.runs).toContainEqual(expect.objectContaining({ runId: body.job.id, status: 'queued' }));
  });

  it("shows a run's page (no script, its report framed only from the dashboard, still sandboxed) and 404 for an unknown run", async () => {
    const run = join(config.dataDir, 'out', 'runs', '2016-03-27-0123456789ab');
    const page = await fetch(`${dash.url}/runs/2016-03-27-0123456789ab`, { headers: auth });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toBe(`default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; frame-src 'self'`);
    const html = await page.text();
    expect(html).toContain('data-status="published"');
    expect(html).toContain('<span data-k="rows">10 read, 9 accepted, 1 rejected</span>');
    expect(html).not.toContain('<script');
    expect((await fetch(`${dash.url}/runs/2016-03-27-ffffffffffff`, { headers: auth })).status).toBe(404);

    writeFileSync(join(run, 'report.html'), '<!doctype html><title>r</title>');
    try {
      const view = await fetch(`${dash.url}/runs/2016-03-27-0123456789ab/report.html?view=1`, { headers: auth });
      expect(view.headers.get('content-security-policy')).toMatch(/^sandbox allow-scripts; .*frame-ancestors 'self'$/);
      expect(view.headers.get('x-frame-options')).toBe('SAMEORIGIN');
      expect(view.headers.get('content-disposition')).toBeNull();
      const download = await fetch(`${dash.url}/runs/2016-03-27-0123456789ab/report.html`, { headers: auth });
      expect(download.headers.get('x-frame-options')).toBe('DENY');
      expect(download.headers.get('content-disposition')).toMatch(/^attachment/);
    } finally {
      rmSync(join(run, 'report.html'));
    }
  });

  it('lists published runs and serves their files, nothing else', async () => {
    const runs = (await (await fetch(`${dash.url}/api/runs`, { headers: auth })).json()) as { runs: Array<Record<string, unknown>> };
    expect(runs.runs).toContainEqual(
      expect.objectContaining({ runId: '2016-03-27-0123456789ab', status: 'published', rows: { read: 10, accepted: 9, rejected: 1 }, quality: 88, files: ['forecasts.csv', 'run.json'] }),
    );
    const page = await fetch(`${dash.url}/runs`, { headers: auth });
    expect(page.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    expect(await page.text()).toContain('href="/runs/2016-03-27-0123456789ab/forecasts.csv"');

    const file = await fetch(`${dash.url}/runs/2016-03-27-0123456789ab/forecasts.csv`, { headers: auth });
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(file.headers.get('content-disposition')).toMatch(/^attachment; filename="?2016-03-27-0123456789ab-forecasts\.csv"?$/);
    expect(await file.text()).toBe('store,sku,date,forecast\r\nS1,A,2016-03-28,3\r\n');
    for (const path of ['/runs/2016-03-27-0123456789ab/sales.csv', '/runs/..%2F..%2Fsales.csv/run.json', '/runs/2016-03-27-0123456789ab/..%2F..%2F..%2Fsales.csv', '/runs/nope/forecasts.csv']) {
      expect((await fetch(`${dash.url}${path}`, { headers: auth })).status, path).toBe(404);
    }
  });

  it('announces no X-Powered-By on any route, bull-board\'s included', async () => {
    for (const path of ['/queues', '/queues/api/queues', '/runs', '/api/runs', '/runs/latest/forecasts.csv', '/nope']) {
      const res = await fetch(`${dash.url}${path}`, { headers: auth });
      expect(res.status, path).toBeLessThan(500);
      expect(res.headers.get('x-powered-by'), path).toBeNull();
    }
    expect((await fetch(`${dash.url}/queues`)).headers.get('x-powered-by')).toBeNull();
  });

  it('refuses to listen on a non-loopback address with a password shorter than 12 characters', async () => {
    const weak = { ...config, dashboard: { ...config.dashboard, user: 'ops', password: 'short-pass' } };
    await expect(startDashboard(weak, { host: '0.0.0.0', port: 0 })).rejects.toThrow(/at least 12/);
  });

  it('refuses to listen on a non-loopback address without credentials', async () => {
    const open = { ...config, dashboard: { ...config.dashboard, user: undefined, password: undefined } };
    await expect(startDashboard(open, { host: '0.0.0.0', port: 0 })).rejects.toThrow(ConfigError);
  });
});
