-- Price versions are facts about the past: an event posted yesterday was priced by yesterday's
-- version, and must stay explainable. No code path updates or deletes one; this trigger makes it
-- impossible by hand too. A new price is a new version.
CREATE OR REPLACE FUNCTION model_prices_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'model_prices is append-only: add a new version instead of % of %',
        lower(TG_OP), OLD.id
        USING ERRCODE = 'restrict_violation';
END
$$;

DROP TRIGGER IF EXISTS model_prices_append_only ON model_prices;
CREATE TRIGGER model_prices_append_only BEFORE UPDATE OR DELETE ON model_prices
    FOR EACH ROW EXECUTE FUNCTION model_prices_append_only();
