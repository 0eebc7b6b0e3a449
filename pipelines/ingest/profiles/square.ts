/** Square's item sales export (Reports > Items > Export, one line per item sold). */
import type { ExportProfile } from './export-profile.js';

export const square: ExportProfile = {
  name: 'square',
  title: 'Square item sales export',
  signature: ['date', 'time', 'timezone', 'item', 'qty', 'transactionid'],
  columns: {
    date: ['Date'],
    sku: ['Item'],
    quantity: ['Qty'],
    store: ['Location'],
    transaction: ['Transaction ID'],
    customer: ['Customer ID'],
  },
  rules: {
    rejectUnmarkedNegatives: false,
    duplicateLines: 'keep',
  },
  notes:
    'Date is already the local date of the location. Items are identified by name (the SKU column is optional in Square and often empty). A refund is a line with a negative Qty, kept as a return. Identical lines in one transaction are separate items sold.',
};
