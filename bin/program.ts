/**
 * The `forecast` program: its commands (bin/commands/), each command's --help examples
 * (bin/examples.ts) and its answer to usage errors (bin/usage.ts). Built here, run by
 * bin/forecast.ts, and built the same way by the tests.
 */
import { Command } from 'commander';
import { registerAll } from './commands/index.js';
import { addAllExamples } from './examples.js';
import { configureUsageErrors } from './usage.js';

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('forecast')
    .description(
      'Retail inventory forecasting: validate sales exports, profile data quality per SKU, forecast per store x sku with intervals and reorder points.',
    )
    .version('0.1.0');
  registerAll(program);
  addAllExamples(program);
  configureUsageErrors(program);
  return program;
}
