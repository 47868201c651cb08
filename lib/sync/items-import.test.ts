import { describe, expect, it } from 'vitest';
import { fitText, htmlToText, planDetailsPush, planItemsImport, textToHtml, type CatalogItem, type ItemLimits } from './items-import';

let nextId = 1;
const item = (sku: string, over: Partial<CatalogItem> = {}): CatalogItem => {
  const id = nextId++;
  return { sku, name: sku, description: '', price: '10.00', tracked: true, source: `product ${id}`, target: { kind: 'product', productId: id }, ...over };
};
const XERO: ItemLimits = { skuMaxLength: 30, nameMaxLength: 50, descriptionMaxLength: 4000, trackingNeedsAccounts: true };
const plan = (input: Partial<Parameters<typeof planItemsImport>[0]> & Pick<Parameters<typeof planItemsImport>[0], 'catalog'>) =>
  planItemsImport({ existing: [], updateDetails: false, salesAccount: '4000', ...input });

describe('items import planning', () => {
  it('creates exactly the missing SKUs, with description, price (4 places), tracked flag and the sales account', () => {
    const result = plan({
      catalog: [item('A', { name: 'Alpha mug', description: 'Holds tea', price: '12.5' }), item('B'), item('C', { tracked: false, price: null })],
      existing: [{ sku: 'B', name: 'B' }],
      salesAccount: '200',
    });
    expect(result.create).toEqual([
      expect.objectContaining({ sku: 'A', name: 'Alpha mug', description: 'Holds tea', unitPrice: '12.5000', tracked: true, salesAccount: '200', inventoryAccounts: null }),
      expect.objectContaining({ sku: 'C', unitPrice: null, tracked: false, salesAccount: '200' }),
    ]);
    expect(result.update).toEqual([]);
    expect(result.unchanged).toBe(1);
  });

  it('is idempotent: a second run creates nothing', () => {
    const catalog = [item('A', { description: 'x' }), item('B')];
    const first = plan({ catalog });
    const existing = first.create.map((c) => ({ sku: c.sku, name: c.name, description: c.description, unitPrice: c.unitPrice }));
    const second = plan({ catalog, existing, updateDetails: true });
    expect(second.create).toEqual([]);
    expect(second.update).toEqual([]);
    expect(second.unchanged).toBe(2);
  });

  it('updates details only when asked, and only the fields that differ', () => {
    const catalog = [item('A', { name: 'New name', description: 'Same text', price: '10.0000' }), item('B', { name: 'B', price: '12.00' })];
    const existing = [
      { id: '7', sku: 'A', name: 'Old name', description: 'Same  text', unitPrice: '10.00' },
      { id: '8', sku: 'B', name: 'B', description: '', unitPrice: '11.9900' },
    ];
    expect(plan({ catalog, existing }).update).toEqual([]);
    expect(plan({ catalog, existing, updateDetails: true }).update).toEqual([
      { id: '7', sku: 'A', source: catalog[0]!.source, changes: [{ field: 'name', from: 'Old name', to: 'New name' }] },
      { id: '8', sku: 'B', source: catalog[1]!.source, changes: [{ field: 'price', from: '11.9900', to: '12.0000' }] },
    ]);
  });

  it('never erases a detail the catalog lacks', () => {
    const result = plan({ catalog: [item('A', { description: '', price: null })], existing: [{ sku: 'A', name: 'A', description: 'Kept', unitPrice: '5.0000' }], updateDetails: true });
    expect(result.update).toEqual([]);
  });

  it('reports empty and duplicate SKUs instead of guessing', () => {
    const result = plan({
      catalog: [item('', { name: 'No SKU', source: 'product 1' }), item('DUP', { source: 'product 2' }), item('DUP', { source: 'variant 9 of product 3' }), item('OK')],
    });
    expect(result.create.map((i) => i.sku)).toEqual(['OK']);
    expect(result.problems.map((p) => p.sku)).toEqual([null, 'DUP']);
    expect(result.problems[1]!.message).toMatch(/product 2 and variant 9 of product 3/);
  });

  it('plans within Xero’s limits: long SKUs reported, long names shortened, tracked only with both accounts', () => {
    const long = 'X'.repeat(31);
    const catalog = [item(long), item('NAMED', { name: 'A very long product name that goes on and on past fifty characters' }), item('T', { tracked: true })];
    const without = plan({ catalog, limits: XERO, systemName: 'Xero' });
    expect(without.problems).toEqual([{ sku: long, message: expect.stringMatching(/longer than the 30 characters Xero allows/) }]);
    const named = without.create.find((c) => c.sku === 'NAMED')!;
    expect([...named.name].length).toBe(50);
    expect(named.name.endsWith('…')).toBe(true);
    expect(without.create.every((c) => !c.tracked)).toBe(true);
    expect(without.notes.join(' ')).toMatch(/2 product\(s\) that track inventory .* created untracked in Xero/);

    const accounts = { assetAccount: '630', costOfGoodsSoldAccount: '310' };
    const withAccounts = plan({ catalog, limits: XERO, inventoryAccounts: accounts });
    expect(withAccounts.create.find((c) => c.sku === 'T')).toMatchObject({ tracked: true, inventoryAccounts: accounts });
    expect(withAccounts.notes.some((n) => /untracked/.test(n))).toBe(false);
    // A shortened name in the books is not a difference to "update".
    const again = plan({ catalog, limits: XERO, existing: withAccounts.create.map((c) => ({ sku: c.sku, name: c.name })), updateDetails: true });
    expect(again.update).toEqual([]);
  });
});

describe('push details planning', () => {
  it('pushes only the fields that differ, a variant only its price, and nothing for unmatched SKUs', () => {
    const product = item('MUG', { name: 'Mug', description: 'Old text', price: '10.0000' });
    const variant = item('TEE-M', { name: 'Tee (TEE-M)', price: '20.0000', target: { kind: 'variant', productId: 50, variantId: 501 } });
    const same = item('CAP', { name: 'Cap', price: '5.0000' });
    const result = planDetailsPush({
      catalog: [product, variant, same, item('UNKNOWN')],
      books: [
        { sku: 'MUG', name: 'Mug', description: 'New text', unitPrice: '12.5' },
        { sku: 'TEE-M', name: 'Renamed tee', description: 'Anything', unitPrice: '21.0000' },
        { sku: 'CAP', name: 'Cap', description: '', unitPrice: '5.00' },
      ],
    });
    expect(result.products).toEqual([
      {
        productId: (product.target as { productId: number }).productId,
        sku: 'MUG',
        changes: [
          { field: 'description', from: 'Old text', to: 'New text' },
          { field: 'price', from: '10.0000', to: '12.5000' },
        ],
      },
    ]);
    expect(result.variants).toEqual([{ productId: 50, variantId: 501, sku: 'TEE-M', change: { field: 'price', from: '20.0000', to: '21.0000' } }]);
    expect(result.unchanged).toBe(1);
    expect(result.unmatched).toBe(1);
  });

  it('treats names and descriptions the books hold shortened as equal to the store’s full text', () => {
    const longName = 'A very long product name that goes on and on past fifty characters';
    const catalog = [item('LONG', { name: longName, description: 'd'.repeat(5000) })];
    const books = [{ sku: 'LONG', name: fitText(longName, 50), description: fitText('d'.repeat(5000), 4000), unitPrice: '10.00' }];
    expect(planDetailsPush({ catalog, books, limits: XERO })).toMatchObject({ products: [], unchanged: 1 });
  });
});

describe('descriptions between HTML and plain text', () => {
  it('turns BigCommerce HTML into readable text', () => {
    expect(htmlToText('<p>Our <strong>mug</strong>, made to last.</p><p>Care: wipe clean &amp; keep&nbsp;dry.</p>')).toBe('Our mug, made to last.\n\nCare: wipe clean & keep dry.');
    expect(htmlToText('<ul><li>One</li><li>Two &#8211; &#x263A;</li></ul><script>x()</script>')).toBe('- One\n- Two – ☺');
  });

  it('round-trips text written back as HTML, escaping what would be markup', () => {
    for (const text of ['Plain', 'Two\nlines', 'First paragraph\n\nSecond <b>not bold</b> & more', '- list\n- like']) {
      expect(htmlToText(textToHtml(text))).toBe(text);
    }
    expect(textToHtml('a < b')).toBe('<p>a &lt; b</p>');
  });
});
