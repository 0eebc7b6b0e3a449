/**
 * The long-running commands (serve, dashboard, worker) check at start that the data directory
 * can be written, so that an unwritable one is one line and exit 4 at once, not a failed run or
 * a stack trace later.
 */
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { resolve } from 'node:path';
import { OutputError } from '../pipelines/errors.js';
import { ensureDir } from '../pipelines/io/atomic-write.js';

/** How to choose another data directory, for the messages. */
const ADVICE = 'fix its permissions or choose another with --data-dir, dataDir in the config file or FORECAST_DATA_DIR';

/**
 * Create the data directory when missing and check that this process may write into it.
 * @throws OutputError (exit 4) when it cannot be created or written.
 */
export async function checkDataDirWritable(dataDir: string): Promise<void> {
  const dir = resolve(dataDir);
  try {
    await ensureDir(dir);
  } catch (e) {
    throw new OutputError(`data directory ${dir} cannot be created: ${(e as Error).message}; ${ADVICE}`);
  }
  try {
    await access(dir, constants.W_OK | constants.X_OK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    throw new OutputError(`data directory ${dir} is not writable (${code}): ${ADVICE}`);
  }
}
