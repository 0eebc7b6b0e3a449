import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { onShutdown } from '../../workers/shutdown.js';

function target(finishAfterMs: number | null) {
  const calls: string[] = [];
  let release: (() => void) | null = null;
  return {
    calls,
    close(force?: boolean) {
      calls.push(force ? 'force' : 'graceful');
      if (force) {
        release?.();
        return Promise.resolve();
      }
      if (finishAfterMs === null) return new Promise<void>((r) => (release = r));
      return new Promise<void>((r) => setTimeout(r, finishAfterMs));
    },
  };
}

describe('graceful shutdown', () => {
  it('closes gracefully on SIGTERM when the active jobs finish in time', async () => {
    const signals = new EventEmitter();
    const t = target(5);
    const h = onShutdown([t], { graceMs: 10_000, signals });
    signals.emit('SIGTERM');
    expect(await h.done).toBe('SIGTERM');
    expect(t.calls).toEqual(['graceful']);
    expect(signals.listenerCount('SIGTERM')).toBe(0);
  });
  it('forces the close after the grace period when a job never finishes', async () => {
    const signals = new EventEmitter();
    const t = target(null);
    const h = onShutdown([t], { graceMs: 20, signals });
    signals.emit('SIGINT');
    expect(await h.done).toBe('SIGINT');
    expect(t.calls).toEqual(['graceful', 'force']);
  });
  it('forces at once on a second signal', async () => {
    const signals = new EventEmitter();
    const t = target(null);
    const h = onShutdown([t], { graceMs: 3_600_000, signals });
    signals.emit('SIGTERM');
    signals.emit('SIGTERM');
    expect(await h.done).toBe('SIGTERM');
    expect(t.calls).toEqual(['graceful', 'force']);
  });
});

describe('shutdown that always ends', () => {
  /** A target whose every close hangs, as a BullMQ worker's may while Redis is down. */
  const hanging = () => ({ calls: [] as string[], close(force?: boolean) { this.calls.push(force ? 'force' : 'graceful'); return new Promise<void>(() => {}); } });

  it('ends after the grace period and the bounded forced close even when no close ever finishes', async () => {
    const signals = new EventEmitter();
    const t = hanging();
    const lines: string[] = [];
    const h = onShutdown([t], { graceMs: 20, forceWaitMs: 30, signals, log: (m) => lines.push(m) });
    const t0 = Date.now();
    signals.emit('SIGTERM');
    expect(await h.done).toBe('SIGTERM');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(45);
    expect(t.calls).toEqual(['graceful', 'force']);
    expect(lines.some((l) => /did not finish in 30 ms/.test(l))).toBe(true);
  });

  it('a second signal forces and ends it at once', async () => {
    const signals = new EventEmitter();
    const t = hanging();
    const h = onShutdown([t], { graceMs: 10_000, forceWaitMs: 60_000, signals });
    signals.emit('SIGTERM');
    signals.emit('SIGINT');
    expect(await h.done).toBe('SIGTERM');
    expect(t.calls).toEqual(['graceful', 'force']);
  });
});
