/**
 * Real-data check: weekly and monthly files of totals through the whole run (bench/period-run.ts:
 * the M5 slice summed into Monday weeks and calendar months, last 13 weeks / 12 months held out).
 *
 *   node dist/bench/checks/period-run.js ../shared/data
 *
 * Fails when the period is not detected as week / month from the files' dates, or when the
 * default run's mean RMSSE on the held-out periods is more than 1% worse than recorded in the
 * README (0.9465 by week, 1.4249 by month): a run that read weekly totals as daily sales would be
 * several times worse.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { periodRun } from '../period-run.js';
import { reportFailures, runCheckMain } from '../check-harness.js';

/** Recorded default-setting figures (README, Weekly and monthly data). */
const RECORDED: Readonly<Record<string, { detected: string; meanRmsse: number }>> = {
  'm5-week': { detected: 'week', meanRmsse: 0.9465 },
  'm5-month': { detected: 'month', meanRmsse: 1.4249 },
};

async function main(dataDir: string | undefined): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'period-run-'));
  try {
    const rows = await periodRun(dataDir ?? '../shared/data', dir);
    const failures: string[] = [];
    for (const r of rows) {
      const want = RECORDED[r.file];
      if (r.detected !== want.detected) failures.push(`${r.file} (${r.setting}): period detected as ${r.detected}, expected ${want.detected}`);
      if (r.setting === 'default' && !(r.meanRmsse <= want.meanRmsse * 1.01)) failures.push(`${r.file}: mean RMSSE ${r.meanRmsse.toFixed(4)} is more than 1% above the recorded ${want.meanRmsse}`);
      process.stdout.write(`${r.file} ${r.setting}: ${r.detected}, ${r.series} series, mean RMSSE ${r.meanRmsse.toFixed(4)}, coverage ${(100 * r.coverage80).toFixed(1)}% / ${(100 * r.coverage95).toFixed(1)}%\n`);
    }
    return reportFailures('period-run', failures);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

runCheckMain(main);
