/**
 * Atomic file output: write to a temporary file in the same directory, fsync, then rename
 * over the target, so a reader sees either the old complete file or the new complete file.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { mkdir, open, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';

import { OutputError } from '../errors.js';

export { OutputError };

function tmpName(path: string): string {
  return join(dirname(path), `.${basename(path)}.tmp-${randomBytes(6).toString('hex')}`);
}

function outputError(action: string, path: string, e: unknown): OutputError {
  const code = (e as NodeJS.ErrnoException).code;
  const hint = code === 'EACCES' || code === 'EPERM' ? ' (permission denied)' : code === 'ENOSPC' ? ' (disk full)' : code === 'EROFS' ? ' (read-only file system)' : '';
  return new OutputError(`cannot ${action} ${path}${hint}: ${(e as Error).message}`);
}

/** fsync a finished temporary file and rename it over `path`; on failure drop it. @throws OutputError */
async function syncAndRename(tmp: string, path: string): Promise<void> {
  try {
    const fh = await open(tmp, 'r+');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true }).catch(() => {});
    throw outputError('write', path, e);
  }
}

/** Write a whole file atomically. @throws OutputError */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = tmpName(path);
  try {
    await writeFile(tmp, data);
  } catch (e) {
    await rm(tmp, { force: true }).catch(() => {});
    throw outputError('write', path, e);
  }
  await syncAndRename(tmp, path);
}

/** A streaming writer whose file appears under its final name only on `commit()`. */
export interface AtomicStream {
  write(chunk: string): void;
  /** Write bytes as they are (not copied: the caller must not change them before `commit`). */
  writeBytes(chunk: Uint8Array): void;
  /** Flush, fsync and rename into place. */
  commit(): Promise<void>;
  /** Drop the temporary file. */
  abort(): Promise<void>;
}

/**
 * Open a streaming atomic writer. Text is buffered in 64 KiB chunks and written synchronously, so
 * memory stays bounded whatever the producer (a synchronous loop of millions of lines included:
 * an asynchronous stream without back-pressure queued a 300 MB cleaning log, and a 3 GB history
 * export failed). The first write error is kept and thrown by `commit()` as an OutputError; later
 * writes are dropped.
 * @throws OutputError on commit failure
 */
export function openAtomicStream(path: string): AtomicStream {
  const tmp = tmpName(path);
  let fd = -1;
  let error: unknown = null;
  try {
    fd = openSync(tmp, 'w');
  } catch (e) {
    error = e;
  }
  const put = (bytes: Uint8Array) => {
    if (error !== null) return;
    try {
      let off = 0;
      while (off < bytes.byteLength) off += writeSync(fd, bytes, off, Math.min(bytes.byteLength - off, 1 << 30));
    } catch (e) {
      error = e;
    }
  };
  let buf = '';
  const flush = () => {
    if (buf.length) {
      put(Buffer.from(buf, 'utf8'));
      buf = '';
    }
  };
  const close = () => {
    if (fd >= 0) {
      try {
        closeSync(fd);
      } catch (e) {
        error ??= e;
      }
      fd = -1;
    }
  };
  return {
    write(chunk: string) {
      buf += chunk;
      if (buf.length >= 1 << 16) flush();
    },
    writeBytes(chunk: Uint8Array) {
      flush();
      put(chunk);
    },
    async commit() {
      flush();
      close();
      if (error !== null) {
        await rm(tmp, { force: true }).catch(() => {});
        throw outputError('write', path, error);
      }
      await syncAndRename(tmp, path);
    },
    async abort() {
      close();
      await rm(tmp, { force: true }).catch(() => {});
    },
  };
}

/**
 * Create a directory and its missing parents, one level at a time. Not `mkdir(path, {recursive:
 * true})`: on Node 20 that never returns for a path under /proc (mkdir there fails with ENOENT,
 * so Node retries the parent, which exists, then the child again, forever: `forecast validate
 * --out /proc/x` spun at 100% CPU); a plain mkdir per level also names the real cause (EROFS,
 * EACCES, ENOTDIR) where the recursive one reports ENOENT.
 * @throws OutputError
 */
export async function ensureDir(path: string): Promise<void> {
  // the missing directories, deepest first, up to the first existing ancestor
  const missing: string[] = [];
  for (let dir = resolve(path); ; ) {
    let isDir: boolean;
    try {
      isDir = (await stat(dir)).isDirectory();
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw outputError('create directory', path, e);
      missing.push(dir);
      const parent = dirname(dir);
      if (parent === dir) break;
      dir = parent;
      continue;
    }
    if (!isDir) throw outputError('create directory', path, new Error(`${dir} exists and is not a directory`));
    break;
  }
  for (let i = missing.length - 1; i >= 0; i--) {
    try {
      await mkdir(missing[i]);
    } catch (e) {
      // made meanwhile by another process: fine when it is a directory (the next level or the
      // caller's write fails otherwise)
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw outputError('create directory', path, e);
    }
  }
}

/**
 * Point the symlink `link` at `target` atomically (new link under a temporary name, then rename).
 * @throws OutputError
 */
export async function replaceSymlink(target: string, link: string): Promise<void> {
  const tmp = tmpName(link);
  try {
    await symlink(target, tmp);
    await rename(tmp, link);
  } catch (e) {
    await rm(tmp, { force: true }).catch(() => {});
    throw outputError('update link', link, e);
  }
}
