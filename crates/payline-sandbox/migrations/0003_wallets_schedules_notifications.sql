-- Wallets (several cards each, addressed by card_ind), payment records (schedules) with their
-- billing records, and notifications with every delivery attempt. Cards are referenced by their
-- sandbox token only (the number stays encrypted in tokens).

CREATE TABLE IF NOT EXISTS wallets (
    merchant_id TEXT NOT NULL,
    wallet_id TEXT NOT NULL,
    contract_number TEXT NOT NULL,
    last_name TEXT,
    first_name TEXT,
    email TEXT,
    disabled_at INTEGER,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (merchant_id, wallet_id)
);

CREATE TABLE IF NOT EXISTS wallet_cards (
    merchant_id TEXT NOT NULL,
    wallet_id TEXT NOT NULL,
    card_ind INTEGER NOT NULL,
    token TEXT NOT NULL,
    card_type TEXT NOT NULL,
    masked_pan TEXT NOT NULL,
    expiry TEXT NOT NULL,
    cardholder TEXT,
    is_default INTEGER NOT NULL DEFAULT 0,
    disabled_at INTEGER,
    check_transaction_id TEXT,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (merchant_id, wallet_id, card_ind)
);

CREATE TABLE IF NOT EXISTS payment_records (
    id TEXT PRIMARY KEY,
    merchant_id TEXT NOT NULL,
    wallet_id TEXT NOT NULL,
    card_ind INTEGER NOT NULL,
    contract_number TEXT NOT NULL,
    mode TEXT NOT NULL,
    order_ref TEXT NOT NULL,
    order_date TEXT NOT NULL,
    currency INTEGER NOT NULL,
    payment_amount INTEGER NOT NULL,
    billing_cycle INTEGER NOT NULL,
    start_date TEXT NOT NULL,
    billing_day INTEGER,
    billing_left INTEGER,
    end_date TEXT,
    first_amount INTEGER,
    amount INTEGER NOT NULL,
    new_amount INTEGER,
    amount_modification_date TEXT,
    notification_url TEXT,
    disabled_at INTEGER,
    created_at INTEGER NOT NULL
);

-- status: Payline billingRecord status 0 future, 1 paid, 2 refused, 3 in progress (retry
-- scheduled), 4 disabled after repeated refusals. next_try_at: sandbox instant (unix seconds)
-- of the next try.
CREATE TABLE IF NOT EXISTS billing_records (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    payment_record_id TEXT NOT NULL REFERENCES payment_records(id),
    rank INTEGER NOT NULL,
    due_date TEXT NOT NULL,
    amount INTEGER NOT NULL,
    status INTEGER NOT NULL DEFAULT 0,
    nb_try INTEGER NOT NULL DEFAULT 0,
    next_try_at INTEGER NOT NULL,
    result_code TEXT,
    transaction_id TEXT,
    executed_at INTEGER,
    UNIQUE (payment_record_id, rank)
);
CREATE INDEX IF NOT EXISTS billing_records_due ON billing_records (status, next_try_at);

-- status: PENDING, DELIVERED, ABANDONED. Instants in sandbox unix seconds except lease_until
-- (real unix seconds: a delivery in flight in some process).
CREATE TABLE IF NOT EXISTS notifications (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    merchant_id TEXT NOT NULL,
    notification_type TEXT NOT NULL,
    url TEXT NOT NULL,
    query TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    window_start INTEGER NOT NULL,
    next_attempt_at INTEGER NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    lease_until INTEGER,
    delivered_at INTEGER
);
CREATE INDEX IF NOT EXISTS notifications_due ON notifications (status, next_attempt_at);

CREATE TABLE IF NOT EXISTS notification_attempts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    notification_id INTEGER NOT NULL REFERENCES notifications(id),
    at INTEGER NOT NULL,
    http_status INTEGER,
    error TEXT
);
