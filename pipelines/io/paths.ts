/**
 * Path confinement to the data directory, and the layout under it.
 *
 * Every path that arrives from outside the process (a job payload, a dashboard form) is
 * resolved against the data directory and must stay inside it: no `..` escape, no absolute
 * path elsewhere, no symbolic link that leads out. This is the OWASP "path traversal" rule
 * (CWE-22) applied with `realpath`, so a link planted inside the data directory cannot be used
 * to read or overwrite files outside it.
 */
import { realpathSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { PathError, quoteInput } from '../errors.js';

/** Where things live under the data directory (all absolute). */
export interface DataLayout {
  /** The data directory itself (absolute, not necessarily existing yet). */
  readonly root: string;
  /** Sales exports waiting to be ingested by the nightly run. */
  readonly incoming: string;
  /** Incoming files that could not be read or parsed, each beside a `<name>.error.txt`. */
  readonly incomingFailed: string;
  /** Incoming files already merged into the history. */
  readonly incomingDone: string;
  /** Rejected rows of each ingested incoming file (`<hash12>-<name>.rejected.csv`). */
  readonly quarantine: string;
  /** The durable sales history directory. */
  readonly history: string;
  /** The SQLite database of the sales history. */
  readonly historyDb: string;
  /** The history read into daily series, updated night by night (pipelines/history/history-snapshot.ts). */
  readonly historySnapshot: string;
  /** Run outputs: `out/runs/<run_id>`, `out/latest`. */
  readonly out: string;
  /** Queued runs' working files (prepared series, batch results): `work/<run_id>`, removed after publishing. */
  readonly work: string;
}

/**
 * A run id, which is also a directory name (`work/<runId>`, `out/runs/<runId>`) and part of job
 * ids: a letter or digit, then letters, digits, `_` and `-`, at most 128 characters in all. No
 * dot, no separator, nothing a shell or a path would read specially. Derived run ids
 * (`2016-03-27-0123456789ab`, `2016-03-27-nightly-0123456789`) match it; so must every run id
 * that arrives from outside (a job id, a payload, a URL).
 */
export const RUN_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;

/**
 * A path in a job payload: relative to the data directory, `/`-separated segments that each start
 * with a letter, a digit or `_` and hold letters, digits, spaces and `. _ - + @ ( ) , ' ~ =`
 * (any script: `ventes-été.csv` is fine), at most 1024 characters. So no absolute path, no `.` or
 * `..` segment, no hidden name, no backslash, no control character. The path is confined again
 * with {@link confinePath} (symbolic links) where it is opened.
 */
export const DATA_PATH_PATTERN = /^[\p{L}\p{N}_][\p{L}\p{N}\p{M} ._+@(),'~=-]*(?:\/[\p{L}\p{N}_][\p{L}\p{N}\p{M} ._+@(),'~=-]*)*$/u;

/** True when `id` is a run id ({@link RUN_ID_PATTERN}). */
export function isRunId(id: unknown): id is string {
  return typeof id === 'string' && RUN_ID_PATTERN.test(id);
}

/**
 * Check a run id that arrived from outside before it names a directory.
 * @param what what the id is, for the message ("job id", "run id").
 * @returns the id.
 * @throws PathError when it does not match {@link RUN_ID_PATTERN}.
 */
export function checkRunId(id: unknown, what = 'run id'): string {
  if (isRunId(id)) return id;
  throw new PathError(`${what} ${quoteInput(String(id))} is not a valid run id (letters, digits, "_" and "-", at most 128 characters)`);
}

/** Work directory of a queued run: `<dataDir>/work/<runId>` (the run id checked first). @throws PathError */
export function workDirOf(dataDir: string, runId: string): string {
  return join(dataLayout(dataDir).work, checkRunId(runId));
}

/** Prefix of a run's staging directory under `out/runs` (pipelines/publish/publish.ts). */
export const STAGING_PREFIX = '.staging-';

/**
 * Staging directory of a queued run: `<dataDir>/out/runs/.staging-<runId>` (the run id checked
 * first). Derived by each worker from the run id, never read from a job.
 * @throws PathError
 */
export function queueStagingDirOf(dataDir: string, runId: string): string {
  return join(dataLayout(dataDir).out, 'runs', `${STAGING_PREFIX}${checkRunId(runId)}`);
}

/**
 * Remove a queued run's scratch directory, after checking what it is: the path, resolved through
 * symbolic links, must lie strictly below `<dataDir>/work` or be a `.staging-*` directory directly
 * in `<dataDir>/out/runs`. Anything else (the history, the data directory itself, a path out of
 * it) is refused, whatever asked for it. A missing directory is not an error.
 * @throws PathError when the path is not a scratch directory.
 */
export async function removeScratchDir(dataDir: string, target: string): Promise<void> {
  const layout = dataLayout(dataDir);
  const abs = resolve(target);
  const real = realpathOfExistingPrefix(abs);
  const runs = join(layout.out, 'runs');
  const realWork = realpathOfExistingPrefix(layout.work);
  const realRuns = realpathOfExistingPrefix(runs);
  // the path as written and the path it leads to must both be scratch
  const below = (root: string, p: string) => p !== root && isInside(root, p);
  const stagingName = (p: string) => basename(p).startsWith(STAGING_PREFIX) && basename(p).length > STAGING_PREFIX.length;
  const underWork = below(layout.work, abs) && below(realWork, real);
  const staging = dirname(abs) === runs && dirname(real) === realRuns && stagingName(abs) && stagingName(real);
  if (!underWork && !staging) {
    throw new PathError(`refusing to remove ${quoteInput(target)}: only a run's directory under ${layout.work} or a ${STAGING_PREFIX}* directory in ${runs} is removed`);
  }
  // a symbolic link is removed itself, never what it points at
  await rm(abs, { recursive: true, force: true });
}

/**
 * The default layout under a data directory.
 * @param dataDir data directory (relative paths resolve against the current directory).
 */
export function dataLayout(dataDir: string): DataLayout {
  if (!dataDir) throw new PathError('dataLayout needs a data directory, got an empty string');
  const root = resolve(dataDir);
  return {
    root,
    incoming: join(root, 'incoming'),
    incomingFailed: join(root, 'incoming', 'failed'),
    incomingDone: join(root, 'incoming', 'done'),
    quarantine: join(root, 'quarantine'),
    history: join(root, 'history'),
    historyDb: join(root, 'history', 'sales.db'),
    historySnapshot: join(root, 'history', 'snapshot.bin'),
    out: join(root, 'out'),
    work: join(root, 'work'),
  };
}

/** Real path of the longest existing prefix of `p`, with the missing tail appended. */
function realpathOfExistingPrefix(p: string): string {
  const tail: string[] = [];
  let cur = p;
  for (;;) {
    try {
      const real = realpathSync(cur);
      return tail.length ? join(real, ...tail.reverse()) : real;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw e;
      const parent = dirname(cur);
      if (parent === cur) return p;
      tail.push(basename(cur));
      cur = parent;
    }
  }
}

/** True when `child` equals `root` or lies below it (both absolute, normalised). */
export function isInside(root: string, child: string): boolean {
  const rel = relative(root, child);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

/**
 * Resolve a path given by a caller and check that it stays inside the data directory.
 *
 * A relative path is taken relative to the data directory; an absolute one must already point
 * inside it. Both the path as written and its real path (symbolic links followed as far as the
 * path exists) must lie inside the real data directory.
 *
 * @param dataDir the data directory (config `dataDir`).
 * @param p the path to check.
 * @param what what the path is, for the message ("input", "calendar").
 * @returns the absolute path (as written, not link-resolved).
 * @throws PathError when `p` is empty, contains a NUL byte, or leads outside the data directory.
 */
export function confinePath(dataDir: string, p: string, what = 'path'): string {
  if (typeof p !== 'string' || p.length === 0) throw new PathError(`confinePath needs a non-empty ${what}`);
  if (p.includes('\0')) throw new PathError(`${what} ${quoteInput(p)} contains a NUL byte`);
  const root = resolve(dataDir);
  const abs = isAbsolute(p) ? resolve(p) : resolve(root, p);
  if (!isInside(root, abs)) throw new PathError(`${what} ${quoteInput(p)} is outside the data directory ${root}`);
  const realRoot = realpathOfExistingPrefix(root);
  const realAbs = realpathOfExistingPrefix(abs);
  if (!isInside(realRoot, realAbs)) {
    throw new PathError(`${what} ${quoteInput(p)} leads outside the data directory ${root} through a symbolic link`);
  }
  return abs;
}

/**
 * The path of `abs` relative to the data directory, with forward slashes: how a path is written
 * into a job payload so that processes on other machines (mounting the data directory elsewhere)
 * can resolve it.
 * @throws PathError when `abs` is not inside the data directory.
 */
export function relativeToData(dataDir: string, abs: string): string {
  const root = resolve(dataDir);
  const full = resolve(root, abs);
  if (!isInside(root, full)) throw new PathError(`relativeToData: ${quoteInput(abs)} is outside the data directory ${root}`);
  return relative(root, full).split(sep).join('/');
}
