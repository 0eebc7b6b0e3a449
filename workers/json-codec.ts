/**
 * Lossless JSON for stage records that cross a process boundary (batch result files).
 *
 * Plain JSON turns a Float64Array into an index-keyed object and NaN/Infinity into null, which
 * would change the published bytes. Here typed arrays become `{"$f64": [...]}` (likewise `$f32`,
 * `$i32`, `$u8`) and non-finite numbers and negative zero `{"$num": "NaN"}`, `{"$num": "-0"}`. Finite doubles survive a JSON round
 * trip exactly (ECMA-262 Number::toString gives the shortest string that reads back to the same
 * double), so a decoded record is bit-identical to the encoded one.
 */

type Tagged = { $f64: unknown[] } | { $f32: unknown[] } | { $i32: number[] } | { $u8: number[] } | { $num: string };

function encodeNumber(x: number): number | { $num: string } {
  if (Object.is(x, -0)) return { $num: '-0' };
  return Number.isFinite(x) ? x : { $num: String(x) };
}

function decodeNumber(x: unknown): number {
  if (typeof x === 'number') return x;
  if (x && typeof x === 'object' && '$num' in x) return Number((x as { $num: string }).$num);
  throw new Error(`decodeJson: expected a number, got ${JSON.stringify(x)}`);
}

function replacer(this: unknown, _key: string, value: unknown): unknown {
  if (typeof value === 'number') return encodeNumber(value);
  if (value instanceof Float64Array) return { $f64: Array.from(value, encodeNumber) };
  if (value instanceof Float32Array) return { $f32: Array.from(value, encodeNumber) };
  if (value instanceof Int32Array) return { $i32: Array.from(value) };
  if (value instanceof Uint8Array) return { $u8: Array.from(value) };
  return value;
}

function reviver(_key: string, value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const keys = Object.keys(value);
  if (keys.length !== 1) return value;
  const v = value as Tagged;
  if ('$num' in v && typeof v.$num === 'string') return Number(v.$num);
  // inner $num objects were already revived to numbers (the reviver runs bottom-up)
  if ('$f64' in v && Array.isArray(v.$f64)) return Float64Array.from(v.$f64, decodeNumber);
  if ('$f32' in v && Array.isArray(v.$f32)) return Float32Array.from(v.$f32, decodeNumber);
  if ('$i32' in v && Array.isArray(v.$i32)) return Int32Array.from(v.$i32);
  if ('$u8' in v && Array.isArray(v.$u8)) return Uint8Array.from(v.$u8);
  return value;
}

/** Encode a value (typed arrays and non-finite numbers included) as JSON text. */
export function encodeJson(value: unknown): string {
  return JSON.stringify(value, replacer);
}

/**
 * Decode text written by {@link encodeJson}.
 * @throws SyntaxError on malformed JSON.
 */
export function decodeJson<T>(text: string): T {
  return JSON.parse(text, reviver) as T;
}
