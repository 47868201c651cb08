-- Custom migration (drizzle-kit generate --custom): the ledger's posting statement as a function, so that
-- Postgres parses and plans it once per connection (PL/pgSQL caches its plans) instead of once per call:
-- planning the statement cost more than running it. lib/accounting/ledger/posting-writer.ts calls it with one
-- jsonb array of postings (the shape is documented there) and gets one row per posting back, in order:
-- the entry written, or the one already posted under that key (created = false), or from_mismatch for a
-- payment whose document entry is not in the store under the number given (or needs rounding: the caller
-- then reads the entry and posts it itself).
CREATE OR REPLACE FUNCTION ledger_post_entries(p_postings jsonb)
RETURNS TABLE (i int, id bigint, number text, created boolean, from_mismatch boolean)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
  v_written jsonb;
BEGIN
  -- One statement: entries, their lines (checked by the statement-level balance trigger), stock moves and
  -- the original's status for a void. Stock rows are upserted in item order, so concurrent postings lock
  -- them in the same order.
  -- Lookups by primary key are LATERAL ... OFFSET 0 so they stay index lookups whatever the statistics
  -- said when the plan was cached.
  WITH input AS (
    SELECT * FROM jsonb_to_recordset(p_postings) AS x(
      i int, store_hash text, posting_key text, kind text, status text, order_id bigint, number text, date date,
      currency text, exchange_rate numeric, description text, customer_id int, reverses_entry_id bigint, document jsonb,
      from_id bigint, from_number text, from_places int, mark_id bigint, mark_status text, lines jsonb, stock jsonb)
  ), src AS (
    SELECT x.i, x.store_hash, x.posting_key, x.kind, x.status, x.number, x.date, x.description, x.reverses_entry_id, x.document,
      CASE WHEN x.from_id IS NULL THEN x.order_id ELSE o.order_id END AS order_id,
      CASE WHEN x.from_id IS NULL THEN x.currency ELSE o.currency END AS currency,
      CASE WHEN x.from_id IS NULL THEN x.exchange_rate ELSE o.exchange_rate END AS exchange_rate,
      CASE WHEN x.from_id IS NULL THEN x.customer_id ELSE o.customer_id END AS customer_id
    FROM input x
    LEFT JOIN LATERAL (
      SELECT e0.store_hash, e0.order_id, e0.currency, e0.exchange_rate, e0.customer_id, e0.number, e0.document
      FROM ledger_entries e0 WHERE e0.id = x.from_id OFFSET 0
    ) o ON true
    WHERE x.from_id IS NULL
       OR (o.store_hash = x.store_hash AND o.number = x.from_number
           AND coalesce((o.document #>> '{currency,scale}')::int, 2) >= x.from_places)
  ), e AS (
    INSERT INTO ledger_entries AS t (store_hash, posting_key, kind, status, order_id, number, date, currency, exchange_rate, description, customer_id, reverses_entry_id, document)
    SELECT s.store_hash, s.posting_key, s.kind, s.status, s.order_id, s.number, s.date, s.currency, s.exchange_rate, s.description, s.customer_id, s.reverses_entry_id, s.document
    FROM src s ORDER BY s.i
    ON CONFLICT (store_hash, posting_key) DO NOTHING
    RETURNING t.id, t.store_hash, t.posting_key, t.number
  ), l AS (
    INSERT INTO ledger_lines (entry_id, store_hash, line_no, account_code, amount, description, item_id, quantity, tax_code, source_id)
    SELECT e.id, e.store_hash, y.line_no, y.account_code, y.amount, y.description, y.item_id, y.quantity, y.tax_code, y.source_id
    FROM e
    JOIN input x ON x.store_hash = e.store_hash AND x.posting_key = e.posting_key
    CROSS JOIN LATERAL jsonb_to_recordset(x.lines) AS y(line_no int, account_code text, amount numeric, description text, item_id int, quantity numeric, tax_code text, source_id text)
  ), st AS (
    INSERT INTO ledger_stock AS t (item_id, location_id, store_hash, quantity)
    SELECT m.item_id, 1, x.store_hash, sum(m.delta)
    FROM e
    JOIN input x ON x.store_hash = e.store_hash AND x.posting_key = e.posting_key
    CROSS JOIN LATERAL jsonb_to_recordset(x.stock) AS m(item_id int, delta numeric)
    CROSS JOIN LATERAL (SELECT i0.store_hash, i0.track_stock FROM ledger_items i0 WHERE i0.id = m.item_id OFFSET 0) it
    WHERE it.store_hash = x.store_hash AND it.track_stock
    GROUP BY m.item_id, x.store_hash
    ORDER BY m.item_id
    ON CONFLICT (item_id, location_id) DO UPDATE SET quantity = t.quantity + excluded.quantity, updated_at = now()
  ), v AS (
    UPDATE ledger_entries t SET status = x.mark_status
    FROM e JOIN input x ON x.store_hash = e.store_hash AND x.posting_key = e.posting_key
    WHERE x.mark_id IS NOT NULL AND t.id = x.mark_id AND t.store_hash IS NOT DISTINCT FROM x.store_hash
  )
  SELECT coalesce(jsonb_agg(jsonb_build_object(
      'i', x.i, 'store_hash', x.store_hash, 'posting_key', x.posting_key,
      'id', e.id, 'number', e.number, 'created', e.id IS NOT NULL,
      'from_mismatch', x.from_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM src s WHERE s.i = x.i))), '[]'::jsonb)
  INTO v_written
  FROM input x
  LEFT JOIN e ON e.store_hash = x.store_hash AND e.posting_key = x.posting_key;

  -- A key already used: read the entry written under it. This statement has a new snapshot, so it also sees
  -- an entry that a concurrent transaction committed after the statement above began (ON CONFLICT waited
  -- for it). Only posting_key is an index condition here (store_hash is compared with IS NOT DISTINCT FROM,
  -- which no index serves), so the plan is the unique index whatever the statistics.
  RETURN QUERY
  SELECT w.i, coalesce(w.id, k.id), coalesce(w.number, k.number), w.created, w.from_mismatch
  FROM jsonb_to_recordset(v_written) AS w(i int, store_hash text, posting_key text, id bigint, number text, created boolean, from_mismatch boolean)
  LEFT JOIN LATERAL (
    SELECT k0.id, k0.number FROM ledger_entries k0
    WHERE w.id IS NULL AND NOT w.from_mismatch AND k0.posting_key = w.posting_key AND k0.store_hash IS NOT DISTINCT FROM w.store_hash OFFSET 0
  ) k ON true
  ORDER BY w.i;
END;
$$;
