import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { syncSettingsSchema } from '@/lib/sync/settings';
import { NOT_A_CONTROL, SETTING_CONTROLS } from './settings-controls';

/**
 * The settings' leaf paths, read from the zod schema itself: defaults, prefaults, nullables and optionals are looked
 * through; objects are walked; arrays, unions, enums and scalars are leaves (one control edits each).
 */
function leafPaths(schema: z.ZodType, prefix = ''): string[] {
  const def = schema.def as { type: string; innerType?: z.ZodType; shape?: Record<string, z.ZodType> };
  if (def.innerType && ['default', 'prefault', 'nullable', 'optional'].includes(def.type)) return leafPaths(def.innerType, prefix);
  if (def.type === 'object' && def.shape) {
    return Object.entries(def.shape).flatMap(([key, child]) => leafPaths(child, prefix ? `${prefix}.${key}` : key));
  }
  return [prefix];
}

describe('every setting has a control on a page', () => {
  const schemaPaths = leafPaths(syncSettingsSchema).sort();
  const controlled = [...Object.keys(SETTING_CONTROLS), ...NOT_A_CONTROL].sort();

  it('reads the settings down to their leaves (the walk sees nested and nullable sections)', () => {
    expect(schemaPaths).toContain('stock.enabled');
    expect(schemaPaths).toContain('posting.tracking.option');
    expect(schemaPaths).toContain('orders.voidStatusIds');
    expect(schemaPaths.length).toBeGreaterThan(50);
  });

  it('has a control for every key of the settings schema, and none for a key the schema does not have', () => {
    expect(schemaPaths.filter((p) => !controlled.includes(p))).toEqual([]);
    expect(controlled.filter((p) => !schemaPaths.includes(p))).toEqual([]);
  });

  it('fails for a key added without a control', () => {
    const grown = syncSettingsSchema.extend({ stock: syncSettingsSchema.shape.stock.unwrap().extend({ newKey: syncSettingsSchema.shape.stock.unwrap().shape.enabled }).prefault({}) });
    expect(leafPaths(grown).filter((p) => !controlled.includes(p))).toEqual(['stock.newKey']);
  });
});
