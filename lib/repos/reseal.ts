/**
 * Re-sealing under the current encryption key (`ledgerbridge keys rotate`): the rule every repository with sealed
 * columns applies to its rows, in one place. A row is rewritten only if its sealed values are still the ones read
 * (compare-and-set), so a token written meanwhile (a reinstall, a refresh) is never overwritten with an older one.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { resealSecret, UnknownKeyError, type EncryptionKeys } from '@/lib/crypto';

/** What a rotation did, per table and in total. */
export interface ResealCounts {
  /** Rows read. */
  rows: number;
  /** Sealed values found (null columns are not counted). */
  values: number;
  /** Values re-sealed under the current key. */
  resealed: number;
  /** Values already under the current key. */
  current: number;
  /** Rows changed by someone else between the read and the write: left alone; a second run re-seals them. */
  changedMeanwhile: number;
}

export const noResealCounts = (): ResealCounts => ({ rows: 0, values: 0, resealed: 0, current: 0, changedMeanwhile: 0 });

export function addResealCounts(a: ResealCounts, b: ResealCounts): ResealCounts {
  return {
    rows: a.rows + b.rows,
    values: a.values + b.values,
    resealed: a.resealed + b.resealed,
    current: a.current + b.current,
    changedMeanwhile: a.changedMeanwhile + b.changedMeanwhile,
  };
}

/** One sealed column of a row: its value (null when empty) and the associated data it was sealed with. */
export interface SealedColumn<K extends string> {
  name: K;
  sealed: string | null;
  associatedData: string;
}

/**
 * The row's columns that need re-sealing, with their new values. Throws UnknownKeyError naming the row, the column
 * and the key id when a value cannot be opened with the configured keys.
 */
export function resealRow<K extends string>(
  keys: EncryptionKeys,
  where: string,
  columns: ReadonlyArray<SealedColumn<K>>,
): { next: Partial<Record<K, string>>; values: number; resealed: number } {
  const next: Partial<Record<K, string>> = {};
  let values = 0;
  let resealed = 0;
  for (const column of columns) {
    if (column.sealed === null) continue;
    values += 1;
    let fresh: string | null;
    try {
      fresh = resealSecret(column.sealed, keys, column.associatedData);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new UnknownKeyError(`${where} ${column.name}: ${message}`, error instanceof UnknownKeyError ? error.keyId : null);
    }
    if (fresh !== null) {
      next[column.name] = fresh;
      resealed += 1;
    }
  }
  return { next, values, resealed };
}

/** `column IS NOT DISTINCT FROM value`: the compare-and-set condition, true for null = null. */
export function stillSealedAs(column: AnyPgColumn, value: string | null): SQL {
  return sql`${column} is not distinct from ${value}`;
}
