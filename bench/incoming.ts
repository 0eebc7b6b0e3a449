/**
 * The nightly flow's incoming step alone (pipelines/history/incoming.ts `ingestTonight`, as
 * `prepareNightlyIngest` calls it: the cells' delta kept only when last night's snapshot may be
 * updated with it): one file dropped into a fresh data directory's `incoming/`, hashed,
 * validated, staged and merged into the SQLite history. Prints one JSON line: rows, seconds, rows/s (wall and per CPU second of the process),
 * peak RSS.
 *
 *   npm run build && node dist/bench/gen-daily.js --rows 400000 --out bench/out/daily-400000.csv
 *   node dist/bench/incoming.js bench/out/daily-400000.csv [--run-date 2016-03-27] [--base FILE]
 *
 * `--base FILE` runs a whole first night on another file first (`prepareNightlyIngest`, not
 * timed): the file then lands on a history that already holds rows and a snapshot, as on any
 * night after the first, and its cells' delta is kept. Run one process per measurement so that
 * peak RSS belongs to it. The data directory is made under the system's temporary directory
 * and removed after. Figures: README, Performance ("Nightly incoming step").
 */
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { defaultConfig } from '../config/schema.js';
import { parseIsoDay } from '../pipelines/dates.js';
import { ingestTonight, prepareNightlyIngest } from '../pipelines/history/incoming.js';
import { openHistory } from '../pipelines/history/history-store.js';
import { dataLayout } from '../pipelines/io/paths.js';
import { runMain } from './check-harness.js';

function flag(argv: string[], name: string, def: string): string {
  const i = argv.indexOf(name);
  return i >= 0 && argv[i + 1] ? argv[i + 1] : def;
}

/** Copy `file` into the incoming directory and run the incoming step over it; its figures. */
async function timedIncoming(dataDir: string, file: string, runDay: number) {
  const layout = dataLayout(dataDir);
  await dropFile(dataDir, file);
  const config = defaultConfig();
  const history = openHistory(layout.historyDb);
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  try {
    const { files, deltas } = await ingestTonight(history, { dataDir, config, readConfig: config, runDay });
    const o = files[0];
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(c0);
    return { outcome: o, seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, deltaRows: deltas.reduce((n, d) => n + (d ? d.after.length : 0), 0), historyRows: history.rowCount() };
  } finally {
    history.close();
  }
}

async function dropFile(dataDir: string, file: string): Promise<void> {
  const layout = dataLayout(dataDir);
  await mkdir(layout.incoming, { recursive: true });
  await copyFile(file, join(layout.incoming, basename(file)));
}

async function main(argv: string[]): Promise<number> {
  const file = argv[0];
  if (!file) {
    process.stderr.write('usage: node dist/bench/incoming.js FILE [--run-date YYYY-MM-DD] [--base FILE]\n');
    return 2;
  }
  const runDate = flag(argv, '--run-date', '2199-12-31');
  const runDay = parseIsoDay(runDate);
  const base = flag(argv, '--base', '');
  const dataDir = await mkdtemp(join(tmpdir(), 'bench-incoming-'));
  try {
    if (base) {
      await dropFile(dataDir, base);
      await prepareNightlyIngest({ dataDir, config: defaultConfig(), readConfig: defaultConfig(), runDate, runId: 'base' });
    }
    const r = await timedIncoming(dataDir, file, runDay);
    const rows = r.outcome?.rows?.read ?? 0;
    const out = {
      file,
      base: base || undefined,
      status: r.outcome?.status,
      rows,
      accepted: r.outcome?.rows?.accepted,
      historyRows: r.historyRows,
      deltaRows: r.deltaRows,
      seconds: +r.seconds.toFixed(3),
      cpuSeconds: +r.cpuSeconds.toFixed(3),
      rowsPerSecond: Math.round(rows / r.seconds),
      rowsPerCpuSecond: Math.round(rows / r.cpuSeconds),
      peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
    };
    process.stdout.write(JSON.stringify(out) + '\n');
    return r.outcome?.status === 'ingested' ? 0 : 1;
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

runMain(main);
