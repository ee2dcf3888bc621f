//! The pay attempt as a pure state machine: `(state, event) → (new state, effect)`, no I/O, no
//! clock (the caller says whether the grace window has passed). The runner in
//! [`crate::checkout`] performs the effect and stores every transition with
//! [`crate::repo::apply_attempt`], one database transaction each, compare-and-set on the old
//! state.
//!
//! ```text
//!  enrolling ──(03100)──▶ method ──continue──▶ enrolling
//!      │ ──(03101/03000)──▶ challenge ──ACS return──▶ authenticating ──(03000)──┐
//!      │ ──(03001/03002/03102)──────────────────────────────────────────────────┴─▶ authorizing
//!      │                                                                             │   │
//!      ▼ refused / failed          abandoned / expired ◀── method, challenge         │   │ answer lost
//!                                                                                    ▼   ▼
//!                                   authorized ◀──accepted── authorizing ──────────▶ unknown
//!                                   refused    ◀──refused──  (or unknown, by the reconciler)
//!                                   failed     ◀──not sent, or not found after the grace window
//!
//!  hosted (doWebPayment page open) ──getWebPaymentDetails──▶ authorized | refused
//!         ──web session expired──▶ expired     ──page never opened / nothing found──▶ failed
//! ```
//!
//! The two promises, as rules of this table:
//! * an attempt never leaves `authorizing`/`unknown` for a state that lets the buyer pay again
//!   unless the gateway answered, or provably never received the request, or still had no
//!   trace of it after the grace window;
//! * an accepted authorization that arrives for an attempt that is already closed (late
//!   landing, duplicate, notification) is never adopted: its effect is [`Effect::CancelOrphan`].

use crate::model::{AttemptStatus as A, PaymentStatus, SessionStatus};

/// What happened to an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// verifyEnrollment answered.
    Enrollment(Enrollment),
    /// The page finished the 3DS Method round (`/continue`).
    MethodContinued,
    /// The ACS posted the buyer's answer back.
    AcsReturned,
    /// verifyAuthentication answered: authenticated (`03000`) or not.
    Authentication {
        /// `03000`.
        authenticated: bool,
    },
    /// The doAuthorization request is about to be sent (its pending record is committed).
    SendAuthorization,
    /// doAuthorization (or the reconciler's lookup) answered with a decided outcome.
    Authorization(Decision),
    /// doAuthorization was sent and no answer was read.
    AnswerLost,
    /// doAuthorization provably never reached the gateway (connection refused, encoding).
    NotSent,
    /// verifyEnrollment / verifyAuthentication failed (they move no money).
    CallFailed,
    /// The reconciler found no transaction for the attempt's order reference.
    NotFound {
        /// The grace window since the request was sent has passed.
        past_grace: bool,
    },
    /// The page gave up on the 3-D Secure step.
    Abandon,
    /// The 3-D Secure wait ran out.
    WaitExpired,
    /// The instance running a call that moves no money died (the row went stale).
    Stalled,
}

/// verifyEnrollment's answer, by Payline result code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Enrollment {
    /// `03001`/`03002`: not enrolled, authorize without 3-D Secure.
    NotEnrolled,
    /// `03102`: frictionless, authorize with its authentication.
    Frictionless,
    /// `03100`: 3DS Method first.
    Method,
    /// `03101` (3DS2) or `03000` (3DS1): challenge.
    Challenge,
    /// Anything else: refused.
    Refused,
}

/// A decided authorization outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Accepted: a live authorization exists at the gateway.
    Accepted,
    /// Refused.
    Refused,
}

/// What the runner must do after storing the transition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    /// Nothing beyond storing the new state.
    None,
    /// Send doAuthorization (the transition to `authorizing` is its pending record).
    Authorize,
    /// The accepted authorization is not this attempt's to keep: cancel it with doReset.
    CancelOrphan,
}

/// A transition: the new state (equal to the old one when nothing changes) and the effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step {
    /// New attempt state.
    pub to: A,
    /// What to do next.
    pub effect: Effect,
}

/// The event does not apply in this state (a replay, a race lost, a forged request): nothing
/// changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Illegal {
    /// State the attempt was in.
    pub from: A,
    /// The event.
    pub event: Event,
}

const fn go(to: A) -> Result<Step, Illegal> {
    Ok(Step {
        to,
        effect: Effect::None,
    })
}

/// The transition table.
pub fn next(from: A, event: Event) -> Result<Step, Illegal> {
    use Event as E;
    match (from, event) {
        (A::Enrolling, E::Enrollment(e)) => match e {
            Enrollment::NotEnrolled | Enrollment::Frictionless => Ok(Step {
                to: A::Authorizing,
                effect: Effect::Authorize,
            }),
            Enrollment::Method => go(A::Method),
            Enrollment::Challenge => go(A::Challenge),
            Enrollment::Refused => go(A::Refused),
        },
        (A::Method, E::MethodContinued) => go(A::Enrolling),
        (A::Challenge, E::AcsReturned) => go(A::Authenticating),
        (
            A::Authenticating,
            E::Authentication {
                authenticated: true,
            },
        ) => Ok(Step {
            to: A::Authorizing,
            effect: Effect::Authorize,
        }),
        (
            A::Authenticating,
            E::Authentication {
                authenticated: false,
            },
        ) => go(A::Refused),
        (A::Enrolling | A::Authenticating, E::CallFailed | E::Stalled) => go(A::Failed),
        (A::Method | A::Challenge, E::Abandon) => go(A::Abandoned),
        (A::Method | A::Challenge, E::WaitExpired) => go(A::Expired),
        // The pending record: only reached through an Authorize effect above, stored before
        // the request leaves.
        (A::Enrolling | A::Authenticating, E::SendAuthorization) => go(A::Authorizing),
        (A::Authorizing | A::Unknown, E::Authorization(Decision::Accepted)) => go(A::Authorized),
        (A::Authorizing | A::Unknown, E::Authorization(Decision::Refused)) => go(A::Refused),
        (A::Authorizing, E::AnswerLost) => go(A::Unknown),
        (A::Authorizing, E::NotSent) => go(A::Failed),
        // "Not found" is final only once a request held up on the way can no longer land.
        (A::Authorizing | A::Unknown, E::NotFound { past_grace: true }) => go(A::Failed),
        (A::Authorizing | A::Unknown, E::NotFound { past_grace: false }) => go(A::Unknown),
        // The hosted page (doWebPayment): the gateway runs the payment; what it reports
        // (getWebPaymentDetails, or getTransactionDetails by order reference) decides.
        (A::Hosted, E::Authorization(Decision::Accepted)) => go(A::Authorized),
        (A::Hosted, E::Authorization(Decision::Refused)) => go(A::Refused),
        // The web session ended without a payment (Payline 02324 / 02534).
        (A::Hosted, E::WaitExpired) => go(A::Expired),
        // doWebPayment refused or never sent (no page exists), or no page token was stored and
        // the gateway still shows nothing for the order reference once the page can no longer
        // be used.
        (A::Hosted, E::CallFailed | E::NotSent | E::NotFound { past_grace: true }) => go(A::Failed),
        (A::Hosted, E::NotFound { past_grace: false }) => go(A::Hosted),
        // An accepted authorization for an attempt closed without one is never adopted: a late
        // landing after the attempt was given up. (The attempt's own authorization seen again,
        // by a notification or the reconciler, changes nothing; a *different* transaction on an
        // authorized attempt is a duplicate the runner cancels by transaction id.)
        (
            A::Refused | A::Abandoned | A::Failed | A::Expired,
            E::Authorization(Decision::Accepted),
        ) => Ok(Step {
            to: from,
            effect: Effect::CancelOrphan,
        }),
        (A::Authorized, E::Authorization(Decision::Accepted)) => go(A::Authorized),
        // A refusal or absence for a closed attempt changes nothing.
        (
            A::Refused | A::Abandoned | A::Failed | A::Expired | A::Authorized,
            E::Authorization(Decision::Refused) | E::NotFound { .. },
        ) => go(from),
        _ => Err(Illegal { from, event }),
    }
}

/// What an attempt state means for its payment and session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Consequences {
    /// The payment's new status.
    pub payment: PaymentStatus,
    /// The session's new status; `Refused` also moves it to the next attempt.
    pub session: SessionStatus,
    /// The shop webhook event queued in the same transaction.
    pub webhook: Option<&'static str>,
    /// The sealed card data is wiped (the attempt can no longer reach doAuthorization).
    pub wipe_card: bool,
}

/// The payment and session follow the attempt.
pub const fn consequences(to: A) -> Consequences {
    let (payment, session, webhook, wipe_card) = match to {
        A::Enrolling | A::Authenticating | A::Authorizing | A::Hosted => (
            PaymentStatus::Processing,
            SessionStatus::Processing,
            None,
            false,
        ),
        A::Method | A::Challenge => (
            PaymentStatus::Pending3ds,
            SessionStatus::Processing,
            None,
            false,
        ),
        A::Unknown => (
            PaymentStatus::Unknown,
            SessionStatus::Processing,
            None,
            true,
        ),
        A::Authorized => (
            PaymentStatus::Authorized,
            SessionStatus::Authorized,
            Some("payment.authorized"),
            true,
        ),
        A::Refused => (
            PaymentStatus::Refused,
            SessionStatus::Refused,
            Some("payment.refused"),
            true,
        ),
        A::Abandoned | A::Failed | A::Expired => {
            (PaymentStatus::Refused, SessionStatus::Refused, None, true)
        }
    };
    Consequences {
        payment,
        session,
        webhook,
        wipe_card,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests;
