/** WooCommerce orders exported one row per line item (Customer/Order/Coupon Export). */
import type { ExportProfile } from './export-profile.js';

export const woocommerce: ExportProfile = {
  name: 'woocommerce',
  title: 'WooCommerce orders, one row per item',
  signature: ['orderdate', 'itemsku', 'itemquantity'],
  columns: {
    date: ['order_date'],
    sku: ['item_sku'],
    quantity: ['item_quantity'],
    transaction: ['order_number', 'order_id'],
    description: ['item_name'],
    customer: ['customer_id'],
  },
  rules: {
    duplicateLines: 'flag',
  },
  notes:
    'Several units of an item in one order are one row with its quantity, so a repeated row is unusual: it is kept and counted (flag). Order dates are local to the shop.',
};
