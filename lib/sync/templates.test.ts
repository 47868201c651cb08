import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { orderSchema } from '@/lib/bigcommerce/schemas/orders';
import { buildSalesDocument } from './build-sales-document';
import { parseSettings } from './settings';
import { DEFAULT_LINE_DESCRIPTION, LINE_TOKENS, renderTemplate, templateProblem, unknownTokens } from './templates';

const load = (name: string) =>
  orderSchema.parse((JSON.parse(readFileSync(path.resolve(import.meta.dirname, `../../tests/fixtures/orders/cases/${name}.json`), 'utf8')) as { order: unknown }).order);

function build(name: string, settings: Record<string, unknown>, limits: { referenceMaxLength?: number; lineDescriptionMaxLength?: number } = {}) {
  const parsed = parseSettings(settings);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  const built = buildSalesDocument(load(name), parsed.settings, { limits: { documentNumberMaxLength: 64, ...limits }, items: new Map() });
  if (!built.ok) throw new Error(JSON.stringify(built.problems));
  return built.document;
}

describe('text templates', () => {
  it('the default line description is the text used before templates: the name, and the options in brackets when there are some', () => {
    expect(renderTemplate(DEFAULT_LINE_DESCRIPTION, { name: 'Mug', sku: 'M-1', options: '', productId: '1', quantity: '2' })).toBe('Mug');
    expect(renderTemplate(DEFAULT_LINE_DESCRIPTION, { name: 'Tee', sku: '', options: 'Size: L, Colour: Red', productId: '1', quantity: '1' })).toBe('Tee (Size: L, Colour: Red)');
    // What a token puts in is never pruned: a product named with brackets keeps them.
    expect(renderTemplate(DEFAULT_LINE_DESCRIPTION, { name: 'Box ()', sku: '', options: '', productId: '1', quantity: '1' })).toBe('Box ()');
    const before = build('04-variants-with-options', {});
    const products = before.lines.filter((l) => l.kind === 'product');
    expect(products.map((l) => l.description)).toEqual(products.map((l) => (l.options.length ? `${l.description.split(' (')[0]} (${l.options.map((o) => `${o.name}: ${o.value}`).join(', ')})` : l.description)));
  });

  it('a merchant template puts the SKU first; the reference template names the customer', () => {
    const doc = build('04-variants-with-options', { lines: { descriptionTemplate: '{sku} · {name}' }, document: { referenceTemplate: 'Web order {orderId} ({customerName})' } });
    const line = doc.lines.find((l) => l.kind === 'product')!;
    expect(line.description).toBe(`${line.sku} · ${line.description.split(' · ')[1]}`);
    expect(doc.reference).toMatch(new RegExp(`^Web order ${doc.source.orderId} \\(.+\\)$`));
    expect(build('04-variants-with-options', {}).reference).toBe(`BigCommerce order #${doc.source.orderId}`);
  });

  it('unknown tokens are refused with a message naming them and the ones there are', () => {
    expect(unknownTokens('{name} {nmae} {nmae} {sku}', LINE_TOKENS)).toEqual(['nmae']);
    expect(templateProblem('{title}', LINE_TOKENS)).toBe('Unknown token {title}: use {name} {sku} {options} {productId} {quantity}.');
    const parsed = parseSettings({ document: { referenceTemplate: 'Order {id}' } });
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.problems[0]).toMatchObject({ path: 'document.referenceTemplate', message: expect.stringContaining('Unknown token {id}') });
  });

  it("text longer than the system allows is cut to its limit, and a note says so", () => {
    const doc = build('03-many-lines', { document: { referenceTemplate: 'Order {orderId} for {customerName} <{email}> paid by {paymentMethod}' } }, { referenceMaxLength: 20, lineDescriptionMaxLength: 4 });
    expect(doc.reference).toHaveLength(20);
    expect(doc.reference.endsWith('…')).toBe(true);
    expect(doc.lines.filter((l) => l.kind === 'product').map((l) => l.description)).toEqual(['Mug', 'Tea', 'Spo…', 'Tray', 'Card']);
    expect(doc.notes.filter((n) => n.code === 'text_truncated').map((n) => n.message)).toEqual([
      'The description of "Spoon" is longer than the 4 characters your accounting system allows; it was shortened.',
      expect.stringContaining('is longer than the 20 characters your accounting system allows; it was shortened.'),
    ]);
  });
});
