//! Golden SOAP files of the wallet, payment record and hosted page operations
//! (`tests/fixtures/<operation>/`, described in `tests/fixtures/README.md`): each one is decoded
//! and compared with a typed literal, then encoded and decoded again. `tests/fixtures.rs` checks
//! that every file is used here or there.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use payline_protocol::Request;
use payline_protocol::messages::*;
use payline_protocol::objects::*;
use payline_protocol::secret::Secret;
use payline_protocol::values::*;

mod common;
use common::*;

fn minor(m: u64) -> Amount {
    Amount::from_minor(m).unwrap()
}

fn date(s: &str) -> Date {
    s.parse().unwrap()
}

fn wallet_ok() -> PaylineResult {
    result(
        ReturnCode::OPERATION_SUCCESSFUL,
        "ACCEPTED",
        "Operation Successfull",
    )
}

fn approved() -> PaylineResult {
    result(ReturnCode::APPROVED, "ACCEPTED", "Transaction approved")
}

fn payment(amount: u64, mode: Mode) -> Payment {
    let mut p = Payment::new(Currency::EUR, Action::AUTHORIZATION_AND_CAPTURE, mode);
    p.amount = Some(minor(amount));
    p.contract_number = Some("1234567".into());
    p
}

/// A wallet card as Payline returns it: masked number and token.
fn stored_card(masked: &str, expiry: &str, token: &str) -> Card {
    let mut c = Card::new(CardType::CB);
    c.number = Some(Secret::new(masked));
    c.expiration_date = Some(expiry.parse().unwrap());
    c.token = Some(token.into());
    c
}

fn authorization(at: &str) -> Authorization {
    Authorization {
        number: "A55A".into(),
        date: at.into(),
        ..Authorization::default()
    }
}

fn billing(
    day: &str,
    amount: u64,
    status: BillingRecordStatus,
    tries: u8,
    rank: u8,
) -> BillingRecord {
    let mut b = BillingRecord::new(date(day), minor(amount), status);
    b.nb_try = Some(tries.to_string());
    b.rank = Some(rank.to_string());
    b
}

fn amount_limit() -> PaylineResult {
    result(ReturnCode::AMOUNT_LIMIT, "REFUSED", "Amount limit")
}

/// The 3-instalment schedule of the payment record fixtures, as getPaymentRecord returns it.
fn schedule() -> Recurring {
    let mut r = Recurring::instalments(minor(6957), minor(6957), BillingCycle::MONTHLY, 2);
    r.billing_day = Some("07".into());
    r.start_date = Some(date("07/12/2023"));
    r
}

fn nx_order() -> Order {
    order("CMD-2023-NX-0007", 20871, "07/12/2023 16:20")
}

// ---------------------------------------------------------------------------------------------
// Wallets

#[test]
fn create_wallet() {
    let mut card = Card::new(CardType::CB);
    card.number = Some(Secret::new("4970101122334455"));
    card.expiration_date = Some("1255".parse().unwrap());
    card.cvx = Some(Secret::new("123"));
    card.cardholder = Some("Anne Dupont".into());
    let mut wallet = Wallet::new("WAL-anne-0001", card);
    wallet.last_name = Some("Dupont".into());
    wallet.first_name = Some("Anne".into());
    wallet.email = Some("anne.dupont@example.com".into());
    wallet.default = Some("Y".into());
    let mut r = CreateWalletRequest::new("1234567", wallet);
    r.private_data_list = Some(PrivateDataList {
        private_data: vec![PrivateData {
            key: "customer".into(),
            value: "C-42".into(),
        }],
    });
    request("createWallet/request.xml", &r);

    let mut ok = CreateWalletResponse::new(wallet_ok());
    ok.card = CardOut {
        number: Some("497010XXXXXX4455".into()),
        r#type: Some(CardType::CB),
        expiration_date: Some("1255".parse().unwrap()),
        cardholder: Some("Anne Dupont".into()),
        token: Some("497010TySnYE4455".into()),
        pan_type: None,
    };
    ok.extended_card = ExtendedCard {
        country: Some("FRA".into()),
        is_cvd: Some("N".into()),
        bank: Some("LA BANQUE POSTALE".into()),
        r#type: Some("CB".into()),
        network: Some("CB".into()),
        product: Some("Visa Classic".into()),
    };
    response::<CreateWalletRequest>("createWallet/accepted.xml", &ok);
    assert_eq!(
        outcome(Operation::CreateWallet, ok.result.code),
        Outcome::Accepted
    );

    let exists = CreateWalletResponse::new(result(
        ReturnCode::WALLET_ALREADY_EXISTS,
        "ERROR",
        "Wallet with the same identifier exists",
    ));
    response::<CreateWalletRequest>("createWallet/error.xml", &exists);
    assert_eq!(
        outcome(Operation::CreateWallet, exists.result.code),
        Outcome::Refused
    );
}

#[test]
fn update_wallet_with_a_token_and_virtual_cvv() {
    let mut card = Card::new(CardType::CB);
    card.expiration_date = Some("1230".parse().unwrap());
    card.cvx = Some(Secret::new("816"));
    card.token = Some("497010Qh2Zk40154".into());
    let mut wallet = Wallet::new("WAL-anne-0001", card);
    wallet.comment = Some("second card".into());
    let mut r = UpdateWalletRequest::new("1234567", wallet);
    r.card_ind = Some("2".into());
    request("updateWallet/request.xml", &r);

    let unknown = UpdateWalletResponse::new(result(
        ReturnCode::WALLET_DOES_NOT_EXIST,
        "ERROR",
        "Wallet does not exist",
    ));
    response::<UpdateWalletRequest>("updateWallet/error.xml", &unknown);
}

#[test]
fn get_wallet() {
    request(
        "getWallet/request.xml",
        &GetWalletRequest::new("1234567", "WAL-anne-0001"),
    );

    let mut card = stored_card("497010XXXXXX4455", "1255", "497010TySnYE4455");
    card.cardholder = Some("Anne Dupont".into());
    let mut wallet = Wallet::new("WAL-anne-0001", card);
    wallet.last_name = Some("Dupont".into());
    wallet.first_name = Some("Anne".into());
    wallet.email = Some("anne.dupont@example.com".into());
    wallet.default = Some("Y".into());
    wallet.card_brand = Some("CB".into());
    let mut r = GetWalletResponse::new(wallet_ok());
    r.wallet = Some(wallet);
    r.is_disabled = Some("1".into());
    r.disable_date = Some("01/01/25 12:00".into());
    r.extended_card = Some(ExtendedCard {
        country: Some("FRA".into()),
        r#type: Some("CB".into()),
        network: Some("CB".into()),
        ..ExtendedCard::default()
    });
    response::<GetWalletRequest>("getWallet/accepted.xml", &r);
}

#[test]
fn get_cards_of_a_two_card_wallet() {
    request(
        "getCards/request.xml",
        &GetCardsRequest::new("1234567", "WAL-anne-0001"),
    );

    let mut first = Cards::new(
        "WAL-anne-0001",
        stored_card("497010XXXXXX4455", "1255", "497010TySnYE4455"),
    );
    first.last_name = Some("Dupont".into());
    first.first_name = Some("Anne".into());
    first.card_ind = Some("1".into());
    first.is_disabled = Some("0".into());
    first.default = Some("Y".into());
    let mut second = Cards::new(
        "WAL-anne-0001",
        stored_card("497010XXXXXX0154", "1230", "497010Qh2Zk40154"),
    );
    second.last_name = Some("Dupont".into());
    second.first_name = Some("Anne".into());
    second.card_ind = Some("2".into());
    second.comment = Some("second card".into());
    second.is_disabled = Some("1".into());
    second.disable_date = Some("03/02/25 10:15".into());
    second.default = Some("N".into());
    let mut r = GetCardsResponse::new(wallet_ok());
    r.cards_list = Some(CardsList {
        cards: vec![first, second],
    });
    response::<GetCardsRequest>("getCards/accepted.xml", &r);
}

#[test]
fn disable_wallets_with_a_warning() {
    let ids: WalletIdList = ["WAL-anne-0001", "WAL-unknown"].into_iter().collect();
    request(
        "disableWallet/request.xml",
        &DisableWalletRequest::new("1234567", ids),
    );

    let mut r = DisableWalletResponse::new(result(
        ReturnCode::SOME_WALLETS_NOT_DISABLED,
        "ACCEPTED",
        "Some wallets could not be disabled",
    ));
    r.wallet_id_list = ["WAL-unknown"].into_iter().collect();
    response::<DisableWalletRequest>("disableWallet/warning.xml", &r);
    assert_eq!(
        outcome(Operation::DisableWallet, r.result.code),
        Outcome::AcceptedWithWarning
    );
}

#[test]
fn enable_wallet() {
    let mut r = EnableWalletRequest::new("1234567", "WAL-anne-0001");
    r.card_ind = Some("1".into());
    request("enableWallet/request.xml", &r);
    response::<EnableWalletRequest>(
        "enableWallet/accepted.xml",
        &EnableWalletResponse::new(wallet_ok()),
    );
}

// ---------------------------------------------------------------------------------------------
// Wallet payments

#[test]
fn do_immediate_wallet_payment() {
    let mut r = DoImmediateWalletPaymentRequest::new(
        payment(4990, Mode::CPT),
        order("CMD-2025-0100", 4990, "03/03/2025 18:05"),
        "WAL-anne-0001",
    );
    r.card_ind = Some("1".into());
    r.cvx = Some(Secret::new("123"));
    request("doImmediateWalletPayment/request.xml", &r);

    let mut ok = DoImmediateWalletPaymentResponse::new(approved());
    ok.transaction = Some(Transaction {
        is_duplicated: Some("0".into()),
        is_possible_fraud: Some("0".into()),
        ..transaction("25062180512345", "03/03/25 18:05:41")
    });
    ok.authorization = Some(authorization("03/03/25 18:05:41"));
    response::<DoImmediateWalletPaymentRequest>("doImmediateWalletPayment/accepted.xml", &ok);

    let disabled = DoImmediateWalletPaymentResponse::new(result(
        ReturnCode::WALLET_DISABLED,
        "ERROR",
        "Wallet is disabled",
    ));
    response::<DoImmediateWalletPaymentRequest>("doImmediateWalletPayment/refused.xml", &disabled);
    assert_eq!(
        outcome(Operation::DoImmediateWalletPayment, disabled.result.code),
        Outcome::Refused
    );
}

#[test]
fn do_scheduled_wallet_payment() {
    let mut r = DoScheduledWalletPaymentRequest::new(
        payment(1500, Mode::CPT),
        date("15/03/2025"),
        "WAL-anne-0001",
    );
    r.order_ref = Some("CMD-2025-0101".into());
    r.order_date = Some(date_time("03/03/2025 18:10"));
    r.order = Some(order("CMD-2025-0101", 1500, "03/03/2025 18:10"));
    request("doScheduledWalletPayment/request.xml", &r);

    let mut ok = DoScheduledWalletPaymentResponse::new(wallet_ok());
    ok.payment_record_id = "000000012345".into();
    response::<DoScheduledWalletPaymentRequest>("doScheduledWalletPayment/accepted.xml", &ok);
}

#[test]
fn do_recurrent_wallet_payment_in_three_instalments() {
    let nx = Recurring::instalments(minor(6957), minor(6957), BillingCycle::MONTHLY, 3);
    let mut r = DoRecurrentWalletPaymentRequest::new(
        payment(20871, Mode::NX),
        "CMD-2023-NX-0007",
        date_time("07/12/2023 16:20"),
        date("07/12/2023"),
        "WAL-anne-0001",
        nx,
    );
    r.order = Some(nx_order());
    request("doRecurrentWalletPayment/request.xml", &r);
    // The NX rule Payline checks (02509): amount = firstAmount + (billingLeft − 1) × amount.
    let left: u64 = r.recurring.billing_left.parse().unwrap();
    assert_eq!(
        r.payment.amount.map(Amount::minor),
        r.recurring
            .first_amount
            .map(|f| f.minor() + (left - 1) * r.recurring.amount.minor())
    );

    let mut first = billing("07/12/2023", 6957, BillingRecordStatus::PAID, 1, 1);
    first.result = Some(approved());
    first.transaction = Some(transaction("23341162012345", "07/12/2023 16:20:17"));
    first.authorization = Some(authorization("07/12/2023 16:20:17"));
    let mut ok = DoRecurrentWalletPaymentResponse::new(wallet_ok());
    ok.payment_record_id = "000000012346".into();
    ok.billing_record_list = BillingRecordList {
        billing_record: vec![
            first,
            billing("07/01/2024", 6957, BillingRecordStatus::FUTURE, 0, 2),
            billing("07/02/2024", 6957, BillingRecordStatus::FUTURE, 0, 3),
        ],
    };
    response::<DoRecurrentWalletPaymentRequest>("doRecurrentWalletPayment/accepted.xml", &ok);

    let mut warning = DoRecurrentWalletPaymentResponse::new(result(
        ReturnCode::CARD_EXPIRES_BEFORE_SCHEDULE,
        "ERROR",
        "Wallet cannot operate on scheduled date",
    ));
    warning.payment_record_id = "000000012347".into();
    warning.billing_record_list = BillingRecordList {
        billing_record: vec![BillingRecord::new(
            date("07/12/2023"),
            minor(6957),
            BillingRecordStatus::FUTURE,
        )],
    };
    response::<DoRecurrentWalletPaymentRequest>("doRecurrentWalletPayment/warning.xml", &warning);
    assert_eq!(
        outcome(Operation::DoRecurrentWalletPayment, warning.result.code),
        Outcome::AcceptedWithWarning
    );

    let inconsistent = DoRecurrentWalletPaymentResponse::new(result(
        ReturnCode::INVALID_RECURRING_OPTION,
        "ERROR",
        "Invalid recurring option",
    ));
    response::<DoRecurrentWalletPaymentRequest>(
        "doRecurrentWalletPayment/error.xml",
        &inconsistent,
    );
    assert_eq!(
        outcome(
            Operation::DoRecurrentWalletPayment,
            inconsistent.result.code
        ),
        Outcome::Refused
    );
}

// ---------------------------------------------------------------------------------------------
// Payment records and billing records

#[test]
fn get_payment_record() {
    request(
        "getPaymentRecord/request.xml",
        &GetPaymentRecordRequest::new("1234567", "000000012346"),
    );

    let mut retry = billing("07/01/2024", 6957, BillingRecordStatus::IN_PROGRESS, 2, 2);
    retry.result = Some(amount_limit());
    let mut r = GetPaymentRecordResponse::new(wallet_ok());
    r.recurring = Some(schedule());
    r.is_disabled = Some("0".into());
    r.billing_record_list = BillingRecordList {
        billing_record: vec![
            billing("07/12/2023", 6957, BillingRecordStatus::PAID, 1, 1),
            retry,
            billing("07/02/2024", 6957, BillingRecordStatus::FUTURE, 0, 3),
        ],
    };
    r.order = Some(nx_order());
    r.wallet_id = "WAL-anne-0001".into();
    response::<GetPaymentRecordRequest>("getPaymentRecord/accepted.xml", &r);

    // An error answer carries the result only, although the schema makes `recurring` mandatory.
    let missing = GetPaymentRecordResponse::new(result(
        ReturnCode::PAYMENT_RECORD_NOT_FOUND,
        "ERROR",
        "Cannot find payment record",
    ));
    assert_eq!(missing.recurring, None);
    response::<GetPaymentRecordRequest>("getPaymentRecord/error.xml", &missing);
}

#[test]
fn disable_payment_record_twice() {
    request(
        "disablePaymentRecord/request.xml",
        &DisablePaymentRecordRequest::new("1234567", "000000012346"),
    );
    let r = DisablePaymentRecordResponse::new(result(
        ReturnCode::PAYMENT_RECORD_DISABLED,
        "ERROR",
        "Payment record is disabled",
    ));
    response::<DisablePaymentRecordRequest>("disablePaymentRecord/error.xml", &r);
    assert_eq!(
        outcome(Operation::DisablePaymentRecord, r.result.code),
        Outcome::Refused
    );
}

#[test]
fn update_payment_record() {
    let change = RecurringForUpdate {
        billing_day: Some("31".into()),
        end_date: Some(date_time("31/12/2026 12:00")),
        new_amount: Some(minor(7500)),
        amount_modification_date: Some(date_time("01/02/2024 00:00")),
        ..RecurringForUpdate::default()
    };
    request(
        "updatePaymentRecord/request.xml",
        &UpdatePaymentRecordRequest::new("1234567", "000000012346", change),
    );

    let mut recurring = Recurring::new(minor(6957), BillingCycle::MONTHLY);
    recurring.billing_left = "2".into();
    recurring.billing_day = Some("31".into());
    recurring.end_date = Some(date_time("31/12/2026 12:00"));
    recurring.new_amount = Some(minor(7500));
    recurring.amount_modification_date = Some(date_time("01/02/2024 00:00"));
    let mut r = UpdatePaymentRecordResponse::new(wallet_ok());
    r.recurring = Some(recurring);
    r.is_disabled = "0".into();
    r.order = Some(nx_order());
    r.wallet_id = "WAL-anne-0001".into();
    response::<UpdatePaymentRecordRequest>("updatePaymentRecord/accepted.xml", &r);
}

#[test]
fn get_billing_record_disabled_after_refusals() {
    request(
        "getBillingRecord/request.xml",
        &GetBillingRecordRequest::new("1234567", "000000012346", "2"),
    );

    let mut record = billing("07/01/2024", 6957, BillingRecordStatus::DISABLED, 3, 2);
    record.result = Some(amount_limit());
    let mut r = GetBillingRecordResponse::new(wallet_ok());
    r.recurring = Some(schedule());
    r.is_disabled = Some("1".into());
    r.disable_date = Some("09/01/24 08:00".into());
    r.billing_record = Some(record);
    r.wallet_id = "WAL-anne-0001".into();
    response::<GetBillingRecordRequest>("getBillingRecord/accepted.xml", &r);
}

#[test]
fn update_billing_record() {
    let change = BillingRecordForUpdate {
        date: Some(date("15/02/2024")),
        amount: Some(minor(5000)),
        ..BillingRecordForUpdate::default()
    };
    request(
        "updateBillingRecord/request.xml",
        &UpdateBillingRecordRequest::new("1234567", "000000012346", "3", change),
    );

    let mut r = UpdateBillingRecordResponse::new(wallet_ok());
    r.recurring = Some(schedule());
    r.is_disabled = Some("0".into());
    r.billing_record = Some(billing(
        "15/02/2024",
        5000,
        BillingRecordStatus::FUTURE,
        0,
        3,
    ));
    r.wallet_id = "WAL-anne-0001".into();
    response::<UpdateBillingRecordRequest>("updateBillingRecord/accepted.xml", &r);
}

// ---------------------------------------------------------------------------------------------
// Hosted pages

#[test]
fn do_web_payment_with_a_wallet() {
    let mut r = DoWebPaymentRequest::new(
        payment(2599, Mode::CPT),
        "https://shop.example.com/return?order=CMD-2025-0200&lang=fr",
        "https://shop.example.com/cancel",
        order("CMD-2025-0200", 2599, "04/03/2025 10:00"),
    );
    r.notification_url = Some("https://shop.example.com/payline/notify".into());
    r.selected_contract_list = Some(["1234567"].into_iter().collect());
    r.language_code = Some("fr".into());
    r.buyer = Some(Buyer {
        last_name: Some("Dupont".into()),
        first_name: Some("Anne".into()),
        email: Some("anne.dupont@example.com".into()),
        wallet_id: Some("WAL-anne-0001".into()),
        ..Buyer::default()
    });
    r.security_mode = Some("SSL".into());
    r.merchant_name = Some("Example Shop".into());
    request("doWebPayment/request.xml", &r);

    let mut ok = DoWebPaymentResponse::new(approved());
    ok.token = Some("16RjWdtpDkFVfZkGV4031701964772640".into());
    ok.redirect_url = Some(
        "https://homologation-webpayment.payline.com/v2/?token=16RjWdtpDkFVfZkGV4031701964772640"
            .into(),
    );
    response::<DoWebPaymentRequest>("doWebPayment/accepted.xml", &ok);
}

#[test]
fn get_web_payment_details() {
    request(
        "getWebPaymentDetails/request.xml",
        &GetWebPaymentDetailsRequest::new("16RjWdtpDkFVfZkGV4031701964772640"),
    );

    let mut r = GetWebPaymentDetailsResponse::new(approved());
    r.transaction = Transaction {
        is_duplicated: Some("0".into()),
        is_possible_fraud: Some("0".into()),
        three_d_secure: Some("Y".into()),
        ..transaction("25063100012345", "04/03/25 10:02:11")
    };
    r.payment = Some(payment(2599, Mode::CPT));
    r.authorization = authorization("04/03/25 10:02:11");
    r.card = CardOut {
        number: Some("497010XXXXXX4455".into()),
        r#type: Some(CardType::CB),
        expiration_date: Some("1255".parse().unwrap()),
        cardholder: Some("Anne Dupont".into()),
        ..CardOut::default()
    };
    r.extended_card = Some(ExtendedCard {
        country: Some("FRA".into()),
        r#type: Some("CB".into()),
        network: Some("CB".into()),
        ..ExtendedCard::default()
    });
    r.order = Some(order("CMD-2025-0200", 2599, "04/03/2025 10:00"));
    r.number_of_attempt = Some("1".into());
    r.wallet = Some(Wallet::new(
        "WAL-anne-0001",
        stored_card("497010XXXXXX4455", "1255", "497010TySnYE4455"),
    ));
    r.contract_number = Some("1234567".into());
    response::<GetWebPaymentDetailsRequest>("getWebPaymentDetails/accepted.xml", &r);

    // The buyer is still on the page: only a result, empty objects, an unknown element.
    let pending = GetWebPaymentDetailsResponse::new(result(
        ReturnCode::PAYMENT_DATA_PENDING,
        "INPROGRESS",
        "Customer has to fill his payment data",
    ));
    response::<GetWebPaymentDetailsRequest>("getWebPaymentDetails/pending.xml", &pending);
    assert_eq!(
        outcome(Operation::GetWebPaymentDetails, pending.result.code),
        Outcome::Pending
    );
}

#[test]
fn manage_web_wallet() {
    let buyer = Buyer {
        last_name: Some("Dupont".into()),
        first_name: Some("Anne".into()),
        wallet_id: Some("WAL-anne-0002".into()),
        ..Buyer::default()
    };
    let mut r = ManageWebWalletRequest::new(
        "1234567",
        buyer,
        "https://shop.example.com/wallet/done",
        "https://shop.example.com/wallet/cancel",
    );
    r.update_personal_details = Some("0".into());
    r.language_code = Some("en".into());
    r.contract_number_wallet_list = Some(["1234567", "7654321"].into_iter().collect());
    request("manageWebWallet/request.xml", &r);

    let mut ok = ManageWebWalletResponse::new(approved());
    ok.token = "sC5hTf3YCCUmSOvoMXgm1191189604975".into();
    ok.redirect_url =
        "https://homologation-webpayment.payline.com/v2/?token=sC5hTf3YCCUmSOvoMXgm1191189604975"
            .into();
    response::<ManageWebWalletRequest>("manageWebWallet/accepted.xml", &ok);
}

#[test]
fn get_web_wallet() {
    request(
        "getWebWallet/request.xml",
        &GetWebWalletRequest::new("sC5hTf3YCCUmSOvoMXgm1191189604975"),
    );

    let mut wallet = Wallet::new(
        "WAL-anne-0002",
        stored_card("497010XXXXXX0154", "1230", "497010Qh2Zk40154"),
    );
    wallet.last_name = Some("Dupont".into());
    wallet.first_name = Some("Anne".into());
    let mut r = GetWebWalletResponse::new(wallet_ok());
    r.wallet = Some(wallet);
    r.extended_card = ExtendedCard {
        country: Some("FRA".into()),
        ..ExtendedCard::default()
    };
    r.number_of_attempt = Some("1".into());
    response::<GetWebWalletRequest>("getWebWallet/accepted.xml", &r);
}

#[test]
fn requests_route_to_their_service() {
    assert_eq!(DoWebPaymentRequest::OPERATION.api().name(), "WebPaymentAPI");
    assert_eq!(GetWebWalletRequest::OPERATION.api().name(), "WebPaymentAPI");
    assert_eq!(
        DoRecurrentWalletPaymentRequest::OPERATION.api().name(),
        "DirectPaymentAPI"
    );
    // Default requests carry the current version, ready to be filled field by field.
    assert_eq!(GetWalletRequest::default().version, VERSION);
    assert_eq!(
        UpdatePaymentRecordRequest::default().version.as_deref(),
        Some(VERSION)
    );
}
