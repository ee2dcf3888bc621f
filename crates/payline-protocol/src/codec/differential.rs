//! The one-pass codec against the two-pass one it replaced ([`super::reference`]): every
//! fixture, and mutated fixtures, must decode to the same value or the same error, and every
//! decoded message must encode to the same bytes.

use proptest::prelude::*;

use super::reference;
use super::*;
use crate::messages::*;

/// Calls `$check::<Request type>($($arg),*)` for the request type of `$operation`.
macro_rules! with_request_type {
    ($operation:expr, $check:ident($($arg:expr),*)) => {
        #[allow(unreachable_patterns)]
        match $operation {
            Operation::DoAuthorization => $check::<DoAuthorizationRequest>($($arg),*),
            Operation::DoCapture => $check::<DoCaptureRequest>($($arg),*),
            Operation::DoReset => $check::<DoResetRequest>($($arg),*),
            Operation::DoRefund => $check::<DoRefundRequest>($($arg),*),
            Operation::DoCredit => $check::<DoCreditRequest>($($arg),*),
            Operation::DoReAuthorization => $check::<DoReAuthorizationRequest>($($arg),*),
            Operation::VerifyEnrollment => $check::<VerifyEnrollmentRequest>($($arg),*),
            Operation::VerifyAuthentication => $check::<VerifyAuthenticationRequest>($($arg),*),
            Operation::GetToken => $check::<GetTokenRequest>($($arg),*),
            Operation::GetTransactionDetails => $check::<GetTransactionDetailsRequest>($($arg),*),
            Operation::TransactionsSearch => $check::<TransactionsSearchRequest>($($arg),*),
            Operation::CreateWallet => $check::<CreateWalletRequest>($($arg),*),
            Operation::UpdateWallet => $check::<UpdateWalletRequest>($($arg),*),
            Operation::GetWallet => $check::<GetWalletRequest>($($arg),*),
            Operation::GetCards => $check::<GetCardsRequest>($($arg),*),
            Operation::DisableWallet => $check::<DisableWalletRequest>($($arg),*),
            Operation::EnableWallet => $check::<EnableWalletRequest>($($arg),*),
            Operation::DoImmediateWalletPayment => $check::<DoImmediateWalletPaymentRequest>($($arg),*),
            Operation::DoScheduledWalletPayment => $check::<DoScheduledWalletPaymentRequest>($($arg),*),
            Operation::DoRecurrentWalletPayment => $check::<DoRecurrentWalletPaymentRequest>($($arg),*),
            Operation::GetPaymentRecord => $check::<GetPaymentRecordRequest>($($arg),*),
            Operation::DisablePaymentRecord => $check::<DisablePaymentRecordRequest>($($arg),*),
            Operation::UpdatePaymentRecord => $check::<UpdatePaymentRecordRequest>($($arg),*),
            Operation::GetBillingRecord => $check::<GetBillingRecordRequest>($($arg),*),
            Operation::UpdateBillingRecord => $check::<UpdateBillingRecordRequest>($($arg),*),
            Operation::DoWebPayment => $check::<DoWebPaymentRequest>($($arg),*),
            Operation::GetWebPaymentDetails => $check::<GetWebPaymentDetailsRequest>($($arg),*),
            Operation::ManageWebWallet => $check::<ManageWebWalletRequest>($($arg),*),
            Operation::GetWebWallet => $check::<GetWebWalletRequest>($($arg),*),
            Operation::DoAuthorizationRedirect => $check::<DoAuthorizationRedirectRequest>($($arg),*),
            Operation::DoDebit => $check::<DoDebitRequest>($($arg),*),
            Operation::DoBankTransfer => $check::<DoBankTransferRequest>($($arg),*),
            Operation::DoScoringCheque => $check::<DoScoringChequeRequest>($($arg),*),
            Operation::GetEncryptionKey => $check::<GetEncryptionKeyRequest>($($arg),*),
            Operation::GetMerchantSettings => $check::<GetMerchantSettingsRequest>($($arg),*),
            Operation::GetBalance => $check::<GetBalanceRequest>($($arg),*),
            Operation::UnBlock => $check::<UnBlockRequest>($($arg),*),
            Operation::IsRegistered => $check::<IsRegisteredRequest>($($arg),*),
            Operation::PrepareSession => $check::<PrepareSessionRequest>($($arg),*),
            Operation::CreateWebWallet => $check::<CreateWebWalletRequest>($($arg),*),
            Operation::UpdateWebWallet => $check::<UpdateWebWalletRequest>($($arg),*),
            Operation::GetAlertDetails => $check::<GetAlertDetailsRequest>($($arg),*),
            _ => unreachable!("an operation without messages"),
        }
    };
}

/// Request and response of `R` decoded from `xml` by both codecs; what decodes is encoded by
/// both codecs too.
fn same_for<R>(xml: &str)
where
    R: Request + PartialEq,
    R::Response: PartialEq + Clone + Into<AnyResponse>,
{
    let new = decode_request::<R>(xml);
    assert_eq!(
        new,
        reference::decode_as::<R>(xml, R::OPERATION, "Request"),
        "decode_request::<{}>: {xml}",
        R::OPERATION.name()
    );
    if let Ok(request) = new {
        assert_eq!(
            encode_request(&request),
            reference::encode_request(&request),
            "encode_request: {xml}"
        );
    }
    let new = decode_response::<R>(xml);
    assert_eq!(
        new,
        reference::decode_as::<R::Response>(xml, R::OPERATION, "Response"),
        "decode_response::<{}>: {xml}",
        R::OPERATION.name()
    );
    if let Ok(response) = new {
        assert_eq!(
            encode_response(&response),
            reference::encode_response(&response),
            "encode_response: {xml}"
        );
        let any: AnyResponse = response.into();
        assert_eq!(
            encode_any_response(&any),
            reference::encode_any_response(&any),
            "encode_any_response: {xml}"
        );
    }
}

/// Every entry point of both codecs on `xml`, typed as `operation`'s messages.
fn same(xml: &str, operation: Operation) {
    let any = decode_any_request(xml);
    assert_eq!(
        any,
        reference::decode_any_request(xml),
        "decode_any_request: {xml}"
    );
    assert_eq!(
        response_result_code(xml),
        reference::response_result_code(xml),
        "response_result_code: {xml}"
    );
    with_request_type!(operation, same_for(xml));
}

fn fixtures() -> Vec<(Operation, String)> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut all = Vec::new();
    for dir in std::fs::read_dir(&root).unwrap() {
        let dir = dir.unwrap().path();
        if !dir.is_dir() {
            continue;
        }
        let name = dir.file_name().unwrap().to_str().unwrap().to_owned();
        let operation = Operation::from_name(&name).unwrap();
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|f| f.unwrap().path())
            .collect();
        files.sort();
        for file in files {
            all.push((operation, std::fs::read_to_string(file).unwrap()));
        }
    }
    all.sort_by(|a, b| a.1.cmp(&b.1));
    assert!(all.len() > 80, "fixtures not found");
    all
}

#[test]
fn every_fixture_as_every_message() {
    for (_, xml) in fixtures() {
        for &operation in AnyRequest::SUPPORTED {
            same(&xml, operation);
        }
    }
}

/// Shapes the fixtures do not show: line ends, references and CDATA around trimmed text,
/// absent elements inside absent elements, attributes, repeated and misplaced elements.
#[test]
fn edge_cases() {
    let bodies = [
        "<doCaptureRequest/>",
        "<doCaptureRequest>text</doCaptureRequest>",
        "<doCaptureRequest><version> 3&#13;4 </version><transactionID>a&#13;&#10;b</transactionID></doCaptureRequest>",
        "<doCaptureRequest><version>a\r\nb\rc</version><sequenceNumber><![CDATA[ x\r]]>\ny</sequenceNumber></doCaptureRequest>",
        "<doCaptureRequest><version>&#xA0;x&#xA0;</version><media>&#x2003;</media></doCaptureRequest>",
        "<doCaptureRequest><version>a &amp; b &lt; c</version><media> <![CDATA[]]> </media></doCaptureRequest>",
        "<doCaptureRequest><payment><amount><x/></amount></payment><version><a>1</a></version></doCaptureRequest>",
        "<doCaptureRequest><payment><amount>1</amount><amount>2</amount></payment></doCaptureRequest>",
        "<doCaptureRequest><payment>x<amount>1</amount>y</payment><payment/></doCaptureRequest>",
        "<doCaptureRequest><payment><currency>978</currency><action>101</action><mode>CPT</mode><amount>1</amount><x/></payment></doCaptureRequest>",
        "<doCaptureRequest><payment><a><b/></a></payment><version xsi:nil='true'>34</version><media xsi:nil='1'/><sequenceNumber nil='true'>7</sequenceNumber></doCaptureRequest>",
        "<doCaptureRequest id='1'><version id=' '/><media id='x'>m</media></doCaptureRequest>",
        "<doCaptureRequest><privateDataList><privateData><key>a</key></privateData><x/><privateData><key>b</key></privateData></privateDataList></doCaptureRequest>",
        "<doCaptureRequest><privateDataList><privateData>t</privateData><privateData><key><k/></key></privateData></privateDataList></doCaptureRequest>",
        "<doCaptureRequest><privateDataList><privateData><key>a</key><value>1</value></privateData></privateDataList><privateDataList/><privateDataList><privateData/></privateDataList></doCaptureRequest>",
        "<doCaptureResponse><result><code>00000</code><code>1</code></result></doCaptureResponse>",
        "<doCaptureResponse><result>x</result></doCaptureResponse>",
        "<doCaptureResponse><result><code><c>1</c></code></result></doCaptureResponse>",
        "<doCaptureResponse><result><code> 00000 </code></result><transaction><id>1</id><date>d</date></transaction></doCaptureResponse>",
        "<getMerchantSettingsResponse><result><code>00000</code></result><listPointOfSell><pointOfSell><virtualTerminal><functions><function><functionParameter id='a'/><functionParameter id=' b '/><functionParameter/><functionParameter id='c'>t</functionParameter></function></functions></virtualTerminal></pointOfSell></listPointOfSell></getMerchantSettingsResponse>",
        "<getPaymentRecordResponse><result><code>02500</code></result><recurring><billingLeft>x</billingLeft></recurring></getPaymentRecordResponse>",
        "<getPaymentRecordResponse><result><code>02500</code></result><recurring><billingLeft> 7 </billingLeft><billingLeft>70000000</billingLeft></recurring></getPaymentRecordResponse>",
        "<getPaymentRecordResponse><result><code>02500</code></result><recurring><firstAmount>1</firstAmount><amount>1</amount><billingCycle>40</billingCycle><billingLeft>+7</billingLeft><billingDay>01</billingDay><startDate>01/01/2025</startDate></recurring></getPaymentRecordResponse>",
        "<disableWalletRequest><walletIdList><walletId>a</walletId><x/><walletId>b</walletId><walletId><w/></walletId></walletIdList></disableWalletRequest>",
        "<Fault><faultcode> c </faultcode><faultstring>s<x>a</x> t </faultstring><detail> d <r>e &amp; f<q/></r> g </detail><faultactor/></Fault>",
        "<Fault/>",
        "<Fault><faultcode><![CDATA[c\r]]>\n</faultcode><detail xsi:nil='true'>x</detail></Fault>",
    ];
    for body in bodies {
        let xml = format!(
            "<S:Envelope xmlns:S='{SOAP_ENV_NS}' xmlns:xsi='{XSI_NS}'><S:Body>{body}</S:Body></S:Envelope>"
        );
        for &operation in AnyRequest::SUPPORTED {
            same(&xml, operation);
        }
    }
}

/// Fragments inserted into fixtures: markup, references, line ends, CDATA, attributes.
fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("<x/>".to_owned()),
        Just("<x>1</x>".to_owned()),
        Just("<id>1</id>".to_owned()),
        Just("</a>".to_owned()),
        Just("&amp;".to_owned()),
        Just("&#13;".to_owned()),
        Just("&#10;".to_owned()),
        Just("&#xA0;".to_owned()),
        Just("&#0;".to_owned()),
        Just("&bogus;".to_owned()),
        Just("\r\n".to_owned()),
        Just("\r".to_owned()),
        Just(" ".to_owned()),
        Just("<![CDATA[ a\r]]>".to_owned()),
        Just("<![CDATA[]]>".to_owned()),
        Just(" id=\"7\"".to_owned()),
        Just(" xsi:nil=\"true\"".to_owned()),
        Just(" a:nil=\"1\"".to_owned()),
        Just("<!-- c -->".to_owned()),
        Just("<?pi x?>".to_owned()),
        Just("<!DOCTYPE x>".to_owned()),
        "[a-zA-Z0-9<>/=\"' :&;#-]{0,6}",
    ]
}

#[derive(Clone, Debug)]
enum Mutation {
    Insert(prop::sample::Index, String),
    Delete(prop::sample::Index, usize),
    Repeat(prop::sample::Index, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<prop::sample::Index>(), fragment()).prop_map(|(at, s)| Mutation::Insert(at, s)),
        (any::<prop::sample::Index>(), 1usize..40).prop_map(|(at, n)| Mutation::Delete(at, n)),
        (any::<prop::sample::Index>(), 1usize..200).prop_map(|(at, n)| Mutation::Repeat(at, n)),
    ]
}

fn boundary(doc: &str, mut at: usize) -> usize {
    at = at.min(doc.len());
    while !doc.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn apply(doc: &str, m: &Mutation) -> String {
    match m {
        Mutation::Insert(at, s) => {
            let at = boundary(doc, at.index(doc.len() + 1));
            format!("{}{}{}", &doc[..at], s, &doc[at..])
        }
        Mutation::Delete(at, n) => {
            let from = boundary(doc, at.index(doc.len() + 1));
            let to = boundary(doc, from + n);
            format!("{}{}", &doc[..from], &doc[to..])
        }
        Mutation::Repeat(at, n) => {
            let from = boundary(doc, at.index(doc.len() + 1));
            let to = boundary(doc, from + n);
            format!("{}{}", &doc[..to], &doc[from..])
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("DIFFERENTIAL_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(300)
    ))]

    #[test]
    fn mutated_fixtures_agree(
        which in any::<prop::sample::Index>(),
        mutations in prop::collection::vec(mutation(), 1..4),
    ) {
        let all = fixtures();
        let (operation, doc) = &all[which.index(all.len())];
        let mut doc = doc.clone();
        for m in &mutations {
            doc = apply(&doc, m);
        }
        same(&doc, *operation);
        same(&doc, Operation::DoAuthorization);
    }
}

/// Any text, control characters and markup included.
fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![
        ".{0,12}",
        "[<>&\"' \t\r\n\u{0}-\u{1f}\u{fffe}\u{ffff}a-z]{0,8}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("DIFFERENTIAL_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(300)
    ))]

    /// Values written into the operation element, its children, a structure of the objects
    /// namespace, a list, an attribute and an inline impl type encode to the same bytes or the
    /// same error.
    #[test]
    fn any_text_encodes_alike(
        a in any_text(),
        b in any_text(),
        c in any_text(),
        d in any_text(),
        ids in prop::collection::vec(prop::option::of(any_text()), 0..3),
    ) {
        let mut capture = DoCaptureRequest::new(crate::objects::Payment::new(
            crate::values::Currency::EUR,
            crate::values::Action::CAPTURE,
            crate::values::Mode::CPT,
        ));
        capture.transaction_id = a.clone();
        capture.sequence_number = Some(b.clone());
        capture.payment.contract_number = Some(c.clone());
        capture.private_data_list = Some(crate::objects::PrivateDataList {
            private_data: vec![
                crate::objects::PrivateData { key: a.clone(), value: d.clone() },
                crate::objects::PrivateData::default(),
            ],
        });
        prop_assert_eq!(encode_request(&capture), reference::encode_request(&capture));

        let mut settings = GetMerchantSettingsResponse::new(crate::objects::PaylineResult::new(
            crate::values::ReturnCode::APPROVED,
        ));
        let function = crate::objects::VirtualTerminalFunction {
            label: d,
            function_parameter: ids
                .into_iter()
                .map(|id| crate::objects::FunctionParameter { id })
                .collect(),
            ..Default::default()
        };
        let mut terminal = crate::objects::VirtualTerminal::default();
        terminal.functions.function = vec![function];
        let pos = crate::objects::PointOfSell {
            label: Some(b),
            comments: Some(c),
            virtual_terminal: Some(terminal),
            ..Default::default()
        };
        settings.list_point_of_sell.point_of_sell = vec![pos.clone(), pos];
        prop_assert_eq!(encode_response(&settings), reference::encode_response(&settings));
    }
}
