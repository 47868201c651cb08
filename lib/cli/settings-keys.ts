/**
 * The settings as `key = value` lines for `ledgerbridge settings get|set`: every leaf of the settings schema
 * (lib/sync/settings.ts) by its dotted path, and the value syntax of the command line.
 *
 * A leaf is any setting that is not a section: a boolean, number, string, enum, date, a list, a list of objects
 * (`tax.mappings`), or a nullable object (`posting.tracking`). A value given on the command line is read as:
 *   1. JSON, when it parses as JSON of the setting's type (`true`, `30`, `null`, `[5,6]`, `[{"from":1,"to":1}]`);
 *   2. else the text itself, when the setting takes it (`single_line`, `2024-01-31`, `BC-`, `all`);
 *   3. else, for a list of numbers or strings, the text split at commas (`5,6`, `captured,paid`; empty = no items).
 * When no reading fits, the most plausible one is validated so the message says what is wrong with it.
 * A string setting whose text parses as JSON of another type stays text (`document.numberPrefix=123` is "123").
 */
import type { z } from 'zod';
import { syncSettingsSchema } from '@/lib/sync/settings';

/** The zod v4 definition fields this walk reads. */
interface Def {
  type: string;
  innerType?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  options?: z.ZodType[];
}
const defOf = (schema: z.ZodType): Def => (schema as unknown as { def: Def }).def;

/** Strips defaults (a leaf's value is always complete once parsed) but keeps nullable. */
function unwrapDefaults(schema: z.ZodType): z.ZodType {
  let current = schema;
  for (let def = defOf(current); (def.type === 'default' || def.type === 'prefault' || def.type === 'optional') && def.innerType; def = defOf(current)) {
    current = def.innerType;
  }
  return current;
}

export interface SettingLeaf {
  /** Dotted path, e.g. `document.dueDays`. */
  key: string;
  /** The leaf's schema without its default (nullable kept). */
  schema: z.ZodType;
  /** For a list of numbers or strings (or a union holding one): the item type, so `5,6` can be split. */
  listOf: 'number' | 'string' | null;
}

function listItemType(schema: z.ZodType): 'number' | 'string' | null {
  const def = defOf(schema);
  if (def.type === 'nullable' && def.innerType) return listItemType(def.innerType);
  if (def.type === 'union' && def.options) {
    for (const option of def.options) {
      const found = listItemType(option);
      if (found) return found;
    }
    return null;
  }
  if (def.type !== 'array' || !def.element) return null;
  const item = defOf(unwrapDefaults(def.element)).type;
  return item === 'number' ? 'number' : item === 'string' ? 'string' : null;
}

/** Sections (plain objects) are walked; anything else, an object that may be null included, is one value. */
function walk(schema: z.ZodType, prefix: string, out: SettingLeaf[]): void {
  const inner = unwrapDefaults(schema);
  const def = defOf(inner);
  if (def.type === 'object' && def.shape) {
    for (const [name, child] of Object.entries(def.shape)) {
      // `schemaVersion` is the format's, not a setting.
      if (prefix === '' && name === 'schemaVersion') continue;
      walk(child, prefix === '' ? name : `${prefix}.${name}`, out);
    }
    return;
  }
  out.push({ key: prefix, schema: inner, listOf: listItemType(inner) });
}

/** Every settable key of the settings, in schema order. */
export const SETTING_LEAVES: readonly SettingLeaf[] = (() => {
  const out: SettingLeaf[] = [];
  walk(syncSettingsSchema, '', out);
  return out;
})();

const LEAF_BY_KEY = new Map(SETTING_LEAVES.map((leaf) => [leaf.key, leaf]));

export function settingLeaf(key: string): SettingLeaf | undefined {
  return LEAF_BY_KEY.get(key);
}

/** Whether `value` has the leaf's type (range and format may still be wrong: validation says so). */
function hasLeafType(leaf: SettingLeaf, value: unknown): boolean {
  const result = leaf.schema.safeParse(value);
  if (result.success) return true;
  // A type error on the value itself (or a union none of whose members took it) means the wrong reading.
  return !result.error.issues.some((issue) => issue.path.length === 0 && (issue.code === 'invalid_type' || issue.code === 'invalid_union'));
}

function splitList(leaf: SettingLeaf, text: string): unknown[] {
  if (text.trim() === '') return [];
  return text.split(',').map((part) => {
    const item = part.trim();
    return leaf.listOf === 'number' && /^-?\d+(\.\d+)?$/.test(item) ? Number(item) : item;
  });
}

/** The command line's text for one setting, read as described at the top of this file. */
export function readSettingValue(leaf: SettingLeaf, text: string): unknown {
  let json: { value: unknown } | null = null;
  try {
    json = { value: JSON.parse(text) as unknown };
  } catch {
    json = null;
  }
  const candidates: unknown[] = [...(json ? [json.value] : []), text, ...(leaf.listOf ? [splitList(leaf, text)] : [])];
  const valid = candidates.find((value) => leaf.schema.safeParse(value).success);
  if (valid !== undefined) return valid;
  return candidates.find((value) => hasLeafType(leaf, value)) ?? (leaf.listOf ? splitList(leaf, text) : (json?.value ?? text));
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * A value as `settings get` prints it: the plain text (`true`, `30`, `single_line`, `5,6`) when `settings set` reads
 * that text back as the same value, else JSON (`[]`, `[{"from":1,"to":1}]`, `"null"`).
 */
export function formatSettingValue(leaf: SettingLeaf, value: unknown): string {
  const plain =
    typeof value === 'string'
      ? value
      : Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'number' || typeof v === 'string')
        ? value.join(',')
        : JSON.stringify(value);
  return sameValue(readSettingValue(leaf, plain), value) ? plain : JSON.stringify(value);
}

/** Reads the value at a dotted path of the settings object. */
export function valueAt(settings: unknown, key: string): unknown {
  let current: unknown = settings;
  for (const part of key.split('.')) current = (current as Record<string, unknown> | null)?.[part];
  return current;
}

/** A deep copy of `settings` with each key's value replaced (sections created as needed). */
export function withValues(settings: object, values: ReadonlyMap<string, unknown>): Record<string, unknown> {
  const copy = structuredClone(settings) as Record<string, unknown>;
  for (const [key, value] of values) {
    const parts = key.split('.');
    let section = copy;
    for (const part of parts.slice(0, -1)) {
      const next = section[part];
      section = (typeof next === 'object' && next !== null ? next : (section[part] = {})) as Record<string, unknown>;
    }
    section[parts.at(-1)!] = value;
  }
  return copy;
}
