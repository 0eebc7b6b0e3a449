/**
 * Run warnings: what about an input or a run the buyer must know before trusting its numbers
 * (a period other than days, stale data, many rejected rows, duplicate units removed, unmatched
 * stock rows, degraded batches). A stage that finds one adds it to the prepared run's
 * `warnings`; from there each reaches stderr (bin/), run.json `warnings[]`, the top of
 * report.html and the dashboard's run row. A warning never changes a number: it says why a
 * number may be off. What must not be published at all is an error (pipelines/errors.ts).
 */

/** One warning: a stable code for machines, one plain sentence for people. */
export interface RunWarning {
  /** Stable snake_case code, e.g. `stale_data`, `rejected_share`, `inconsistent_period`. */
  readonly code: string;
  /** A full sentence saying what was found and what it means for the outputs. */
  readonly message: string;
  /** Example series (`store/sku`) concerned, at most {@link MAX_NAMED} of them. */
  readonly series?: readonly string[];
  /** How many series are concerned in all, when `series` is a sample. */
  readonly seriesCount?: number;
}

/** Series named in a warning; the rest are counted. */
export const MAX_NAMED = 10;

/**
 * A warning naming the series concerned: the first {@link MAX_NAMED} by name, the rest counted.
 * @param keys series names (`store/sku`), any order.
 */
export function seriesWarning(code: string, message: string, keys: readonly string[]): RunWarning {
  const sorted = [...keys].sort();
  const named = sorted.slice(0, MAX_NAMED);
  const more = sorted.length - named.length;
  const list = named.join(', ') + (more > 0 ? ` and ${more} more` : '');
  return { code, message: `${message}: ${list}`, series: named, seriesCount: sorted.length };
}

/** The lines printed on stderr for a run's warnings (`warning: <message>`). */
export function warningLines(warnings: readonly RunWarning[]): string[] {
  return warnings.map((w) => `warning: ${w.message}`);
}
