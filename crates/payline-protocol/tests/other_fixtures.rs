//! Golden SOAP files of the operations a card integration rarely calls: doAuthorizationRedirect,
//! doDebit, doBankTransfer, doScoringCheque, getEncryptionKey, getMerchantSettings, getBalance,
//! unBlock, isRegistered, prepareSession, createWebWallet, updateWebWallet and getAlertDetails
//! (`tests/fixtures/<operation>/`, described in `tests/fixtures/README.md`): each one is decoded
//! and compared with a typed literal, then encoded and decoded again. `tests/fixtures.rs`
//! checks that every file is used here or there.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use payline_protocol::messages::*;
use payline_protocol::objects::*;
use payline_protocol::secret::Secret;
use payline_protocol::values::*;
use payline_protocol::{Api, Request};

mod common;
use common::*;

fn payment(amount: u64, action: Action) -> Payment {
    let mut p = Payment::new(Currency::EUR, action, Mode::CPT);
    p.amount = Amount::from_minor(amount);
    p.contract_number = Some("1234567".into());
    p
}

fn card(cvx: Option<&str>) -> Card {
    let mut c = Card::new(CardType::CB);
    c.number = Some(Secret::new("4970101122334455"));
    c.expiration_date = Some("1230".parse().unwrap());
    c.cvx = cvx.map(Secret::new);
    c
}

fn approved() -> PaylineResult {
    result(ReturnCode::APPROVED, "ACCEPTED", "Transaction approved")
}

/// The answer of a service the merchant's account does not have (Payline access codes).
fn no_permission() -> PaylineResult {
    result(
        ReturnCode::NO_PERMISSION,
        "ERROR",
        "No permission for this API call",
    )
}

const RETURN: &str = "https://shop.example.com/wallet/done";
const CANCEL: &str = "https://shop.example.com/wallet/cancel";

#[test]
fn do_authorization_redirect() {
    let mut r = DoAuthorizationRedirectRequest::new(
        payment(2599, Action::AUTHORIZATION_AND_CAPTURE),
        card(Some("123")),
        "https://shop.example.com/3ds/back?order=CMD-2025-0100&step=done",
        "https://shop.example.com/3ds/cancel",
        order("CMD-2025-0100", 2599, "14/02/2025 11:00"),
    );
    r.language_code = Some("fr".into());
    r.security_mode = Some("SSL".into());
    r.merchant_name = Some("Shop".into());
    request("doAuthorizationRedirect/request.xml", &r);

    let mut ok = DoAuthorizationRedirectResponse::new(approved());
    ok.redirect_url =
        "https://homologation-webpayment.payline.com/v2/?token=1aB2cD3eF4gH5iJ6kL7m".into();
    response::<DoAuthorizationRedirectRequest>("doAuthorizationRedirect/accepted.xml", &ok);
}

#[test]
fn do_debit_with_an_authorization_obtained_by_phone() {
    let r = DoDebitRequest::new(
        payment(4200, Action::DEBIT),
        card(None),
        order("PHONE-0042", 4200, "14/02/2025 12:00"),
        Authorization {
            number: "A12345".into(),
            date: "14/02/2025 11:58".into(),
            ..Authorization::default()
        },
    );
    request("doDebit/request.xml", &r);

    let mut ok = DoDebitResponse::new(approved());
    ok.transaction = transaction("25045120000042", "14/02/25 12:00");
    ok.card = CardOut {
        number: Some("497010XXXXXX4455".into()),
        r#type: Some(CardType::CB),
        expiration_date: Some("1230".parse().unwrap()),
        ..CardOut::default()
    };
    ok.extended_card = ExtendedCard {
        country: Some("FRA".into()),
        r#type: Some("CB".into()),
        network: Some("CB".into()),
        ..ExtendedCard::default()
    };
    response::<DoDebitRequest>("doDebit/accepted.xml", &ok);
}

#[test]
fn do_bank_transfer() {
    let mut r = DoBankTransferRequest::new(
        payment(10000, Action::SEPA_CREDIT_TRANSFER),
        Creditor {
            bic: "BNPAFRPP".into(),
            iban: "FR7630004000031234567890143".into(),
            name: "Anne Dupont".into(),
        },
        "PAYOUT-0001",
    );
    r.comment = Some("Payout".into());
    request("doBankTransfer/request.xml", &r);
    response::<DoBankTransferRequest>(
        "doBankTransfer/refused.xml",
        &DoBankTransferResponse::new(no_permission()),
    );
}

#[test]
fn do_scoring_cheque() {
    let r = DoScoringChequeRequest::new(
        payment(8000, Action::AUTHORIZATION_AND_CAPTURE),
        Cheque {
            number: "0000123".into(),
        },
        order("CHQ-0001", 8000, "14/02/2025 13:00"),
    );
    request("doScoringCheque/request.xml", &r);
    response::<DoScoringChequeRequest>(
        "doScoringCheque/refused.xml",
        &DoScoringChequeResponse::new(no_permission()),
    );
}

#[test]
fn get_encryption_key() {
    request(
        "getEncryptionKey/request.xml",
        &GetEncryptionKeyRequest::default(),
    );
    response::<GetEncryptionKeyRequest>(
        "getEncryptionKey/refused.xml",
        &GetEncryptionKeyResponse::new(no_permission()),
    );
}

#[test]
fn get_merchant_settings() {
    request(
        "getMerchantSettings/request.xml",
        &GetMerchantSettingsRequest::new(),
    );
    let mut ok = GetMerchantSettingsResponse::new(approved());
    ok.list_point_of_sell.point_of_sell.push(PointOfSell {
        siret: Some("12345678900011".into()),
        code_mcc: Some("5999".into()),
        label: Some("Demo shop".into()),
        webstore_url: Some("https://shop.example.com".into()),
        contracts: Contracts {
            contract: vec![Contract {
                card_type: Some("CB".into()),
                label: Some("CB".into()),
                contract_number: Some("1234567".into()),
                ..Contract::default()
            }],
        },
        ..PointOfSell::default()
    });
    response::<GetMerchantSettingsRequest>("getMerchantSettings/accepted.xml", &ok);
    // The children of `listPointOfSell` belong to the impl schema, not to the objects one.
    let encoded = payline_protocol::encode_response(&ok).unwrap();
    assert!(
        encoded.contains("<impl:listPointOfSell><impl:pointOfSell><obj:siret>"),
        "{encoded}"
    );
}

#[test]
fn get_balance() {
    request(
        "getBalance/request.xml",
        &GetBalanceRequest::new("GIFT-0001", "1234567"),
    );
    response::<GetBalanceRequest>(
        "getBalance/refused.xml",
        &GetBalanceResponse::new(no_permission()),
    );
}

#[test]
fn un_block_puts_version_last() {
    let r = UnBlockRequest::new("25045120000042");
    request("unBlock/request.xml", &r);
    let encoded = payline_protocol::encode_request(&r).unwrap();
    assert!(
        encoded.contains("<impl:transactionDate xsi:nil=\"true\"/><impl:version>34</impl:version>"),
        "{encoded}"
    );
    response::<UnBlockRequest>(
        "unBlock/refused.xml",
        &UnBlockResponse::new(no_permission()),
    );
}

#[test]
fn is_registered() {
    let mut r = IsRegisteredRequest::new(
        payment(2599, Action::AUTHORIZATION_AND_CAPTURE),
        order("CMD-2025-0200", 2599, "14/02/2025 14:00"),
    );
    r.buyer = Some(Buyer {
        email: Some("anne@example.com".into()),
        ..Buyer::default()
    });
    request("isRegistered/request.xml", &r);
    response::<IsRegisteredRequest>(
        "isRegistered/refused.xml",
        &IsRegisteredResponse::new(result(
            ReturnCode::INVALID_CONTRACT_NUMBER,
            "ERROR",
            "Invalid contract number",
        )),
    );
}

#[test]
fn prepare_session() {
    let mut r = PrepareSessionRequest::new("1234567", "CMD-2025-0300");
    r.misc_data = "{\"domain\":\"shop.example.com\"}".into();
    request("prepareSession/request.xml", &r);
    response::<PrepareSessionRequest>(
        "prepareSession/refused.xml",
        &PrepareSessionResponse::new(no_permission()),
    );
}

#[test]
fn create_web_wallet() {
    let buyer = Buyer {
        last_name: Some("Martin".into()),
        first_name: Some("Paul".into()),
        wallet_id: Some("WAL-paul-0001".into()),
        ..Buyer::default()
    };
    let mut r = CreateWebWalletRequest::new("1234567", buyer, RETURN, CANCEL);
    r.update_personal_details = Some("1".into());
    r.language_code = Some("fr".into());
    request("createWebWallet/request.xml", &r);

    let mut ok = CreateWebWalletResponse::new(approved());
    ok.token = "wT8kLq2Zr4Xn6Pv0Bd3F1191189604976".into();
    ok.redirect_url =
        "https://homologation-webpayment.payline.com/v2/?token=wT8kLq2Zr4Xn6Pv0Bd3F1191189604976"
            .into();
    response::<CreateWebWalletRequest>("createWebWallet/accepted.xml", &ok);
}

#[test]
fn update_web_wallet_of_an_unknown_wallet() {
    let mut r = UpdateWebWalletRequest::new("1234567", "WAL-paul-0001", RETURN, CANCEL);
    r.card_ind = Some("1".into());
    r.update_personal_details = Some("0".into());
    r.update_owner_details = Some("0".into());
    r.update_payment_details = Some("1".into());
    request("updateWebWallet/request.xml", &r);
    response::<UpdateWebWalletRequest>(
        "updateWebWallet/error.xml",
        &UpdateWebWalletResponse::new(result(
            ReturnCode::WALLET_DOES_NOT_EXIST,
            "ERROR",
            "Wallet does not exist",
        )),
    );
}

#[test]
fn get_alert_details_of_an_unknown_alert() {
    let r = GetAlertDetailsRequest::new("ALERT-0001", "25045120000042");
    request("getAlertDetails/request.xml", &r);
    let encoded = payline_protocol::encode_request(&r).unwrap();
    assert!(
        encoded.contains("<impl:version>34</impl:version><impl:AlertId>ALERT-0001</impl:AlertId>"),
        "{encoded}"
    );
    let mut e = GetAlertDetailsResponse::new(result(
        ReturnCode::FRAUD_DATA_NOT_FOUND,
        "REFUSED",
        "Data not found",
    ));
    e.alert_id = "ALERT-0001".into();
    e.transaction_id = "25045120000042".into();
    response::<GetAlertDetailsRequest>("getAlertDetails/error.xml", &e);
}

#[test]
fn every_operation_of_the_wsdl_is_typed_and_routed_to_its_service() {
    assert_eq!(AnyRequest::SUPPORTED.len(), Operation::ALL.len());
    assert_eq!(CreateWebWalletRequest::OPERATION.api(), Api::WebPayment);
    assert_eq!(UpdateWebWalletRequest::OPERATION.api(), Api::WebPayment);
    assert_eq!(GetAlertDetailsRequest::OPERATION.api(), Api::Extended);
    assert_eq!(DoDebitRequest::OPERATION.api(), Api::DirectPayment);
    assert_eq!(
        GetMerchantSettingsRequest::default().version.as_deref(),
        Some(VERSION)
    );
    assert_eq!(UpdateWebWalletRequest::default().version, VERSION);
}
