/**
 * The chart of the defect-injection experiment (`experiment.html`): per defect, the held-out
 * accuracy loss without and with cleaning, the one-third target line, and the table behind it.
 * Self-contained like the run report (Chart.js inlined, see report-html.ts).
 */
import type { ExperimentResult } from './experiment.js';
import { fmt, kvTable, page, table } from '../pipelines/publish/report-html.js';

const SCRIPT = `
  var v = DATA.verdicts;
  chart('c-loss', { type: 'bar', data: { labels: v.map(function (d) { return d.defect + ' ' + (100 * d.rate).toFixed(0) + '%'; }),
    datasets: [
      { label: 'loss without cleaning', data: v.map(function (d) { return d.lossRaw; }), backgroundColor: PALETTE[3] },
      { label: 'loss with cleaning', data: v.map(function (d) { return d.lossCleaned; }), backgroundColor: PALETTE[2] },
      { label: 'target: 1/3 of the loss without cleaning', type: 'line', data: v.map(function (d) { return d.lossRaw > 0 ? d.lossRaw / 3 : null; }), showLine: false, pointStyle: 'line', pointRadius: 16, pointHoverRadius: 16, pointBorderWidth: 3, borderColor: '#1f2933', backgroundColor: '#1f2933' }
    ] },
    options: { plugins: { title: { display: true, text: 'Held-out RMSSE loss against the clean baseline, per defect' } },
      scales: { y: { title: { display: true, text: 'RMSSE increase' } } } } });
  chart('c-rmsse', { type: 'bar', data: { labels: DATA.scenarios,
    datasets: [
      { label: 'RMSSE without cleaning', data: DATA.rawRmsse, backgroundColor: PALETTE[3] },
      { label: 'RMSSE with cleaning', data: DATA.cleanedRmsse, backgroundColor: PALETTE[2] }
    ] },
    options: { plugins: { title: { display: true, text: 'Held-out mean RMSSE per scenario' } }, scales: { y: { beginAtZero: true } } } });
`;

/** Number of charts in the experiment page. */
export const EXPERIMENT_CHARTS = 2;

/**
 * Render the experiment as one self-contained HTML page.
 * @param result The experiment's figures.
 * @param title Optional title (e.g. the input's name).
 */
export function renderExperimentReport(result: ExperimentResult, title = 'Data-quality experiment'): string {
  const scenarios: string[] = [];
  const rawRmsse: number[] = [];
  const cleanedRmsse: number[] = [];
  for (const r of result.rows) {
    if (r.arm !== 'raw') continue;
    const c = result.rows.find((x) => x.scenario === r.scenario && x.rate === r.rate && x.arm === 'cleaned');
    scenarios.push(r.scenario === 'baseline' ? 'baseline' : `${r.scenario} ${(100 * r.rate).toFixed(0)}%`);
    rawRmsse.push(r.rmsse);
    cleanedRmsse.push(c ? c.rmsse : NaN);
  }
  const met = result.verdicts.filter((v) => v.target === 'met').length;
  const applicable = result.verdicts.filter((v) => v.target !== 'n/a').length;
  const wmet = result.verdicts.filter((v) => v.wrmsse.target === 'met').length;
  const wapplicable = result.verdicts.filter((v) => v.wrmsse.target !== 'n/a').length;
  const body = `<section><h2>Setup</h2>
${kvTable([
    ['training days', `${result.train.from} – ${result.train.to} (${result.train.rows} rows)`],
    ['held-out days (never damaged)', `${result.heldOut.from} – ${result.heldOut.to} (${result.heldOut.days})`],
    ['series scored', result.seriesScored],
    ['seed', result.seed],
    ['target met (mean RMSSE)', `${met} of ${applicable} defects with a material loss`],
    ['target met (WRMSSE)', `${wmet} of ${wapplicable} defects with a material loss`],
  ])}
<p class="note">Loss = held-out mean RMSSE of the damaged data minus that of the clean data, in the same arm. Without cleaning: no cleaning stage, duplicates and unmarked negatives accepted by validation. With cleaning: the default settings.</p>
</section>
<section><h2>Accuracy loss per defect</h2>
<div class="chart"><canvas id="c-loss"></canvas></div>
${table(
    ['defect', 'rate', 'RMSSE loss without cleaning', 'with cleaning', 'ratio', 'target (≤ 1/3)', 'WRMSSE loss without', 'with', 'ratio', 'target'],
    result.verdicts.map((v) => [v.defect, v.rate, fmt(v.lossRaw, 4), fmt(v.lossCleaned, 4), fmt(v.ratio, 2), v.target, fmt(v.wrmsse.lossRaw, 4), fmt(v.wrmsse.lossCleaned, 4), fmt(v.wrmsse.ratio, 2), v.wrmsse.target]),
  )}
</section>
<section><h2>RMSSE per scenario</h2>
<div class="chart"><canvas id="c-rmsse"></canvas></div>
${table(
    ['scenario', 'rate', 'arm', 'RMSSE', 'WRMSSE', 'loss', 'series missing', 'rows affected', 'seconds'],
    result.rows.map((r) => [r.scenario, r.rate, r.arm, fmt(r.rmsse, 4), fmt(r.wrmsse, 4), fmt(r.loss, 4), r.seriesMissing, r.rowsAffected, fmt(r.seconds, 1)]),
  )}
</section>`;
  return page(title, `seed ${result.seed} · held-out ${result.heldOut.from} – ${result.heldOut.to}`, body, { verdicts: result.verdicts, scenarios, rawRmsse, cleanedRmsse }, SCRIPT);
}
