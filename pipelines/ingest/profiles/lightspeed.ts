/** Lightspeed Retail's sale lines export (one line per item sold). */
import type { ExportProfile } from './export-profile.js';

export const lightspeed: ExportProfile = {
  name: 'lightspeed',
  title: 'Lightspeed Retail sale lines',
  signature: ['saleid', 'systemid', 'qty'],
  columns: {
    date: ['Date'],
    sku: ['System ID'],
    quantity: ['Qty'],
    store: ['Shop'],
    transaction: ['Sale ID'],
    description: ['Item'],
    price: ['Unit Price', 'Price'],
    customer: ['Customer'],
  },
  rules: {
    rejectUnmarkedNegatives: false,
    duplicateLines: 'keep',
  },
  notes: 'A return is a sale line with a negative Qty, kept as a return. Repeated lines of one sale are separate items sold.',
};
