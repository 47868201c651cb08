-- Custom migration (drizzle-kit generate --custom): the ledger's balance rule, checked once per statement
-- instead of once per line. 0002's deferred row trigger summed an entry's lines again for every line
-- inserted (n lines: n sums of n rows); these statement triggers sum each touched entry once, over the
-- rows the statement changed (transition tables), and refuse the statement if any entry does not balance.
-- Stricter than before in one way: an entry's lines must balance at the end of every statement that
-- writes them (the ledger writes an entry with all its lines in one statement), not only at commit.
DROP TRIGGER IF EXISTS ledger_lines_balanced ON ledger_lines;
--> statement-breakpoint
DROP FUNCTION IF EXISTS ledger_check_entry_balanced();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION ledger_check_lines_balanced() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  v_entry bigint;
  v_sum numeric;
BEGIN
  -- One index lookup (ledger_lines_entry_idx) per entry touched; the LATERAL form keeps that plan even when
  -- the plan was made while the table was still empty.
  IF TG_OP = 'UPDATE' THEN
    SELECT t.entry_id, s.total INTO v_entry, v_sum
    FROM (SELECT entry_id FROM old_lines UNION SELECT entry_id FROM changed_lines) t
    CROSS JOIN LATERAL (SELECT coalesce(sum(l.amount), 0) AS total FROM ledger_lines l WHERE l.entry_id = t.entry_id) s
    WHERE s.total <> 0
    LIMIT 1;
  ELSE
    SELECT t.entry_id, s.total INTO v_entry, v_sum
    FROM (SELECT DISTINCT entry_id FROM changed_lines) t
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
CREATE TRIGGER ledger_lines_balanced_insert
  AFTER INSERT ON ledger_lines
  REFERENCING NEW TABLE AS changed_lines
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_check_lines_balanced();
--> statement-breakpoint
CREATE TRIGGER ledger_lines_balanced_update
  AFTER UPDATE ON ledger_lines
  REFERENCING OLD TABLE AS old_lines NEW TABLE AS changed_lines
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_check_lines_balanced();
--> statement-breakpoint
CREATE TRIGGER ledger_lines_balanced_delete
  AFTER DELETE ON ledger_lines
  REFERENCING OLD TABLE AS changed_lines
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_check_lines_balanced();
