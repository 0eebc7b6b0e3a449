/**
 * Near matches for keys that match nothing (a misspelt store `CA_l` for `CA_1`), so a warning
 * can say what was probably meant.
 *
 * Rule: keys are compared after {@link normaliseKey} (lower case; spaces, `_`, `-`, `.`, `/`
 * removed) by a weighted optimal-string-alignment distance (Damerau-Levenshtein without
 * repeated edits of one substring): insertion, deletion, substitution and transposition of two
 * adjacent characters cost 1, except that a substitution between look-alike characters
 * (`l`/`1`/`i`, `o`/`0`, `s`/`5`, `z`/`2`, `b`/`8`) costs 0.5. A candidate is a near match when
 * its distance is at most {@link nearThreshold} of the key's normalised length (0 up to 2
 * characters, 1 up to 5, 2 up to 10, then 3); the nearest win, and a key equal after
 * normalisation (`ca 1`, `Ca-1`) is at distance 0. Candidates whose length differs by more than
 * the threshold are skipped without computing the distance.
 *
 * Source: Damerau, F.J. (1964), "A technique for computer detection and correction of spelling
 * errors", CACM 7(3); the optimal string alignment variant as in Boytsov, L. (2011), "Indexing
 * methods for approximate dictionary searching", ACM JEA 16.
 */

/** Normalise a key for near matching (module comment). */
export function normaliseKey(key: string): string {
  return key.trim().toLowerCase().replace(/[\s_.\-/]+/g, '');
}

/** Largest distance accepted for a normalised key of `length` characters. */
export function nearThreshold(length: number): number {
  return length <= 2 ? 0 : length <= 5 ? 1 : length <= 10 ? 2 : 3;
}

const LOOK_ALIKE = new Set(['l1', '1l', 'i1', '1i', 'il', 'li', 'o0', '0o', 's5', '5s', 'z2', '2z', 'b8', '8b']);

/**
 * Weighted optimal-string-alignment distance between two strings (module comment), or
 * `max + 1` as soon as it must exceed `max`.
 *
 * @example keyDistance('cal', 'ca1') // 0.5 (look-alike substitution)
 * @example keyDistance('ca1', 'ac1') // 1 (adjacent transposition)
 */
export function keyDistance(a: string, b: string, max = Infinity): number {
  const n = a.length;
  const m = b.length;
  if (Math.abs(n - m) > max) return max + 1;
  // three rows of the DP table: i-2, i-1, i
  let prev2 = new Float64Array(m + 1);
  let prev = new Float64Array(m + 1);
  let cur = new Float64Array(m + 1);
  for (let j = 0; j <= m; j++) prev[j] = j;
  for (let i = 1; i <= n; i++) {
    cur[0] = i;
    let rowMin = cur[0];
    const ca = a[i - 1];
    for (let j = 1; j <= m; j++) {
      const cb = b[j - 1];
      const sub = ca === cb ? 0 : LOOK_ALIKE.has(ca + cb) ? 0.5 : 1;
      let d = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + sub);
      if (i > 1 && j > 1 && ca === b[j - 2] && a[i - 2] === cb && ca !== cb) d = Math.min(d, prev2[j - 2] + 1);
      cur[j] = d;
      if (d < rowMin) rowMin = d;
    }
    if (rowMin > max) return max + 1;
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return prev[m];
}

/** A set of keys to find near matches in. */
export class NearMatcher {
  private readonly byNorm = new Map<string, string[]>();

  /** @param keys The known keys (e.g. the stores, or one store's skus). */
  constructor(keys: Iterable<string>) {
    for (const k of keys) {
      const n = normaliseKey(k);
      const list = this.byNorm.get(n);
      if (list) list.push(k);
      else this.byNorm.set(n, [k]);
    }
  }

  /**
   * The known keys nearest to `key` within the threshold (module comment), best first, at most
   * `limit`; empty when none is near. `key` itself, when known, is not returned.
   */
  nearest(key: string, limit = 3): string[] {
    const q = normaliseKey(key);
    const max = nearThreshold(q.length);
    const found: { key: string; d: number }[] = [];
    for (const [norm, keys] of this.byNorm) {
      const d = norm === q ? 0 : keyDistance(q, norm, max);
      if (d > max) continue;
      for (const k of keys) if (k !== key) found.push({ key: k, d });
    }
    found.sort((x, y) => x.d - y.d || (x.key < y.key ? -1 : x.key > y.key ? 1 : 0));
    return found.slice(0, limit).map((f) => f.key);
  }
}
