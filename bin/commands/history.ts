/**
 * `forecast history`: the trend across runs, from the append-only run history
 * (OUT/history/runs.jsonl, pipelines/publish/run-history.ts): each run's rows, quality, backtest
 * accuracy, and its realized accuracy once later inputs brought the actual sales; then the runs
 * that failed (kept as `runs/<id>.failed`, never `latest`).
 */
import type { Command } from 'commander';
import { formatFailed, formatTrend, historyPath, historyTrend, readHistory } from '../../pipelines/publish/run-history.js';

/** Add `forecast history` to the program. */
export function register(program: Command): void {
  program
    .command('history')
    .description('print the trend across runs: rows, quality score, backtest accuracy and realized accuracy with interval coverage')
    .option('-o, --out <dir>', 'output directory whose history/runs.jsonl to read', 'out')
    .option('--json', 'print the trend rows as JSON ({ runs, failed })')
    .action(async (opts: { out: string; json?: boolean }) => {
      const file = historyPath(opts.out);
      const history = await readHistory(file);
      const rows = historyTrend(history);
      if (opts.json) {
        process.stdout.write(`${JSON.stringify({ runs: rows, failed: history.failed }, null, 2)}\n`);
        return;
      }
      process.stdout.write(`run history: ${file} (${history.runs.length} run record(s), ${history.realized.length} realized scoring(s))\n`);
      process.stdout.write(formatTrend(rows));
      process.stdout.write(formatFailed(history));
      if (history.skipped) process.stdout.write(`(${history.skipped} unreadable line(s) skipped)\n`);
    });
}
