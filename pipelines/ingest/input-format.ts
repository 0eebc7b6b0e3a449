/**
 * What kind of file a sales export is, from its first bytes and its name: CSV text (gzip or
 * not), an Excel workbook (.xlsx, read by workbook.ts), or a format this tool does not read (an
 * old workbook, an OpenDocument or Numbers sheet, another zip, a PDF, any other binary file),
 * refused with one line saying what to save it as.
 */
import { open } from 'node:fs/promises';
import { extname } from 'node:path';
import { InputError, quoteInput } from '../errors.js';

/** How an input file is read. */
export type InputFormat = 'text' | 'xlsx';

/** Bytes looked at: a zip's first local header and the name of its first entry. */
const HEAD_BYTES = 128;

const SAVE_AS = 'save the sheet as CSV (UTF-8) or as an Excel workbook (.xlsx)';

/**
 * The format of an input file.
 * @throws InputError for a spreadsheet or archive this tool does not read (.xls, .ods,
 *   .numbers, another zip), naming what it is and what to save it as.
 */
export async function inputFormat(path: string): Promise<InputFormat> {
  const head = await readHead(path);
  const ext = extname(path).toLowerCase();
  if (ext === '.xls' || startsWith(head, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) {
    throw new InputError(`${quoteInput(path, 120)} is an old Excel workbook (.xls), which this tool does not read: ${SAVE_AS}`);
  }
  if (ext === '.ods') throw new InputError(`${quoteInput(path, 120)} is an OpenDocument spreadsheet (.ods), which this tool does not read: ${SAVE_AS}`);
  if (ext === '.numbers') throw new InputError(`${quoteInput(path, 120)} is an Apple Numbers document, which this tool does not read: ${SAVE_AS}`);
  if (startsWith(head, [0x25, 0x50, 0x44, 0x46, 0x2d])) throw new InputError(`${quoteInput(path, 120)} is a PDF document, not a sales export: export the sales as CSV, or ${SAVE_AS}`);
  if (!startsWith(head, [0x50, 0x4b, 0x03, 0x04])) {
    if (isBinary(head)) throw new InputError(`${quoteInput(path, 120)} is not text (it holds control bytes a CSV never has), nor an Excel workbook: export the sales as CSV, or ${SAVE_AS}`);
    return 'text';
  }
  // a zip: its first entry tells an Office Open XML workbook from an OpenDocument file or an archive
  const nameLength = head[26] | (head[27] << 8);
  const first = Buffer.from(head.subarray(30, 30 + nameLength)).toString('latin1');
  if (first === 'mimetype') throw new InputError(`${quoteInput(path, 120)} is an OpenDocument spreadsheet (.ods), which this tool does not read: ${SAVE_AS}`);
  if (ext === '.xlsx' || ext === '.xlsm' || first === '[Content_Types].xml' || first.startsWith('xl/') || first.startsWith('_rels/') || first.startsWith('docProps/')) return 'xlsx';
  throw new InputError(`${quoteInput(path, 120)} is a zip archive, not a sales export: unzip it and give the CSV inside, or ${SAVE_AS}`);
}

async function readHead(path: string): Promise<Uint8Array> {
  const fh = await open(path, 'r');
  try {
    const buf = new Uint8Array(HEAD_BYTES);
    const { bytesRead } = await fh.read(buf, 0, HEAD_BYTES, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

function startsWith(head: Uint8Array, magic: readonly number[]): boolean {
  return head.length >= magic.length && magic.every((b, i) => head[i] === b);
}

/** C0 bytes text files do hold: BEL, tab, LF, form feed, CR, DOS's end of file, ESC (terminal sequences: text, quoted escaped in messages). */
const TEXT_CONTROLS: ReadonlySet<number> = new Set([0x07, 0x09, 0x0a, 0x0c, 0x0d, 0x1a, 0x1b]);

/**
 * True for a start no CSV has: another C0 control byte in the header line, or in more than a
 * tenth of the bytes looked at; unless the file is gzip (read as compressed CSV) or UTF-16 (a
 * byte-order mark; its ASCII text holds NULs). A stray NUL in a data row is the validator's to
 * reject, not a reason to refuse the file.
 */
function isBinary(head: Uint8Array): boolean {
  if (startsWith(head, [0x1f, 0x8b]) || startsWith(head, [0xff, 0xfe]) || startsWith(head, [0xfe, 0xff])) return false;
  const control = (b: number) => b < 0x20 && !TEXT_CONTROLS.has(b);
  const lf = head.indexOf(0x0a);
  if (head.subarray(0, lf < 0 ? head.length : lf).some(control)) return true;
  return head.filter(control).length * 10 > head.length;
}
