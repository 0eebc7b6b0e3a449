/**
 * The examples each command's --help ends with, by command path, in one place so that every
 * command has them (test/bin/usage.test.ts checks that none is missing). Each line is what a
 * user types after `forecast`, with what it does.
 */
import type { Command } from 'commander';
import { addExamples } from './usage.js';

export const EXAMPLES: Record<string, readonly string[]> = {
  validate: [
    'validate --input sales.csv                      # rejected.csv, quality.csv, run.json in out/latest',
    'validate -i export.csv.gz --columns date=Day,sku=Article,quantity=Qty',
  ],
  run: [
    'run --input sales.csv                           # forecasts, reorder points and report in out/latest',
    'run -i sales.csv --calendar calendar.csv --run-date 2016-03-27 --horizon 14 --out out',
    'run -i sales.csv --stock stock.csv --items items.csv --suppliers suppliers.csv   # what to order: out/latest/orders.csv',
  ],
  simulate: ['simulate -i sales.csv --items items.csv --weeks 13   # replay the reorder policy on the last 13 weeks'],
  impact: ['impact --input sales.csv --defects missing=0.1,spikes=0.05 --seed 2 --max-series 200'],
  history: ['history --out out                              # rows, quality and accuracy across runs', 'history --json'],
  nightly: ['nightly --config forecast.json                 # ingest <dataDir>/incoming, forecast, publish'],
  enqueue: [
    'enqueue --input samples/sample-sales.csv --wait --timeout 600',
    'enqueue --incoming --wait --retry-lost          # the nightly run, queued again if Redis lost it',
  ],
  worker: ['worker --config forecast.json', 'worker --queues train --concurrency 2      # a fitting-only machine'],
  schedule: ['schedule set --cron "0 2 * * *" --tz Europe/London', 'schedule list', 'schedule remove'],
  'schedule set': ['schedule set --cron "0 2 * * *" --tz Europe/London'],
  'schedule list': ['schedule list --config forecast.json'],
  'schedule remove': ['schedule remove'],
  metrics: ['metrics                                         # print once', 'metrics --serve 9464'],
  dashboard: ['dashboard --port 3000', 'dashboard --host 0.0.0.0 --config forecast.json   # needs credentials'],
  serve: ['serve                                           # throwaway Redis, worker and dashboard on :3000', 'serve --port 0 --no-samples'],
};

/** Append each command's examples to its --help. */
export function addAllExamples(program: Command): void {
  const walk = (cmd: Command, path: string[]): void => {
    const key = path.join(' ');
    if (EXAMPLES[key]) addExamples(cmd, EXAMPLES[key]);
    for (const c of cmd.commands) walk(c, [...path, c.name()]);
  };
  for (const c of program.commands) walk(c, [c.name()]);
}
