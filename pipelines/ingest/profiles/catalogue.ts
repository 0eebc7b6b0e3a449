/**
 * The known export profiles, and the choice of one for an input: the one named in the settings,
 * or the one whose signature the header carries when exactly one does.
 */
import { ConfigError, quoteInput } from '../../errors.js';
import { normaliseColumnName, type CanonicalField, type ExplicitColumns } from '../columns.js';
import type { ExportProfile } from './export-profile.js';
import { lightspeed } from './lightspeed.js';
import { onlineRetail } from './online-retail.js';
import { shopify } from './shopify.js';
import { square } from './square.js';
import { woocommerce } from './woocommerce.js';

/** Every known profile. */
export const PROFILES: readonly ExportProfile[] = [onlineRetail, shopify, square, woocommerce, lightspeed];

/** How the profile of a run was chosen (run.json `input.profile`). */
export interface ProfileChoice {
  /** The profile; null when none applies (general rules). */
  readonly profile: ExportProfile | null;
  /** `setting`: named by `--profile`/config; `header`: identified from the header; `none`. */
  readonly by: 'setting' | 'header' | 'none';
}

/**
 * The profile of an input.
 * @param header The header fields as read.
 * @param setting config `profile`: a name, `auto` or `none`.
 * @throws ConfigError for an unknown name (the message lists the known ones).
 */
export function chooseProfile(header: readonly string[], setting: string): ProfileChoice {
  if (setting === 'none') return { profile: null, by: 'none' };
  if (setting !== 'auto') {
    const named = PROFILES.find((p) => p.name === setting);
    if (!named) throw new ConfigError(`unknown export profile ${quoteInput(setting, 60)}: expected one of ${PROFILES.map((p) => p.name).join(', ')}, auto or none`);
    return { profile: named, by: 'setting' };
  }
  const found = detectProfiles(header);
  return found.length === 1 ? { profile: found[0], by: 'header' } : { profile: null, by: 'none' };
}

/** Profiles whose whole signature appears in the header. */
export function detectProfiles(header: readonly string[]): ExportProfile[] {
  const names = new Set(header.map(normaliseColumnName));
  return PROFILES.filter((p) => p.signature.every((s) => names.has(s)));
}

/**
 * The profile's columns present in the header, as an explicit mapping (the first listed name
 * present per field), with the settings' own `columns` on top.
 */
export function profileColumns(header: readonly string[], profile: ExportProfile | null, given: ExplicitColumns): ExplicitColumns {
  if (!profile) return given;
  const names = new Set(header.map(normaliseColumnName));
  const out: Partial<Record<CanonicalField, string>> = {};
  for (const [field, candidates] of Object.entries(profile.columns) as [CanonicalField, readonly string[]][]) {
    const hit = candidates.find((c) => names.has(normaliseColumnName(c)));
    if (hit !== undefined) out[field] = hit;
  }
  for (const [field, name] of Object.entries(given) as [CanonicalField, string | undefined][]) if (name !== undefined) out[field] = name;
  return out;
}
