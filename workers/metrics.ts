/**
 * Prometheus metrics of the run, train and publish queues, from BullMQ's own exporter
 * (`Queue.exportPrometheusMetrics`): job counts by state, completed and failed totals; and the
 * stage durations of the latest published runs (`forecast_run_stage_seconds{run_id, stage}`,
 * from their publish jobs' results in Redis, so any machine's worker can serve them).
 * The three queues' outputs are merged so each metric family's HELP/TYPE appears once, as the
 * text exposition format requires.
 */
import { createServer, type Server } from 'node:http';
import { Queue } from 'bullmq';
import type { Config } from '../config/schema.js';
import { redisConnection } from './connection.js';
import { QUEUES, queuePrefix, type PublishResult } from './queues.js';
import { queueOptions } from './connection.js';

/**
 * Merge Prometheus text blocks: HELP/TYPE lines once per family, samples grouped under them.
 * @param blocks text of several exporters.
 */
export function mergePrometheus(blocks: readonly string[]): string {
  const families = new Map<string, { meta: string[]; samples: string[] }>();
  const family = (name: string) => {
    let f = families.get(name);
    if (!f) families.set(name, (f = { meta: [], samples: [] }));
    return f;
  };
  for (const block of blocks) {
    for (const line of block.split('\n')) {
      if (!line.trim()) continue;
      const m = /^# (HELP|TYPE) (\S+)/.exec(line);
      if (m) {
        const f = family(m[2]);
        if (!f.meta.some((l) => l.startsWith(`# ${m[1]} `))) f.meta.push(line);
        continue;
      }
      const name = /^[A-Za-z_:][A-Za-z0-9_:]*/.exec(line)?.[0];
      if (name) family(name).samples.push(line);
    }
  }
  const out: string[] = [];
  for (const f of families.values()) {
    for (const l of f.meta) out.push(l);
    for (const l of f.samples) out.push(l);
  }
  return out.join('\n') + '\n';
}

/**
 * Current metrics of every queue, in the Prometheus text format.
 * @param labels extra labels on every sample (e.g. `{ prefix: 'forecast' }`).
 */
export async function queueMetrics(config: Config, labels: Record<string, string> = {}): Promise<string> {
  const connection = redisConnection(config.queue.redisUrl, 'producer');
  const queues = Object.values(QUEUES).map((name) => new Queue(name, { ...queueOptions(config, connection), skipMetasUpdate: true }));
  for (const q of queues) q.on('error', () => {});
  try {
    const blocks = await Promise.all(queues.map((q) => q.exportPrometheusMetrics({ prefix: queuePrefix(config), ...labels })));
    const publish = queues[Object.values(QUEUES).indexOf(QUEUES.publish)];
    const runs = await publish.getCompleted(0, STAGE_RUNS - 1);
    blocks.push(stageMetrics(runs.map((j) => j.returnvalue as PublishResult | undefined), { prefix: queuePrefix(config), ...labels }));
    return mergePrometheus(blocks);
  } finally {
    await Promise.allSettled(queues.map((q) => q.close()));
  }
}

/** Published runs whose stage durations are exported (the latest; bounded label cardinality). */
export const STAGE_RUNS = 10;

/** A label value escaped for the text format. */
const labelValue = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

/**
 * `forecast_run_stage_seconds{run_id, stage}` of published runs, from their publish results.
 * @param labels labels on every sample.
 */
export function stageMetrics(results: readonly (PublishResult | undefined)[], labels: Record<string, string> = {}): string {
  const extra = Object.entries(labels).map(([k, v]) => `, ${k}="${labelValue(v)}"`).join('');
  const lines = ['# HELP forecast_run_stage_seconds Duration of each stage of a published run (latest runs)', '# TYPE forecast_run_stage_seconds gauge'];
  for (const r of results) {
    if (!r?.timingsMs) continue;
    for (const [stage, ms] of Object.entries(r.timingsMs)) {
      if (Number.isFinite(ms)) lines.push(`forecast_run_stage_seconds{run_id="${labelValue(r.runId)}", stage="${labelValue(stage)}"${extra}} ${ms / 1000}`);
    }
  }
  return lines.join('\n');
}

/**
 * Serve `GET /metrics` over HTTP.
 * @param port TCP port (0 = any free port).
 * @param host interface to bind. @defaultValue "127.0.0.1"
 * @returns the listening server (close it to stop).
 */
export async function serveMetrics(config: Config, port: number, host = '127.0.0.1'): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    queueMetrics(config).then(
      (text) => res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }).end(text),
      (e: Error) => res.writeHead(503, { 'content-type': 'text/plain' }).end(`metrics unavailable: ${e.message}\n`),
    );
  });
  await new Promise<void>((res, rej) => {
    server.once('error', rej);
    server.listen(port, host, () => res());
  });
  return server;
}
