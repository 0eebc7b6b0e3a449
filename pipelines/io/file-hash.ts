/**
 * The content hash of a file: what identifies an input (run ids, the nightly "each file
 * once" rule), whatever its name.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/**
 * SHA-256 of a file's bytes, streamed (constant memory), as 64 hex digits.
 * @throws the stream's error when the file cannot be read (ENOENT, EACCES, ...).
 */
export async function sha256File(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest('hex');
}
