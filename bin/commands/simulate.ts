/**
 * `forecast simulate`: replay the proposed reorder policy on the input's last weeks of sales and
 * compare it with a shop's simple rule (pipelines/replenish/replay/simulate-run.ts).
 */
import { Option, type Command } from 'commander';
import { addInputOptions, addOrderInputOptions, configFromFlags } from './options.js';
import { wholeNumber } from '../option-values.js';

export function register(program: Command): void {
  addOrderInputOptions(addInputOptions(program.command('simulate')))
    .description('replay the proposed reorder policy day by day on the last weeks of sales (fill rate, stockouts, stock held) against a simple cover rule; writes simulation.csv and simulation.json')
    .option('--calendar <file>', 'calendar CSV with events and SNAP-style flags (M5 layout)')
    .addOption(new Option('--weeks <n>', 'weeks of past sales replayed (default: config replenishment.simulation.weeks, 13)').argParser(wholeNumber(1, 'weeks')))
    .action(async (opts: { input: string; out: string; config?: string; runDate?: string; columns?: string; calendar?: string; weeks?: number; stock?: string; onOrder?: string; items?: string; suppliers?: string }) => {
      const base = configFromFlags(opts);
      const config = opts.weeks === undefined ? base : { ...base, replenishment: { ...base.replenishment, simulation: { ...base.replenishment.simulation, weeks: opts.weeks } } };
      const [{ simulateRun }, { warningLines }] = await Promise.all([import('../../pipelines/replenish/replay/simulate-run.js'), import('../../pipelines/run/warnings.js')]);
      // the run date defaults to the day after the data, as for forecast run (opts.runDate is in config.runDate)
      const { dir, summary } = await simulateRun({ input: opts.input, calendar: opts.calendar, outDir: opts.out, config });
      const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
      const { read, accepted, rejected } = summary.rows;
      process.stdout.write(`run date ${summary.runDate}${summary.runDateSource === 'after-data' ? ', the day after the data' : ''}\n`);
      process.stdout.write(`rows: ${read} read, ${accepted} accepted, ${rejected} rejected (${read ? ((100 * rejected) / read).toFixed(1) : '0.0'}%)\n`);
      process.stdout.write(`replayed ${summary.series} series over ${summary.weeks} weeks (${summary.firstDate} to ${summary.lastDate})\n`);
      for (const p of summary.policies) {
        const value = p.avgStockValue === null ? 'value unknown: no unit cost or selling price' : p.avgStockValue.toFixed(2);
        process.stdout.write(`${p.policy}: fill rate ${pct(p.fillRate)}, cycle service ${pct(p.cycleService)}, lost ${p.lostUnits.toFixed(0)} units, ${p.stockoutDays} stockout days, average stock ${p.avgStock.toFixed(0)} units (${value})\n`);
      }
      process.stdout.write(`outputs: ${dir}\n`);
      for (const line of warningLines(summary.warnings)) process.stderr.write(`${line}\n`);
    });
}
