/**
 * Which header column holds which canonical field.
 *
 * Auto-detection compares header names case-insensitively after removing accents, spaces,
 * underscores, hyphens and dots, against a list of common names per field ({@link COLUMN_NAMES}:
 * English, the names of common shop systems, German, French, Spanish, Dutch and Italian), in
 * priority order (the first name of the list found in the header wins). Required: `date`
 * (`Date`, `Datum`, `Fecha`, `week`, `month`, ...), `sku` (`SKU`, `Item`, `Artikel`,
 * `Référence`, ...) and `quantity` (`Quantity`, `Qty`, `Menge`, `Quantité`, `Cantidad`,
 * `Aantal`, ...); optional: `store`, `price`, `transaction`, `description`, `customer`.
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

/**
 * Recognised header names per field (normalised: lower case, accents removed, no spaces, `_`,
 * `-` or `.`), in priority order: English first, then the names of common shop systems
 * (Shopify `Lineitem sku`, Square `Qty`, WooCommerce `item_sku`, Lightspeed `Sale ID`), then
 * German, French, Spanish, Dutch and Italian. A name that could mean two fields (`Article` is
 * an item in French and German) is listed under one only.
 */
export const COLUMN_NAMES: Readonly<Record<CanonicalField, readonly string[]>> = {
  date: [
    'date', 'day', 'invoicedate', 'orderdate', 'salesdate', 'saledate', 'transactiondate', 'txndate', 'datetime', 'timestamp', 'createdat',
    // period labels (weekly and monthly totals)
    'week', 'weekstart', 'weekbeginning', 'weekending', 'month', 'period',
    // de, fr, es, nl, it
    'datum', 'verkaufsdatum', 'belegdatum', 'rechnungsdatum', 'woche', 'monat',
    'jour', 'datedevente', 'datevente', 'semaine', 'mois', 'periode',
    'fecha', 'fechadeventa', 'fechaventa', 'dia', 'semana', 'mes', 'periodo',
    'verkoopdatum', 'dag', 'maand',
    'data', 'datavendita', 'giorno', 'settimana', 'mese',
  ],
  sku: [
    'sku', 'itemid', 'stockcode', 'productid', 'item', 'product', 'itemcode', 'productcode', 'article', 'articleid', 'skuid',
    'lineitemsku', 'itemsku', 'variantsku', 'customsku', 'systemid', 'ean', 'gtin', 'upc', 'barcode',
    'artikel', 'artikelnummer', 'artikelnr', 'artnr', 'produkt', 'produktnummer', 'artikelcode',
    'reference', 'ref', 'codearticle', 'produit', 'codeproduit',
    'articulo', 'referencia', 'codigo', 'codigoarticulo', 'producto',
    'productnummer',
    'articolo', 'codicearticolo', 'codice', 'prodotto', 'codiceprodotto',
  ],
  quantity: [
    'quantity', 'qty', 'units', 'unitssold', 'quantitysold', 'qtysold', 'sales', 'value', 'demand', 'lineitemquantity', 'itemquantity',
    'menge', 'anzahl', 'stuck', 'stueck', 'stuckzahl', 'absatz',
    'quantite', 'qte', 'unites',
    'cantidad', 'unidades', 'cant',
    'aantal', 'hoeveelheid', 'stuks',
    'quantita', 'qta', 'pezzi',
  ],
  store: [
    'store', 'storeid', 'storecode', 'location', 'locationid', 'shop', 'shopid', 'branch', 'site', 'outlet',
    'filiale', 'laden', 'standort', 'geschaft', 'markt',
    'magasin', 'boutique', 'pointdevente',
    'tienda', 'sucursal', 'local',
    'winkel', 'vestiging', 'filiaal',
    'negozio', 'puntovendita',
  ],
  price: [
    'price', 'sellprice', 'unitprice', 'salesprice', 'saleprice', 'priceperunit', 'lineitemprice', 'itemprice',
    'preis', 'einzelpreis', 'stuckpreis', 'verkaufspreis', 'vkpreis',
    'prix', 'prixunitaire', 'prixdevente',
    'precio', 'preciounitario', 'preciodeventa',
    'prijs', 'stukprijs', 'verkoopprijs',
    'prezzo', 'prezzounitario', 'prezzodivendita',
  ],
  transaction: [
    'invoiceno', 'invoice', 'invoiceid', 'invoicenumber', 'orderid', 'orderno', 'ordernumber', 'transactionid', 'txnid', 'receiptid', 'receiptno', 'receiptnumber', 'saleid',
    'beleg', 'belegnummer', 'belegnr', 'bonnummer', 'bonnr', 'rechnungsnummer', 'rechnungsnr', 'bestellnummer',
    'ticket', 'numeroticket', 'numerodeticket', 'facture', 'numerofacture', 'commande', 'numerocommande',
    'recibo', 'ticketid', 'factura', 'numerofactura', 'pedido', 'numeropedido',
    'bon', 'factuurnummer', 'bestelnummer', 'kassabon',
    'scontrino', 'numeroscontrino', 'fattura', 'numerofattura', 'ordine',
  ],
  description: [
    'description', 'desc', 'productname', 'itemname', 'productdescription', 'lineitemname',
    'bezeichnung', 'beschreibung', 'artikelbezeichnung', 'produktname',
    'libelle', 'designation', 'nomduproduit',
    'descripcion', 'nombre', 'nombredelproducto',
    'omschrijving', 'productnaam',
    'descrizione', 'nomeprodotto',
  ],
  customer: ['customerid', 'customer', 'customerno', 'clientid', 'client', 'kunde', 'kundennummer', 'kundennr', 'cliente', 'klant', 'klantnummer'],
};

/** Normalise a header name for matching: trimmed, BOM removed, lower case, accents removed (`Quantité` → `quantite`, `Stück` → `stuck`), no spaces, `_`, `-`, `.`. */
export function normaliseColumnName(name: string): string {
  return name
    .replace(/^\uFEFF/, '')
    .trim()
    .toLowerCase()
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[\s_.-]+/g, '');
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
  if (missing.length) throw new InputError(missingColumnsMessage(header, out, missing));
  return out;
}

/** Hints of a field in a header name nobody listed (for the suggested `--columns` line). */
const FIELD_HINTS: Readonly<Partial<Record<CanonicalField, RegExp>>> = {
  date: /dat|fech|tag|jour|dia|time|zeit|week|woche|month|monat|mois|period/i,
  quantity: /qu|qt|qty|menge|anz|cant|aant|uds|unit|stk|stuk|pcs|pz|pieces|count|sold/i,
  sku: /sku|art|prod|item|code|cod|ref|ean|upc|plu|id|nr|no/i,
};

/**
 * The message for a header without date, sku or quantity: the headers found, and a `--columns`
 * line to start from, with the columns found and a guess for each missing one (a header name
 * with a hint of the field, else the next unused column), to check before use.
 */
function missingColumnsMessage(header: readonly string[], found: Record<CanonicalField, number>, missing: readonly CanonicalField[]): string {
  const used = new Set(Object.values(found).filter((i) => i >= 0));
  const guess: Partial<Record<CanonicalField, number>> = {};
  for (const f of missing) {
    const free = header.map((_, i) => i).filter((i) => !used.has(i) && header[i].trim() !== '');
    const hint = FIELD_HINTS[f];
    const pick = free.find((i) => hint !== undefined && hint.test(header[i])) ?? free[0];
    if (pick !== undefined) {
      guess[f] = pick;
      used.add(pick);
    }
  }
  const pairs = REQUIRED_FIELDS.map((f) => {
    const i = found[f] >= 0 ? found[f] : guess[f];
    return `${f}=${i === undefined ? 'COLUMN' : header[i].trim()}`;
  });
  return (
    `no ${missing.join(', ')} column found in the header ${quoteInput(header.join(','))}: expected names such as ` +
    missing.map((f) => `${f} (${COLUMN_NAMES[f].slice(0, 4).join('/')})`).join(', ') +
    `. Name the columns with --columns (or config columns); a line to start from (check the guesses for ${missing.join(', ')}):\n` +
    `  --columns ${quoteInput(pairs.join(','), 400)}`
  );
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

/**
 * Attributes a sales file can give its series for the forecast levels (pipelines/hierarchy/):
 * the item's category and department, and the store's region (a state, a province). The items
 * file's category and department take precedence (pipelines/hierarchy/run-levels.ts).
 */
export type AttributeField = 'category' | 'department' | 'region';

/** Header names of an item's department, a finer grouping than its category (sales and items files). */
export const DEPARTMENT_NAMES = ['department', 'dept', 'deptid', 'departmentid', 'departmentname', 'deptname', 'abteilung', 'rayon', 'subcategory', 'departement', 'departamento', 'reparto', 'afdeling'];
/** Header names of an item's category (sales and items files). */
export const CATEGORY_NAMES = [
  'category', 'cat', 'catid', 'categoryid', 'categoryname', 'catname', 'productcategory', 'productcategories', 'itemcategory', 'producttype',
  'warengruppe', 'kategorie', 'famille', 'categorie', 'categoria', 'family', 'productfamily', 'productgroup',
];
/** Header names of a store's region. */
export const REGION_NAMES = ['region', 'regionid', 'regionname', 'state', 'stateid', 'province', 'provinceid', 'bundesland', 'provincia', 'provincie', 'regione', 'territory', 'district'];

/** Recognised header names per attribute (normalised as {@link normaliseColumnName}), in priority order. */
export const ATTRIBUTE_COLUMN_NAMES: Readonly<Record<AttributeField, readonly string[]>> = { category: CATEGORY_NAMES, department: DEPARTMENT_NAMES, region: REGION_NAMES };

/** One attribute column of a sales file. */
export interface AttributeColumn {
  readonly field: AttributeField;
  readonly index: number;
}

/**
 * The attribute columns of a sales file's header: for each attribute, the first listed name
 * found among the columns the mapping leaves unused (a column serves one field only).
 */
export function detectAttributeColumns(header: readonly string[], mapping: ColumnMapping): AttributeColumn[] {
  const norm = header.map(normaliseColumnName);
  const used = new Set<number>(Object.values(mapping).filter((i) => i >= 0));
  const out: AttributeColumn[] = [];
  for (const field of Object.keys(ATTRIBUTE_COLUMN_NAMES) as AttributeField[]) {
    for (const name of ATTRIBUTE_COLUMN_NAMES[field]) {
      const index = norm.findIndex((h, i) => h === name && !used.has(i));
      if (index === -1) continue;
      out.push({ field, index });
      used.add(index);
      break;
    }
  }
  return out;
}
