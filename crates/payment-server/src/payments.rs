//! The durable payment state machine.
//!
//! ```text
//! processing ──▶ pending_3ds ──▶ processing ──▶ authorized ──▶ captured ──▶ partially_refunded ──▶ refunded
//!     │               │               │              │             │
//!     │               └─▶ refused ◀───┤              └─▶ cancelled ◀┘ (before settlement)
//!     └──────────────────────────────▶ unknown ──(reconciled)──▶ authorized | refused
//! ```
//! Every transition is a compare-and-set on the stored status inside one database transaction
//! ([`crate::repo`]), written before the answer that reports it is sent, so two instances (or a
//! restart) never apply one twice.

use serde_json::{Value, json};
use sqlx::any::AnyRow;

use crate::error::Result;
use crate::formats::{currency_alpha, rfc3339};
use crate::state::AppState;
use crate::store::{int, opt_int, opt_text, text};

/// Payment statuses, as stored (the text of [`PaymentStatus`]).
pub mod status {
    use crate::model::PaymentStatus;
    /// A gateway call of the current attempt is running.
    pub const PROCESSING: &str = PaymentStatus::Processing.as_str();
    /// Waiting for the buyer's 3-D Secure method round or challenge.
    pub const PENDING_3DS: &str = PaymentStatus::Pending3ds.as_str();
    /// Authorized, nothing captured yet.
    pub const AUTHORIZED: &str = PaymentStatus::Authorized.as_str();
    /// Captured (partly or fully: see `capturedAmount`).
    pub const CAPTURED: &str = PaymentStatus::Captured.as_str();
    /// Part of the captured amount refunded.
    pub const PARTIALLY_REFUNDED: &str = PaymentStatus::PartiallyRefunded.as_str();
    /// All of the captured amount refunded.
    pub const REFUNDED: &str = PaymentStatus::Refunded.as_str();
    /// Authorization cancelled (Payline doReset).
    pub const CANCELLED: &str = PaymentStatus::Cancelled.as_str();
    /// The last attempt was refused.
    pub const REFUSED: &str = PaymentStatus::Refused.as_str();
    /// A gateway call's outcome is unknown; reconciliation decides.
    pub const UNKNOWN: &str = PaymentStatus::Unknown.as_str();
}

/// A stored payment.
#[derive(Debug, Clone)]
pub struct Payment {
    /// `pay_…`.
    pub id: String,
    /// Its checkout session.
    pub session_id: String,
    /// See [`status`].
    pub status: String,
    /// Minor units (from the session, never from the browser).
    pub amount: i64,
    /// ISO 4217 numeric.
    pub currency: String,
    /// Order reference of the current attempt.
    pub order_ref: String,
    /// Contract used.
    pub contract_number: String,
    /// Payline transaction id of the authorization.
    pub transaction_id: Option<String>,
    /// Last Payline result code.
    pub code: Option<String>,
    /// Last Payline message.
    pub message: Option<String>,
    /// Masked card number from the gateway (`497010XXXXXX4455`).
    pub masked_card: Option<String>,
    /// Brand chosen by the buyer.
    pub brand: Option<String>,
    /// Payline card type from the token.
    pub card_type: Option<String>,
    /// 3-D Secure version (`1`, `2`), when authenticated.
    pub three_ds_version: Option<String>,
    /// ECI of the authentication.
    pub eci: Option<String>,
    /// 1 when the authentication shifts liability.
    pub liability_shift: Option<i64>,
    /// Authorized amount.
    pub authorized_amount: i64,
    /// Sum of captures.
    pub captured_amount: i64,
    /// Sum of refunds.
    pub refunded_amount: i64,
    /// Unix ms of the authorization.
    pub authorized_at: Option<i64>,
    /// Unix ms.
    pub created_at: i64,
    /// Unix ms.
    pub updated_at: i64,
    /// The back-office operation holding the payment (one at a time).
    pub op_in_flight: Option<String>,
    /// The saved card it was paid with (a saved-card checkout or a merchant-initiated charge).
    pub saved_card_id: Option<String>,
}

impl Payment {
    pub(crate) fn from_row(r: &AnyRow) -> std::result::Result<Self, sqlx::Error> {
        Ok(Self {
            id: text(r, "id")?,
            session_id: text(r, "session_id")?,
            status: text(r, "status")?,
            amount: int(r, "amount")?,
            currency: text(r, "currency")?,
            order_ref: text(r, "order_ref")?,
            contract_number: text(r, "contract_number")?,
            transaction_id: opt_text(r, "transaction_id")?,
            code: opt_text(r, "code")?,
            message: opt_text(r, "message")?,
            masked_card: opt_text(r, "masked_card")?,
            brand: opt_text(r, "brand")?,
            card_type: opt_text(r, "card_type")?,
            three_ds_version: opt_text(r, "three_ds_version")?,
            eci: opt_text(r, "eci")?,
            liability_shift: opt_int(r, "liability_shift")?,
            authorized_amount: int(r, "authorized_amount")?,
            captured_amount: int(r, "captured_amount")?,
            refunded_amount: int(r, "refunded_amount")?,
            authorized_at: opt_int(r, "authorized_at")?,
            created_at: int(r, "created_at")?,
            updated_at: int(r, "updated_at")?,
            op_in_flight: opt_text(r, "op_in_flight")?,
            saved_card_id: opt_text(r, "saved_card_id")?,
        })
    }

    fn three_ds_json(&self) -> Option<Value> {
        self.three_ds_version.as_ref().map(|v| {
            json!({ "version": v, "eci": self.eci, "liabilityShift": self.liability_shift == Some(1) })
        })
    }

    /// The `payment` object of the status answer (status contract).
    pub fn browser_json(&self) -> Value {
        let mut v = json!({
            "paymentId": self.id,
            "status": self.status,
            "amount": self.amount,
            "currency": currency_alpha(&self.currency),
        });
        let put = |v: &mut Value, k: &str, x: &Option<String>| {
            if let Some(x) = x {
                v[k] = json!(x);
            }
        };
        put(&mut v, "code", &self.code);
        put(&mut v, "message", &self.message);
        put(&mut v, "transactionId", &self.transaction_id);
        put(&mut v, "maskedCard", &self.masked_card);
        put(&mut v, "brand", &self.brand);
        if let Some(t) = self.three_ds_json() {
            v["threeDS"] = t;
        }
        v
    }

    /// The shop's view (`GET /api/payments/{id}`): everything above plus amounts and dates.
    pub fn admin_json(&self) -> Value {
        let mut v = self.browser_json();
        v["id"] = json!(self.id);
        v["sessionId"] = json!(self.session_id);
        v["orderRef"] = json!(self.order_ref);
        v["contractNumber"] = json!(self.contract_number);
        v["cardType"] = json!(self.card_type);
        v["authorizedAmount"] = json!(self.authorized_amount);
        v["capturedAmount"] = json!(self.captured_amount);
        v["refundedAmount"] = json!(self.refunded_amount);
        if let Some(c) = &self.saved_card_id {
            v["savedCardId"] = json!(c);
        }
        v["createdAt"] = json!(rfc3339(self.created_at));
        v["updatedAt"] = json!(rfc3339(self.updated_at));
        if let Some(a) = self.authorized_at {
            v["authorizedAt"] = json!(rfc3339(a));
            // Payline: an authorization must be captured within 7 days (Payline doAuthorization).
            v["authorizationExpiresAt"] = json!(rfc3339(a + AUTHORIZATION_VALIDITY_MS));
        }
        v
    }
}

/// Payline authorizations are valid 7 days (Payline doAuthorization, doAuthorization semantics).
pub const AUTHORIZATION_VALIDITY_MS: i64 = 7 * 24 * 3600 * 1000;

/// Loads a payment.
pub async fn load(state: &AppState, id: &str) -> Result<Option<Payment>> {
    let row = sqlx::query("SELECT * FROM payments WHERE id = $1")
        .bind(id)
        .fetch_optional(state.store().pool())
        .await?;
    Ok(row.as_ref().map(Payment::from_row).transpose()?)
}
