/**
 * Which file a download request may read: only the published files of a run directory
 * (`<dataDir>/out/runs/<run_id>/<file>`, file one of {@link RUN_FILES}), never anything else.
 *
 * The run id must look like a run directory name (no separators, no leading dot, so no staging
 * directory and no `..`); `latest` means the run `out/latest` points at. The path is then
 * confined to the runs directory with `confinePath`, which follows symbolic links, so a link
 * planted in a run directory cannot lead out of it; and the target must be a regular file.
 */
import { realpath, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { PathError } from '../pipelines/errors.js';
import { confinePath } from '../pipelines/io/paths.js';
import { RUN_ID_PATTERN } from '../pipelines/io/paths.js';
import { RUN_FILES, type RunFile } from './runs.js';

/** Media type of each servable file. */
export const RUN_FILE_TYPES: Readonly<Record<RunFile, string>> = {
  'orders.csv': 'text/csv; charset=utf-8',
  'orders-by-supplier.csv': 'text/csv; charset=utf-8',
  'forecasts.csv': 'text/csv; charset=utf-8',
  'simulation.csv': 'text/csv; charset=utf-8',
  'rejected.csv': 'text/csv; charset=utf-8',
  'accuracy.csv': 'text/csv; charset=utf-8',
  'quality.csv': 'text/csv; charset=utf-8',
  'report.html': 'text/html; charset=utf-8',
  'run.json': 'application/json; charset=utf-8',
};

/** True when `name` is one of the servable file names. */
export function isRunFile(name: string): name is RunFile {
  return (RUN_FILES as readonly string[]).includes(name);
}

/** A file that may be served. */
export interface ResolvedRunFile {
  /** Absolute path. */
  path: string;
  /** The run directory's name (`latest` resolved). */
  runId: string;
  file: RunFile;
  bytes: number;
}

/**
 * Resolve a download request.
 * @param outDir the output directory (`dataLayout(dataDir).out`).
 * @param runId a run directory name, or `latest`.
 * @param file one of {@link RUN_FILES}.
 * @returns the file, or null when the request names anything that is not an existing published
 *   file of a run directory (the caller answers 404 without saying which check failed).
 */
export async function resolveRunFile(outDir: string, runId: string, file: string): Promise<ResolvedRunFile | null> {
  if (!isRunFile(file)) return null;
  const runsDir = join(outDir, 'runs');
  let id = runId;
  if (id === 'latest') {
    try {
      id = basename(await realpath(join(outDir, 'latest')));
    } catch {
      return null;
    }
  }
  if (!RUN_ID_PATTERN.test(id)) return null;
  let path: string;
  try {
    path = confinePath(runsDir, `${id}/${file}`, 'run file');
  } catch (e) {
    if (e instanceof PathError) return null;
    throw e;
  }
  try {
    const st = await stat(path);
    if (!st.isFile()) return null;
    return { path, runId: id, file, bytes: st.size };
  } catch {
    return null;
  }
}
