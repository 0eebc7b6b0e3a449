/**
 * The UTF-16 code units of a string in a typed array, for loops that read every character.
 *
 * Why: V8 reads `string.charCodeAt(i)` through a dispatch on the string's representation
 * (sequential, external, sliced, cons; one or two bytes per character) at every call; reading
 * `codes[i]` from a typed array is a bounds check and a load. On the ingest hot path (the CSV
 * scanner, the duplicate-line hash, cell parsing) this makes the loops about 1.5 times faster
 * (bench/ingest.ts). Making the array is one native copy of the text (`latin1Write` for a text
 * known to hold only characters below U+0100, else `ucs2Write`), into storage reused from text
 * to text: no allocation per text once it is large enough.
 *
 * The array is a view of that storage, possibly longer than the text: it is valid until the
 * next {@link CodeBuffer.of} on the same buffer, and only below the text's length.
 */
import { endianness } from 'node:os';

/** Code units of a text: one byte each when all are below 256, else two. */
export type CharCodes = Uint8Array | Uint16Array;

/** Reusable storage for the code units of one text at a time. */
export class CodeBuffer {
  private storage = Buffer.allocUnsafeSlow(1 << 12);
  /** Views of all of `storage`, one and two bytes per element. */
  private narrow = new Uint8Array(this.storage.buffer, 0, this.storage.length);
  private wide = new Uint16Array(this.storage.buffer, 0, this.storage.length >> 1);

  /**
   * The code units of `text` at indices 0 to `text.length - 1` of the array returned, valid
   * until the next call. The array may be longer than the text: read it only below
   * `text.length`. Nothing is allocated unless the storage has to grow.
   * @param text Any string.
   * @param oneByte True only when every character of `text` is below U+0100 (e.g. it was
   *   decoded from ASCII bytes): then one byte per character; otherwise two.
   */
  of(text: string, oneByte: boolean): CharCodes {
    const n = text.length;
    const bytes = oneByte ? n : 2 * n;
    if (bytes > this.storage.length) {
      // allocUnsafeSlow storage starts its own ArrayBuffer: aligned for 16-bit access
      this.storage = Buffer.allocUnsafeSlow(Math.max(bytes, 2 * this.storage.length));
      this.narrow = new Uint8Array(this.storage.buffer, 0, this.storage.length);
      this.wide = new Uint16Array(this.storage.buffer, 0, this.storage.length >> 1);
    }
    if (oneByte) {
      this.storage.write(text, 0, n, 'latin1');
      return this.narrow;
    }
    const codes = this.wide;
    if (n <= 32 || !LITTLE_ENDIAN) {
      // short text: a loop costs less than the native call
      for (let i = 0; i < n; i++) codes[i] = text.charCodeAt(i);
    } else this.storage.write(text, 0, bytes, 'utf16le');
    return codes;
  }
}

/** `utf16le` bytes read as a Uint16Array are the code units only on a little-endian machine. */
const LITTLE_ENDIAN = endianness() === 'LE';
