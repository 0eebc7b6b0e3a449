/** The UCI Online Retail export (a UK gift wholesaler's invoice lines, 2010-2011). */
import type { ExportProfile } from './export-profile.js';

export const onlineRetail: ExportProfile = {
  name: 'online-retail',
  title: 'UCI Online Retail invoice lines',
  signature: ['invoiceno', 'stockcode', 'invoicedate'],
  columns: {
    date: ['InvoiceDate'],
    sku: ['StockCode'],
    quantity: ['Quantity'],
    price: ['UnitPrice'],
    transaction: ['InvoiceNo'],
    description: ['Description'],
    customer: ['CustomerID'],
  },
  rules: {
    // the codes of this export's postage, fees, manual adjustments, samples and gift vouchers
    nonProductCodes: ['POST', 'DOT', 'M', 'C2', 'D', 'S', 'B', 'CRUK', 'PADS', 'BANK CHARGES', 'AMAZONFEE', 'ADJUST', 'ADJUST2', 'DCGSSBOY', 'DCGSSGIRL', 'GIFT'],
    nonProductPatterns: ['^POST(AGE)?$', 'CHARGES?$', 'FEE$', '^ADJUST', '^SAMPLES?$', '^GIFT_', '^TEST', '^DCGS'],
    cancellationPattern: '^C',
    rejectUnmarkedNegatives: true,
    duplicateLines: 'drop',
  },
  notes:
    'Cancelled invoices start with C. Single-letter codes (M manual, D discount, S samples, B bad debt) and DOT, C2, CRUK, PADS are not goods. An exact repeat of an invoice line is an export duplicate.',
};
