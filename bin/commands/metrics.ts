/** `forecast metrics`: print the queues' Prometheus metrics, or serve them over HTTP. */
import type { Command } from 'commander';
import { ConfigError } from '../../pipelines/errors.js';
import { configFromFlags } from './options.js';
import { onShutdown } from '../../workers/shutdown.js';

export function register(program: Command): void {
  program
    .command('metrics')
    .description('print Prometheus metrics of the run, train and publish queues (or serve them with --serve)')
    .option('-c, --config <file>', 'JSON settings file')
    .option('--serve <port>', 'serve GET /metrics on this port until SIGTERM/SIGINT')
    .option('--host <host>', 'interface to bind with --serve', '127.0.0.1')
    .action(async (opts: { config?: string; serve?: string; host: string }) => {
      const config = configFromFlags({ config: opts.config });
      const [{ queueMetrics, serveMetrics }, { isConnectionError, redactUrl }] = await Promise.all([
        import('../../workers/metrics.js'),
        import('../../workers/connection.js'),
      ]);
      if (opts.serve === undefined) {
        const text = await queueMetrics(config).catch((e: unknown) => {
          throw isConnectionError(e) ? new ConfigError(`cannot reach Redis at ${redactUrl(config.queue.redisUrl)}: ${(e as Error).message}`) : e;
        });
        process.stdout.write(text);
        return;
      }
      const port = Number(opts.serve);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError(`--serve needs a TCP port, got "${opts.serve}"`);
      const server = await serveMetrics(config, port, opts.host);
      const addr = server.address();
      process.stderr.write(`metrics on http://${opts.host}:${typeof addr === 'object' && addr ? addr.port : port}/metrics\n`);
      await onShutdown([{ close: () => new Promise<void>((r) => server.close(() => r())) }], { graceMs: 5_000 }).done;
    });
}
