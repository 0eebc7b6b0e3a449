/**
 * Graceful shutdown with a bounded wait.
 *
 * On the first SIGTERM or SIGINT: stop taking new jobs and let the active ones finish
 * (`Worker.close()`), for at most `graceMs`; then force-close (`Worker.close(true)`), which
 * terminates the sandboxed processors — the interrupted jobs' locks expire and another worker
 * picks them up as stalled. A second signal forces at once. Nothing here calls process.exit:
 * once every handle is closed the command returns and the CLI ends.
 */

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
 * @param opts.log where progress messages go. @defaultValue no logging
 * @param opts.signals process-like emitter to listen on (tests pass their own). @defaultValue process
 */
export function onShutdown(
  targets: readonly Closable[],
  opts: { graceMs?: number; log?: (msg: string) => void; signals?: NodeJS.EventEmitter } = {},
): ShutdownHandle {
  const graceMs = opts.graceMs ?? 30_000;
  if (!(graceMs >= 0)) throw new Error(`onShutdown needs graceMs >= 0, got ${graceMs}`);
  const log = opts.log ?? (() => {});
  const emitter = opts.signals ?? process;
  let started: Promise<string> | null = null;
  let forced = false;
  let resolveDone!: (s: string) => void;
  const done = new Promise<string>((r) => {
    resolveDone = r;
  });

  const forceAll = async () => {
    if (forced) return;
    forced = true;
    log('shutdown: forcing close');
    await Promise.allSettled(targets.map((t) => t.close(true)));
  };

  const run = (reason: string): Promise<string> => {
    if (started) {
      if (reason !== 'requested') void forceAll();
      return started;
    }
    log(`shutdown: ${reason}, waiting up to ${graceMs} ms for active jobs`);
    started = (async () => {
      const timer = setTimeout(() => void forceAll(), graceMs);
      try {
        await Promise.allSettled(targets.map((t) => t.close()));
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
