/**
 * `forecast dashboard`: serve the New run page, the runs and run pages, the run files and
 * bull-board for the pipeline's queues, behind Basic authentication, until SIGTERM/SIGINT. Needs a reachable Redis (workers run
 * elsewhere: `forecast worker`); `forecast serve` starts everything in one process instead.
 */
import { Option, type Command } from 'commander';
import { port } from '../option-values.js';
import { loadConfig } from '../../config/load.js';
import type { Config, ConfigInput } from '../../config/schema.js';
import type { RunningDashboard } from '../../dashboard/server.js';
import { onShutdown } from '../../workers/shutdown.js';
import type { Logger } from 'pino';
import { checkDataDirWritable } from '../data-dir.js';
import { createLogger } from '../log-format.js';
import { describeLoginFailure } from '../../dashboard/auth.js';

/** Flags shared by `dashboard` and `serve`. */
export interface DashboardFlags {
  config?: string;
  host?: string;
  port?: number;
  dataDir?: string;
}

/** Declare the shared flags on a command. */
export function addDashboardOptions(cmd: Command): Command {
  return cmd
    .option('-c, --config <file>', 'JSON settings file (Redis URL, data directory, dashboard credentials)')
    .option('--host <address>', 'address to listen on (default: config dashboard.host, 127.0.0.1); any other than loopback needs credentials')
    .addOption(new Option('-p, --port <port>', 'TCP port, 0 for any free one (default: config dashboard.port, 3000)').argParser(port))
    .option('--data-dir <dir>', 'data directory (default: config dataDir or FORECAST_DATA_DIR)');
}

/**
 * Settings from defaults, --config, the environment and the flags.
 * @throws ConfigError on an invalid setting (the port is checked by its flag: bin/option-values.ts).
 */
export function dashboardConfig(flags: DashboardFlags): Config {
  const dashboard: Record<string, unknown> = {};
  if (flags.host !== undefined) dashboard.host = flags.host;
  if (flags.port !== undefined) dashboard.port = flags.port;
  const overrides: Record<string, unknown> = { dashboard };
  if (flags.dataDir !== undefined) overrides.dataDir = flags.dataDir;
  return loadConfig({ file: flags.config, env: process.env, overrides: overrides as ConfigInput });
}

/**
 * Tell the person at the terminal where the dashboard is and, once, a generated password, as
 * log lines of the command's logger (one format on stderr).
 * @param runsPath the runs page's path (RUNS_PATH of dashboard/server.ts, passed in so that this
 *   module does not load the server at startup).
 */
export function announceDashboard(d: RunningDashboard, runsPath: string, log: Logger): void {
  log.info(`dashboard: ${d.url}/ (start a run from a sales export: ${d.url}/new-run; runs and outputs: ${d.url}${runsPath})`);
  if (d.credentials.generated) {
    log.warn(
      `dashboard: no credentials configured; log in as "${d.credentials.user}" with the generated password ${d.credentials.password} ` +
        '(shown once; set FORECAST_DASHBOARD_USER and FORECAST_DASHBOARD_PASSWORD to choose your own)',
    );
  } else {
    log.info(`dashboard: log in as "${d.credentials.user}" with the configured password`);
  }
}

/** Declare `forecast dashboard` on the program. */
export function register(program: Command): void {
  addDashboardOptions(program.command('dashboard'))
    .description('serve the queue dashboard (bull-board), the runs page and run downloads, with authentication, until SIGTERM/SIGINT')
    .action(async (opts: DashboardFlags) => {
      const config = dashboardConfig(opts);
      await checkDataDirWritable(config.dataDir);
      const log = createLogger();
      const { startDashboard, RUNS_PATH } = await import('../../dashboard/server.js');
      const dashboard = await startDashboard(config, {
        onError: (e) => log.warn({ error: e.message }, 'dashboard: Redis error'),
        onLoginFailure: (f) => log.warn(describeLoginFailure(f)),
      });
      // signal handlers before the "ready" lines (bin/commands/worker.ts says why)
      const shutdown = onShutdown([{ close: () => dashboard.close() }], { graceMs: 5_000, log: (m) => log.info(m) });
      announceDashboard(dashboard, RUNS_PATH, log);
      const reason = await shutdown.done;
      log.info({ reason }, 'dashboard stopped');
      log.flush();
    });
}
