//! The gateway's rules. Each operation takes the decoded payline-protocol request and returns its
//! response; every rule reads the sandbox `now` given in [`ctx::Ctx`].
//!
//! Inside, every import points down this list:
//!   ctx, answer   what an operation runs with; the shared parts of answers
//!   card          card, token and wallet-card resolution; the bank's outcome
//!   three_ds      verifyEnrollment, verifyAuthentication, the ACS sessions
//!   payments      doAuthorization, doCapture, doReset, doRefund, doCredit, doDebit,
//!                 doReAuthorization
//!   wallets       wallet management and wallet payments
//!   records       payment records (schedules) and their billing
//!   reports       getTransactionDetails, transactionsSearch, getToken and the like
//!   web           the hosted payment and wallet pages (doWebPayment, manageWebWallet,
//!                 createWebWallet, updateWebWallet)
//!   account       getMerchantSettings, isRegistered, getAlertDetails, and the answer to the
//!                 services the sandbox does not have

pub(crate) mod account;
pub(crate) mod answer;
pub(crate) mod card;
pub(crate) mod ctx;
pub(crate) mod payments;
pub(crate) mod records;
pub(crate) mod reports;
pub(crate) mod three_ds;
pub(crate) mod wallets;
pub(crate) mod web;
