-- Deferred capture (Payline mode DIF): the planned capture date of an authorization
-- (payment.differedActionDate, ISO yyyy-mm-dd) on its ledger entry and on the hosted session
-- that will make it, and the scheduler's job for each accepted DIF authorization.

ALTER TABLE transactions ADD COLUMN differed_action_date TEXT;
ALTER TABLE web_sessions ADD COLUMN differed_action_date TEXT;

-- status: PENDING (due at due_at, sandbox unix seconds), CAPTURED (capture_id made by the
-- scheduler), SKIPPED (reason: MERCHANT_CAPTURE, CANCELLED, EXPIRED, REFUSED). wallet_id: the
-- authorization came from a wallet payment (TRSWALLET instead of TRS).
CREATE TABLE IF NOT EXISTS deferred_captures (
    authorization_id TEXT PRIMARY KEY REFERENCES transactions(id),
    merchant_id TEXT NOT NULL,
    wallet_id TEXT,
    capture_date TEXT NOT NULL,
    due_at INTEGER NOT NULL,
    status TEXT NOT NULL,
    reason TEXT,
    capture_id TEXT,
    executed_at INTEGER
);
CREATE INDEX IF NOT EXISTS deferred_captures_due ON deferred_captures (status, due_at);

-- doScheduledWalletPayment in mode DIF: the capture date of the authorization its due date makes.
ALTER TABLE payment_records ADD COLUMN differed_action_date TEXT;
