/**
 * The shell of a real-data check in bench/checks/: print the verdict, and turn failures and
 * crashes into a non-zero exit code for .ci/run. The checks themselves only compute and compare.
 */

/** Print a check's failures (or that it passed) and return its exit code. */
export function reportFailures(name: string, failures: readonly string[]): number {
  if (failures.length) {
    process.stderr.write(`${name} check FAILED:\n  ${failures.join('\n  ')}\n`);
    return 1;
  }
  process.stdout.write(`${name} check passed\n`);
  return 0;
}

/** Run a check's `main(dataDir)` with argv[2]; a thrown error prints its stack and exits 1. */
export function runCheckMain(main: (dataDir: string | undefined) => Promise<number>): void {
  runMain((argv) => main(argv[0]));
}

/** Run a bench script's `main(argv)` (the arguments after the script); its result is the exit code, a thrown error prints its stack and exits 1. */
export function runMain(main: (argv: string[]) => Promise<number>): void {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
