/**
 * Which header column holds which canonical field.
 *
 * Auto-detection compares header names case-insensitively after removing spaces, underscores,
 * hyphens and dots, against a list of common names per field, in priority order (the first
 * name of the list found in the header wins):
 *
 * | field         | required | names (normalised)                                                        |
 * |---------------|----------|---------------------------------------------------------------------------|
 * | `date`        | yes      | date, day, invoicedate, orderdate, salesdate, saledate, transactiondate, ... |
 * | `sku`         | yes      | sku, itemid, stockcode, productid, item, product, itemcode, productcode, article, ... |
 * | `quantity`    | yes      | quantity, qty, units, unitssold, quantitysold, sales, value, demand        |
 * | `store`       | no       | store, storeid, storecode, location, locationid, shop, shopid, branch, site |
 * | `price`       | no       | price, sellprice, unitprice, salesprice, saleprice, priceperunit           |
 * | `transaction` | no       | invoiceno, invoice, invoiceid, invoicenumber, orderid, orderno, ordernumber, transactionid, ... |
 * | `description` | no       | description, desc, productname, itemname, productdescription               |
 * | `customer`    | no       | customerid, customer, customerno, clientid, client                          |
 *
 * An explicit mapping (`config.columns`, CLI `--columns date=Day,...`) overrides detection field
 * by field; its names match the header exactly, else after the same normalisation.
 */
import type { Config } from '../../config/schema.js';
import { InputError, quoteInput } from '../errors.js';

/** Canonical fields a column can hold. */
export type CanonicalField = 'date' | 'sku' | 'quantity' | 'store' | 'price' | 'transaction' | 'description' | 'customer';

/** Column index of each canonical field; -1 when the input has no such column. */
export type ColumnMapping = Readonly<Record<CanonicalField, number>>;

/** Fields every input must have. */
export const REQUIRED_FIELDS: readonly CanonicalField[] = ['date', 'sku', 'quantity'];

/** All fields, in the order they are reported. */
export const CANONICAL_FIELDS: readonly CanonicalField[] = ['date', 'sku', 'store', 'quantity', 'price', 'transaction', 'description', 'customer'];

/** Recognised header names per field (normalised: lower case, no spaces, `_`, `-` or `.`), in priority order. */
export const COLUMN_NAMES: Readonly<Record<CanonicalField, readonly string[]>> = {
  date: ['date', 'day', 'invoicedate', 'orderdate', 'salesdate', 'saledate', 'transactiondate', 'txndate', 'datetime', 'timestamp'],
  sku: ['sku', 'itemid', 'stockcode', 'productid', 'item', 'product', 'itemcode', 'productcode', 'article', 'articleid', 'skuid'],
  quantity: ['quantity', 'qty', 'units', 'unitssold', 'quantitysold', 'qtysold', 'sales', 'value', 'demand'],
  store: ['store', 'storeid', 'storecode', 'location', 'locationid', 'shop', 'shopid', 'branch', 'site'],
  price: ['price', 'sellprice', 'unitprice', 'salesprice', 'saleprice', 'priceperunit'],
  transaction: ['invoiceno', 'invoice', 'invoiceid', 'invoicenumber', 'orderid', 'orderno', 'ordernumber', 'transactionid', 'txnid', 'receiptid', 'receiptno'],
  description: ['description', 'desc', 'productname', 'itemname', 'productdescription'],
  customer: ['customerid', 'customer', 'customerno', 'clientid', 'client'],
};

/** Normalise a header name for matching: trimmed, BOM removed, lower case, no spaces, `_`, `-`, `.`. */
export function normaliseColumnName(name: string): string {
  return name.replace(/^\uFEFF/, '').trim().toLowerCase().replace(/[\s_.-]+/g, '');
}

/** Explicit mapping as the config holds it (header names by canonical field). */
export type ExplicitColumns = Partial<Record<CanonicalField, string>>;

/**
 * Find the column of every canonical field in a header.
 *
 * @param header Header fields as read.
 * @param explicit Header names that override detection per field (`config.columns`); an empty
 *   string means "no such column" for an optional field.
 * @returns The index of each field's column, -1 for an optional field the input lacks.
 * @throws InputError when an explicitly named column is not in the header, or when no column is
 *   found for date, sku or quantity (the message names the missing fields and the header).
 */
export function detectColumns(header: readonly string[], explicit: ExplicitColumns | Config['columns'] = {}): ColumnMapping {
  const norm = header.map(normaliseColumnName);
  const out: Record<CanonicalField, number> = {
    date: -1,
    sku: -1,
    quantity: -1,
    store: -1,
    price: -1,
    transaction: -1,
    description: -1,
    customer: -1,
  };
  const used = new Set<number>();
  const given = explicit as ExplicitColumns;
  const shown = quoteInput(header.join(','));
  checkDuplicateNames(header, norm, given);

  // explicit names first
  for (const field of CANONICAL_FIELDS) {
    const name = given[field];
    if (name === undefined) continue;
    if (name === '') {
      if (REQUIRED_FIELDS.includes(field)) throw new InputError(`column mapping: ${field} is required and cannot be mapped to nothing`);
      out[field] = -2; // marks "explicitly absent" until the end
      continue;
    }
    let idx = header.indexOf(name);
    if (idx === -1) idx = norm.indexOf(normaliseColumnName(name));
    if (idx === -1) throw new InputError(`column mapping: ${field}=${quoteInput(name, 60)} is not a column of the header ${shown}`);
    out[field] = idx;
    used.add(idx);
  }

  // then detection for the rest, first listed name wins, a column serves one field only
  for (const field of CANONICAL_FIELDS) {
    if (out[field] !== -1) continue;
    for (const name of COLUMN_NAMES[field]) {
      const idx = norm.findIndex((h, i) => h === name && !used.has(i));
      if (idx !== -1) {
        out[field] = idx;
        used.add(idx);
        break;
      }
    }
  }
  for (const field of CANONICAL_FIELDS) if (out[field] === -2) out[field] = -1;

  const missing = REQUIRED_FIELDS.filter((f) => out[f] === -1);
  if (missing.length) {
    throw new InputError(
      `no ${missing.join(', ')} column found in the header ${shown}: expected names such as ` +
        missing.map((f) => `${f} (${COLUMN_NAMES[f].slice(0, 4).join('/')})`).join(', ') +
        '; name the columns with --columns or config.columns, e.g. date=Day,sku=Article,quantity=Qty',
    );
  }
  return out;
}

/** Every name a column can be recognised by (normalised). */
const RECOGNISED = new Set(Object.values(COLUMN_NAMES).flat());

/**
 * A header that names a recognised column twice (`date,sku,qty,qty`, or `Date` and `date`)
 * would silently lose one of them: an input error naming them. Other repeated names (two
 * `notes`, empty names after a trailing comma) are left alone, as the columns are not read.
 * @throws InputError
 */
function checkDuplicateNames(header: readonly string[], norm: readonly string[], given: ExplicitColumns): void {
  const wanted = new Set(RECOGNISED);
  for (const name of Object.values(given)) if (name) wanted.add(normaliseColumnName(name));
  const at = new Map<string, number[]>();
  norm.forEach((n, i) => {
    if (!n || !wanted.has(n)) return;
    const l = at.get(n);
    if (l) l.push(i);
    else at.set(n, [i]);
  });
  const dupes = [...at.values()].filter((l) => l.length > 1);
  if (dupes.length === 0) return;
  const list = dupes
    .slice(0, 5)
    .map((l) => `${l.map((i) => quoteInput(header[i], 60)).join(' and ')} (columns ${l.map((i) => i + 1).join(', ')})`)
    .join('; ');
  throw new InputError(`the header names a column more than once: ${list}; which one holds the data is ambiguous: rename or remove the extra column`);
}

/** The mapping as header names by canonical field (fields the input lacks left out), for run.json. */
export function mappingNames(header: readonly string[], mapping: ColumnMapping): Record<string, string> {
  const out: Record<string, string> = {};
  for (const field of CANONICAL_FIELDS) if (mapping[field] >= 0) out[field] = header[mapping[field]];
  return out;
}
