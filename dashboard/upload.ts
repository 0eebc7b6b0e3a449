/**
 * Receiving the "New run" page's uploads: a multipart/form-data body streamed with busboy, each
 * file written to the data directory under a generated safe name, never held in memory.
 *
 * - The sales export goes to `<dataDir>/incoming/` (where the nightly run also finds exports), a
 *   side file (calendar, stock, on-order, items, suppliers) to `<dataDir>/incoming/side/` (the nightly run
 *   ignores sub-directories, so a stock file is never taken for sales).
 * - While a file streams in it is `.upload-<random>.part` (the nightly run skips such names); it
 *   gets its final name only once complete and checked.
 * - Size: each file at most `dashboard.maxUploadBytes`, counted while it streams; a body whose
 *   Content-Length already says more is refused before it is read.
 * - Type by content, never by name: the sales export must be what the ingest reads
 *   (pipelines/ingest/input-format.ts: CSV text, gzip or an .xlsx workbook), a side file CSV text.
 *
 * Any refusal removes every file of the request.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import busboy from 'busboy';
import { InputError, quoteInput } from '../pipelines/errors.js';
import { inputFormat, type InputFormat } from '../pipelines/ingest/input-format.js';
import { dataLayout, relativeToData } from '../pipelines/io/paths.js';

/** The file fields of the form: the sales export and the side files. */
export const UPLOAD_FIELDS = { sales: 'sales', calendar: 'side', stock: 'side', onOrder: 'side', items: 'side', suppliers: 'side' } as const;
export type UploadField = keyof typeof UPLOAD_FIELDS;

/** Sub-directory of `incoming/` holding uploaded side files. */
export const SIDE_DIR = 'side';

/** A refused upload: the HTTP status and a sentence for the user. */
export class UploadError extends Error {
  override readonly name = 'UploadError';
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** A file received and kept. */
export interface UploadedFile {
  readonly field: UploadField;
  /** Path relative to the data directory, e.g. `incoming/sales-20261205-033612-a1b2c3.csv`. */
  readonly path: string;
  /** The name the browser sent (shown, never used as a path). */
  readonly originalName: string;
  readonly bytes: number;
  readonly format: InputFormat;
}

/** What a request carried: its kept files and its text fields. */
export interface Upload {
  readonly files: UploadedFile[];
  readonly fields: Record<string, string>;
}

interface Received {
  field: UploadField;
  part: string;
  originalName: string;
  bytes: number;
  tooLarge: boolean;
}

/**
 * A safe file name for an upload: the original name's stem reduced to letters (any script),
 * digits, `-` and `_` (at most 40 characters), the UTC time, 6 random hex digits, and an extension from the content.
 * @param now the time, ms. @param random hex digits (tests pass fixed ones).
 */
export function safeUploadName(originalName: string, ext: string, now: number, random = randomBytes(3).toString('hex')): string {
  const base = originalName.split(/[\\/]/).pop() ?? '';
  const stem = base
    .replace(/(\.csv)?(\.gz)?$/i, '')
    .replace(/\.(xlsx|xlsm|txt|tsv)$/i, '')
    .normalize('NFC')
    .replace(/[^\p{L}\p{N}_-]+/gu, '-')
    .replace(/^[-_]+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
  const time = new Date(now).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, '').replace('T', '-');
  return `${stem || 'upload'}-${time}-${random}${ext}`;
}

/** The extension a checked file is stored with. */
async function extensionOf(path: string, format: InputFormat): Promise<string> {
  if (format === 'xlsx') return '.xlsx';
  const fh = await open(path, 'r');
  try {
    const b = new Uint8Array(2);
    await fh.read(b, 0, 2, 0);
    return b[0] === 0x1f && b[1] === 0x8b ? '.csv.gz' : '.csv';
  } finally {
    await fh.close();
  }
}

/**
 * Read a multipart request, keeping its files (module comment) and returning its text fields.
 * @param req the request (its body not yet read).
 * @param opts.dataDir the data directory. @param opts.maxBytes the largest file accepted.
 * @param opts.now the time for the names, ms. @defaultValue Date.now()
 * @throws UploadError: 413 too large, 415 not a spreadsheet or CSV, 400 a malformed or empty upload.
 */
export async function receiveUpload(req: IncomingMessage, opts: { dataDir: string; maxBytes: number; now?: number }): Promise<Upload> {
  const files = Object.keys(UPLOAD_FIELDS).length;
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > opts.maxBytes * files + 1024 * 1024) {
    throw new UploadError(`the upload is ${megabytes(declared)}, more than the ${megabytes(opts.maxBytes)} a file may have (dashboard.maxUploadBytes)`, 413);
  }
  if (!/^multipart\/form-data\b/i.test(req.headers['content-type'] ?? '')) throw new UploadError('not a form upload (multipart/form-data expected)', 400);
  const layout = dataLayout(opts.dataDir);
  const dirs = { sales: layout.incoming, side: join(layout.incoming, SIDE_DIR) };
  await mkdir(dirs.side, { recursive: true });
  const received: Received[] = [];
  let fields: Record<string, string>;
  try {
    fields = await parseBody(req, opts.maxBytes, (field) => join(dirs[UPLOAD_FIELDS[field]], `.upload-${randomBytes(8).toString('hex')}.part`), received);
    return { files: await keepFiles(received, opts, dirs), fields };
  } catch (e) {
    await Promise.all(received.map((r) => rm(r.part, { force: true })));
    throw e;
  }
}

/** Stream the body: files to their part files (in `received`), text fields returned. */
function parseBody(req: IncomingMessage, maxBytes: number, partOf: (field: UploadField) => string, received: Received[]): Promise<Record<string, string>> {
  return new Promise((resolveBody, rejectBody) => {
    let bb: busboy.Busboy;
    try {
      bb = busboy({ headers: req.headers, limits: { fileSize: maxBytes, files: Object.keys(UPLOAD_FIELDS).length, fields: 30, fieldSize: 8192, parts: 40 } });
    } catch (e) {
      rejectBody(new UploadError(`not a form upload: ${(e as Error).message}`, 400));
      return;
    }
    const fields: Record<string, string> = {};
    const writes: Promise<void>[] = [];
    bb.on('file', (name, stream, info) => {
      if (!(name in UPLOAD_FIELDS) || !info.filename) {
        stream.resume(); // an unknown field, or a file input left empty
        return;
      }
      const r: Received = { field: name as UploadField, part: partOf(name as UploadField), originalName: info.filename, bytes: 0, tooLarge: false };
      received.push(r);
      stream.on('data', (chunk: Buffer) => (r.bytes += chunk.length));
      stream.on('limit', () => (r.tooLarge = true));
      writes.push(pipeline(stream, createWriteStream(r.part, { flags: 'wx' })));
    });
    bb.on('field', (name, value) => (fields[name] = value));
    bb.on('error', (e: Error) => rejectBody(new UploadError(`the upload could not be read: ${e.message}`, 400)));
    bb.on('close', () => {
      Promise.all(writes).then(() => resolveBody(fields), rejectBody);
    });
    req.on('aborted', () => rejectBody(new UploadError('the upload was interrupted', 400)));
    req.pipe(bb);
  });
}

/** Check each received file and give it its final name. */
async function keepFiles(received: readonly Received[], opts: { dataDir: string; maxBytes: number; now?: number }, dirs: { sales: string; side: string }): Promise<UploadedFile[]> {
  const big = received.find((r) => r.tooLarge);
  if (big) throw new UploadError(`${quoteInput(big.originalName, 80)} is larger than the ${megabytes(opts.maxBytes)} a file may have (dashboard.maxUploadBytes)`, 413);
  const out: UploadedFile[] = [];
  for (const r of received) {
    if (r.bytes === 0) throw new UploadError(`${quoteInput(r.originalName, 80)} is empty`, 400);
    let format: InputFormat;
    try {
      format = await inputFormat(r.part);
    } catch (e) {
      if (e instanceof InputError) throw new UploadError(e.message.replace(quoteInput(r.part, 120), quoteInput(r.originalName, 80)), 415);
      throw e;
    }
    if (UPLOAD_FIELDS[r.field] === 'side' && format !== 'text') throw new UploadError(`${quoteInput(r.originalName, 80)} (${r.field}) must be a CSV file, not a workbook`, 415);
    const final = join(dirs[UPLOAD_FIELDS[r.field]], safeUploadName(r.originalName, await extensionOf(r.part, format), opts.now ?? Date.now()));
    await rename(r.part, final);
    r.part = final; // removed with the rest if a later file is refused
    out.push({ field: r.field, path: relativeToData(opts.dataDir, final), originalName: r.originalName, bytes: r.bytes, format });
  }
  return out;
}

function megabytes(n: number): string {
  return n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : `${n} bytes`;
}
