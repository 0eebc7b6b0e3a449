/** `forecast metrics`: print the queues' Prometheus metrics, or serve them over HTTP. */
import { Option, type Command } from 'commander';
import { port } from '../option-values.js';
import { ConfigError } from '../../pipelines/errors.js';
import { configFromFlags } from './options.js';
import { onShutdown } from '../../workers/shutdown.js';

export function register(program: Command): void {
  program
    .command('metrics')
    .description('print Prometheus metrics of the run, train and publish queues (or serve them with --serve)')
    .option('-c, --config <file>', 'JSON settings file')
    .addOption(new Option('--serve <port>', 'serve GET /metrics on this port until SIGTERM/SIGINT').argParser(port))
    .option('--host <host>', 'interface to bind with --serve', '127.0.0.1')
    .action(async (opts: { config?: string; serve?: number; host: string }) => {
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
      const server = await serveMetrics(config, opts.serve, opts.host);
      const addr = server.address();
      process.stderr.write(`metrics on http://${opts.host}:${typeof addr === 'object' && addr ? addr.port : opts.serve}/metrics\n`);
      await onShutdown([{ close: () => new Promise<void>((r) => server.close(() => r())) }], { graceMs: 5_000 }).done;
    });
}
