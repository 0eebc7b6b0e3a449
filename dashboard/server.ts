/**
 * The dashboard web server: bull-board for the run, train and publish queues, the runs page and
 * the run-file downloads, behind a DNS-rebinding guard, Basic authentication and a CSRF check.
 *
 * Routes (all require authentication):
 * - `/new-run`: the "New run" page: upload or pick a sales export, check what it holds, start
 *   the run (dashboard/new-run.ts);
 * - `/runs/<run_id>`: the page of one run: progress, warnings, figures, orders, report,
 *   downloads (dashboard/run-detail.ts, dashboard/run-page.ts);
 * - `/queues/...`: bull-board (queues, jobs, retry, promote, clean, pause/resume, logs,
 *   progress, flows, job schedulers); its "Add job" dialog on the run queue triggers a run
 *   (dashboard/trigger-form.ts, dashboard/run-queue-adapter.ts);
 * - `/runs`: the runs page; `/api/runs`: the same rows as JSON;
 * - `/runs/<run_id>/<file>`: a run's published files (dashboard/run-files.ts); `?view=1` shows
 *   report.html in the browser inside a sandbox, anything else is a download;
 * - `/`: redirects to `/runs`.
 */
import { createReadStream } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express, { type ErrorRequestHandler, type Express, type RequestHandler } from 'express';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { Queue, type ConnectionOptions } from 'bullmq';
import { ConfigError } from '../pipelines/errors.js';
import type { Config } from '../config/schema.js';
import { safeMessage } from '../pipelines/errors.js';
import { dataLayout } from '../pipelines/io/paths.js';
import { queueOptions, redactUrl, redisConnection } from '../workers/connection.js';
import { QUEUES } from '../workers/queues.js';
import { basicAuth, resolveCredentials, type Credentials, type LoginFailure } from './auth.js';
import { csrfGuard } from './csrf.js';
import { hostGuard } from './host-guard.js';
import { listenError } from './listen-error.js';
import { RunQueueAdapter } from './run-queue-adapter.js';
import { RUN_FILE_TYPES, resolveRunFile } from './run-files.js';
import { readPublishedRuns, readRunJobs, runRows } from './runs.js';
import { renderRunsPage } from './runs-page.js';
import { boardHooks } from './trigger-form.js';
import { escapeHtml, PAGE_CSP, PAGES, renderPage, RUN_PAGE_CSP } from './layout.js';
import { addNewRunRoutes } from './new-run.js';
import { readRunDetail } from './run-detail.js';
import { renderRunPage, runPageHref } from './run-page.js';
import { RUN_ID_PATTERN } from '../pipelines/io/paths.js';

/** Where bull-board is mounted. */
export const BOARD_PATH = '/queues';
/** Runs page, and prefix of the file downloads. */
export const RUNS_PATH = '/runs';

/**
 * Connection options of the dashboard's queues: commands fail at once while Redis is away (the
 * page shows an error instead of hanging), and the client reconnects for as long as the
 * dashboard runs (a producer connection from workers/connection.ts would give up for good).
 * @throws Error when the URL is not a redis:// or rediss:// URL.
 */
export function dashboardConnection(url: string): ConnectionOptions {
  return { ...redisConnection(url, 'producer'), retryStrategy: (times: number) => Math.min(250 * times, 5_000) };
}

/** Security headers of every response (bull-board's pages included). */
const securityHeaders: RequestHandler = (_req, res, next) => {
  res.set({
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'same-origin',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
  });
  next();
};

/**
 * Policy of report.html viewed in the browser: an opaque-origin sandbox (its inline chart script
 * runs, but it cannot read or act on the dashboard), no network at all; framed only by the
 * dashboard's own run page.
 */
const REPORT_CSP = "sandbox allow-scripts; default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'";

/** The dashboard application before it listens. */
export interface DashboardApp {
  app: Express;
  /** Close the queues' Redis connections. */
  close(): Promise<void>;
}

/**
 * Build the dashboard application.
 * @param config settings (Redis URL and prefix, data directory, run defaults).
 * @param opts.credentials the accepted user and password ({@link resolveCredentials}).
 * @param opts.bindHost the address the server will listen on (enables the DNS-rebinding guard
 *   for loopback addresses).
 * @param opts.connection Redis connection options. @defaultValue {@link dashboardConnection}
 * @param opts.onError told about Redis errors of the queues, at most once a minute. @defaultValue ignore
 * @param opts.onLoginFailure told about every failed login (user, address, time). @defaultValue a line on stderr
 */
export async function createDashboardApp(
  config: Config,
  opts: {
    credentials: Pick<Credentials, 'user' | 'password'>;
    bindHost: string;
    connection?: ConnectionOptions;
    onError?: (e: Error) => void;
    onLoginFailure?: (f: LoginFailure) => void;
  },
): Promise<DashboardApp> {
  const connection = opts.connection ?? dashboardConnection(config.queue.redisUrl);
  const qopts = queueOptions(config, connection);
  const q = { run: new Queue(QUEUES.run, qopts), train: new Queue(QUEUES.train, qopts), publish: new Queue(QUEUES.publish, qopts) };
  const queues = [q.run, q.train, q.publish];
  for (const queue of queues) queue.on('error', throttled(opts.onError ?? (() => {}), 60_000));

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(securityHeaders);
  app.use(hostGuard(opts.bindHost));
  app.use(basicAuth(opts.credentials, { onFailure: opts.onLoginFailure }));
  app.use(csrfGuard());
  app.get('/', (_req, res) => {
    res.redirect(302, RUNS_PATH);
  });
  addNewRunRoutes(app, config, q.run);
  addRunRoutes(app, dataLayout(config.dataDir).out, q);
  app.use(BOARD_PATH, boardRouter(config, q));
  app.use((_req, res) => {
    res.status(404).type('text/plain').send('not found\n');
  });
  const onError: ErrorRequestHandler = (err: Error, _req, res, _next) => {
    if (res.headersSent) {
      res.destroy(err);
      return;
    }
    res.status(503).type('text/plain').send(`dashboard error: ${safeMessage(err.message, { max: 500 })}\n`);
  };
  app.use(onError);

  return {
    app,
    async close() {
      await Promise.allSettled(queues.map((queue) => queue.close()));
    },
  };
}

/** Call `report` at most once per `intervalMs` (connection errors repeat on every reconnection attempt). */
function throttled(report: (e: Error) => void, intervalMs: number): (e: Error) => void {
  let last = 0;
  return (e) => {
    const now = Date.now();
    if (now - last < intervalMs) return;
    last = now;
    report(e);
  };
}

/** bull-board over the three queues, the run queue's "Add job" routed through `enqueueRun` (run-queue-adapter.ts). */
function boardRouter(config: Config, q: { run: Queue; train: Queue; publish: Queue }): express.Express {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(BOARD_PATH);
  createBullBoard({
    queues: [
      new RunQueueAdapter(q.run, config, {
        description: 'one job per requested run: ingest, validate, profile and prepare, then the train/publish flow. "Add job" (menu at the right) triggers a run.',
      }),
      new BullMQAdapter(q.train, { description: "train-batch jobs: model choice and fit for a batch of series (children of a run's publish job)" }),
      new BullMQAdapter(q.publish, { description: 'publish jobs: gather the batches and write the run directory (parent of the train-batch jobs)' }),
    ],
    // @bull-board/express 9.10.1 pins its own copy of @bull-board/api 9.10.1; the adapter is
    // duck-typed, so the two copies' private fields are the only mismatch
    serverAdapter: serverAdapter as unknown as Parameters<typeof createBullBoard>[0]['serverAdapter'],
    options: {
      uiConfig: {
        boardTitle: 'Forecast queues',
        miscLinks: [
          { text: 'New run', url: PAGES.newRun },
          { text: 'Runs and outputs', url: RUNS_PATH },
        ],
      },
      handlerHooks: boardHooks(config.dataDir),
    },
  });
  // bull-board's adapter is an Express app of its own, which would announce itself
  const board = serverAdapter.getRouter() as express.Express;
  board.disable('x-powered-by');
  return board;
}

/** The runs page, its JSON, and the run files (downloads; report.html viewable with `?view=1`). */
function addRunRoutes(app: express.Express, outDir: string, q: { run: Queue; publish: Queue }): void {
  /** The runs; published ones are still listed (with a notice) while Redis is unreachable. */
  const rows = async () => {
    const published = await readPublishedRuns(outDir);
    try {
      return { runs: runRows(published, await readRunJobs({ run: q.run, publish: q.publish })) };
    } catch (e) {
      return { runs: runRows(published, []), notice: `queued runs are not shown: the queue cannot be read (${(e as Error).message})` };
    }
  };

  app.get(RUNS_PATH, async (_req, res) => {
    const { runs, notice } = await rows();
    const html = renderRunsPage(runs, { board: BOARD_PATH, files: RUNS_PATH }, new Date().toISOString(), notice);
    res.set({ 'Content-Security-Policy': PAGE_CSP, 'Cache-Control': 'no-store' }).type('html').send(html);
  });

  app.get('/api/runs', async (_req, res) => {
    res.set('Cache-Control', 'no-store').json(await rows());
  });

  app.get(`${RUNS_PATH}/:id`, async (req, res) => {
    const id = String(req.params.id);
    const job = typeof req.query.job === 'string' && RUN_ID_PATTERN.test(req.query.job) ? req.query.job : undefined;
    const detail = RUN_ID_PATTERN.test(id) ? await readRunDetail(outDir, q, id, job) : ({ kind: 'missing' } as const);
    if (detail.kind === 'moved') {
      res.redirect(302, `${runPageHref(detail.runId)}?job=${encodeURIComponent(id)}`);
      return;
    }
    res.set({ 'Content-Security-Policy': RUN_PAGE_CSP, 'Cache-Control': 'no-store' }).type('html');
    if (detail.kind === 'missing') {
      res.status(404).send(renderPage('No such run', `<h1>No such run</h1><p>There is no run ${escapeHtml(id)} (yet). See the <a href="${RUNS_PATH}">runs</a>.</p>`, { here: 'runs' }));
      return;
    }
    res.send(renderRunPage(detail.row, detail.summary, detail.progress, detail.orders));
  });

  app.get(`${RUNS_PATH}/:runId/:file`, async (req, res) => {
    const found = await resolveRunFile(outDir, String(req.params.runId), String(req.params.file));
    if (!found) {
      res.status(404).type('text/plain').send('no such run file\n');
      return;
    }
    const view = found.file === 'report.html' && req.query.view === '1';
    if (!view) res.attachment(`${found.runId}-${found.file}`);
    else res.set('X-Frame-Options', 'SAMEORIGIN'); // the run page shows the report in a frame
    res.set({
      'Content-Type': RUN_FILE_TYPES[found.file],
      'Content-Length': String(found.bytes),
      'Cache-Control': 'no-store',
      'Content-Security-Policy': view ? REPORT_CSP : "default-src 'none'; sandbox",
    });
    const stream = createReadStream(found.path);
    stream.on('error', (e) => res.destroy(e));
    stream.pipe(res);
  });
}

/** A listening dashboard. */
export interface RunningDashboard {
  /** Base URL, e.g. `http://127.0.0.1:3000`. */
  url: string;
  host: string;
  port: number;
  credentials: Credentials;
  server: Server;
  /** Stop listening, drop open connections, close the queues. */
  close(): Promise<void>;
}

/** Format a host for a URL (IPv6 literals in brackets). */
function urlHost(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/**
 * Check that Redis answers, failing fast with a readable message.
 * @throws ConfigError when Redis cannot be reached.
 */
export async function checkRedis(config: Config): Promise<void> {
  const probe = new Queue(QUEUES.run, queueOptions(config, redisConnection(config.queue.redisUrl, 'producer')));
  probe.on('error', () => {}); // reported once, below
  try {
    await probe.waitUntilReady();
  } catch (e) {
    throw new ConfigError(
      `cannot reach Redis at ${redactUrl(config.queue.redisUrl)}: ${(e as Error).message} (is Redis running? set REDIS_URL or queue.redisUrl; "forecast serve" starts a throwaway local Redis)`,
    );
  } finally {
    await probe.close().catch(() => {});
  }
}

/**
 * Start the dashboard.
 * @param config settings; `dashboard.host`, `dashboard.port`, `dashboard.user`,
 *   `dashboard.password` unless overridden here.
 * @param opts.host address to bind. @defaultValue config dashboard.host ("127.0.0.1")
 * @param opts.port TCP port, 0 for any free one. @defaultValue config dashboard.port (3000)
 * @param opts.credentials accepted credentials. @defaultValue resolveCredentials(config.dashboard, host)
 * @param opts.onError told about Redis errors of the queues, at most once a minute. @defaultValue ignore
 * @throws ConfigError when the host is not loopback and no password is configured, or Redis
 *   cannot be reached or the port cannot be bound (in use, privileged); Error otherwise.
 */
export async function startDashboard(
  config: Config,
  opts: { host?: string; port?: number; credentials?: Credentials; onError?: (e: Error) => void; onLoginFailure?: (f: LoginFailure) => void } = {},
): Promise<RunningDashboard> {
  const host = opts.host ?? config.dashboard.host;
  const port = opts.port ?? config.dashboard.port;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError(`dashboard port must be 0-65535, got ${port}`);
  const credentials = opts.credentials ?? resolveCredentials(config.dashboard, host);
  await checkRedis(config);
  const built = await createDashboardApp(config, { credentials, bindHost: host, onError: opts.onError, onLoginFailure: opts.onLoginFailure });
  let server: Server;
  try {
    server = await new Promise<Server>((resolveListen, rejectListen) => {
      const s = built.app.listen(port, host, (err?: Error) => (err ? rejectListen(err) : resolveListen(s)));
      s.once('error', rejectListen);
    });
  } catch (e) {
    await built.close();
    throw listenError(e, host, port);
  }
  const actualPort = (server.address() as AddressInfo).port;
  return {
    url: `http://${urlHost(host)}:${actualPort}`,
    host,
    port: actualPort,
    credentials,
    server,
    async close() {
      await new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      });
      await built.close();
    },
  };
}
