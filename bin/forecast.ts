#!/usr/bin/env node
/**
 * The `forecast` command line. It only runs the program (bin/program.ts) and maps errors to exit
 * codes; this file alone calls process.exit.
 */
// first: V8's compiler settings, before any other module runs (bin/v8-flags.ts)
import './v8-flags.js';
import { buildProgram } from './program.js';
import { exitCodeFor, describeError } from './exit-codes.js';
import { debugEnabled } from './log-format.js';
import { isUsageError, usageExitCode } from './usage.js';

try {
  await buildProgram().parseAsync(process.argv);
  // the command has finished: a client left reconnecting to a Redis that is gone (a worker shut
  // down while Redis was down) must not keep the process alive
  process.exit(0);
} catch (e) {
  // commander has printed its message (or the help, or the version) already
  if (isUsageError(e)) process.exit(usageExitCode(e));
  process.stderr.write(`forecast: ${describeError(e, { debug: debugEnabled() })}\n`);
  process.exit(exitCodeFor(e));
}
