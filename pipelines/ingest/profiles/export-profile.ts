/**
 * Export profiles: what one known export format means, kept apart from the general defaults.
 *
 * A profile names the columns of its export, the markers of returns, the codes that are not
 * products and its duplicate-line policy. The general defaults ({@link GENERAL_RULES}) carry no
 * knowledge of any one data set: only whole codes that mean "not a product" in most shops. The
 * rules of a run are resolved once, field by field: the settings given (config file, flags),
 * else the profile's, else the general ones ({@link resolveRules}).
 */
import type { Config } from '../../../config/schema.js';
import type { CanonicalField } from '../columns.js';

/** What to do with a line that repeats an earlier one (config `validation.duplicateLines`). */
export type DuplicatePolicy = 'drop' | 'flag' | 'keep';

/** The row rules one export needs. */
export interface ExportRules {
  /** Stock codes that are not products (whole code, case-insensitive). */
  readonly nonProductCodes: readonly string[];
  /** Regular expressions (case-insensitive) for stock codes that are not products. */
  readonly nonProductPatterns: readonly string[];
  /** A transaction id matching it marks a return or cancellation; null: no id does. */
  readonly cancellationPattern: string | null;
  /** Reject a negative quantity without a marker (else it is a return). */
  readonly rejectUnmarkedNegatives: boolean;
  /** Policy for repeated lines. */
  readonly duplicateLines: DuplicatePolicy;
}

/** One known export format. */
export interface ExportProfile {
  /** Name used by `--profile` and config `profile`. */
  readonly name: string;
  /** The export, in a few words (shown in run.json and the report). */
  readonly title: string;
  /**
   * Normalised header names (columns.ts `normaliseColumnName`) that all appear in this export's
   * header and, together, in no other known export: the header identifies the export.
   */
  readonly signature: readonly string[];
  /** Header names per field, first one present wins (normalised on matching). */
  readonly columns: Readonly<Partial<Record<CanonicalField, readonly string[]>>>;
  /** The rules that differ from the general ones. */
  readonly rules: Partial<ExportRules>;
  /** Why the rules are what they are (documentation). */
  readonly notes: string;
}

/**
 * The general rules, for an export no profile describes. Non-product codes are whole codes that
 * name a charge or a payment rather than goods in most shops' exports; no pattern, so that
 * `COFFEE` (`...FEE`), `POSTER` (`POST...`) or a size `M` stay products.
 */
export const GENERAL_RULES: ExportRules = {
  nonProductCodes: [
    'POST',
    'POSTAGE',
    'SHIPPING',
    'DELIVERY',
    'CARRIAGE',
    'BANK CHARGES',
    'SERVICE CHARGE',
    'ADJUST',
    'ADJUSTMENT',
    'DISCOUNT',
    'GIFT CARD',
    'GIFTCARD',
    'TIP',
    'TIPS',
    'GRATUITY',
  ],
  nonProductPatterns: [],
  cancellationPattern: null,
  rejectUnmarkedNegatives: true,
  duplicateLines: 'drop',
};

/**
 * The rules of a run: each setting given in the config, else the profile's, else the general one.
 * @param validation `config.validation`.
 * @param profile The export's profile, or null.
 */
export function resolveRules(validation: Config['validation'], profile: ExportProfile | null): ExportRules {
  const p = profile?.rules ?? {};
  const v = validation;
  return {
    nonProductCodes: v.nonProductCodes ?? p.nonProductCodes ?? GENERAL_RULES.nonProductCodes,
    nonProductPatterns: v.nonProductPatterns ?? p.nonProductPatterns ?? GENERAL_RULES.nonProductPatterns,
    cancellationPattern: v.cancellationPattern ?? (p.cancellationPattern !== undefined ? p.cancellationPattern : GENERAL_RULES.cancellationPattern),
    rejectUnmarkedNegatives: v.rejectUnmarkedNegatives ?? p.rejectUnmarkedNegatives ?? GENERAL_RULES.rejectUnmarkedNegatives,
    duplicateLines: v.duplicateLines ?? p.duplicateLines ?? GENERAL_RULES.duplicateLines,
  };
}
