//! Building Payline requests with payline-protocol types and calling the sandbox with its codec.

use payline_protocol::Request;
use payline_protocol::messages::*;
use payline_protocol::objects::{Authentication3DSecure, Card, Order, Payment, ThreeDsInfo};
use payline_protocol::secret::Secret;
use payline_protocol::values::{Action, Amount, Currency, Mode};

use crate::common::*;

/// Calls the sandbox with payline-protocol's own client, as a merchant server would.
pub async fn call<R: Request>(s: &TestSandbox, req: &R) -> R::Response {
    s.payline
        .call(req)
        .await
        .unwrap_or_else(|e| panic!("{}: {e}", R::OPERATION.name()))
}

pub fn payment(amount: u64, action: u16, contract: &str) -> Payment {
    let mut p = Payment::new(
        Currency::EUR,
        Action::from_code(action).expect("action"),
        Mode::CPT,
    );
    p.amount = Amount::from_minor(amount);
    p.contract_number = Some(contract.to_owned());
    p
}

pub fn order(order_ref: &str, amount: u64) -> Order {
    let mut o = Order::new(
        Amount::from_minor(amount).expect("amount"),
        Currency::EUR,
        "25/11/2026 10:00".parse().expect("date"),
    );
    o.r#ref = order_ref.to_owned();
    o.country = Some("FR".to_owned());
    o
}

pub fn card_by_number(pan: &str, card_type: &str, cvx: Option<&str>) -> Card {
    let mut c = Card::new(card_type.parse().expect("type"));
    c.number = Some(Secret::new(pan));
    c.expiration_date = Some(future_expiry().parse().expect("exp"));
    c.cvx = cvx.map(Secret::new);
    c
}

pub fn card_by_token(token: &str, card_type: &str, exp: Option<&str>, cvx: Option<&str>) -> Card {
    let mut c = card_by_number("0", card_type, cvx);
    c.number = None;
    c.token = Some(token.to_owned());
    c.expiration_date = exp.map(|e| e.parse().expect("exp"));
    c
}

pub fn authorization(
    order_ref: &str,
    amount: u64,
    action: u16,
    card: Card,
) -> DoAuthorizationRequest {
    DoAuthorizationRequest::new(
        payment(amount, action, CONTRACT),
        card,
        order(order_ref, amount),
    )
}

pub const CARD: &str = "4970101122334455";

pub fn simple_auth(order_ref: &str, amount: u64, action: u16) -> DoAuthorizationRequest {
    authorization(
        order_ref,
        amount,
        action,
        card_by_number(CARD, "CB", Some("123")),
    )
}

pub fn capture(id: &str, amount: u64) -> DoCaptureRequest {
    DoCaptureRequest {
        version: "34".to_owned(),
        transaction_id: id.to_owned(),
        payment: payment(amount, 201, CONTRACT),
        private_data_list: None,
        sequence_number: None,
        media: None,
        misc_data: None,
    }
}

pub fn refund(id: &str, amount: u64) -> DoRefundRequest {
    DoRefundRequest {
        version: "34".to_owned(),
        transaction_id: id.to_owned(),
        payment: payment(amount, 421, CONTRACT),
        comment: None,
        private_data_list: None,
        sequence_number: None,
        media: None,
        details: None,
        misc_data: None,
    }
}

pub fn reset(id: &str) -> DoResetRequest {
    DoResetRequest {
        version: "34".to_owned(),
        transaction_id: id.to_owned(),
        ..DoResetRequest::default()
    }
}

pub fn reauth(id: &str, amount: u64, order_ref: &str) -> DoReAuthorizationRequest {
    DoReAuthorizationRequest {
        version: "34".to_owned(),
        transaction_id: id.to_owned(),
        payment: payment(amount, 202, CONTRACT),
        order: order(order_ref, amount),
        private_data_list: None,
        media: None,
    }
}

pub fn enrollment(order_ref: &str, amount: u64, card: Card) -> VerifyEnrollmentRequest {
    VerifyEnrollmentRequest {
        transient: None,
        version: "34".to_owned(),
        card,
        payment: payment(amount, 101, CONTRACT),
        order_ref: order_ref.to_owned(),
        md_field_value: None,
        user_agent: Some("Mozilla/5.0 (sandbox test)".to_owned()),
        wallet_id: None,
        wallet_card_ind: None,
        generate_virtual_cvx: None,
        merchant_name: None,
        merchant_url: None,
        merchant_country_code: None,
        return_url: Some("http://shop.example/3ds/return".to_owned()),
        order: Some(order(order_ref, amount)),
        buyer: None,
        sub_merchant: None,
        recurring: None,
        three_ds_info: Some(ThreeDsInfo {
            three_ds_method_notification_url: Some(
                "http://shop.example/3ds/method-notify".to_owned(),
            ),
            ..ThreeDsInfo::default()
        }),
        merchant_score: None,
        private_data_list: None,
    }
}

pub fn verify_authentication(md: &str, pares: &str) -> VerifyAuthenticationRequest {
    VerifyAuthenticationRequest {
        version: "34".to_owned(),
        contract_number: CONTRACT.to_owned(),
        pares: pares.to_owned(),
        md: Some(md.to_owned()),
        ..VerifyAuthenticationRequest::default()
    }
}

pub fn with_3ds(
    mut req: DoAuthorizationRequest,
    a: Authentication3DSecure,
) -> DoAuthorizationRequest {
    req.authentication_3d_secure = Some(a);
    req
}

pub fn code<T: HasResult>(r: &T) -> String {
    r.result_code()
}

pub trait HasResult {
    fn result_code(&self) -> String;
}

macro_rules! has_result {
    ($($t:ty),*) => {$(impl HasResult for $t { fn result_code(&self) -> String { self.result.code.as_str().to_owned() } })*};
}
has_result!(
    DoAuthorizationResponse,
    DoCaptureResponse,
    DoRefundResponse,
    DoResetResponse,
    DoCreditResponse,
    DoReAuthorizationResponse,
    VerifyEnrollmentResponse,
    VerifyAuthenticationResponse,
    GetTokenResponse,
    GetTransactionDetailsResponse,
    TransactionsSearchResponse,
    CreateWalletResponse,
    UpdateWalletResponse,
    GetWalletResponse,
    GetCardsResponse,
    DisableWalletResponse,
    EnableWalletResponse,
    DoImmediateWalletPaymentResponse,
    DoScheduledWalletPaymentResponse,
    DoRecurrentWalletPaymentResponse,
    GetPaymentRecordResponse,
    DisablePaymentRecordResponse,
    UpdatePaymentRecordResponse,
    GetBillingRecordResponse,
    UpdateBillingRecordResponse,
    DoWebPaymentResponse,
    GetWebPaymentDetailsResponse
);
