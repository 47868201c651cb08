import type { Db } from './client';

/**
 * A query built once per database and run with placeholders (drizzle's `.prepare(name)` with `sql.placeholder`), for
 * the few queries every order runs several times: building a query is most of what drizzle costs per statement (the
 * fleet benchmark's profile had query building as the app's largest single part). `build` gets the database and
 * returns the prepared query under the name it is given; a transaction's queries are built as usual.
 */
export function preparedOnce<T>(db: Db, name: string, build: (db: Db, name: string) => T): T {
  let byName = built.get(db);
  if (!byName) built.set(db, (byName = new Map()));
  let query = byName.get(name) as T | undefined;
  if (query === undefined) byName.set(name, (query = build(db, name)));
  return query;
}

const built = new WeakMap<Db, Map<string, unknown>>();
