#!/usr/bin/env node
/**
 * The `forecast` command line. It only declares commands, runs one, and maps errors to exit
 * codes; this file alone calls process.exit. Commands live in bin/commands/<name>.ts.
 */
import { Command, CommanderError } from 'commander';
import { registerAll } from './commands/index.js';
import { exitCodeFor, describeError } from './exit-codes.js';

const program = new Command();
program
  .name('forecast')
  .description(
    'Retail inventory forecasting: validate sales exports, profile data quality per SKU, forecast per store x sku with intervals and reorder points.',
  )
  .version('0.1.0')
  .showHelpAfterError()
  .exitOverride();

registerAll(program);

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) {
    // --help and --version end here with exit code 0
    process.exit(e.exitCode);
  }
  process.stderr.write(`forecast: ${describeError(e)}\n`);
  process.exit(exitCodeFor(e));
}
