/**
 * How much to order at a review, in whole packs: the one rule shared by the order list and the
 * replay.
 *
 * With stock position I (on hand + on order), order-up-to level S, pack size q and minimum
 * order quantity M: nothing when I >= S; otherwise the smallest multiple of q that is at least
 * both S - I and M, i.e. q·⌈max(S - I, M) / q⌉. Rounding up, not to the nearest pack: an order
 * that leaves the position under S would break the service promise the level was set for.
 */

/**
 * Units to order (rule in the module comment).
 *
 * @param position Stock position: on hand + on order, units.
 * @param orderUpTo Order-up-to level S, units.
 * @param packSize Pack size q, whole units >= 1.
 * @param minOrderQty Minimum order quantity M, units >= 0.
 * @example orderQuantity(20, 45.5, 12, 0) // 36: 25.5 needed, 3 packs of 12
 * @example orderQuantity(40, 45.5, 12, 30) // 36: 5.5 needed, but at least 30 -> 3 packs
 * @throws when the pack size is not a whole number >= 1 or the minimum is negative.
 */
export function orderQuantity(position: number, orderUpTo: number, packSize = 1, minOrderQty = 0): number {
  if (!Number.isInteger(packSize) || packSize < 1) throw new Error(`orderQuantity needs a pack size of whole units >= 1, got ${packSize}`);
  if (!(minOrderQty >= 0)) throw new Error(`orderQuantity needs a minimum order quantity >= 0, got ${minOrderQty}`);
  if (!(position < orderUpTo)) return 0;
  const need = Math.max(orderUpTo - position, minOrderQty);
  // a hair of floating-point noise must not add a pack (12.000000000001 / 12)
  return packSize * Math.ceil(need / packSize - 1e-9);
}
