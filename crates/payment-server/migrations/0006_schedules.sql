-- Instalments and subscriptions, managed by the gateway (Payline doRecurrentWalletPayment: a
-- payment record whose due dates Payline bills day by day on the customer's wallet card).
-- The checkout payment is the schedule's first payment; once it is authorized and its card is
-- in the wallet, the rest is registered as one payment record.
-- status: pending (waiting for the checkout payment and its saved card), registering (the
-- registration is due or was sent: `sent_at` is committed before the call), unknown (the
-- registration's answer was lost: never sent again, settled by the gateway's billing
-- notification naming `order_ref`, or failed when none came by the first due date), active,
-- completed, cancelled, failed.
CREATE TABLE schedules (
    id TEXT PRIMARY KEY,
    session_id TEXT NOT NULL UNIQUE,
    customer_id TEXT NOT NULL,
    card_id TEXT,
    kind TEXT NOT NULL,
    every TEXT NOT NULL,
    amount BIGINT NOT NULL,
    first_amount BIGINT NOT NULL,
    count BIGINT,
    currency TEXT NOT NULL,
    requested_start TEXT,
    first_due TEXT,
    status TEXT NOT NULL,
    order_ref TEXT NOT NULL UNIQUE,
    payment_record_id TEXT UNIQUE,
    checkout_payment_id TEXT,
    code TEXT,
    message TEXT,
    sent_at BIGINT,
    next_check_at BIGINT,
    checks BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX schedules_customer ON schedules (customer_id);
CREATE INDEX schedules_due ON schedules (status, next_check_at);

-- The gateway's billing records of a schedule, as last read with getPaymentRecord (never
-- from a notification's parameters). `rank` is Payline's billing record rank (1 = the first
-- due date billed by the gateway; the checkout payment is not one of them).
CREATE TABLE schedule_payments (
    schedule_id TEXT NOT NULL,
    rank BIGINT NOT NULL,
    due_date TEXT NOT NULL,
    amount BIGINT NOT NULL,
    status TEXT NOT NULL,
    transaction_id TEXT,
    code TEXT,
    tries BIGINT NOT NULL DEFAULT 0,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (schedule_id, rank)
);
