/**
 * Plain records passed between pipeline stages. No classes, no I/O handles:
 * everything here can be serialised for a queue job (typed arrays as number arrays).
 */
import type { DemandPatch } from './prepare/cleaning-patch.js';

/** Codes of validation problems. `reject` codes send a row to rejected.csv; `flag` codes keep it. */
export type RejectCode =
  | 'missing_date'
  | 'bad_date'
  | 'future_date'
  | 'missing_sku'
  | 'bad_quantity'
  | 'duplicate_row'
  | 'duplicate_key'
  | 'non_product'
  | 'negative_quantity'
  | 'short_row'
  | 'implausible_date'
  | 'implausible_quantity'
  | 'line_too_long';

export type FlagCode =
  | 'return'
  | 'zero_price'
  | 'negative_price'
  | 'missing_price'
  | 'missing_store'
  | 'missing_description'
  | 'missing_customer'
  | 'outlier'
  | 'detached';

export type IssueCode = RejectCode | FlagCode;

/** One problem found in a row (zod-style: problems are data). */
export interface RowIssue {
  readonly code: IssueCode;
  /** Canonical field concerned (`date`, `sku`, `quantity`, ...), when there is one. */
  readonly field?: string;
  readonly message: string;
}

/** A row that passed validation, in canonical form. */
export interface CanonicalRow {
  /** Day number (days since 1970-01-01 UTC). */
  readonly day: number;
  /** Store id; '' when the input has no store column. */
  readonly store: string;
  readonly sku: string;
  /** Units; negative only for returns/cancellations (`isReturn`). */
  readonly quantity: number;
  /** Unit price; NaN when absent. */
  readonly price: number;
  /** Transaction id; '' when absent. */
  readonly txn: string;
  /** Return or cancellation: kept apart from demand. */
  readonly isReturn: boolean;
}

/** A row sent to quarantine. */
export interface RejectedRow {
  /** 1-based physical line in the source file where the record starts (header is line 1). */
  readonly line: number;
  /** Every reject code found, `;`-separated in the CSV. */
  readonly codes: readonly RejectCode[];
  /** Readable reason(s). */
  readonly reason: string;
  /** The raw fields as read. */
  readonly raw: readonly string[];
}

/**
 * Rejected rows not listed in rejected.csv (a file lists at most `validation.maxRejectedRowsPerCode`
 * rows per reject code: a row is listed while one of its codes is under the cap), counted.
 */
export interface RejectedNotListed {
  /** Rows left out. */
  readonly rows: number;
  /** The cap per code (null: none). */
  readonly maxPerCode: number | null;
  /** Rows left out per reject code (a row with two codes counts in both). */
  readonly byCode: Partial<Record<RejectCode, number>>;
}

/** Row counts of a run; `read = accepted + rejected` always. */
export interface RowCounts {
  read: number;
  accepted: number;
  rejected: number;
}

/** How the input was laid out. */
export type InputKind = 'daily' | 'transactions';

/**
 * One store × sku daily series, from its first row's day to the batch's last day.
 * All arrays have the same length `end - start + 1`.
 */
export interface SeriesData {
  /** `store\u0000sku` (store '' when the input has none). */
  readonly key: string;
  readonly store: string;
  readonly sku: string;
  /** Day number of index 0. */
  readonly start: number;
  /** Demand units per day (sales, returns excluded); 0 on days without rows. */
  readonly demand: Float64Array;
  /** Units returned or cancelled per day (positive numbers). */
  readonly returns: Float64Array;
  /** Mean unit price per day; NaN when unknown. */
  readonly price: Float64Array;
  /** 1 where at least one accepted row fell on that day. */
  readonly observed: Uint8Array;
  /** Per-series counts of row issues (accepted and rejected rows attributable to this series). */
  readonly issues: Partial<Record<IssueCode, number>>;
  /** Accepted rows of this series. */
  readonly acceptedRows: number;
  /**
   * Demand as recorded, before the cleaning stage changed it (set by pipelines/prepare/clean.ts). The
   * backtest scores forecasts against these recorded sales, so backtest accuracy and the
   * conformal intervals built from its errors describe what will really be observed.
   */
  readonly recorded?: Float64Array;
  /** Rejected rows that named this series' store and sku (set by ingest; absent elsewhere). */
  readonly rejectedRows?: number;
  /**
   * What the cleaning stage changed, kept sparse so that a run holds one copy of each history
   * (set by `cleanBatch`; `demand` is then still the demand as recorded). `applyCleaning`
   * (pipelines/prepare/cleaning-patch.ts) turns it into the cleaned series (`demand` cleaned, `recorded` set).
   */
  readonly cleaning?: DemandPatch;
  /**
   * For an aggregate of several stores (pipelines/hierarchy/aggregate.ts): each store's share of
   * its recent sales, so store-level calendar flags (SNAP days of the store's state) can be mixed
   * in proportion. Absent for a store × sku series: its own `store` applies.
   */
  readonly storeShares?: Readonly<Record<string, number>>;
  /**
   * The series' category, department and region as the sales file gives them (its first
   * accepted row with a value, per attribute: pipelines/ingest/columns.ts `detectAttributeColumns`),
   * or, in a nightly run, as the sales history keeps them (pipelines/history/history-attributes.ts);
   * absent when there is none. Used by the forecast levels.
   */
  readonly attributes?: Readonly<Record<string, string>>;
}

/** Data-quality profile of one series. Fractions are in [0, 1]. */
export interface SeriesQuality {
  readonly store: string;
  readonly sku: string;
  /** First and last day with a sale (ISO). */
  readonly firstSale: string;
  readonly lastSale: string;
  /** Days from the first row to the batch end. */
  readonly historyDays: number;
  /** Share of days inside the active range that have data (see quality.ts for the rule per input kind). */
  readonly completeness: number;
  readonly missingDays: number;
  /** Accepted share of the rows attributable to this series. */
  readonly validity: number;
  readonly rejectedRows: number;
  readonly duplicateRows: number;
  readonly returnRows: number;
  readonly outlierDays: number;
  readonly stockoutDays: number;
  /** Days from the last sale to the batch end. */
  readonly stalenessDays: number;
  readonly zeroPriceRows: number;
  /** 0-100 quality score (documented in quality.ts and the README). */
  readonly score: number;
}
