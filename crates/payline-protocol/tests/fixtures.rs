//! Golden SOAP files (`tests/fixtures/<operation>/*.xml`, described in `tests/fixtures/README.md`):
//! each one is decoded and compared with a typed literal, then encoded and decoded again.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use payline_protocol::messages::*;
use payline_protocol::objects::*;
use payline_protocol::secret::Secret;
use payline_protocol::values::*;
use payline_protocol::{DecodeError, Fault, decode_response, encode_request};

mod common;
use common::*;

fn amount(minor: u64) -> Option<Amount> {
    Amount::from_minor(minor)
}

fn payment(minor: u64, action: Action, contract: Option<&str>) -> Payment {
    let mut p = Payment::new(Currency::EUR, action, Mode::CPT);
    p.amount = amount(minor);
    p.contract_number = contract.map(Into::into);
    p
}

fn card_out(number: &str, expiry: &str) -> CardOut {
    CardOut {
        number: Some(number.into()),
        r#type: Some(CardType::CB),
        expiration_date: Some(expiry.parse().unwrap()),
        ..CardOut::default()
    }
}

// ---------------------------------------------------------------------------------------------
// doAuthorization

fn authorization_request() -> DoAuthorizationRequest {
    let mut card = Card::new(CardType::CB);
    card.number = Some(Secret::new("4970101122334455"));
    card.expiration_date = Some("1255".parse().unwrap());
    card.cvx = Some(Secret::new("123"));
    DoAuthorizationRequest::new(
        payment(2599, Action::AUTHORIZATION_AND_CAPTURE, Some("1234567")),
        card,
        order("CMD-2025-0001 & <gift>", 2599, "14/02/2025 09:30"),
    )
}

#[test]
fn do_authorization_request_is_byte_exact() {
    let xml = fixture("doAuthorization/request.xml");
    request("doAuthorization/request.xml", &authorization_request());
    assert_eq!(encode_request(&authorization_request()).unwrap(), xml);
}

#[test]
fn do_authorization_request_php_style() {
    let mut card = Card::new(CardType::CB);
    card.expiration_date = Some("1230".parse().unwrap());
    card.cvx = Some(Secret::new("987"));
    card.token = Some("497010Qh2Zk40154".into());
    let mut o = order("CMD-2025-0002", 2599, "14/02/2025 09:31");
    o.country = Some("FR".into());
    let mut r = DoAuthorizationRequest::new(
        payment(2599, Action::AUTHORIZATION, Some("1234567")),
        card,
        o,
    );
    r.owner = Some(Owner {
        last_name: Some("Dupont".into()),
        first_name: Some("Anne".into()),
        billing_address: Some(AddressOwner {
            street: Some("1 rue de la Paix".into()),
            city_name: Some("Paris".into()),
            zip_code: Some("75002".into()),
            country: Some("FR".into()),
            phone: None,
        }),
        issue_card_date: None,
    });
    r.private_data_list = Some(PrivateDataList {
        private_data: vec![
            PrivateData {
                key: "cart".into(),
                value: "42".into(),
            },
            PrivateData {
                key: "channel".into(),
                value: "web".into(),
            },
        ],
    });
    request("doAuthorization/request-php-style.xml", &r);
}

#[test]
fn do_authorization_accepted() {
    let mut r = DoAuthorizationResponse::new(result(
        ReturnCode::APPROVED,
        "ACCEPTED",
        "Transaction approved",
    ));
    r.transaction = Transaction {
        is_duplicated: Some("0".into()),
        is_possible_fraud: Some("0".into()),
        three_d_secure: Some("N".into()),
        ..transaction("25045093012345", "14/02/25 09:30:12")
    };
    r.authorization = Authorization {
        number: "A55A".into(),
        date: "14/02/25 09:30:12".into(),
        ..Authorization::default()
    };
    r.card = CardOut {
        token: Some("497010Qh2Zk40154".into()),
        ..card_out("497010XXXXXX0154", "1230")
    };
    r.extended_card = ExtendedCard {
        country: Some("FRA".into()),
        r#type: Some("CB".into()),
        network: Some("CB".into()),
        ..ExtendedCard::default()
    };
    r.contract_number = "1234567".into();
    response::<DoAuthorizationRequest>("doAuthorization/accepted.xml", &r);
    assert_eq!(
        outcome(Operation::DoAuthorization, r.result.code),
        Outcome::Accepted
    );
}

#[test]
fn do_authorization_refused() {
    let mut res = result(ReturnCode::AMOUNT_LIMIT, "REFUSED", "Amount limit");
    res.partner_code = Some("51".into());
    let mut r = DoAuthorizationResponse::new(res);
    r.transaction = Transaction {
        is_duplicated: Some("0".into()),
        is_possible_fraud: Some("0".into()),
        ..transaction("25045093012346", "14/02/2025 09:35:01")
    };
    r.contract_number = "1234567".into();
    response::<DoAuthorizationRequest>("doAuthorization/refused.xml", &r);
    assert_eq!(
        outcome(Operation::DoAuthorization, r.result.code),
        Outcome::Refused
    );
}

#[test]
fn do_authorization_technical_error() {
    let r = DoAuthorizationResponse::new(result(
        ReturnCode::TECHNICAL_ERROR,
        "EXCEPTION",
        "Erreur lors de l'appel au service DirectPaymentAPI",
    ));
    response::<DoAuthorizationRequest>("doAuthorization/error.xml", &r);
    assert_eq!(
        outcome(Operation::DoAuthorization, r.result.code),
        Outcome::Error
    );
}

#[test]
fn do_authorization_fault() {
    let expected = Fault {
        detail: Some("card & order missing".into()),
        ..Fault::client("Unmarshalling Error: unexpected element")
    };
    let xml = fixture("doAuthorization/fault.xml");
    assert_eq!(
        decode_response::<DoAuthorizationRequest>(&xml),
        Err(DecodeError::Fault(expected.clone()))
    );
    let encoded = payline_protocol::encode_fault(&expected).unwrap();
    assert_eq!(
        decode_response::<DoAuthorizationRequest>(&encoded),
        Err(DecodeError::Fault(expected))
    );
}

// ---------------------------------------------------------------------------------------------
// 3-D Secure

#[test]
fn verify_enrollment_request() {
    let mut card = Card::new(CardType::CB);
    card.expiration_date = Some("1230".parse().unwrap());
    card.cardholder = Some("Anne Dupont".into());
    card.token = Some("497010Qh2Zk40154".into());
    let mut r = VerifyEnrollmentRequest::new(
        card,
        payment(2599, Action::AUTHORIZATION_AND_CAPTURE, Some("1234567")),
    );
    r.order_ref = "CMD-2025-0003".into();
    r.user_agent = Some("Mozilla/5.0 (X11; Linux x86_64)".into());
    r.return_url = Some("https://shop.example/3ds/return?order=CMD-2025-0003&step=cres".into());
    r.order = Some(order("CMD-2025-0003", 2599, "14/02/2025 10:00"));
    r.three_ds_info = Some(ThreeDsInfo {
        challenge_ind: Some("01".into()),
        browser: Some(Browser {
            accept_header: Some("text/html".into()),
            java_enabled: Some("false".into()),
            javascript_enabled: Some("true".into()),
            language: Some("fr-FR".into()),
            color_depth: Some("24".into()),
            screen_height: Some("1080".into()),
            screen_width: Some("1920".into()),
            time_zone_offset: Some("-60".into()),
            user_agent: Some("Mozilla/5.0 (X11; Linux x86_64)".into()),
        }),
        three_ds_method_notification_url: Some("https://shop.example/3ds/method".into()),
        challenge_window_size: Some("05".into()),
        ..ThreeDsInfo::default()
    });
    request("verifyEnrollment/request.xml", &r);
}

#[test]
fn verify_enrollment_challenge() {
    let mut r = VerifyEnrollmentResponse::new(result(
        ReturnCode::THREE_DS_ACCEPTED,
        "ACCEPTED",
        "Transaction accepted",
    ));
    r.transient = Some("eyJzZXNzaW9uIjoiYWJjIn0=".into());
    r.action_url = Some("https://acs.example/challenge".into());
    r.action_method = Some("POST".into());
    r.pareq_field_name = Some("creq".into());
    r.pareq_field_value = Some("eJxVUk1v2zAM/SuG7o4k".into());
    r.term_url_name = Some("TermUrl".into());
    r.md_field_name = Some("threeDSSessionData".into());
    r.md_field_value = Some("6f1c2b7e-1d3a-4c5b-9e8f-0a1b2c3d4e5f".into());
    r.mpi_result = Some("C".into());
    response::<VerifyEnrollmentRequest>("verifyEnrollment/challenge.xml", &r);
    assert_eq!(
        outcome(Operation::VerifyEnrollment, r.result.code),
        Outcome::ThreeDSecureStep
    );
}

#[test]
fn verify_enrollment_frictionless() {
    let mut r = VerifyEnrollmentResponse::new(result(
        ReturnCode::THREE_DS_FRICTIONLESS,
        "ACCEPTED",
        "Accepted, cardholder authenticated",
    ));
    r.mpi_result = Some("Y".into());
    r.authentication_3d_secure = Some(Authentication3DSecure {
        md: Some("6f1c2b7e-1d3a-4c5b-9e8f-0a1b2c3d4e60".into()),
        result_container: Some("eyJjb250YWluZXJWZXJzaW9uIjoiMiIsImVjaSI6IjA1In0=".into()),
        ..Authentication3DSecure::default()
    });
    r.token = Some("497010Qh2Zk40154".into());
    response::<VerifyEnrollmentRequest>("verifyEnrollment/frictionless.xml", &r);
    assert_eq!(
        outcome(Operation::VerifyEnrollment, r.result.code),
        Outcome::Accepted
    );
}

#[test]
fn verify_authentication() {
    let r = VerifyAuthenticationRequest {
        transient: Some("eyJzZXNzaW9uIjoiYWJjIn0=".into()),
        version: VERSION.into(),
        contract_number: "1234567".into(),
        pares: "eyJ0cmFuc1N0YXR1cyI6IlkifQ".into(),
        md: Some("6f1c2b7e-1d3a-4c5b-9e8f-0a1b2c3d4e5f".into()),
        ..VerifyAuthenticationRequest::default()
    };
    request("verifyAuthentication/request.xml", &r);

    let mut r = VerifyAuthenticationResponse::new(result(
        ReturnCode::THREE_DS_ACCEPTED,
        "ACCEPTED",
        "Transaction accepted",
    ));
    r.authentication_3d_secure = Some(Authentication3DSecure {
        md: Some("6f1c2b7e-1d3a-4c5b-9e8f-0a1b2c3d4e5f".into()),
        eci: Some("05".into()),
        cavv: Some("AAABBEg0VhI0VniQEjRWAAAAAAA=".into()),
        cavv_algorithm: Some("2".into()),
        pa_res_status: Some("Y".into()),
        ve_res_status: Some("Y".into()),
        ..Authentication3DSecure::default()
    });
    r.mpi_result = Some("Y".into());
    response::<VerifyAuthenticationRequest>("verifyAuthentication/accepted.xml", &r);
    assert_eq!(
        outcome(Operation::VerifyAuthentication, r.result.code),
        Outcome::Accepted
    );
}

// ---------------------------------------------------------------------------------------------
// Back office

#[test]
fn do_capture() {
    let mut r = DoCaptureRequest::new(payment(1000, Action::CAPTURE, None));
    r.transaction_id = "25045093012345".into();
    r.sequence_number = Some("cap-1".into());
    request("doCapture/request.xml", &r);

    let mut r = DoCaptureResponse::new(result(
        ReturnCode::APPROVED,
        "ACCEPTED",
        "Transaction approved",
    ));
    r.transaction = transaction("25045093012350", "14/02/25 11:00");
    r.re_authorization = Some("0".into());
    response::<DoCaptureRequest>("doCapture/accepted.xml", &r);

    let r = DoCaptureResponse::new(result(
        ReturnCode::ALREADY_CAPTURED,
        "ERROR",
        "Transaction already captured",
    ));
    response::<DoCaptureRequest>("doCapture/error.xml", &r);
    assert_eq!(outcome(Operation::DoCapture, r.result.code), Outcome::Error);
}

#[test]
fn do_reset() {
    let r = DoResetRequest {
        version: VERSION.into(),
        transaction_id: "25045093012345".into(),
        comment: Some("Buyer changed their mind".into()),
        ..DoResetRequest::default()
    };
    request("doReset/request.xml", &r);

    let mut r = DoResetResponse::new(result(
        ReturnCode::APPROVED,
        "ACCEPTED",
        "Transaction approved",
    ));
    r.transaction = transaction("25045093012360", "14/02/25 11:05");
    response::<DoResetRequest>("doReset/accepted.xml", &r);

    let r = DoResetResponse::new(result(
        ReturnCode::RESET_ALREADY_DONE,
        "ERROR",
        "Reset already done",
    ));
    response::<DoResetRequest>("doReset/error.xml", &r);
}

#[test]
fn do_refund() {
    let mut r = DoRefundRequest::new(payment(500, Action::REFUND, None));
    r.transaction_id = "25045093012350".into();
    r.comment = Some("Partial refund: one item returned".into());
    r.sequence_number = Some("ref-1".into());
    r.details = Some(Details {
        details: vec![OrderDetail {
            r#ref: Some("SKU-1".into()),
            price: Some("500".into()),
            quantity: Some("1".into()),
            ..OrderDetail::default()
        }],
    });
    request("doRefund/request.xml", &r);

    let mut r = DoRefundResponse::new(result(
        ReturnCode::APPROVED,
        "ACCEPTED",
        "Transaction approved",
    ));
    r.transaction = transaction("25045093012370", "20/02/25 08:00");
    r.misc_data = Some(MiscData {
        misc_data_pair: vec![MiscDataPair {
            key: "voucher".into(),
            value: Some("V-77".into()),
        }],
    });
    response::<DoRefundRequest>("doRefund/accepted.xml", &r);

    let r = DoRefundResponse::new(result(
        ReturnCode::MAX_CAPTURE_OR_REFUND_SUM_EXCEEDED,
        "ERROR",
        "Maximum sum of captures or refunds exceeded",
    ));
    response::<DoRefundRequest>("doRefund/error.xml", &r);
}

#[test]
fn do_credit() {
    let mut card = Card::new(CardType::CB);
    card.number = Some(Secret::new("4970101122334455"));
    card.expiration_date = Some("1255".parse().unwrap());
    let mut r = DoCreditRequest::new(payment(1500, Action::CREDIT, Some("1234567")), card);
    r.comment = Some("Goodwill gesture".into());
    r.order = Some(order("CREDIT-0001", 1500, "21/02/2025 16:45"));
    request("doCredit/request.xml", &r);

    let mut r = DoCreditResponse::new(result(
        ReturnCode::APPROVED,
        "ACCEPTED",
        "Transaction approved",
    ));
    r.transaction = transaction("25045093012380", "21/02/25 16:45");
    r.card = card_out("497010XXXXXX4455", "1255");
    r.extended_card = ExtendedCard {
        country: Some("FRA".into()),
        is_cvd: Some("N".into()),
        bank: Some("20041 - LA POSTE".into()),
        r#type: Some("CB".into()),
        network: Some("CB".into()),
        product: Some("Visa Classic".into()),
    };
    response::<DoCreditRequest>("doCredit/accepted.xml", &r);
}

#[test]
fn do_re_authorization() {
    let mut r = DoReAuthorizationRequest::new(
        payment(2599, Action::REAUTHORIZATION, Some("1234567")),
        order("CMD-2025-0001-R1", 2599, "24/02/2025 08:00"),
    );
    r.transaction_id = "25045093012345".into();
    request("doReAuthorization/request.xml", &r);

    let r = DoReAuthorizationResponse::new(result(
        ReturnCode::NO_REAUTHORIZATION_OPTION,
        "ERROR",
        "You do not have the reauthorization option",
    ));
    response::<DoReAuthorizationRequest>("doReAuthorization/refused.xml", &r);
}

#[test]
fn get_token() {
    let r = GetTokenRequest {
        card_number: Secret::new("4970101122334455"),
        expiration_date: Some("1255".parse().unwrap()),
        contract_number: "1234567".into(),
    };
    request("getToken/request.xml", &r);

    let mut r = GetTokenResponse::new(
        result(
            ReturnCode::OPERATION_SUCCESSFUL,
            "ACCEPTED",
            "Operation Successfull",
        ),
        "1255".parse().unwrap(),
        CardType::CB,
    );
    r.token = "497010TySnYE4455".into();
    r.masked_card_number = "497010XXXXXX4455".into();
    r.virtual_card = "N".into();
    r.card_product = "Visa Classic".into();
    r.acceptance_network = "VISA".into();
    r.bank = "20041(LA BANQUE POSTALE   )".into();
    response::<GetTokenRequest>("getToken/accepted.xml", &r);
    assert_eq!(
        outcome(Operation::GetToken, r.result.code),
        Outcome::Accepted
    );
}

#[test]
fn get_transaction_details() {
    let r = GetTransactionDetailsRequest {
        version: VERSION.into(),
        transaction_id: Some("25045093012345".into()),
        transaction_history: Some("Y".into()),
        archive_search: Some("false".into()),
        ..GetTransactionDetailsRequest::default()
    };
    request("getTransactionDetails/request.xml", &r);

    let mut r = GetTransactionDetailsResponse::new(result(
        ReturnCode::APPROVED,
        "ACCEPTED",
        "Transaction approved",
    ));
    r.transaction = Some(Transaction {
        is_duplicated: Some("0".into()),
        is_possible_fraud: Some("0".into()),
        three_d_secure: Some("Y".into()),
        r#type: Some("AUTHOR+CAP".into()),
        ..transaction("25045093012345", "14/02/2025 09:30:12")
    });
    r.payment = Some(payment(
        2599,
        Action::AUTHORIZATION_AND_CAPTURE,
        Some("1234567"),
    ));
    r.authorization = Some(Authorization {
        number: "A55A".into(),
        date: "14/02/2025 09:30:12".into(),
        ..Authorization::default()
    });
    r.order = Some(order("CMD-2025-0001", 2599, "14/02/2025 09:30"));
    r.card = card_out("497010XXXXXX4455", "1255");
    r.extended_card = ExtendedCard {
        country: Some("FRA".into()),
        ..ExtendedCard::default()
    };
    r.associated_transactions_list = Some(AssociatedTransactionsList {
        associated_transactions: vec![AssociatedTransactions {
            transaction_id: "25045093012350".into(),
            r#type: "REFUND".into(),
            date: "20/02/2025 08:00".into(),
            amount: "500".into(),
            status: "OK".into(),
            origin_transaction_id: "25045093012345".into(),
            currency: None,
        }],
    });
    let history = |date: &str, status: &str| StatusHistory {
        transaction_id: "25045093012345".into(),
        date: date.into(),
        amount: "2599".into(),
        fees: "0".into(),
        status: status.into(),
        origin_transaction_id: "25045093012345".into(),
        ..StatusHistory::default()
    };
    r.status_history_list = Some(StatusHistoryList {
        status_history: vec![
            history("14/02/2025 09:30", "AUTHORIZED"),
            history("15/02/2025 02:00", "CAPTURED"),
        ],
    });
    r.customer_media = Media {
        id: "1".into(),
        label: "Computer".into(),
        operating_system: "Linux".into(),
        browser: "Firefox".into(),
        user_agent: "Mozilla/5.0".into(),
    };
    r.contract_number = "1234567".into();
    r.point_of_sell = PointOfSell {
        label: Some("Shop".into()),
        ..PointOfSell::default()
    };
    response::<GetTransactionDetailsRequest>("getTransactionDetails/accepted.xml", &r);
}

#[test]
fn transactions_search() {
    let mut r = TransactionsSearchRequest::new(
        "01/02/2025".parse().unwrap(),
        "28/02/2025".parse().unwrap(),
    );
    r.contract_number = Some("1234567".into());
    r.return_code = Some("00000".into());
    r.currency = Some(Currency::EUR);
    r.min_amount = amount(100);
    r.max_amount = amount(100_000);
    request("transactionsSearch/request.xml", &r);

    let mut r = TransactionsSearchResponse::new(result(
        ReturnCode::APPROVED,
        "ACCEPTED",
        "Transaction approved",
    ));
    let t = |id: &str, date: &str| Transaction {
        is_possible_fraud: Some("0".into()),
        ..transaction(id, date)
    };
    r.transaction_list = Some(TransactionList {
        transaction: vec![
            t("25045093012345", "14/02/2025 09:30:12"),
            t("25045093012346", "14/02/2025 09:35:01"),
        ],
    });
    response::<TransactionsSearchRequest>("transactionsSearch/accepted.xml", &r);

    let r = TransactionsSearchResponse::new(result(
        ReturnCode::NO_MATCHING_TRANSACTION,
        "ERROR",
        "No transaction matches the search criteria",
    ));
    response::<TransactionsSearchRequest>("transactionsSearch/error.xml", &r);
}

/// Every file under tests/fixtures is used by a test above.
#[test]
fn every_fixture_is_covered() {
    let source = [
        include_str!("fixtures.rs"),
        include_str!("wallet_fixtures.rs"),
        include_str!("other_fixtures.rs"),
    ]
    .concat();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    for op in std::fs::read_dir(&dir).unwrap() {
        let op = op.unwrap();
        if !op.file_type().unwrap().is_dir() {
            continue;
        }
        for f in std::fs::read_dir(op.path()).unwrap() {
            let name = format!(
                "\"{}/{}\"",
                op.file_name().to_string_lossy(),
                f.unwrap().file_name().to_string_lossy()
            );
            assert!(
                source.contains(&name),
                "fixture {name} is not used by any test"
            );
        }
    }
}
