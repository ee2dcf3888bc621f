-- The date sweep (settlement, expiry) runs before every operation: index the rows it visits.
CREATE INDEX IF NOT EXISTS transactions_state ON transactions (state, settles_at);
