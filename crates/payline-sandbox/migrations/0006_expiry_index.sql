-- The date sweep runs before every operation; its expiry of uncaptured authorizations reads
-- the authorized rows created before a bound. Without this index it visited every authorized
-- row, so each call cost more as the ledger grew.
CREATE INDEX IF NOT EXISTS transactions_state_created ON transactions (state, created_at);
