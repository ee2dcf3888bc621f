//! The stored states, as enums with their SQL text: a typo in a state is a compile error, and
//! a value the code does not know (a newer version's row) is a storage error, never a silent
//! default.

use core::fmt;

macro_rules! sql_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $v:ident = $s:literal),* $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name { $($(#[$vm])* $v),* }

        impl $name {
            /// Every value, for exhaustive tests.
            pub const ALL: &'static [Self] = &[$(Self::$v),*];

            /// The stored text.
            pub const fn as_str(self) -> &'static str {
                match self { $(Self::$v => $s),* }
            }

            /// Parses the stored text.
            pub fn parse(s: &str) -> Option<Self> {
                match s { $($s => Some(Self::$v),)* _ => None }
            }

            /// Parses a column value read from the database.
            pub fn from_sql(s: &str) -> Result<Self, sqlx::Error> {
                Self::parse(s).ok_or_else(|| sqlx::Error::Decode(
                    format!(concat!("unknown ", stringify!($name), " {:?}"), s).into(),
                ))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

sql_enum! {
    /// A checkout session as the browser sees it (status contract).
    SessionStatus {
        /// Waiting for a pay.
        Open = "open",
        /// An attempt is running, waiting for 3-D Secure, or being reconciled.
        Processing = "processing",
        /// Paid (possibly captured or refunded since).
        Authorized = "authorized",
        /// The last attempt failed; another may be offered.
        Refused = "refused",
        /// Past its expiry without an authorization.
        Expired = "expired",
    }
}

sql_enum! {
    /// A payment's life cycle.
    PaymentStatus {
        /// A gateway call of the current attempt is running.
        Processing = "processing",
        /// Waiting for the buyer's 3-D Secure step.
        Pending3ds = "pending_3ds",
        /// Authorized, nothing captured.
        Authorized = "authorized",
        /// Captured, partly or fully.
        Captured = "captured",
        /// Part of the captured amount refunded.
        PartiallyRefunded = "partially_refunded",
        /// All of the captured amount refunded.
        Refunded = "refunded",
        /// Authorization cancelled (doReset).
        Cancelled = "cancelled",
        /// The last attempt did not authorize.
        Refused = "refused",
        /// doAuthorization's outcome is not known yet: only the reconciler decides.
        Unknown = "unknown",
    }
}

sql_enum! {
    /// One pay attempt (one Payline order reference). See [`crate::machine`].
    AttemptStatus {
        /// verifyEnrollment running (moves no money).
        Enrolling = "enrolling",
        /// Waiting for the 3DS Method round (`/continue`).
        Method = "method",
        /// Waiting for the ACS to post to `/3ds/return`.
        Challenge = "challenge",
        /// verifyAuthentication running (moves no money).
        Authenticating = "authenticating",
        /// doAuthorization committed as sent; its answer is awaited.
        Authorizing = "authorizing",
        /// Authorized.
        Authorized = "authorized",
        /// Refused by the gateway or by 3-D Secure.
        Refused = "refused",
        /// Closed by the page (challenge cancelled or timed out in the page).
        Abandoned = "abandoned",
        /// A call that moves no money failed, or doAuthorization provably never reached the
        /// gateway, or the gateway still had no trace of it after the grace window.
        Failed = "failed",
        /// doAuthorization was sent and no answer was read.
        Unknown = "unknown",
        /// The buyer's 3-D Secure step did not come back in time.
        Expired = "expired",
        /// The buyer is on the gateway's hosted payment page (doWebPayment): the gateway may
        /// authorize at any moment; only getWebPaymentDetails (or getTransactionDetails) decides.
        Hosted = "hosted",
    }
}

sql_enum! {
    /// A back-office (or authorization journal) operation.
    OperationStatus {
        /// Committed before the gateway call; `sent_at` says whether it may have left.
        Pending = "pending",
        /// Accepted by the gateway.
        Accepted = "accepted",
        /// Refused by the gateway.
        Refused = "refused",
        /// Sent, no answer: the reconciler reads the transaction's history.
        Unknown = "unknown",
        /// Settled by the reconciler from the gateway's history.
        Reconciled = "reconciled",
        /// Provably not processed by the gateway.
        Failed = "failed",
    }
}

sql_enum! {
    /// An orphan authorization being cancelled.
    OrphanStatus {
        /// Found, doReset not sent yet.
        Pending = "pending",
        /// doReset committed as sent.
        Cancelling = "cancelling",
        /// The gateway shows it cancelled.
        Cancelled = "cancelled",
        /// The gateway refused to cancel it (already captured or expired): an operator must act.
        Failed = "failed",
    }
}

impl AttemptStatus {
    /// No further transition but a late-landing cancellation.
    pub const fn is_closed(self) -> bool {
        matches!(
            self,
            Self::Authorized | Self::Refused | Self::Abandoned | Self::Failed | Self::Expired
        )
    }

    /// doAuthorization may be in flight or may have been processed, or the buyer may be paying
    /// on the hosted page: the session stays locked.
    pub const fn money_undecided(self) -> bool {
        matches!(self, Self::Authorizing | Self::Unknown | Self::Hosted)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_value_round_trips_through_its_sql_text() {
        for s in SessionStatus::ALL {
            assert_eq!(SessionStatus::parse(s.as_str()), Some(*s));
        }
        for s in PaymentStatus::ALL {
            assert_eq!(PaymentStatus::parse(s.as_str()), Some(*s));
        }
        for s in AttemptStatus::ALL {
            assert_eq!(AttemptStatus::parse(s.as_str()), Some(*s));
        }
        for s in OperationStatus::ALL {
            assert_eq!(OperationStatus::parse(s.as_str()), Some(*s));
        }
        for s in OrphanStatus::ALL {
            assert_eq!(OrphanStatus::parse(s.as_str()), Some(*s));
        }
        assert!(AttemptStatus::from_sql("authorised").is_err());
    }
}

sql_enum! {
    /// What a checkout session offers for the buyer's card (customers and saved cards).
    SaveCard {
        /// Nothing is saved.
        Never = "never",
        /// The page may offer "save this card"; saved when the buyer ticks it.
        Offer = "offer",
        /// Saved whatever the buyer says (the shop's terms say so, e.g. for a schedule).
        Always = "always",
    }
}

sql_enum! {
    /// A saved card's life cycle (see the `saved_cards` table).
    CardStatus {
        /// Planned with a payment that is not decided yet.
        Pending = "pending",
        /// The payment is authorized: the wallet call is due.
        Saving = "saving",
        /// In the customer's wallet, usable.
        Active = "active",
        /// The gateway refused the card for the wallet.
        Failed = "failed",
        /// The payment it came with was not authorized: never saved.
        Discarded = "discarded",
        /// Deleted by the shop: disableWallet is due.
        Deleting = "deleting",
        /// Disabled at the gateway.
        Deleted = "deleted",
    }
}

sql_enum! {
    /// Who started a payment: the buyer at checkout, or the shop on a saved card.
    SessionKind {
        /// A buyer pays at checkout.
        Checkout = "checkout",
        /// A merchant-initiated charge of a saved card (no buyer, no 3-D Secure).
        Charge = "charge",
    }
}
