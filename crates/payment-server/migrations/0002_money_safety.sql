-- Money safety: every gateway call that can move money has a pending record committed before
-- it is sent (with the time it was sent), every undecided row carries when it is next checked
-- and who holds it (a lease, so several instances and restarts never process a row twice or
-- leave it stuck), and every order reference the gateway sees is registered once.

-- doAuthorization of an attempt: when it was sent; the reconciler's schedule and claim; until
-- when a closed attempt that was sent is still watched for a late-landing authorization; until
-- when a 3-D Secure step may wait for the buyer.
ALTER TABLE attempts ADD COLUMN sent_at BIGINT;
ALTER TABLE attempts ADD COLUMN next_check_at BIGINT;
ALTER TABLE attempts ADD COLUMN checks BIGINT NOT NULL DEFAULT 0;
ALTER TABLE attempts ADD COLUMN claimed_until BIGINT;
ALTER TABLE attempts ADD COLUMN watch_until BIGINT;
ALTER TABLE attempts ADD COLUMN wait_expires_at BIGINT;
CREATE INDEX attempts_due ON attempts (next_check_at);

-- Back-office operations: the idempotency key that started each one, when it was sent, and the
-- reconciler's schedule. A payment runs one back-office operation at a time: `op_in_flight`
-- names it, set by compare-and-set, so a capture racing a cancel has exactly one winner.
ALTER TABLE operations ADD COLUMN idem_key TEXT;
ALTER TABLE operations ADD COLUMN sent_at BIGINT;
ALTER TABLE operations ADD COLUMN next_check_at BIGINT;
ALTER TABLE operations ADD COLUMN checks BIGINT NOT NULL DEFAULT 0;
ALTER TABLE operations ADD COLUMN claimed_until BIGINT;
CREATE INDEX operations_due ON operations (status, next_check_at);
ALTER TABLE payments ADD COLUMN op_in_flight TEXT;

-- Idempotency keys: a holder that died frees its key when the lease ends.
ALTER TABLE idempotency_keys ADD COLUMN lease_until BIGINT;

-- Webhook deliveries are claimed with a lease by the delivery worker.
ALTER TABLE webhook_events ADD COLUMN claimed_until BIGINT;

-- Every Payline order reference in use, sessions' and attempts' alike: a shop order reference
-- `1001-2` can never be attempt 2 of the shop's order `1001`. (`WHERE 1 = 1`: SQLite needs a
-- WHERE before an upsert clause on INSERT … SELECT.)
CREATE TABLE order_refs (
    order_ref TEXT PRIMARY KEY,
    session_id TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
INSERT INTO order_refs (order_ref, session_id, created_at)
    SELECT order_ref, id, created_at FROM checkout_sessions WHERE 1 = 1 ON CONFLICT DO NOTHING;
INSERT INTO order_refs (order_ref, session_id, created_at)
    SELECT a.order_ref, p.session_id, a.created_at FROM attempts a JOIN payments p ON p.id = a.payment_id
    WHERE 1 = 1 ON CONFLICT DO NOTHING;

-- Accepted authorizations at the gateway that no open attempt owns (a late landing after the
-- attempt was closed, a duplicate, a notification for a closed attempt): each is cancelled
-- with doReset. `pending` → `cancelling` (doReset sent, committed first) → `cancelled`.
CREATE TABLE orphans (
    transaction_id TEXT PRIMARY KEY,
    order_ref TEXT NOT NULL,
    payment_id TEXT,
    reason TEXT NOT NULL,
    status TEXT NOT NULL,
    amount BIGINT,
    sent_at BIGINT,
    checks BIGINT NOT NULL DEFAULT 0,
    next_check_at BIGINT NOT NULL,
    claimed_until BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX orphans_due ON orphans (status, next_check_at);
