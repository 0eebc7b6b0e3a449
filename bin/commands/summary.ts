/** The short summary a command prints after a run. */
import type { RunSummary } from '../../pipelines/run/run-summary.js';
import { warningLines } from '../../pipelines/run/warnings.js';

function pct(x: number): string {
  return `${(100 * x).toFixed(1)}%`;
}

/** Print a run's summary to stdout. */
export function printSummary(s: RunSummary, runDir: string): void {
  const lines: string[] = [];
  const unit = s.period?.grid.frequency ?? 'day';
  const from = s.runDateSource === 'after-data' ? ', the day after the data' : '';
  lines.push(`run ${s.runId} (${s.input.kind === 'transactions' ? 'transaction lines' : 'totals'}, run date ${s.runDate}${from})`);
  if (s.period) lines.push(`period: ${s.period.reason}`);
  const profile = s.input.profile;
  if (profile?.name) lines.push(`export profile: ${profile.name} (${profile.by === 'header' ? 'recognised from the header' : 'as set'})`);
  lines.push(
    `rows: ${s.rows.read} read, ${s.rows.accepted} accepted, ${s.rows.rejected} rejected` +
      (s.rows.read ? ` (${pct(s.rows.rejected / s.rows.read)})` : ''),
  );
  const left = s.rejectedNotListed;
  if (left && left.rows > 0) {
    lines.push(`rejected.csv lists the first ${left.maxPerCode} rejected rows per reason; ${left.rows} more are counted in run.json (rejectedNotListed)`);
  }
  if (s.detached && s.detached.rows > 0) {
    lines.push(
      `detached: ${s.detached.rows} accepted row(s) of ${s.detached.series} series precede a silence longer than validation.maxGapDays in their series: kept out of the forecast history (run.json detached)`,
    );
  }
  const codes = Object.entries(s.issues).sort((a, b) => b[1] - a[1]);
  if (codes.length) lines.push(`issues: ${codes.map(([c, n]) => `${c} ${n}`).join(', ')}`);
  lines.push(`series: ${s.quality.series}, quality score mean ${s.quality.meanScore.toFixed(1)} (min ${s.quality.minScore.toFixed(1)})`);
  if (s.forecast) {
    lines.push(
      `forecast: ${s.forecast.series} series x ${s.forecast.horizon} ${unit}${s.forecast.horizon === 1 ? '' : 's'} from ${unit === 'day' ? '' : `the ${unit} of `}${s.forecast.firstDate}; ` +
        `backtest mean RMSSE ${s.forecast.meanRmsse?.toFixed(3) ?? 'n/a'}, value added vs seasonal naive ${s.forecast.meanFva === null ? 'n/a' : pct(s.forecast.meanFva)}`,
    );
    const mix = Object.entries(s.forecast.models).sort((a, b) => b[1] - a[1]);
    lines.push(`models: ${mix.map(([m, n]) => `${m} ${n}`).join(', ')}`);
  }
  lines.push(`outputs: ${runDir}`);
  process.stdout.write(lines.join('\n') + '\n');
  printWarnings(s);
}

/** A run's warnings on stderr, one line each (stdout keeps the summary). */
export function printWarnings(s: Pick<RunSummary, 'warnings'>): void {
  const lines = warningLines(s.warnings ?? []);
  if (lines.length) process.stderr.write(lines.join('\n') + '\n');
}
