import { afterEach, describe, expect, it } from 'vitest';
import { Queue } from 'bullmq';
import type { Config } from '../../config/schema.js';
import { queueOptions, redisConnection } from '../../workers/connection.js';
import { mergePrometheus, queueMetrics, serveMetrics, stageMetrics } from '../../workers/metrics.js';
import { QUEUES } from '../../workers/queues.js';
import { cleanup, testConfig } from './helpers.js';

let config: Config | null = null;
afterEach(async () => {
  if (config) await cleanup(config);
  config = null;
});

describe('prometheus metrics', () => {
  it('merges exporters so each family has one HELP and TYPE', () => {
    const a = '# HELP m help\n# TYPE m gauge\nm{queue="a"} 1\n# HELP n x\n# TYPE n counter\nn{queue="a"} 2';
    const b = '# HELP m help\n# TYPE m gauge\nm{queue="b"} 3';
    expect(mergePrometheus([a, b])).toBe('# HELP m help\n# TYPE m gauge\nm{queue="a"} 1\nm{queue="b"} 3\n# HELP n x\n# TYPE n counter\nn{queue="a"} 2\n');
  });

  it('exports the stage durations of published runs in seconds, one sample per run and stage', () => {
    const text = stageMetrics([{ runId: 'r1', runDir: 'out/runs/r1', degraded: [], timingsMs: { ingest: 1500, fit: 250 } }, undefined, { runId: 'r0', runDir: 'x', degraded: [] }], { prefix: 'p' });
    expect(text.split('\n')).toEqual([
      '# HELP forecast_run_stage_seconds Duration of each stage of a published run (latest runs)',
      '# TYPE forecast_run_stage_seconds gauge',
      'forecast_run_stage_seconds{run_id="r1", stage="ingest", prefix="p"} 1.5',
      'forecast_run_stage_seconds{run_id="r1", stage="fit", prefix="p"} 0.25',
    ]);
  });

  it('exports job counts of the three queues from BullMQ, also over HTTP', async () => {
    const cfg = (config = testConfig());
    const q = new Queue(QUEUES.train, queueOptions(cfg, redisConnection(cfg.queue.redisUrl, 'producer')));
    await q.add('train-batch', { x: 1 });
    await q.add('train-batch', { x: 2 });
    await q.close();
    const text = await queueMetrics(cfg);
    expect(text).toMatch(new RegExp(`bullmq_job_count\\{queue="train", state="waiting", prefix="${cfg.queue.prefix}"\\} 2`));
    expect(text).toMatch(/bullmq_job_count\{queue="run", state="waiting"[^}]*\} 0/);
    expect(text.match(/^# TYPE bullmq_job_count gauge$/gm)).toHaveLength(1);
    const server = await serveMetrics(cfg, 0);
    try {
      const addr = server.address() as { port: number };
      const res = await fetch(`http://127.0.0.1:${addr.port}/metrics`);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('bullmq_job_completed_total{queue="publish"');
      expect((await fetch(`http://127.0.0.1:${addr.port}/other`)).status).toBe(404);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
