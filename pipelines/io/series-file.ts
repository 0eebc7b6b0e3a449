/**
 * A binary file of daily series: the queue's prepared run (workers read their batch by index
 * range) and the nightly history snapshot (pipelines/history/history-snapshot.ts) are stored in it.
 *
 * Layout: the 8 bytes `FCSERIES`, a little-endian uint32 with the byte length of a JSON header,
 * 4 reserved bytes, the header (UTF-8) padded with spaces to a multiple of 8, then per series,
 * each block 8-byte aligned:
 *   demand   float64 × n
 *   price    float64 × n
 *   returns  float64 × n      only when some day has a return (else all zero, not stored)
 *   recorded float64 × n      only when set (cleaned series)
 *   patch    int32 × k, then float64 × k   only when `cleaning` is set (k changed days)
 *   observed uint8 × n, padded to 8
 * The header holds the caller's metadata (`meta`) and per series everything but the arrays, with
 * the byte offset of its block, so a range of series is one read at one offset. Arrays read back
 * are views of one buffer per read (no copy); series without returns share one zero buffer.
 *
 * Written as a stream of the series' own bytes (no second copy of a 1 GB history in memory),
 * atomically (temporary file, fsync, rename).
 */
import { open } from 'node:fs/promises';
import { openAtomicStream } from './atomic-write.js';
import type { SeriesData } from '../types.js';

const MAGIC = 'FCSERIES';

/** A series as described in the header (arrays left out). */
type SeriesHead = Omit<SeriesData, 'demand' | 'returns' | 'price' | 'observed' | 'recorded' | 'cleaning'> & {
  /** Days. */
  n: number;
  /** Byte offset of the block from the start of the data section. */
  at: number;
  hasReturns: boolean;
  hasRecorded: boolean;
  /** Changed days of the cleaning patch; -1 when there is none. */
  patch: number;
};

interface Header<M> {
  version: 1;
  meta: M;
  series: SeriesHead[];
  /** Bytes of the data section. */
  bytes: number;
}

const pad8 = (n: number) => (n + 7) & ~7;

function blockBytes(h: Pick<SeriesHead, 'n' | 'hasReturns' | 'hasRecorded' | 'patch'>): number {
  const n = h.n;
  let b = 16 * n;
  if (h.hasReturns) b += 8 * n;
  if (h.hasRecorded) b += 8 * n;
  if (h.patch >= 0) b += pad8(4 * h.patch) + 8 * h.patch;
  return b + pad8(n);
}

function hasAny(a: Float64Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== 0) return true;
  return false;
}

const bytesOf = (a: Float64Array | Int32Array | Uint8Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/** The header of a series file (its first bytes, padded) and each series' description. */
function encodeHead<M>(meta: M, series: readonly SeriesData[]): { head: Buffer; heads: SeriesHead[]; bytes: number } {
  let at = 0;
  const heads: SeriesHead[] = series.map((s) => {
    const { demand, returns, price, observed, recorded, cleaning, ...rest } = s;
    const h = { ...rest, n: demand.length, at, hasReturns: hasAny(returns), hasRecorded: recorded !== undefined, patch: cleaning ? cleaning.index.length : -1 };
    if (returns.length !== h.n || price.length !== h.n || observed.length !== h.n || (recorded && recorded.length !== h.n)) {
      throw new Error(`writeSeriesFile: arrays of ${s.store}/${s.sku} differ in length`);
    }
    at += blockBytes(h);
    return h;
  });
  const header = JSON.stringify({ version: 1, meta, series: heads, bytes: at } satisfies Header<M>);
  const text = Buffer.from(header, 'utf8');
  const head = Buffer.alloc(16 + pad8(text.length), 0x20);
  head.write(MAGIC, 0, 'latin1');
  head.writeUInt32LE(text.length, 8);
  head.writeUInt32LE(0, 12);
  text.copy(head, 16);
  return { head, heads, bytes: at };
}

/** Hand each series' block to `write`, in order, as the layout says (module comment). */
function writeBlocks(series: readonly SeriesData[], heads: readonly SeriesHead[], write: (chunk: Uint8Array) => void): void {
  const zeros = new Uint8Array(8);
  series.forEach((s, i) => {
    const h = heads[i];
    write(bytesOf(s.demand));
    write(bytesOf(s.price));
    if (h.hasReturns) write(bytesOf(s.returns));
    if (s.recorded) write(bytesOf(s.recorded));
    if (s.cleaning) {
      write(bytesOf(s.cleaning.index));
      if ((4 * h.patch) % 8) write(zeros.subarray(0, 4));
      write(bytesOf(s.cleaning.value));
    }
    write(bytesOf(s.observed));
    if (h.n % 8) write(zeros.subarray(0, 8 - (h.n % 8)));
  });
}

/**
 * Write series and metadata to `path` atomically.
 * @throws OutputError when the file cannot be written.
 */
export async function writeSeriesFile<M>(path: string, meta: M, series: readonly SeriesData[]): Promise<void> {
  const { head, heads } = encodeHead(meta, series);
  const out = openAtomicStream(path);
  try {
    out.writeBytes(head);
    writeBlocks(series, heads, (c) => out.writeBytes(c));
    await out.commit();
  } catch (e) {
    await out.abort();
    throw e;
  }
}

/**
 * The bytes of a series file holding `series` and `meta`, in memory (a queued batch's series
 * travel through Redis in this form: workers/fit-store.ts).
 */
export function encodeSeries<M>(meta: M, series: readonly SeriesData[]): Buffer {
  const { head, heads, bytes } = encodeHead(meta, series);
  const out = Buffer.alloc(head.length + bytes);
  head.copy(out, 0);
  let p = head.length;
  writeBlocks(series, heads, (c) => {
    out.set(c, p);
    p += c.length;
  });
  return out;
}

/**
 * Read back the bytes of {@link encodeSeries}. The arrays are views of one copy of the data
 * section (8-byte aligned, whatever the alignment of `bytes`).
 * @throws Error when the bytes are not a series file or are truncated.
 */
export function decodeSeries<M>(bytes: Uint8Array, what = 'series bytes'): SeriesFile<M> {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length < 16 || buf.toString('latin1', 0, 8) !== MAGIC) throw new Error(`${what} are not a series file`);
  const len = buf.readUInt32LE(8);
  if (buf.length < 16 + len) throw new Error(`${what} are truncated (header)`);
  const header = JSON.parse(buf.toString('utf8', 16, 16 + len)) as Header<M>;
  const dataStart = 16 + pad8(len);
  if (buf.length < dataStart + header.bytes) throw new Error(`${what} are truncated (series data)`);
  const data = new Uint8Array(header.bytes);
  data.set(buf.subarray(dataStart, dataStart + header.bytes));
  return { meta: header.meta, count: header.series.length, series: seriesOfBlocks(header.series, 0, header.series.length, data, 0) };
}

/** What {@link readSeriesFile} returns. */
export interface SeriesFile<M> {
  readonly meta: M;
  /** Series in the file (all of them, not only those read). */
  readonly count: number;
  /** The series of the range read, in file order. */
  readonly series: SeriesData[];
}

/**
 * Read a series file, or the series [from, to) of it.
 * @throws Error when the file is not a series file or is truncated.
 */
export async function readSeriesFile<M>(path: string, range?: { from: number; to: number }): Promise<SeriesFile<M>> {
  const fh = await open(path, 'r');
  try {
    const first = Buffer.alloc(16);
    await fh.read(first, 0, 16, 0);
    if (first.toString('latin1', 0, 8) !== MAGIC) throw new Error(`${path} is not a series file`);
    const len = first.readUInt32LE(8);
    const textBuf = Buffer.alloc(len);
    const got = (await fh.read(textBuf, 0, len, 16)).bytesRead;
    if (got !== len) throw new Error(`${path} is truncated (header)`);
    const header = JSON.parse(textBuf.toString('utf8')) as Header<M>;
    const dataStart = 16 + pad8(len);
    const all = header.series;
    const from = range ? Math.max(0, range.from) : 0;
    const to = range ? Math.min(all.length, range.to) : all.length;
    if (from >= to) return { meta: header.meta, count: all.length, series: [] };
    const begin = all[from].at;
    const end = to < all.length ? all[to].at : header.bytes;
    const data = new Uint8Array(new ArrayBuffer(end - begin));
    let off = 0;
    while (off < data.length) {
      const { bytesRead } = await fh.read(data, off, Math.min(data.length - off, 1 << 30), dataStart + begin + off);
      if (bytesRead === 0) throw new Error(`${path} is truncated (series data)`);
      off += bytesRead;
    }
    const series = seriesOfBlocks(all, from, to, data, begin);
    return { meta: header.meta, count: all.length, series };
  } finally {
    await fh.close();
  }
}

/**
 * The series [from, to) of a header, their arrays views of `data` (which starts at byte `begin`
 * of the data section); series without returns share one zero buffer.
 */
function seriesOfBlocks(all: readonly SeriesHead[], from: number, to: number, data: Uint8Array, begin: number): SeriesData[] {
  let zeros = new Float64Array(0);
  for (let i = from; i < to; i++) if (!all[i].hasReturns && all[i].n > zeros.length) zeros = new Float64Array(all[i].n);
  const series: SeriesData[] = [];
  for (let i = from; i < to; i++) {
    const { n, at, hasReturns, hasRecorded, patch, ...rest } = all[i];
    let p = data.byteOffset + at - begin;
    const f64 = (k: number) => {
      const a = new Float64Array(data.buffer, p, k);
      p += 8 * k;
      return a;
    };
    const demand = f64(n);
    const price = f64(n);
    const returns = hasReturns ? f64(n) : zeros.subarray(0, n);
    const recorded = hasRecorded ? f64(n) : undefined;
    let cleaning: SeriesData['cleaning'];
    if (patch >= 0) {
      const index = new Int32Array(data.buffer, p, patch);
      p += pad8(4 * patch);
      cleaning = { index, value: f64(patch) };
    }
    const observed = new Uint8Array(data.buffer, p, n);
    series.push({ ...rest, demand, returns, price, observed, ...(recorded ? { recorded } : {}), ...(cleaning ? { cleaning } : {}) });
  }
  return series;
}
