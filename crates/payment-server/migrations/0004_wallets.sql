-- Customers and their saved cards (Payline wallets). The server never holds a card number or
-- a card token: a card is saved in the customer's Payline wallet (createWallet / updateWallet,
-- one wallet per customer, one `cardInd` per card) from the transaction that paid with it
-- (Payline `transactionID`: "card or transactionID required").

-- The shop's customer and the Payline wallet that holds its cards. `wallet_created` is 1 once
-- createWallet succeeded (later cards go in with updateWallet at a new `cardInd`). Saves of one
-- customer's cards run one at a time (`save_lease_until`, a lease like the reconciler's), so
-- that two saves never both create the wallet or take the same `cardInd`.
CREATE TABLE customers (
    id TEXT PRIMARY KEY,
    wallet_id TEXT NOT NULL UNIQUE,
    wallet_created BIGINT NOT NULL DEFAULT 0,
    email TEXT,
    first_name TEXT,
    last_name TEXT,
    next_card_ind BIGINT NOT NULL DEFAULT 1,
    save_lease_until BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- One saved card: `card_ind` is reserved (under the customer's lease) before the wallet call,
-- so a save retried after a lost answer writes the same wallet slot again, never a second one.
-- status: pending (the payment that offers it is not decided yet), saving (authorized: the
-- wallet call is due), active, failed (the gateway refused the card for the wallet), discarded
-- (the payment was not authorized), deleting (disableWallet due), deleted.
-- `first_transaction_id` is the buyer-present payment the card was saved from: merchant-
-- initiated charges name it as their `linkedTransactionId`.
CREATE TABLE saved_cards (
    id TEXT PRIMARY KEY,
    customer_id TEXT NOT NULL,
    card_ind BIGINT,
    status TEXT NOT NULL,
    brand TEXT NOT NULL,
    card_type TEXT NOT NULL,
    last4 TEXT NOT NULL,
    expiry TEXT NOT NULL,
    payment_id TEXT,
    attempt_n BIGINT,
    first_transaction_id TEXT,
    code TEXT,
    message TEXT,
    next_check_at BIGINT,
    checks BIGINT NOT NULL DEFAULT 0,
    claimed_until BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (customer_id, card_ind)
);
CREATE INDEX saved_cards_customer ON saved_cards (customer_id, status);
CREATE INDEX saved_cards_due ON saved_cards (status, next_check_at);
CREATE INDEX saved_cards_payment ON saved_cards (payment_id, attempt_n);

-- A session's customer and what it offers for the card; an attempt paying with a saved card
-- names it; a payment made with a saved card (checkout or merchant-initiated) names it, and a
-- merchant-initiated one says so.
ALTER TABLE checkout_sessions ADD COLUMN customer_id TEXT;
ALTER TABLE checkout_sessions ADD COLUMN save_card TEXT NOT NULL DEFAULT 'never';
ALTER TABLE checkout_sessions ADD COLUMN kind TEXT NOT NULL DEFAULT 'checkout';
ALTER TABLE attempts ADD COLUMN saved_card_id TEXT;
ALTER TABLE payments ADD COLUMN saved_card_id TEXT;
