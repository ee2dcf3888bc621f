use super::*;
use crate::messages::{DoCaptureRequest, DoCaptureResponse};
use crate::objects::{PaylineResult, Payment, Transaction};
use crate::values::{Action, Amount, Currency, Mode, ReturnCode};

fn capture() -> DoCaptureRequest {
    DoCaptureRequest {
        version: "34".into(),
        transaction_id: "25045093012345".into(),
        payment: Payment {
            amount: Amount::from_minor(2599),
            currency: Currency::EUR,
            action: Action::CAPTURE,
            mode: Mode::CPT,
            contract_number: None,
            differed_action_date: None,
            method: None,
            soft_descriptor: None,
            card_brand: None,
            registration_token: None,
            cumulated_amount: None,
        },
        private_data_list: None,
        sequence_number: Some("a<b&c".into()),
        media: None,
        misc_data: None,
    }
}

#[test]
fn encodes_namespaces_nil_and_escapes() {
    let xml = encode_request(&capture()).unwrap();
    assert!(xml.contains("<impl:doCaptureRequest>"), "{xml}");
    assert!(xml.contains("<impl:version>34</impl:version>"), "{xml}");
    assert!(
        xml.contains("<impl:payment><obj:amount>2599</obj:amount><obj:currency>978</obj:currency>"),
        "{xml}"
    );
    assert!(
        xml.contains(r#"<impl:privateDataList xsi:nil="true"/>"#),
        "{xml}"
    );
    assert!(
        xml.contains("<impl:sequenceNumber>a&lt;b&amp;c</impl:sequenceNumber>"),
        "{xml}"
    );
    assert_eq!(decode_request::<DoCaptureRequest>(&xml).unwrap(), capture());
}

#[test]
fn rejects_control_characters() {
    let mut r = capture();
    r.sequence_number = Some("a\u{1}".into());
    assert_eq!(encode_request(&r), Err(EncodeError::InvalidCharacter(1)));
}

#[test]
fn decodes_any_prefix_default_namespace_nil_and_empty() {
    let xml = r#"<?xml version="1.0"?>
<S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <S:Header/>
  <S:Body>
    <doCaptureResponse xmlns="http://impl.ws.payline.experian.com">
      <result><code xmlns="http://obj.ws.payline.experian.com">00000</code><shortMessage/><unknown>x</unknown></result>
      <transaction xsi:type="x:transaction"><id>1</id><date>05/12/23 20:27</date><isDuplicated xsi:nil="true"/></transaction>
      <reAuthorization></reAuthorization>
    </doCaptureResponse>
  </S:Body>
</S:Envelope>"#;
    let r = decode_response::<DoCaptureRequest>(xml).unwrap();
    assert_eq!(
        r,
        DoCaptureResponse {
            result: PaylineResult {
                code: ReturnCode::APPROVED,
                short_message: None,
                long_message: None,
                partner_code: None,
                partner_code_label: None
            },
            transaction: Transaction {
                id: "1".into(),
                date: "05/12/23 20:27".into(),
                ..Transaction::default()
            },
            re_authorization: None,
        }
    );
}

#[test]
fn fault_round_trips() {
    let f = Fault {
        detail: Some("bad <xml>".into()),
        ..Fault::client("Unreadable request")
    };
    let xml = encode_fault(&f).unwrap();
    assert_eq!(
        decode_response::<DoCaptureRequest>(&xml),
        Err(DecodeError::Fault(f))
    );
}

#[test]
fn rejects_wrong_operation_and_garbage() {
    let xml = encode_request(&capture()).unwrap();
    assert!(matches!(
        decode_response::<DoCaptureRequest>(&xml),
        Err(DecodeError::UnexpectedElement { .. })
    ));
    assert!(matches!(
        decode_any_request(&xml),
        Ok(AnyRequest::DoCapture(_))
    ));
    assert!(matches!(
        decode_any_request("<a/>"),
        Err(DecodeError::NotSoap(_))
    ));
    assert!(matches!(
        decode_any_request(""),
        Err(DecodeError::NotSoap(_))
    ));
    assert!(matches!(
        decode_any_request(&xml[..xml.len() - 20]),
        Err(DecodeError::Malformed { .. })
    ));
    let dtd = r#"<!DOCTYPE x [<!ENTITY a "b">]><x/>"#;
    assert!(matches!(
        decode_any_request(dtd),
        Err(DecodeError::Malformed { .. })
    ));
    let big = " ".repeat(MAX_MESSAGE_BYTES + 1);
    assert!(matches!(
        decode_any_request(&big),
        Err(DecodeError::TooLarge { .. })
    ));
    let deep = format!(
        "<Envelope><Body>{}{}</Body></Envelope>",
        "<a>".repeat(100),
        "</a>".repeat(100)
    );
    assert_eq!(
        decode_any_request(&deep),
        Err(DecodeError::TooDeep(MAX_DEPTH))
    );
}

#[test]
fn server_side_helpers() {
    let xml = encode_request(&capture()).unwrap();
    assert_eq!(request_operation(&xml), Ok(Operation::DoCapture));
    let response = AnyResponse::from(DoCaptureResponse::new(PaylineResult::new(
        ReturnCode::APPROVED,
    )));
    assert_eq!(response.operation(), Operation::DoCapture);
    let encoded = encode_any_response(&response).unwrap();
    assert_eq!(
        encode_response(&DoCaptureResponse::new(PaylineResult::new(
            ReturnCode::APPROVED
        )))
        .unwrap(),
        encoded
    );
    assert!(
        encoded.contains(
            "<impl:doCaptureResponse><impl:result><obj:code>00000</obj:code></impl:result>"
        ),
        "{encoded}"
    );
    // A response is not a request.
    assert!(matches!(
        decode_any_request(&encoded),
        Err(DecodeError::UnsupportedOperation(_))
    ));
}

/// Found by the `roundtrip` fuzz target: an empty element carrying an unknown attribute
/// decoded as `Some("")`, which encodes as an empty element and decodes back as `None`.
#[test]
fn empty_element_with_unknown_attribute_is_absent() {
    let xml = encode_request(&capture()).unwrap().replace(
        "<impl:media xsi:nil=\"true\"/>",
        "<impl:media xsinil=\"true\"/>",
    );
    assert!(xml.contains("xsinil"));
    let decoded = decode_request::<DoCaptureRequest>(&xml).unwrap();
    assert_eq!(decoded.media, None);
    assert_eq!(decoded, capture());
}
