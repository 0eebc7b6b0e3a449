/** inputFormat: a PDF or another binary file is refused by its content, whatever its name; CSV text (plain, gzip, UTF-16 with BOM) is text. */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { inputFormat } from '../../../pipelines/ingest/input-format.js';
import { InputError } from '../../../pipelines/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'input-format-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, bytes: Uint8Array | string): string {
  const p = join(dir, name);
  writeFileSync(p, bytes);
  return p;
}

describe('inputFormat by content', () => {
  it('refuses a PDF named .csv, saying it is a PDF', async () => {
    const p = file('sales.csv', '%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n');
    await expect(inputFormat(p)).rejects.toThrow(InputError);
    await expect(inputFormat(p)).rejects.toThrow(/is a PDF document, not a sales export/);
  });

  it('refuses a PNG image named .csv as not text', async () => {
    const p = file('photo.csv', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]));
    await expect(inputFormat(p)).rejects.toThrow(/is not text/);
  });

  it('refuses random bytes, and reads a CSV with a stray NUL in a data row (the validator rejects that row)', async () => {
    const random = new Uint8Array(512).map((_, i) => (Math.imul(i + 7, 2654435761) >>> 24) & 0xff);
    await expect(inputFormat(file('random.csv', random))).rejects.toThrow(/is not text/);
    expect(await inputFormat(file('nul.csv', 'date,sku,quantity\n2024-01-01,A\u0000B,3\n2024-01-02,A,3\n'))).toBe('text');
  });

  it('reads CSV text, gzip and UTF-16 with a byte-order mark as text', async () => {
    expect(await inputFormat(file('a.csv', 'date,sku,quantity\r\n2016-01-01,A,1\r\n'))).toBe('text');
    expect(await inputFormat(file('b.csv.gz', gzipSync('date,sku,quantity\n2016-01-01,A,1\n')))).toBe('text');
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('date\tsku\tquantity\n', 'utf16le')]);
    expect(await inputFormat(file('c.txt', utf16))).toBe('text');
  });
});
