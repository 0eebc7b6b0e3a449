/**
 * A file run's request may set its stock, on-order and items files, its period and its export
 * profile (the dashboard's New run form): effectiveConfig applies them as `forecast run --stock
 * --frequency --profile` would, confined to the data directory, and they change the run id.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../config/load.js';
import { PathError } from '../../../pipelines/errors.js';
import { resolveRun } from '../../../pipelines/run/run-request.js';
import { runPayloadSchema } from '../../../workers/queues.js';

const dir = mkdtempSync(join(tmpdir(), 'asked-settings-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
mkdirSync(join(dir, 'incoming', 'side'), { recursive: true });
writeFileSync(join(dir, 'incoming', 'sales.csv'), 'date,sku,quantity\n2024-03-01,A,1\n');
writeFileSync(join(dir, 'incoming', 'side', 'stock.csv'), 'store,sku,on_hand\nS,A,3\n');
writeFileSync(join(dir, 'incoming', 'side', 'items.csv'), 'sku,lead_time_days\nA,3\n');
const config = parseConfig({ dataDir: dir });
const at = Date.UTC(2024, 2, 31, 12);

describe('a file run asking for side files, a period and a profile', () => {
  it('gets them in its settings: side files as absolute paths inside the data directory', async () => {
    const run = await resolveRun(config, { mode: 'input', input: 'incoming/sales.csv', runDate: '2024-03-31', stock: 'incoming/side/stock.csv', items: 'incoming/side/items.csv', frequency: 'week', profile: 'shopify' }, { at });
    expect(run.config.replenishment.stockFile).toBe(join(dir, 'incoming', 'side', 'stock.csv'));
    expect(run.config.replenishment.itemsFile).toBe(join(dir, 'incoming', 'side', 'items.csv'));
    expect(run.config.replenishment.onOrderFile).toBeUndefined();
    expect(run.config.periods.frequency).toBe('week');
    expect(run.config.periods.weekStart).toBe(config.periods.weekStart);
    expect(run.config.profile).toBe('shopify');
    // the request keeps them, so the worker resolves the same run
    expect(run.ask).toMatchObject({ stock: 'incoming/side/stock.csv', frequency: 'week', profile: 'shopify' });
  });

  it('names another run than the same file without them, and the same run when asked again', async () => {
    const plain = await resolveRun(config, { mode: 'input', input: 'incoming/sales.csv', runDate: '2024-03-31' }, { at });
    const stocked = await resolveRun(config, { mode: 'input', input: 'incoming/sales.csv', runDate: '2024-03-31', stock: 'incoming/side/stock.csv' }, { at });
    const again = await resolveRun(config, { mode: 'input', input: 'incoming/sales.csv', runDate: '2024-03-31', stock: 'incoming/side/stock.csv' }, { at });
    expect(stocked.runId).not.toBe(plain.runId);
    expect(again.runId).toBe(stocked.runId);
    expect(plain.config.replenishment).toEqual(config.replenishment);
  });

  it('refuses a side file outside the data directory', async () => {
    await expect(resolveRun(config, { mode: 'input', input: 'incoming/sales.csv', runDate: '2024-03-31', stock: '/etc/passwd' }, { at })).rejects.toThrow(PathError);
  });

  it('is in the run payload schema, with a bounded profile name and the four periods', () => {
    const ok = runPayloadSchema.safeParse({ mode: 'input', input: 'incoming/sales.csv', stock: 'incoming/side/stock.csv', onOrder: 'a.csv', items: 'b.csv', frequency: 'month', profile: 'online-retail' });
    expect(ok.success).toBe(true);
    expect(runPayloadSchema.safeParse({ mode: 'input', input: 'a.csv', frequency: 'year' }).success).toBe(false);
    expect(runPayloadSchema.safeParse({ mode: 'input', input: 'a.csv', profile: '../x' }).success).toBe(false);
    expect(runPayloadSchema.safeParse({ mode: 'input', input: 'a.csv', stock: '../stock.csv' }).success).toBe(false);
    // the nightly flow reads a history with many exports: no period or profile of one file
    expect(runPayloadSchema.safeParse({ mode: 'incoming', frequency: 'week' }).success).toBe(false);
    expect(runPayloadSchema.safeParse({ mode: 'incoming', profile: 'shopify' }).success).toBe(false);
  });
});
