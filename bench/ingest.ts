/**
 * Throughput of ingest + validate + profile on one file: rows per second and peak RSS.
 *
 *   npm run build && node dist/bench/ingest.js FILE [--run-date YYYY-MM-DD] [--repeat N]
 *
 * Prints one JSON line per repetition: rows read/accepted/rejected, series, seconds for ingest
 * and for the profile, rows/s over both (wall clock, and per CPU second of the process, which
 * is steadier on a shared machine; it includes GC and zlib helper threads), and the process's
 * peak resident set size (maxRSS) in MB. Run it in a fresh process per file so that peak RSS
 * belongs to that file. No assertions: the figures are for the README and for comparing changes.
 *
 * Measured 2026-11-28 on the shared 2-core machine (load average 3-4 from other work), one
 * process per input, first run (JIT warm-up included) unless noted:
 *
 * | input                                                   | rows       | rows/s            | peak RSS |
 * |---------------------------------------------------------|------------|-------------------|----------|
 * | bench/out/daily-1000000.csv (gen-daily, 531 series)     | 1,000,000  | 571,000           | 165 MB   |
 * | bench/out/daily-10000000.csv (gen-daily, 5,306 series)  | 10,000,000 | 591,000           | 370 MB   |
 * | m5-slice/sales.csv.gz                                   | 527,800    | 569,000           | 105 MB   |
 * | online-retail/transactions-...csv.gz (cold / 3rd run)   | 245,903    | 135,000 / 226,000 | 196 MB   |
 *
 * From 1M to 10M rows the heap stays at 15-20 MB; what grows is the typed arrays of the
 * series (5,306 series × 1,885 days × 25 bytes, plus growth room).
 */
import { performance } from 'node:perf_hooks';
import { defaultConfig } from '../config/schema.js';
import { parseIsoDay } from '../pipelines/dates.js';
import { ingestFile } from '../pipelines/ingest.js';
import { profileQuality } from '../pipelines/quality.js';

async function main(argv: string[]): Promise<number> {
  const file = argv[0];
  if (!file) {
    process.stderr.write('usage: node dist/bench/ingest.js FILE [--run-date YYYY-MM-DD] [--repeat N]\n');
    return 2;
  }
  const flag = (name: string, def: string) => {
    const i = argv.indexOf(name);
    return i >= 0 && argv[i + 1] ? argv[i + 1] : def;
  };
  const runDay = parseIsoDay(flag('--run-date', '2199-12-31'));
  const repeat = Number(flag('--repeat', '1'));
  const config = defaultConfig();
  for (let r = 0; r < repeat; r++) {
    let rejected = 0;
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const ingest = await ingestFile(file, { config, runDay, onReject: () => void rejected++ });
    const t1 = performance.now();
    const quality = profileQuality(ingest, config);
    const t2 = performance.now();
    const cpu = process.cpuUsage(c0);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    const rows = ingest.rows.read;
    const out = {
      file,
      kind: ingest.kind,
      rows,
      accepted: ingest.rows.accepted,
      rejected: ingest.rows.rejected,
      series: ingest.series.length,
      ingestSeconds: +((t1 - t0) / 1000).toFixed(3),
      profileSeconds: +((t2 - t1) / 1000).toFixed(3),
      rowsPerSecond: Math.round(rows / ((t2 - t0) / 1000)),
      cpuSeconds: +cpuSeconds.toFixed(3),
      rowsPerCpuSecond: Math.round(rows / cpuSeconds),
      meanScore: quality.batch.meanScore,
      peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
      heapUsedMB: Math.round(process.memoryUsage().heapUsed / 2 ** 20),
      arrayBuffersMB: Math.round(process.memoryUsage().arrayBuffers / 2 ** 20),
    };
    if (rejected !== ingest.rows.rejected) throw new Error('onReject count differs from rows.rejected');
    process.stdout.write(JSON.stringify(out) + '\n');
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
    process.exitCode = 1;
  },
);
