/** Header names of shop systems and of five languages (pipelines/ingest/columns.ts COLUMN_NAMES). */
import { describe, expect, it } from 'vitest';
import { detectColumns, mappingNames } from '../../../pipelines/ingest/columns.js';

function mapped(header: string[]): Record<string, string> {
  return mappingNames(header, detectColumns(header));
}

describe('header names people use', () => {
  it.each([
    ['German', ['Datum', 'Artikel', 'Artikelnummer', 'Menge', 'Filiale', 'Preis'], { date: 'Datum', sku: 'Artikel', quantity: 'Menge', store: 'Filiale', price: 'Preis' }],
    ['German with umlauts', ['Verkaufsdatum', 'Produkt', 'Stück', 'Geschäft', 'Einzelpreis', 'Bezeichnung'], { date: 'Verkaufsdatum', sku: 'Produkt', quantity: 'Stück', store: 'Geschäft', price: 'Einzelpreis', description: 'Bezeichnung' }],
    ['French', ['Date', 'Article', 'Quantité', 'Magasin', 'Prix', 'Numéro de ticket'], { date: 'Date', sku: 'Article', quantity: 'Quantité', store: 'Magasin', price: 'Prix', transaction: 'Numéro de ticket' }],
    ['Spanish', ['Fecha', 'Artículo', 'Cantidad', 'Tienda', 'Precio', 'Descripción'], { date: 'Fecha', sku: 'Artículo', quantity: 'Cantidad', store: 'Tienda', price: 'Precio', description: 'Descripción' }],
    ['Dutch', ['Datum', 'Artikelnummer', 'Aantal', 'Winkel', 'Prijs', 'Omschrijving'], { date: 'Datum', sku: 'Artikelnummer', quantity: 'Aantal', store: 'Winkel', price: 'Prijs', description: 'Omschrijving' }],
    ['Italian', ['Data', 'Articolo', 'Quantità', 'Negozio', 'Prezzo', 'Scontrino'], { date: 'Data', sku: 'Articolo', quantity: 'Quantità', store: 'Negozio', price: 'Prezzo', transaction: 'Scontrino' }],
    ['Shopify', ['Name', 'Created at', 'Lineitem quantity', 'Lineitem name', 'Lineitem price', 'Lineitem sku'], { date: 'Created at', sku: 'Lineitem sku', quantity: 'Lineitem quantity', price: 'Lineitem price', description: 'Lineitem name' }],
    ['Square', ['Date', 'Time', 'Item', 'Qty', 'Transaction ID', 'Location'], { date: 'Date', sku: 'Item', quantity: 'Qty', transaction: 'Transaction ID', store: 'Location' }],
    ['WooCommerce', ['order_number', 'order_date', 'item_name', 'item_sku', 'item_quantity'], { date: 'order_date', sku: 'item_sku', quantity: 'item_quantity', transaction: 'order_number', description: 'item_name' }],
    ['Lightspeed', ['Date', 'Sale ID', 'System ID', 'Item', 'Qty', 'Shop'], { date: 'Date', sku: 'Item', quantity: 'Qty', transaction: 'Sale ID', store: 'Shop' }],
    ['weekly totals', ['week', 'sku', 'units'], { date: 'week', sku: 'sku', quantity: 'units' }],
    ['monthly totals', ['Month', 'Product', 'Sales'], { date: 'Month', sku: 'Product', quantity: 'Sales' }],
    ['periods', ['period', 'item', 'qty'], { date: 'period', sku: 'item', quantity: 'qty' }],
  ])('%s', (_name, header, want) => {
    expect(mapped(header)).toEqual(want);
  });

  it('when date, sku or quantity is missing: the header found and a --columns line with the columns found and guesses', () => {
    expect(() => detectColumns(['Fecha de pedido', 'Artículo', 'Uds'])).toThrow(
      /no date, quantity column found in the header "Fecha de pedido,Artículo,Uds".*\n {2}--columns "date=Fecha de pedido,sku=Artículo,quantity=Uds"/s,
    );
    // no hint: the next unused columns, in order
    expect(() => detectColumns(['a', 'b', 'c'])).toThrow(/--columns "date=a,sku=b,quantity=c"/);
    // fewer columns than fields: a placeholder
    expect(() => detectColumns(['sku'])).toThrow(/--columns "date=COLUMN,sku=sku,quantity=COLUMN"/);
  });
});
