import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sha256File } from '../../../pipelines/io/file-hash.js';

const dir = mkdtempSync(join(tmpdir(), 'file-hash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('sha256File', () => {
  it('gives the FIPS 180-2 test vectors', async () => {
    // FIPS 180-2, appendix B.1 ("abc"); the empty message
    writeFileSync(join(dir, 'abc'), 'abc');
    writeFileSync(join(dir, 'empty'), '');
    expect(await sha256File(join(dir, 'abc'))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(await sha256File(join(dir, 'empty'))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('hashes a file read in many chunks as one message', async () => {
    const bytes = Buffer.alloc(1_000_003);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7919) & 255;
    writeFileSync(join(dir, 'big'), bytes);
    expect(await sha256File(join(dir, 'big'))).toBe(createHash('sha256').update(bytes).digest('hex'));
  });

  it('rejects with the file system error for a missing file', async () => {
    await expect(sha256File(join(dir, 'missing'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
