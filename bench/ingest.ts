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
 * Measured 2026-11-28 (after the span-based reader, issue 2) on the shared 2-core machine, with
 * another process using about one core; one process per input. "first" is the first repetition
 * (JIT warm-up included), "warm" the 3rd to 5th of `--repeat 5` (3rd of `--repeat 3`) over
 * several invocations: median (best). Rows/s per CPU second count all of the process's threads
 * (zlib and GC helpers too), so they sit below the wall-clock figure here.
 *
 *   node dist/bench/ingest.js ../shared/data/online-retail/transactions-2010-12-to-2011-06.csv.gz --run-date 2011-06-30 --repeat 5
 *   node dist/bench/ingest.js ../shared/data/m5-slice/sales.csv.gz --run-date 2016-03-27 --repeat 3
 *   node dist/bench/gen-daily.js --rows N --out /tmp/daily-N.csv && node dist/bench/ingest.js /tmp/daily-N.csv --run-date 2016-03-27
 *
 * | input                                      | rows       | rows/s wall: first; warm median (best) | rows/s per CPU s: warm median (best) | peak RSS   |
 * |--------------------------------------------|------------|----------------------------------------|--------------------------------------|------------|
 * | online-retail/transactions-...csv.gz       | 245,903    | 220,000-310,000; 340,000-430,000 (546,000) | 290,000-405,000 (473,000)        | 180-300 MB |
 * | m5-slice/sales.csv.gz                      | 527,800    | 710,000-850,000; 1,160,000-1,370,000 (1,500,000) | 1,060,000-1,390,000 (1,510,000) | 120-150 MB |
 * | daily-1000000.csv (gen-daily, 531 series)  | 1,000,000  | 1,030,000 (first of one run)           | 804,000 (first)                      | 153 MB     |
 * | daily-10000000.csv (5,306 series)          | 10,000,000 | 712,000-803,000 (first, two runs)      | 645,000-720,000 (first)              | 350 MB     |
 *
 * The same commands on the code before this change, interleaved with the runs above: Online
 * Retail warm 260,000-330,000 wall (best 433,000), 230,000-360,000 per CPU s (best 398,000),
 * 160-250 MB; M5 warm 800,000-940,000 wall; daily 10M 562,000-569,000, 380-390 MB. The
 * Online Retail file keeps about 24 MB more alive than before: the duplicate-line set is now
 * exact and holds the decoded text of the distinct lines (pipelines/line-set.ts).
 *
 * From 1M to 10M rows the heap stays at 15-25 MB; what grows is the typed arrays of the
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
    const faults0 = process.resourceUsage().minorPageFault;
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
      minorFaults: process.resourceUsage().minorPageFault - faults0,
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
