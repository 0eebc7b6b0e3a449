/**
 * Reading a small settings-like file whole (a calendar, per-sku overrides, on-hand stock, a JSON
 * config): checked before a byte is read, so that a path to a device (`/dev/zero`), a FIFO (which
 * blocks forever on open) or a huge file is refused with a clear message instead of filling the
 * memory or hanging. The check is `stat` (a regular file, at most `maxBytes`), then a read of at
 * most `maxBytes + 1` bytes (the file may grow in between), and for gzip content a decompression
 * capped at `maxBytes` of output (no gzip bomb). Messages never quote the file's contents.
 */
import { closeSync, constants, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { InputError, quoteInput } from '../errors.js';

/**
 * Read a regular file of at most `maxBytes` bytes, decompressing gzip content (magic bytes) to
 * at most `maxBytes` bytes.
 * @param path the file.
 * @param what what it is, for messages ("calendar", "overrides file").
 * @param maxBytes the size limit, bytes (of the file and of its decompressed content).
 * @returns its bytes (decompressed when gzip).
 * @throws InputError when the file is missing, not a regular file, larger than `maxBytes`, or
 *   corrupt gzip.
 */
export function readSideFile(path: string, what: string, maxBytes: number): Buffer {
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO must not wait for a writer (it is refused just below)
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(code === 'ENOENT' ? `${what} not found: ${quoteInput(path)}` : `cannot read ${what} ${quoteInput(path)} (${code ?? 'error'})`);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new InputError(`${what} ${quoteInput(path)} is not a regular file (a directory, device or pipe is not read)`);
    if (st.size > maxBytes) throw new InputError(`${what} ${quoteInput(path)} is ${st.size.toLocaleString('en-US')} bytes, more than the ${maxBytes.toLocaleString('en-US')} allowed (validation.maxSideFileBytes)`);
    const buf = Buffer.alloc(Math.min(st.size, maxBytes) + 1);
    let n = 0;
    for (;;) {
      const r = readSync(fd, buf, n, buf.length - n, null);
      if (r === 0) break;
      n += r;
      if (n === buf.length) break;
    }
    if (n > maxBytes) throw new InputError(`${what} ${quoteInput(path)} grew past the ${maxBytes.toLocaleString('en-US')} bytes allowed while it was read`);
    const bytes = buf.subarray(0, n);
    if (n < 2 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
    try {
      return gunzipSync(bytes, { maxOutputLength: maxBytes });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ERR_BUFFER_TOO_LARGE') throw new InputError(`${what} ${quoteInput(path)} decompresses to more than the ${maxBytes.toLocaleString('en-US')} bytes allowed (validation.maxSideFileBytes)`);
      throw new InputError(`${what} ${quoteInput(path)} is corrupt gzip`);
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * Check that a path names a regular file (following symbolic links), without opening it: a FIFO
 * would block an open or a read forever, a device (`/dev/zero`) never ends.
 * @param what what it is, for messages ("input", "calendar").
 * @returns its size in bytes.
 * @throws InputError when it is missing or not a regular file.
 */
export function checkRegularFile(path: string, what: string): number {
  let st;
  try {
    st = statSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(code === 'ENOENT' ? `${what} not found: ${quoteInput(path)}` : `cannot read ${what} ${quoteInput(path)} (${code ?? 'error'})`);
  }
  if (!st.isFile()) throw new InputError(`${what} ${quoteInput(path)} is not a regular file (a directory, device or pipe is not read)`);
  return st.size;
}
