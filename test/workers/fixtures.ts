/** Generated sales exports for the queue tests (no files in the repo: each test writes its own). */

/**
 * A small daily sales export, deterministic (LCG): `stores` x `skus` series over `days` days
 * from 2024-01-01, with a weekly pattern, some intermittent series and a price column.
 */
export function dailyCsv(opts: { stores?: number; skus?: number; days?: number; seed?: number; startDay?: number } = {}): string {
  const stores = opts.stores ?? 2;
  const skus = opts.skus ?? 6;
  const days = opts.days ?? 120;
  let state = (opts.seed ?? 7) >>> 0;
  const rand = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  const start = Date.UTC(2024, 0, 1) / 86_400_000 + (opts.startDay ?? 0);
  const lines = ['date,store_id,item_id,units,sell_price'];
  for (let s = 0; s < stores; s++) {
    for (let k = 0; k < skus; k++) {
      const level = 0.3 + 4 * rand();
      const intermittent = k % 3 === 2;
      for (let d = 0; d < days; d++) {
        const dow = (start + d + 3) % 7;
        const weekly = dow >= 4 ? 1.6 : 0.8;
        let units = Math.floor(level * weekly * (0.5 + rand()) + rand());
        if (intermittent && rand() < 0.7) units = 0;
        const date = new Date((start + d) * 86_400_000).toISOString().slice(0, 10);
        lines.push(`${date},S${s + 1},SKU${k + 1},${units},${(1 + k * 0.5).toFixed(2)}`);
      }
    }
  }
  return lines.join('\n') + '\n';
}
