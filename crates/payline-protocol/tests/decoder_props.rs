//! Property tests of the decoder and the value parsers: no input makes them panic, and what the
//! encoder writes the decoder reads back. Longer runs: the cargo-fuzz targets in `fuzz/`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use payline_protocol::messages::*;
use payline_protocol::objects::*;
use payline_protocol::secret::Secret;
use payline_protocol::values::*;
use payline_protocol::{
    decode_any_request, decode_request, decode_response, encode_request, encode_response,
};
use proptest::prelude::*;

const FIXTURES: &[&str] = &[
    include_str!("fixtures/doAuthorization/request.xml"),
    include_str!("fixtures/doAuthorization/request-php-style.xml"),
    include_str!("fixtures/doAuthorization/refused.xml"),
    include_str!("fixtures/verifyEnrollment/request.xml"),
    include_str!("fixtures/getTransactionDetails/accepted.xml"),
    include_str!("fixtures/createWallet/request.xml"),
    include_str!("fixtures/getCards/accepted.xml"),
    include_str!("fixtures/doRecurrentWalletPayment/request.xml"),
    include_str!("fixtures/doRecurrentWalletPayment/accepted.xml"),
    include_str!("fixtures/getPaymentRecord/accepted.xml"),
    include_str!("fixtures/doWebPayment/request.xml"),
    include_str!("fixtures/getWebPaymentDetails/accepted.xml"),
];

/// Runs every decoder on `xml`; only the absence of a panic matters.
fn decode_all(xml: &str) {
    let _ = decode_any_request(xml);
    let _ = decode_response::<DoAuthorizationRequest>(xml);
    let _ = decode_response::<VerifyEnrollmentRequest>(xml);
    let _ = decode_response::<GetTransactionDetailsRequest>(xml);
    let _ = decode_request::<DoAuthorizationRequest>(xml);
    let _ = decode_response::<CreateWalletRequest>(xml);
    let _ = decode_response::<GetCardsRequest>(xml);
    let _ = decode_response::<DoRecurrentWalletPaymentRequest>(xml);
    let _ = decode_response::<GetPaymentRecordRequest>(xml);
    let _ = decode_response::<GetBillingRecordRequest>(xml);
    let _ = decode_response::<GetWebPaymentDetailsRequest>(xml);
}

/// XML-ish fragments, so that random documents get past the first bytes.
fn xmlish() -> impl Strategy<Value = String> {
    let token = prop_oneof![
        Just("<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\">".to_owned()),
        Just("<soapenv:Body>".to_owned()),
        Just("</soapenv:Body>".to_owned()),
        Just("</soapenv:Envelope>".to_owned()),
        Just("<Envelope><Body>".to_owned()),
        Just("<doAuthorizationRequest>".to_owned()),
        Just("</doAuthorizationRequest>".to_owned()),
        Just("<payment><amount>1</amount><currency>978</currency><action>101</action><mode>CPT</mode></payment>".to_owned()),
        Just("<card><type>CB</type></card>".to_owned()),
        Just("<x xsi:nil=\"true\"/>".to_owned()),
        Just("<Fault><faultcode>c</faultcode></Fault>".to_owned()),
        Just("&amp;".to_owned()),
        Just("&#x0;".to_owned()),
        Just("&bogus;".to_owned()),
        Just("<![CDATA[x]]>".to_owned()),
        Just("<!DOCTYPE x>".to_owned()),
        Just("<?xml version=\"1.0\"?>".to_owned()),
        "[a-zA-Z0-9<>/=\"' :&;-]{0,12}",
    ];
    prop::collection::vec(token, 0..40).prop_map(|v| v.concat())
}

/// Text a field can carry and get back unchanged: XML 1.0 characters, no carriage return (XML
/// parsers turn it into a line feed), not blank, no surrounding spaces (the decoder trims).
fn field_text() -> impl Strategy<Value = String> {
    "[^\u{0}-\u{1f}\u{7f}\u{fffe}\u{ffff}]{1,40}"
        .prop_filter("trimmed", |s| s.trim() == s && !s.is_empty())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        decode_all(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn arbitrary_xmlish_documents_never_panic(doc in xmlish()) {
        decode_all(&doc);
    }

    #[test]
    fn mutated_fixtures_never_panic(
        which in 0..FIXTURES.len(),
        cut in any::<prop::sample::Index>(),
        insert in "[<>&/\"a-z0-9 ]{0,8}",
    ) {
        let doc = FIXTURES[which];
        let mut at = cut.index(doc.len() + 1);
        while !doc.is_char_boundary(at) {
            at -= 1;
        }
        decode_all(&doc[..at]);
        decode_all(&format!("{}{}{}", &doc[..at], insert, &doc[at..]));
    }

    #[test]
    fn value_parsers_never_panic(s in ".{0,20}") {
        let _ = s.parse::<Amount>();
        let _ = s.parse::<Currency>();
        let _ = s.parse::<Action>();
        let _ = s.parse::<Mode>();
        let _ = s.parse::<CardType>();
        let _ = s.parse::<ReturnCode>();
        let _ = s.parse::<BillingCycle>();
        let _ = s.parse::<BillingRecordStatus>();
        let _ = s.parse::<Date>();
        let _ = s.parse::<DateTimeMinutes>();
        let _ = s.parse::<ShortDate>();
        let _ = s.parse::<CardExpiry>();
    }

    #[test]
    fn any_text_round_trips_through_a_request(
        reference in field_text(),
        holder in field_text(),
        pan in "[0-9]{12,19}",
        minor in 0u64..=999_999_999_999,
        currency in 1u16..=999,
    ) {
        let mut card = Card::new(CardType::VISA);
        card.number = Some(Secret::new(pan));
        card.cardholder = Some(holder);
        let amount = Amount::from_minor(minor).unwrap();
        let currency = Currency::from_numeric(currency).unwrap();
        let mut order = Order::new(amount, currency, "29/02/2024 23:59".parse().unwrap());
        order.r#ref = reference;
        let mut payment = Payment::new(currency, Action::AUTHORIZATION, Mode::CPT);
        payment.amount = Some(amount);
        let request = DoAuthorizationRequest::new(payment, card, order);
        let xml = encode_request(&request).unwrap();
        prop_assert_eq!(decode_request::<DoAuthorizationRequest>(&xml).unwrap(), request);
    }

    #[test]
    fn any_schedule_round_trips_through_a_payment_record(
        wallet_id in field_text(),
        amounts in prop::collection::vec(0u64..=999_999_999_999, 1..5),
        status in 0u8..=9,
        cycle in 10u8..=99,
        day in 1u8..=28,
        month in 1u8..=12,
    ) {
        let at = Date::new(2024, month, day).unwrap();
        let status: BillingRecordStatus = status.to_string().parse().unwrap();
        let each = Amount::from_minor(amounts[0]).unwrap();
        let mut response = GetPaymentRecordResponse::new(PaylineResult::new(ReturnCode::OPERATION_SUCCESSFUL));
        response.recurring = Some(Recurring::subscription(each, cycle.to_string().parse().unwrap(), at));
        response.billing_record_list = amounts
            .iter()
            .map(|m| BillingRecord::new(at, Amount::from_minor(*m).unwrap(), status))
            .collect::<Vec<_>>()
            .into();
        response.wallet_id = wallet_id;
        let xml = encode_response(&response).unwrap();
        prop_assert_eq!(decode_response::<GetPaymentRecordRequest>(&xml).unwrap(), response);
    }

    #[test]
    fn any_result_round_trips_through_a_response(code in "[0-9A-Z]{5}", long in field_text()) {
        let mut result = PaylineResult::new(code.parse().unwrap());
        result.long_message = Some(long);
        let response = DoCaptureResponse::new(result);
        let xml = encode_response(&response).unwrap();
        prop_assert_eq!(decode_response::<DoCaptureRequest>(&xml).unwrap(), response);
    }
}
