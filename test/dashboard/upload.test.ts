/**
 * receiveUpload over a real HTTP request (no Redis): files land under generated names in
 * incoming/ (side files in incoming/side/), and a file too large, not a spreadsheet or CSV, or
 * a side file that is a workbook is refused with every file of the request removed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DATA_PATH_PATTERN } from '../../pipelines/io/paths.js';
import { receiveUpload, safeUploadName, UploadError } from '../../dashboard/upload.js';

const CSV = 'date,sku,quantity\n2016-01-01,A,1\n2016-01-02,A,2\n';
let dataDir: string;
let server: Server;
let url: string;
const MAX = 1000;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'upload-'));
  server = createServer((req, res) => {
    receiveUpload(req, { dataDir, maxBytes: MAX, now: Date.UTC(2026, 11, 5, 3, 36, 12) }).then(
      (u) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(u)),
      (e: Error) => res.writeHead(e instanceof UploadError ? e.status : 500, { 'content-type': 'text/plain' }).end(e.message),
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  rmSync(dataDir, { recursive: true, force: true });
});

function form(parts: Record<string, [Uint8Array | string, string] | string>): FormData {
  const f = new FormData();
  for (const [k, v] of Object.entries(parts)) {
    if (typeof v === 'string') f.append(k, v);
    else f.append(k, new Blob([v[0]]), v[1]);
  }
  return f;
}

/** Every file under incoming/, relative, sorted. */
function incoming(): string[] {
  const dir = join(dataDir, 'incoming');
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath, d.name).slice(dir.length + 1))
    .sort();
}

describe('safeUploadName', () => {
  it('keeps a cleaned stem, adds the UTC time, random digits and the extension of the content', () => {
    const at = Date.UTC(2026, 11, 5, 3, 36, 12);
    expect(safeUploadName('Sales Export (Dec).csv', '.csv', at, 'a1b2c3')).toBe('Sales-Export-Dec-20261205-033612-a1b2c3.csv');
    expect(safeUploadName('../../etc/passwd', '.csv', at, 'a1b2c3')).toBe('passwd-20261205-033612-a1b2c3.csv');
    expect(safeUploadName('.hidden.csv.gz', '.csv.gz', at, 'a1b2c3')).toBe('hidden-20261205-033612-a1b2c3.csv.gz');
    expect(safeUploadName('ventes été.xlsx', '.xlsx', at, 'a1b2c3')).toBe('ventes-été-20261205-033612-a1b2c3.xlsx');
    expect(safeUploadName('a\u202eb\u0000c.csv', '.csv', at, 'a1b2c3')).toBe('a-b-c-20261205-033612-a1b2c3.csv');
    expect(safeUploadName('___', '.csv', at, 'a1b2c3')).toBe('upload-20261205-033612-a1b2c3.csv');
    for (const name of ['-x-.csv', 'ventes été.xlsx', '$(rm -rf).csv', 'a'.repeat(300)]) expect(DATA_PATH_PATTERN.test(`incoming/${safeUploadName(name, '.csv', at)}`)).toBe(true);
  });
});

describe('receiveUpload', () => {
  it('keeps the sales export in incoming/ and a side file in incoming/side/, with the text fields', async () => {
    const res = await fetch(url, { method: 'POST', body: form({ sales: [CSV, 'my sales.csv'], stock: ['store,sku,on_hand\nS,A,3\n', 'stock.csv'], horizon: '14' }) });
    expect(res.status).toBe(200);
    const u = (await res.json()) as { files: Array<{ field: string; path: string; bytes: number; format: string }>; fields: Record<string, string> };
    expect(u.fields).toEqual({ horizon: '14' });
    expect(u.files.map((f) => [f.field, f.path, f.bytes, f.format])).toEqual([
      ['sales', expect.stringMatching(/^incoming\/my-sales-20261205-033612-[0-9a-f]{6}\.csv$/), CSV.length, 'text'],
      ['stock', expect.stringMatching(/^incoming\/side\/stock-20261205-033612-[0-9a-f]{6}\.csv$/), 24, 'text'],
    ]);
    expect(readFileSync(join(dataDir, u.files[0].path), 'utf8')).toBe(CSV);
    rmSync(join(dataDir, 'incoming'), { recursive: true });
  });

  it('names a gzip upload .csv.gz whatever it was called', async () => {
    const res = await fetch(url, { method: 'POST', body: form({ sales: [gzipSync(CSV), 'export.txt'] }) });
    expect(res.status).toBe(200);
    expect(incoming()).toEqual([expect.stringMatching(/^export-20261205-033612-[0-9a-f]{6}\.csv\.gz$/)]);
    rmSync(join(dataDir, 'incoming'), { recursive: true });
  });

  it('refuses a file over the limit while it streams (413) and keeps nothing', async () => {
    const big = 'date,sku,quantity\n' + '2016-01-01,A,1\n'.repeat(100);
    expect(big.length).toBeGreaterThan(MAX);
    const res = await fetch(url, { method: 'POST', body: form({ stock: ['store,sku,on_hand\nS,A,3\n', 'stock.csv'], sales: [big, 'big.csv'] }) });
    expect(res.status).toBe(413);
    expect(await res.text()).toMatch(/"big\.csv" is larger than the 1000 bytes a file may have \(dashboard\.maxUploadBytes\)/);
    expect(incoming()).toEqual([]);
  });

  it('refuses a body whose Content-Length is already too large before reading it', async () => {
    const huge = new Uint8Array(MAX * 5 + 1024 * 1024 + 10).fill(0x41);
    const res = await fetch(url, { method: 'POST', body: form({ sales: [huge, 'huge.csv'] }) });
    expect(res.status).toBe(413);
    expect(incoming()).toEqual([]);
  });

  it('refuses a PDF named .csv (415) by its content', async () => {
    const res = await fetch(url, { method: 'POST', body: form({ sales: ['%PDF-1.4\n1 0 obj\n', 'sales.csv'] }) });
    expect(res.status).toBe(415);
    expect(await res.text()).toMatch(/^"sales\.csv" is a PDF document, not a sales export/);
    expect(incoming()).toEqual([]);
  });

  it('refuses an empty file and a request that is not multipart (400)', async () => {
    expect((await fetch(url, { method: 'POST', body: form({ sales: ['', 'empty.csv'] }) })).status).toBe(400);
    expect((await fetch(url, { method: 'POST', body: 'a=1', headers: { 'content-type': 'application/x-www-form-urlencoded' } })).status).toBe(400);
    expect(incoming()).toEqual([]);
  });
});
