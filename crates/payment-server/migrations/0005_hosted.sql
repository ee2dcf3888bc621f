-- Hosted payment page (Payline doWebPayment): one row per hosted checkout session, beside the
-- payment and its attempt 1 (status `hosted` while the buyer is on the gateway's page).
--
-- `intent` is committed before doWebPayment is sent, so an instance that dies between the call
-- and storing its answer leaves a row the reconciler finds (it then looks the order reference up
-- with getTransactionDetails); `created` holds the web session's token and page URL, stored in
-- one transaction as soon as doWebPayment answers. The outcome (authorized, refused, expired,
-- or failed when the gateway refused to open the page) is the attempt's, in `attempts`.
CREATE TABLE hosted_pages (
    session_id TEXT PRIMARY KEY,
    payment_id TEXT NOT NULL,
    order_ref TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL,
    token TEXT UNIQUE,
    redirect_url TEXT,
    sent_at BIGINT NOT NULL,
    web_expires_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
