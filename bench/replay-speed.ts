/**
 * CPU cost of the replay section of every run (pipelines/replenish/replay/run-replay.ts, stage 1's
 * `replay` timing) on the M5 slice: the slice ingested as a run reads it, then `replayForRun`
 * with the default settings (100 series sampled by volume, 13 weeks calibrated and 13 replayed,
 * one forecast per window) `--repeat` times in one process. The first pass is what a run pays
 * (the forecasting code is compiled during it: the replay is the first stage to forecast); the
 * later ones show the work itself. Process CPU time (user + system), so other work on a shared
 * machine inflates it less than wall time. simulation.csv goes to a temporary directory.
 *
 * Usage: node dist/bench/replay-speed.js ../shared/data [--repeat N]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { defaultConfig } from '../config/schema.js';
import { parseIsoDay } from '../pipelines/dates.js';
import { loadCalendar } from '../pipelines/forecast/calendar.js';
import { ingestFile } from '../pipelines/ingest/ingest.js';
import { readOrderInputs } from '../pipelines/replenish/orders/order-stage.js';
import { replayForRun } from '../pipelines/replenish/replay/run-replay.js';

/** CPU milliseconds of each pass of the replay on the slice. */
export async function replaySpeed(dataDir: string, repeat: number): Promise<{ cpuMs: number[]; series: number }> {
  const config = defaultConfig();
  const slice = join(dataDir, 'm5-slice');
  const ingest = await ingestFile(join(slice, 'sales.csv.gz'), { config, runDay: parseIsoDay('2016-03-27') });
  const calendar = loadCalendar(join(slice, 'calendar.csv.gz'));
  const parsed = await readOrderInputs(config);
  const dir = mkdtempSync(join(tmpdir(), 'replay-speed-'));
  const cpuMs: number[] = [];
  let series = 0;
  try {
    for (let r = 0; r < repeat; r++) {
      const start = process.cpuUsage();
      const out = await replayForRun({ series: ingest.series, kind: ingest.kind, lastDay: ingest.end, frequency: 'day', calendar, config, parsed, dir });
      const d = process.cpuUsage(start);
      cpuMs.push((d.user + d.system) / 1000);
      series = out.summary.series ?? 0;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return { cpuMs, series };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const dataDir = resolve(args.find((a) => !a.startsWith('--')) ?? '../shared/data');
  const i = args.indexOf('--repeat');
  const repeat = i >= 0 ? Number(args[i + 1]) : 3;
  const { cpuMs, series } = await replaySpeed(dataDir, repeat);
  const later = cpuMs.slice(1).reduce((m, v) => Math.min(m, v), Infinity);
  process.stdout.write(`replay of ${series} series: CPU ms per pass ${cpuMs.map((v) => v.toFixed(0)).join(', ')} (the first is a run's${later < Infinity ? `; best later ${later.toFixed(0)}` : ''})\n`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) void main();
