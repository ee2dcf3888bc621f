-- Hosted page sessions (doWebPayment, manageWebWallet). The card is kept only as its sandbox
-- token between the card form and the 3-D Secure return.
CREATE TABLE IF NOT EXISTS web_sessions (
    token TEXT PRIMARY KEY,
    merchant_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    contract_number TEXT NOT NULL,
    amount INTEGER NOT NULL,
    currency INTEGER NOT NULL,
    action INTEGER NOT NULL,
    mode TEXT NOT NULL,
    order_ref TEXT NOT NULL,
    return_url TEXT NOT NULL,
    cancel_url TEXT NOT NULL,
    notification_url TEXT,
    wallet_id TEXT,
    recurring_json TEXT,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    result_code TEXT,
    transaction_id TEXT,
    payment_record_id TEXT,
    card_token TEXT,
    card_expiry TEXT,
    cardholder TEXT,
    md TEXT,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
