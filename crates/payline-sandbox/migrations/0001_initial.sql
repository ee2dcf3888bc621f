-- Sandbox ledger, tokens, virtual CVVs, 3-D Secure sessions and the clock offset.
-- Card numbers are stored only AES-GCM encrypted (tokens.pan_cipher); CVVs never; virtual CVVs
-- only as a keyed hash.

CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value BLOB NOT NULL
);

CREATE TABLE IF NOT EXISTS clock (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    offset_seconds INTEGER NOT NULL
);
INSERT OR IGNORE INTO clock (id, offset_seconds) VALUES (1, 0);

CREATE TABLE IF NOT EXISTS transactions (
    id TEXT PRIMARY KEY,
    merchant_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    action INTEGER NOT NULL,
    mode TEXT NOT NULL,
    contract_number TEXT NOT NULL,
    order_ref TEXT NOT NULL,
    amount INTEGER NOT NULL,
    currency INTEGER NOT NULL,
    result_code TEXT NOT NULL,
    accepted INTEGER NOT NULL,
    state TEXT NOT NULL,
    card_type TEXT,
    card_brand TEXT,
    masked_pan TEXT,
    token TEXT,
    expiry TEXT,
    three_ds TEXT NOT NULL DEFAULT 'N',
    eci TEXT,
    liability_shift INTEGER NOT NULL DEFAULT 0,
    three_ds_md TEXT,
    authorization_number TEXT,
    original_id TEXT REFERENCES transactions(id),
    is_duplicated INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    settles_at INTEGER,
    cancelled_at INTEGER
);
CREATE INDEX IF NOT EXISTS transactions_order ON transactions (merchant_id, order_ref);
CREATE INDEX IF NOT EXISTS transactions_original ON transactions (original_id);

CREATE TABLE IF NOT EXISTS tokens (
    token TEXT PRIMARY KEY,
    merchant_id TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    pan_nonce BLOB NOT NULL,
    pan_cipher BLOB NOT NULL,
    card_type TEXT NOT NULL,
    masked_pan TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (merchant_id, fingerprint)
);

CREATE TABLE IF NOT EXISTS virtual_cvvs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    merchant_id TEXT NOT NULL,
    token TEXT NOT NULL,
    order_ref TEXT NOT NULL,
    cvv_hash TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    used INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS virtual_cvvs_token ON virtual_cvvs (merchant_id, token, order_ref);

CREATE TABLE IF NOT EXISTS threeds_sessions (
    md TEXT PRIMARY KEY,
    merchant_id TEXT NOT NULL,
    contract_number TEXT NOT NULL,
    flow TEXT NOT NULL,
    status TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    amount INTEGER NOT NULL,
    currency INTEGER NOT NULL,
    order_ref TEXT NOT NULL,
    card_type TEXT NOT NULL,
    transient TEXT,
    return_url TEXT,
    method_notification_url TEXT,
    method_result TEXT,
    user_agent TEXT,
    browser_json TEXT,
    challenge_response TEXT,
    response_consumed INTEGER NOT NULL DEFAULT 0,
    auth_consumed INTEGER NOT NULL DEFAULT 0,
    eci TEXT,
    cavv TEXT,
    xid TEXT,
    result_container TEXT,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS threeds_sessions_transient ON threeds_sessions (transient);
