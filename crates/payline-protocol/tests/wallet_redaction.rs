//! No card number or CVV in the `Debug` of the wallet and hosted page messages, whether built
//! in code or decoded from a message that carries them.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use payline_protocol::decode_request;
use payline_protocol::messages::*;
use payline_protocol::objects::*;
use payline_protocol::secret::Secret;
use payline_protocol::values::*;

const PAN: &str = "4970101122334455";
const CVV: &str = "987";

fn assert_hidden(what: &str, shown: &str) {
    for secret in [PAN, CVV] {
        assert!(!shown.contains(secret), "{what} shows {secret}: {shown}");
    }
}

fn card() -> Card {
    let mut card = Card::new(CardType::CB);
    card.number = Some(Secret::new(PAN));
    card.cvx = Some(Secret::new(CVV));
    card.expiration_date = Some("1255".parse().unwrap());
    card
}

fn payment() -> Payment {
    let mut p = Payment::new(Currency::EUR, Action::AUTHORIZATION_AND_CAPTURE, Mode::NX);
    p.amount = Amount::from_minor(3000);
    p
}

#[test]
fn wallet_requests_hide_card_number_and_cvv() {
    let create = CreateWalletRequest::new("1234567", Wallet::new("W-1", card()));
    let shown = format!("{create:?} {create:#?}");
    assert!(shown.contains("W-1"), "Debug shows the rest: {shown}");
    assert_hidden("CreateWalletRequest Debug", &shown);

    let update = UpdateWalletRequest::new("1234567", Wallet::new("W-1", card()));
    assert_hidden("UpdateWalletRequest Debug", &format!("{update:?}"));

    let mut cards = GetCardsResponse::new(PaylineResult::new(ReturnCode::OPERATION_SUCCESSFUL));
    cards.cards_list = Some(CardsList {
        cards: vec![Cards::new("W-1", card())],
    });
    assert_hidden("GetCardsResponse Debug", &format!("{cards:?}"));
}

#[test]
fn wallet_payments_hide_the_cvv() {
    let order = Order::new(
        Amount::from_minor(3000).unwrap(),
        Currency::EUR,
        "01/03/2025 10:00".parse().unwrap(),
    );
    let mut immediate = DoImmediateWalletPaymentRequest::new(payment(), order, "W-1");
    immediate.cvx = Some(Secret::new(CVV));
    assert_hidden(
        "DoImmediateWalletPaymentRequest Debug",
        &format!("{immediate:?}"),
    );

    let mut recurrent = DoRecurrentWalletPaymentRequest::new(
        payment(),
        "CMD-1",
        "01/03/2025 10:00".parse().unwrap(),
        "01/03/2025".parse().unwrap(),
        "W-1",
        Recurring::instalments(
            Amount::from_minor(1000).unwrap(),
            Amount::from_minor(1000).unwrap(),
            BillingCycle::MONTHLY,
            3,
        ),
    );
    recurrent.cvx = Some(Secret::new(CVV));
    assert_hidden(
        "DoRecurrentWalletPaymentRequest Debug",
        &format!("{recurrent:?}"),
    );
}

#[test]
fn decoded_wallet_requests_hide_card_data() {
    let xml = format!(
        r#"<S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/"><S:Body>
        <createWalletRequest xmlns="http://impl.ws.payline.experian.com"><version>34</version>
        <contractNumber>1234567</contractNumber><wallet><walletId>W-2</walletId>
        <card><number>{PAN}</number><type>CB</type><expirationDate>1255</expirationDate><cvx>{CVV}</cvx></card>
        </wallet></createWalletRequest></S:Body></S:Envelope>"#
    );
    let request: CreateWalletRequest = decode_request(&xml).unwrap();
    assert_eq!(
        request.wallet.card.number.as_ref().map(Secret::expose),
        Some(PAN)
    );
    assert_hidden("decoded CreateWalletRequest Debug", &format!("{request:?}"));
}
