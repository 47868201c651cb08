-- Custom migration (drizzle-kit generate --custom): ledger_lines' references, checked per statement.
-- 0009 dropped the two foreign keys of ledger_lines (to its entry, and to (store_hash, code) in the chart):
-- Postgres checks a foreign key with one query and one row lock per line, which cost more than writing the
-- line. The same rules now run once per statement, set-based, in the balance trigger of 0006:
--   * every line's entry exists in the line's store, and every line's account is in that store's chart;
--   * those entries and accounts are locked FOR KEY SHARE (as a foreign key locks them, but once per row
--     referenced rather than once per line), so they cannot be deleted or re-keyed until the writer commits;
--   * deleting an entry deletes its lines (was ON DELETE CASCADE); deleting or re-coding an account that
--     lines use, or changing the id or store of an entry that has lines, is refused (was NO ACTION).
CREATE OR REPLACE FUNCTION ledger_check_lines_balanced() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  v_entry bigint;
  v_sum numeric;
  v_wanted int;
  v_found int;
BEGIN
  -- Every lookup is a LATERAL probe of a unique index (a subquery with FOR KEY SHARE is not flattened) whose
  -- predicate matches no other index, so the cost follows the rows written, never the size of the book,
  -- whatever the statistics said when the plan was cached (a new book's tables look empty).
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    SELECT count(*) INTO v_wanted FROM (SELECT DISTINCT c.entry_id, c.store_hash FROM changed_lines c) w;
    SELECT count(*) INTO v_found
    FROM (SELECT DISTINCT c.entry_id, c.store_hash FROM changed_lines c) w
    CROSS JOIN LATERAL (SELECT e.store_hash FROM ledger_entries e WHERE e.id = w.entry_id FOR KEY SHARE) f
    WHERE f.store_hash = w.store_hash;
    IF v_found <> v_wanted THEN
      SELECT c.entry_id INTO v_entry FROM changed_lines c
      WHERE NOT EXISTS (SELECT 1 FROM ledger_entries e WHERE e.id = c.entry_id AND e.store_hash = c.store_hash) LIMIT 1;
      RAISE EXCEPTION 'ledger line refers to entry % which is not in its store', v_entry
        USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'ledger_lines_entry_fk';
    END IF;

    SELECT count(*) INTO v_wanted FROM (SELECT DISTINCT c.store_hash, c.account_code FROM changed_lines c) w;
    SELECT count(*) INTO v_found
    FROM (SELECT DISTINCT c.store_hash, c.account_code FROM changed_lines c) w
    CROSS JOIN LATERAL (
      SELECT 1 FROM ledger_accounts a WHERE a.store_hash = w.store_hash AND a.code = w.account_code FOR KEY SHARE
    ) f;
    IF v_found <> v_wanted THEN
      RAISE EXCEPTION 'ledger line refers to an account that is not in its store''s chart: %', (
        SELECT string_agg(DISTINCT c.store_hash || '/' || c.account_code, ', ') FROM changed_lines c
        WHERE NOT EXISTS (SELECT 1 FROM ledger_accounts a WHERE a.store_hash = c.store_hash AND a.code = c.account_code))
        USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'ledger_lines_account_fk';
    END IF;
  END IF;

  -- Balance: one index lookup (ledger_lines_entry_idx) per entry touched; the LATERAL form keeps that plan
  -- even when it was made while the table was still empty.
  IF TG_OP = 'UPDATE' THEN
    SELECT t.entry_id, s.total INTO v_entry, v_sum
    FROM (SELECT o.entry_id FROM old_lines o UNION SELECT c.entry_id FROM changed_lines c) t
    CROSS JOIN LATERAL (SELECT coalesce(sum(l.amount), 0) AS total FROM ledger_lines l WHERE l.entry_id = t.entry_id) s
    WHERE s.total <> 0
    LIMIT 1;
  ELSE
    SELECT t.entry_id, s.total INTO v_entry, v_sum
    FROM (SELECT DISTINCT c.entry_id FROM changed_lines c) t
    CROSS JOIN LATERAL (SELECT coalesce(sum(l.amount), 0) AS total FROM ledger_lines l WHERE l.entry_id = t.entry_id) s
    WHERE s.total <> 0
    LIMIT 1;
  END IF;
  IF v_entry IS NOT NULL THEN
    RAISE EXCEPTION 'ledger entry % does not balance: its lines sum to %', v_entry, v_sum
      USING ERRCODE = 'check_violation', CONSTRAINT = 'ledger_lines_balanced';
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION ledger_entries_delete_lines() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM ledger_lines l WHERE l.entry_id IN (SELECT g.id FROM gone_entries g);
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER ledger_entries_delete_lines
  AFTER DELETE ON ledger_entries
  REFERENCING OLD TABLE AS gone_entries
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_entries_delete_lines();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION ledger_entries_keep_lines_key() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM ledger_lines l WHERE l.entry_id = OLD.id) THEN
    RAISE EXCEPTION 'ledger entry % has lines: its id and store cannot change', OLD.id
      USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'ledger_lines_entry_fk';
  END IF;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER ledger_entries_keep_lines_key
  BEFORE UPDATE OF id, store_hash ON ledger_entries
  FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id OR OLD.store_hash IS DISTINCT FROM NEW.store_hash)
  EXECUTE FUNCTION ledger_entries_keep_lines_key();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION ledger_accounts_keep_used() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND NEW.store_hash = OLD.store_hash AND NEW.code = OLD.code THEN
    RETURN NEW;
  END IF;
  IF EXISTS (SELECT 1 FROM ledger_lines l WHERE l.store_hash = OLD.store_hash AND l.account_code = OLD.code) THEN
    RAISE EXCEPTION 'account % of store % has journal lines: it cannot be deleted or re-coded', OLD.code, OLD.store_hash
      USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'ledger_lines_account_fk';
  END IF;
  IF TG_OP = 'DELETE' THEN
    RETURN OLD;
  END IF;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER ledger_accounts_keep_used
  BEFORE DELETE OR UPDATE OF store_hash, code ON ledger_accounts
  FOR EACH ROW EXECUTE FUNCTION ledger_accounts_keep_used();
