// Catalog writes: product details in batches of 10 (`PUT /v3/catalog/products`, products_catalog.v3.yml) and
// variant prices in batches of 50 (`PUT /v3/catalog/variants`, product-variants_catalog.v3.yml), with the rules the
// specs state: `id` required, a name of 1–250 characters unique among the store's products (409 otherwise), prices
// ≥ 0, more items than the batch allows → 413. A request is applied whole or not at all.
import { z } from 'zod';
import type { ApiGateway } from '../api';
import { ok } from '../api';
import { parseJsonBody } from '../http';
import { toUnits } from '../money';
import { resources, type Product, type Variant } from './model';
import { serializeProduct, serializeVariant, v3Error } from './v3';

const price = z.number().min(0);

const productPut = z.array(
  z.looseObject({
    id: z.number().int().positive(),
    name: z.string().min(1).max(250).optional(),
    price: price.optional(),
    description: z.string().optional(),
  }),
);

const variantPut = z.array(
  z.looseObject({
    id: z.number().int().positive(),
    price: price.nullable().optional(),
  }),
);

function refuse(error: z.ZodError, max: number): never {
  const tooMany = error.issues.some((i) => i.code === 'too_big' && i.path.length === 0);
  if (tooMany) throw v3Error(413, `The request payload is too large. The maximum items allowed in the array is ${max}.`);
  throw v3Error(422, 'JSON data is missing or invalid', Object.fromEntries(error.issues.map((i) => [i.path.join('.'), i.message])));
}

export function registerCatalogWrites(api: ApiGateway): void {
  api.add('PUT', '/v3/catalog/products', 'products', 'modify', (ctx) => {
    const parsed = productPut.max(10).safeParse(parseJsonBody(ctx));
    if (!parsed.success) refuse(parsed.error, 10);
    const r = resources(ctx.store);
    const targets: Array<{ product: Product; input: (typeof parsed.data)[number] }> = parsed.data.map((input, index) => {
      const product = r.products.find((p) => p.id === input.id);
      if (!product) throw v3Error(404, 'The requested product was not found.', { [`${index}.id`]: `Product ${input.id} does not exist.` });
      return { product, input };
    });
    // Names are unique among the store's products, also within one batch.
    const names = new Map(r.products.map((p) => [p.name.toLowerCase(), p.id]));
    for (const { product, input } of targets) {
      if (input.name === undefined) continue;
      const key = input.name.toLowerCase();
      const holder = names.get(key);
      if (holder !== undefined && holder !== product.id) {
        throw v3Error(409, 'The product was in conflict with another product. This is the result of duplicate unique values, such as name or SKU.', {
          name: `The product name "${input.name}" is a duplicate.`,
        });
      }
      names.delete(product.name.toLowerCase());
      names.set(key, product.id);
    }
    const now = api.platform.clock.now();
    for (const { product, input } of targets) {
      if (input.name !== undefined) product.name = input.name;
      if (input.price !== undefined) product.price = toUnits(input.price);
      if (input.description !== undefined) product.description = input.description;
      product.date_modified = now;
    }
    api.platform.changed();
    ok(ctx, { data: targets.map(({ product }) => serializeProduct(product, false)), meta: {} });
  });

  api.add('PUT', '/v3/catalog/variants', 'products', 'modify', (ctx) => {
    const parsed = variantPut.max(50).safeParse(parseJsonBody(ctx));
    if (!parsed.success) refuse(parsed.error, 50);
    const all = resources(ctx.store).products.flatMap((p) => p.variants.map((v) => ({ p, v })));
    const targets: Array<{ p: Product; v: Variant; price: number | null | undefined }> = parsed.data.map((input, index) => {
      const found = all.find(({ v }) => v.id === input.id);
      // Creating variants (product_id, sku, option_values without an id) is not modelled.
      if (!found) throw v3Error(422, 'JSON data is missing or invalid', { [`${index}.id`]: `Variant ${input.id} does not exist.` });
      return { ...found, price: input.price };
    });
    const now = api.platform.clock.now();
    for (const t of targets) {
      if (t.price !== undefined) t.v.price = t.price === null ? null : toUnits(t.price);
      t.p.date_modified = now;
    }
    api.platform.changed();
    ok(ctx, { data: targets.map(({ p, v }) => serializeVariant(p, v)), meta: {} });
  });
}
