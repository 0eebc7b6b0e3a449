import { existsSync } from 'node:fs';
import { mkdtemp, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureDir } from '../../../pipelines/io/atomic-write.js';
import { OutputError } from '../../../pipelines/errors.js';

describe('ensureDir', () => {
  it('creates missing parents level by level and accepts an existing directory', async () => {
    const root = await mkdtemp(join(tmpdir(), 'ensure-'));
    const deep = join(root, 'a', 'b', 'c');
    await ensureDir(deep);
    expect((await stat(deep)).isDirectory()).toBe(true);
    await ensureDir(deep); // again: nothing to do
    await ensureDir(join(root, 'a', 'b', '..', 'b', 'd'));
    expect((await stat(join(root, 'a', 'b', 'd'))).isDirectory()).toBe(true);
  });

  it('refuses a path through a file with the real cause', async () => {
    const root = await mkdtemp(join(tmpdir(), 'ensure-'));
    await writeFile(join(root, 'f'), 'x');
    await expect(ensureDir(join(root, 'f', 'sub'))).rejects.toThrow(OutputError);
    await expect(ensureDir(join(root, 'f', 'sub'))).rejects.toThrow(/ENOTDIR/);
    await expect(ensureDir(join(root, 'f'))).rejects.toThrow(/exists and is not a directory/);
  });

  // Node 20's mkdir(path, { recursive: true }) never returns for such a path (it retried forever)
  it.skipIf(!existsSync('/proc/self'))('fails, instead of hanging, where the file system refuses to create a directory (/proc)', async () => {
    await expect(ensureDir(`/proc/forecast-ensure-${process.pid}/runs`)).rejects.toThrow(OutputError);
  });
});
