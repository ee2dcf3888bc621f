//! Objects of the `obj` namespace (`http://obj.ws.payline.experian.com`), one Rust struct per
//! WSDL complex type, fields in the order of the schema sequence.
//!
//! Field shapes follow the WSDL occurrence of each element:
//! - a plain field is a mandatory, non-nillable element, always written;
//! - `Option` with `wire::nil` is an element the schema requires but allows to be nil: `None` is
//!   written `<x xsi:nil="true"/>`, as Payline's own SDK clients do;
//! - `Option` skipped when `None` is an element with `minOccurs="0"`;
//! - `Vec` is a repeated element (inside its list wrapper, e.g. `privateDataList/privateData`).
//!
//! On decoding, a nil or empty element is absent (Payline SOAP envelopes), so mandatory text fields
//! default to the empty string rather than failing the message.

// A field is its schema element: the element's name in snake_case (serde spells out the
// others), in sequence order, its occurrence given by the field's shape as described above. A
// doc comment that restated the element name would add nothing, so fields carry one only where
// the value needs explaining; every type, function and module stays documented.
#![allow(
    missing_docs,
    reason = "struct fields mirror schema elements one to one"
)]

mod account;
mod alert;
mod authorization;
mod bank_account_data;
mod bank_transfer;
mod billing;
mod buyer;
mod card;
mod cheque;
mod encryption_key;
mod history;
mod media;
mod order;
mod payment;
mod payment_additional;
mod point_of_sell;
mod private_data;
mod recurring;
mod result;
mod sub_merchant;
mod three_d_secure;
mod transaction;
mod wallet;

pub use account::{Balance, ListPointOfSell};
pub use alert::{
    AlertsTrans, AlertsTransHist, CustomerTrans, CustomerTransHist, PaymentMeansTrans,
    PaymentMeansTransHist,
};
pub use authorization::{Authorization, Reattempt};
pub use bank_account_data::BankAccountData;
pub use bank_transfer::Creditor;
pub use billing::{BillingRecord, BillingRecordForUpdate, BillingRecordList, RecurringForUpdate};
pub use buyer::{Address, AddressOwner, Buyer, MerchantAuthentication, Owner};
pub use card::{Card, CardOut, ExtendedCard, PaymentData};
pub use cheque::{Cheque, ScoringCheque};
pub use encryption_key::Key;
pub use history::{
    AssociatedTransactions, AssociatedTransactionsList, StatusHistory, StatusHistoryList,
};
pub use media::Media;
pub use order::{Details, Order, OrderDetail};
pub use payment::Payment;
pub use payment_additional::{PaymentAdditional, PaymentAdditionalList};
pub use point_of_sell::{
    AddressInterlocutor, BankAccount, Contract, Contracts, Contribution, CustomPaymentPageCode,
    CustomPaymentPageCodeList, FunctionParameter, Iban, Interlocutor, PointOfSell, Rib,
    RoutingRule, TechnicalData, TicketSend, VirtualTerminal, VirtualTerminalFunction,
    VirtualTerminalFunctions,
};
pub use private_data::{MiscData, MiscDataPair, PrivateData, PrivateDataList};
pub use recurring::Recurring;
pub use result::PaylineResult;
pub use sub_merchant::SubMerchant;
pub use three_d_secure::{Authentication3DSecure, Browser, Sdk, SdkChallenge, ThreeDsInfo};
pub use transaction::{Avs, FraudResultDetails, Scoring, Transaction, TransactionList};
pub use wallet::{
    Cards, CardsList, ContractNumberWalletList, SelectedContractList, Wallet, WalletIdList,
};
