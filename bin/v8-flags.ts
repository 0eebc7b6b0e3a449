/**
 * V8 compiler settings for the `forecast` command line, set before any other module runs (it is
 * bin/forecast.ts's first import). A run is a few seconds of numeric code on typed arrays, and a
 * large part of its CPU went to compiling it (TurboFan, on background threads): on the M5 slice
 * (`forecast run`, default settings, pooled model off) about a third of the process's CPU time.
 * Two settings cut that without touching what the code computes (the same JavaScript, so byte-identical
 * outputs):
 * - `--max-inlined-bytecode-size-cumulative=300` (V8's default 920): less code inlined into each
 *   optimised function, so smaller graphs to compile and fewer recompilations when an inlined
 *   callee's assumptions fail; the hot loops are small functions and are still inlined;
 * - `--interrupt-budget=270336` (4 x the default 67584): a function is optimised after four
 *   times as much interpreted work, so code that runs a little is not compiled at all, and the code
 *   that is compiled is compiled with more type feedback (fewer deoptimisations).
 * Measured on a 2-vCPU machine, 2026-12-05 (README, item 6): about 1 s less CPU per slice run.
 * Flags are process-wide: the fitting and pooled-model threads get them too.
 */
import { setFlagsFromString } from 'node:v8';

/** The flags set (exported for the test). */
export const V8_FLAGS = ['--max-inlined-bytecode-size-cumulative=300', '--interrupt-budget=270336'] as const;

for (const flag of V8_FLAGS) setFlagsFromString(flag);
