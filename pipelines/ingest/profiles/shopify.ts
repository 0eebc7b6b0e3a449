/** Shopify's orders export (Orders > Export, one line per line item). */
import type { ExportProfile } from './export-profile.js';

export const shopify: ExportProfile = {
  name: 'shopify',
  title: 'Shopify orders export',
  signature: ['name', 'createdat', 'lineitemquantity', 'lineitemsku'],
  columns: {
    date: ['Created at'],
    sku: ['Lineitem sku'],
    quantity: ['Lineitem quantity'],
    price: ['Lineitem price'],
    transaction: ['Name'],
    description: ['Lineitem name'],
    store: ['Location'],
  },
  rules: {
    duplicateLines: 'keep',
  },
  notes:
    'Created at carries the shop\'s offset (2026-11-30 21:30:00 -0500), so each order counts on its local day. The same sku twice in one order is two real sales: repeated lines are kept. Refunds are not lines of this export. Products without a SKU have an empty Lineitem sku: map sku to "Lineitem name" for such shops.',
};
