/**
 * Graceful shutdown with a bounded wait.
 *
 * On the first SIGTERM or SIGINT: stop taking new jobs and let the active ones finish
 * (`Worker.close()`), for at most `graceMs`; then force-close (`Worker.close(true)`), which
 * terminates the sandboxed processors — the interrupted jobs' locks expire and another worker
 * picks them up as stalled. A second signal starts the forced close and ends the wait at once.
 * The wait always ends: a forced close that does not finish within `forceWaitMs` (a Redis that
 * is down or unreachable keeps a client reconnecting) is left behind; the command then returns
 * and bin/forecast.ts ends the process (active jobs are retried as stalled by another worker).
 * Nothing here calls process.exit.
 */

/** How long a forced close may take before the shutdown ends without it, ms. */
export const FORCE_WAIT_MS = 5_000;

/** Something to close: `close(force)` must resolve once it has released its resources. */
export interface Closable {
  close(force?: boolean): Promise<void>;
}

/** Handle returned by {@link onShutdown}. */
export interface ShutdownHandle {
  /** Resolves with the signal name (or 'requested') once everything is closed. */
  readonly done: Promise<string>;
  /** Start the shutdown without a signal (tests, fatal errors). */
  shutdown(reason?: string): Promise<string>;
  /** Remove the signal listeners (after a normal end). */
  dispose(): void;
}

/**
 * Close `targets` gracefully on SIGTERM/SIGINT.
 * @param targets closed in order, each with `close()` and, after `graceMs`, `close(true)`.
 * @param opts.graceMs bounded wait for active jobs, ms. @defaultValue 30000
 * @param opts.forceWaitMs bounded wait for the forced close, ms. @defaultValue {@link FORCE_WAIT_MS}
 * @param opts.log where progress messages go. @defaultValue no logging
 * @param opts.signals process-like emitter to listen on (tests pass their own). @defaultValue process
 */
export function onShutdown(
  targets: readonly Closable[],
  opts: { graceMs?: number; forceWaitMs?: number; log?: (msg: string) => void; signals?: NodeJS.EventEmitter } = {},
): ShutdownHandle {
  const graceMs = opts.graceMs ?? 30_000;
  const forceWaitMs = opts.forceWaitMs ?? FORCE_WAIT_MS;
  if (!(graceMs >= 0)) throw new Error(`onShutdown needs graceMs >= 0, got ${graceMs}`);
  const log = opts.log ?? (() => {});
  const emitter = opts.signals ?? process;
  let started: Promise<string> | null = null;
  let forced = false;
  let resolveDone!: (s: string) => void;
  const done = new Promise<string>((r) => {
    resolveDone = r;
  });

  let abandon!: () => void;
  const abandoned = new Promise<void>((r) => {
    abandon = r;
  });
  const forceAll = async () => {
    if (forced) return;
    forced = true;
    log('shutdown: forcing close');
    const timer = setTimeout(() => {
      log(`shutdown: the forced close did not finish in ${forceWaitMs} ms (Redis down or unreachable?); leaving it`);
      abandon();
    }, forceWaitMs);
    await Promise.allSettled(targets.map((t) => t.close(true)));
    clearTimeout(timer);
  };

  const run = (reason: string): Promise<string> => {
    if (started) {
      if (reason !== 'requested') {
        // a second signal: force, and stop waiting at once
        log('shutdown: second signal, not waiting any longer');
        void forceAll();
        abandon();
      }
      return started;
    }
    log(`shutdown: ${reason}, waiting up to ${graceMs} ms for active jobs`);
    started = (async () => {
      const timer = setTimeout(() => void forceAll(), graceMs);
      try {
        await Promise.race([Promise.allSettled(targets.map((t) => t.close())), abandoned]);
      } finally {
        clearTimeout(timer);
      }
      dispose();
      log('shutdown: closed');
      resolveDone(reason);
      return reason;
    })();
    return started;
  };

  const onTerm = () => void run('SIGTERM');
  const onInt = () => void run('SIGINT');
  emitter.on('SIGTERM', onTerm);
  emitter.on('SIGINT', onInt);
  function dispose() {
    emitter.off('SIGTERM', onTerm);
    emitter.off('SIGINT', onInt);
  }
  return { done, shutdown: (reason = 'requested') => run(reason), dispose };
}
