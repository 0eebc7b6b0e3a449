/**
 * Real-data check: the M5 slice (280 daily Walmart series, 2011-01-29 .. 2016-03-27) ingests
 * completely and cleanly.
 *
 *   node dist/bench/checks/m5-ingest.js ../shared/data
 *
 * Expected (shared/README.md): 527,800 rows read and accepted, none rejected, 280 series of
 * 1,885 days each, every day observed; the kind is `daily`. The total of the units column is
 * also summed here by a plain split of each line (an independent reading of the file) and must
 * equal the sum of all series' demand. Run date 2016-03-27 (the last day). Exits 1 on failure.
 */
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { defaultConfig } from '../../config/schema.js';
import { formatDay, parseIsoDay } from '../../pipelines/dates.js';
import { ingestFile } from '../../pipelines/ingest/ingest.js';
import { profileQuality } from '../../pipelines/prepare/quality.js';
import { reportFailures, runCheckMain } from '../check-harness.js';

const FILE = 'm5-slice/sales.csv.gz';

/** Sum of the `units` column (6th) by splitting lines at commas (the file has no quoted commas). */
async function unitsTotal(path: string): Promise<{ rows: number; units: number }> {
  let rows = -1;
  let units = 0;
  const lines = createInterface({ input: createReadStream(path).pipe(createGunzip()), crlfDelay: Infinity });
  for await (const line of lines) {
    if (line.length === 0) continue;
    rows++;
    if (rows === 0) continue;
    units += Number(line.split(',')[5]);
  }
  return { rows, units };
}

async function main(dataDir: string | undefined): Promise<number> {
  if (!dataDir) {
    process.stderr.write('usage: node dist/bench/checks/m5-ingest.js SHARED_DATA_DIR\n');
    return 2;
  }
  const path = join(dataDir, FILE);
  const config = defaultConfig();
  const t0 = Date.now();
  let rejected = 0;
  const ingest = await ingestFile(path, { config, runDay: parseIsoDay('2016-03-27'), onReject: () => void rejected++ });
  const seconds = (Date.now() - t0) / 1000;
  const quality = profileQuality(ingest, config);
  const independent = await unitsTotal(path);
  let demand = 0;
  let unobserved = 0;
  let wrongLength = 0;
  for (const s of ingest.series) {
    for (let i = 0; i < s.demand.length; i++) {
      demand += s.demand[i];
      if (!s.observed[i]) unobserved++;
    }
    if (s.demand.length !== 1885) wrongLength++;
  }
  const failures: string[] = [];
  const expect = (what: string, got: unknown, want: unknown) => {
    if (got !== want) failures.push(`${what}: expected ${String(want)}, got ${String(got)}`);
  };
  expect('rows read', ingest.rows.read, 527_800);
  expect('rows accepted', ingest.rows.accepted, 527_800);
  expect('rows rejected', ingest.rows.rejected, 0);
  expect('onReject calls', rejected, 0);
  expect('series', ingest.series.length, 280);
  expect('kind', ingest.kind, 'daily');
  expect('first day', formatDay(ingest.start), '2011-01-29');
  expect('last day', formatDay(ingest.end), '2016-03-27');
  expect('series not 1885 days long', wrongLength, 0);
  expect('unobserved days', unobserved, 0);
  expect('rows by line split', independent.rows, 527_800);
  expect('units total (series vs line split)', demand, independent.units);

  process.stdout.write(
    JSON.stringify(
      {
        file: FILE,
        kind: ingest.kind,
        rows: ingest.rows,
        series: ingest.series.length,
        start: formatDay(ingest.start),
        end: formatDay(ingest.end),
        unitsTotal: demand,
        issueCounts: quality.batch.issueCounts,
        meanScore: quality.batch.meanScore,
        medianScore: quality.batch.medianScore,
        minScore: quality.batch.minScore,
        seriesWithStockouts: quality.batch.seriesWithStockouts,
        seconds,
      },
      null,
      1,
    ) + '\n',
  );
  return reportFailures('m5-ingest', failures);
}

runCheckMain(main);
