/**
 * The `forecast` program: its commands (bin/commands/), each command's --help examples
 * (bin/examples.ts) and its answer to usage errors (bin/usage.ts). Built here, run by
 * bin/forecast.ts, and built the same way by the tests.
 */
import { Command, Option } from 'commander';
import { configureLogging, LOG_FORMATS } from './log-format.js';
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
    .version('0.1.0')
    .addOption(new Option('--log-format <format>', 'log lines of serve, dashboard and worker (default: pretty on a terminal, json otherwise)').choices(LOG_FORMATS))
    .option('--debug', 'show the stack trace of an error');
  program.hook('preAction', () => configureLogging(program.opts<{ logFormat?: string; debug?: boolean }>()));
  registerAll(program);
  addAllExamples(program);
  configureUsageErrors(program);
  return program;
}
