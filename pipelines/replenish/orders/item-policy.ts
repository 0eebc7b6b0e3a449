/**
 * How each series is bought, from the items and suppliers files over the run's defaults: the
 * one place these settings are merged, for the order list and the replay alike.
 *
 * Per setting, the first given of: the item's store row, the item's sku row
 * (pipelines/replenish/inputs/match.ts merges them), the supplier's row (lead time only), the
 * defaults. The supplier's delivery weekdays and cut-off make the delivery schedule (every day,
 * no cut-off, without a supplier row).
 */
import { EVERY_DAY } from '../delivery.js';
import type { MatchedInputs } from '../inputs/match.js';
import type { SupplierRow } from '../inputs/suppliers.js';
import type { ServicePolicy } from '../policy.js';
import type { Config } from '../../../config/schema.js';
import { seriesKey } from '../replenish.js';

/**
 * The run's settings for series the items file does not describe: a policy without a delivery
 * schedule (that is the supplier's). Run defaults ({@link policyDefaults}): lead time 7 days,
 * sd 0, weekly review, 95% cycle service, pack 1, no minimum.
 */
export type PolicyDefaults = Omit<ServicePolicy, 'schedule'>;

/**
 * The defaults of a run's settings (`replenishment.*`): lead time, its sd, review period (a
 * review period of 0, continuous review, is taken as a daily review), service target and
 * measure; pack size 1 and no minimum order.
 */
export function policyDefaults(config: Pick<Config, 'replenishment'>): PolicyDefaults {
  const r = config.replenishment;
  return {
    leadTimeDays: r.leadTimeDays,
    leadTimeSdDays: r.leadTimeSdDays,
    reviewPeriodDays: Math.max(1, r.reviewPeriodDays),
    serviceTarget: r.serviceLevel,
    serviceType: r.serviceType,
    packSize: 1,
    minOrderQty: 0,
  };
}

/** A series' buying terms: the policy plus who supplies it and what a unit costs. */
export interface ItemTerms {
  readonly policy: ServicePolicy;
  /** Supplier name, '' when none is given. */
  readonly supplier: string;
  /** The supplier's row, when the suppliers file lists it. */
  readonly supplierRow?: SupplierRow;
  /** Unit cost from the items file; undefined when not given. */
  readonly unitCost?: number;
}

/** Terms of the series store × sku (rule in the module comment). */
export function itemTerms(store: string, sku: string, matched: Pick<MatchedInputs, 'items' | 'suppliers'>, defaults: PolicyDefaults): ItemTerms {
  const item = matched.items.get(seriesKey(store, sku));
  const supplier = item?.supplier ?? '';
  const sup = supplier ? matched.suppliers.get(supplier) : undefined;
  const policy: ServicePolicy = {
    leadTimeDays: item?.leadTimeDays ?? sup?.leadTimeDays ?? defaults.leadTimeDays,
    leadTimeSdDays: item?.leadTimeSdDays ?? defaults.leadTimeSdDays,
    reviewPeriodDays: item?.reviewPeriodDays ?? defaults.reviewPeriodDays,
    serviceTarget: item?.serviceTarget ?? defaults.serviceTarget,
    serviceType: item?.serviceType ?? defaults.serviceType,
    packSize: item?.packSize ?? defaults.packSize,
    minOrderQty: item?.minOrderQty ?? defaults.minOrderQty,
    schedule: { weekdays: sup?.weekdays ?? EVERY_DAY, ...(sup?.cutoffMinutes !== undefined ? { cutoffMinutes: sup.cutoffMinutes } : {}) },
  };
  return { policy, supplier, ...(sup ? { supplierRow: sup } : {}), ...(item?.unitCost !== undefined ? { unitCost: item.unitCost } : {}) };
}
