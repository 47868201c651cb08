-- Custom migration (drizzle-kit generate --custom): the ledger's balance rule as a deferred constraint
-- trigger. At commit, every journal entry touched by the transaction must have lines summing to zero.
-- The application checks the same rule before it inserts; this is the database's own guarantee.
CREATE OR REPLACE FUNCTION ledger_check_entry_balanced() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  v_entry bigint;
  v_sum numeric;
BEGIN
  IF TG_OP = 'DELETE' THEN
    v_entry := OLD.entry_id;
  ELSE
    v_entry := NEW.entry_id;
  END IF;
  SELECT coalesce(sum(amount), 0) INTO v_sum FROM ledger_lines WHERE entry_id = v_entry;
  IF v_sum <> 0 THEN
    RAISE EXCEPTION 'ledger entry % does not balance: its lines sum to %', v_entry, v_sum
      USING ERRCODE = 'check_violation', CONSTRAINT = 'ledger_lines_balanced';
  END IF;
  IF TG_OP = 'UPDATE' AND OLD.entry_id <> NEW.entry_id THEN
    SELECT coalesce(sum(amount), 0) INTO v_sum FROM ledger_lines WHERE entry_id = OLD.entry_id;
    IF v_sum <> 0 THEN
      RAISE EXCEPTION 'ledger entry % does not balance: its lines sum to %', OLD.entry_id, v_sum
        USING ERRCODE = 'check_violation', CONSTRAINT = 'ledger_lines_balanced';
    END IF;
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER ledger_lines_balanced
  AFTER INSERT OR UPDATE OR DELETE ON ledger_lines
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION ledger_check_entry_balanced();
