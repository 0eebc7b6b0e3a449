/**
 * Real-data check: the defect-injection experiment on the M5 slice (bench/impact-m5.ts: every
 * defect type at 10%, seed 1, all 280 series, held-out = the last 28 days) runs through the real
 * pipeline and gives sane figures.
 *
 *   node dist/bench/checks/impact-m5.js ../shared/data
 *
 * Prints the per-defect table (loss without and with cleaning, ratio, target verdict) and writes
 * bench/out/impact-m5/experiment.{csv,json,html}. The target (loss with cleaning <= 1/3 of the
 * loss without, at 10%) is reported, not asserted. It fails (exit 1) only on a crash or on
 * nonsense: a non-finite or implausible RMSSE, series that are not scored or go missing from a
 * clean run, an injection that touched nothing, or 10x spikes that cost nothing without cleaning
 * (which would mean the damaged copy never reached the pipeline). About 5 minutes on one core.
 */
import { formatVerdicts } from '../../experiments/experiment.js';
import { runImpactM5 } from '../impact-m5.js';
import { reportFailures, runCheckMain } from '../check-harness.js';

async function main(dataDir: string | undefined): Promise<number> {
  if (!dataDir) {
    process.stderr.write('usage: node dist/bench/checks/impact-m5.js SHARED_DATA_DIR\n');
    return 2;
  }
  const t0 = Date.now();
  const { result, outDir } = await runImpactM5({ dataDir, log: () => {} });
  const seconds = (Date.now() - t0) / 1000;
  const failures: string[] = [];
  if (result.seriesScored < 270) failures.push(`only ${result.seriesScored} of 280 series have an RMSSE scale`);
  for (const r of result.rows) {
    const tag = `${r.scenario} ${r.rate} ${r.arm}`;
    if (!Number.isFinite(r.rmsse) || r.rmsse <= 0.2 || r.rmsse > 10) failures.push(`${tag}: implausible mean RMSSE ${r.rmsse}`);
    if (!Number.isFinite(r.wrmsse)) failures.push(`${tag}: WRMSSE is not finite`);
    if (r.scenario === 'baseline' && r.seriesMissing > 0) failures.push(`${tag}: ${r.seriesMissing} series missing from the clean run`);
    if (r.seriesMissing > 0.05 * r.seriesScored) failures.push(`${tag}: ${r.seriesMissing} series not forecast`);
  }
  for (const inj of result.injections) if (inj.rowsAffected === 0) failures.push(`${inj.type}: the injection touched no row`);
  const spikes = result.verdicts.find((v) => v.defect === 'spikes');
  if (spikes && !(spikes.lossRaw > 0.05)) failures.push(`10x spikes on 10% of selling days cost only ${spikes.lossRaw} RMSSE without cleaning`);

  process.stdout.write(formatVerdicts(result));
  const met = result.verdicts.filter((v) => v.target === 'met').map((v) => v.defect);
  const unmet = result.verdicts.filter((v) => v.target === 'not met').map((v) => v.defect);
  const na = result.verdicts.filter((v) => v.target === 'n/a').map((v) => v.defect);
  process.stdout.write(
    `target on mean RMSSE (loss with cleaning <= 1/3 of loss without): met for ${met.join(', ') || 'none'}; not met for ${unmet.join(', ') || 'none'}; n/a (no material loss without cleaning) for ${na.join(', ') || 'none'}\n`,
  );
  const by = (t: string) => result.verdicts.filter((v) => v.wrmsse.target === t).map((v) => v.defect).join(', ') || 'none';
  process.stdout.write(`target on WRMSSE: met for ${by('met')}; not met for ${by('not met')}; n/a for ${by('n/a')}\n`);
  process.stdout.write(`outputs in ${outDir}; ${seconds.toFixed(0)} s\n`);
  return reportFailures('impact-m5', failures);
}

runCheckMain(main);
