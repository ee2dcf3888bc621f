//! The one-pass codec against the two-pass one it replaced ([`super::reference`]): every
//! fixture, and mutated fixtures, must decode to the same value or the same error, and every
//! decoded message must encode to the same bytes.

use proptest::prelude::*;

use super::reference;
use super::*;
use crate::messages::*;

/// Calls `$check::<Request type>($($arg),*)` for the request type of `$operation`.
macro_rules! with_request_type {
    ($operation:expr, $check:ident($($arg:expr),*)) => {{
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
    }};
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
/// absent elements inside absent elements, attributes, repeated and misplaced elements. Most
/// are otherwise valid messages, so that the values, not only the errors, are compared.
#[test]
fn edge_cases() {
    const P: &str = "<payment><amount>1</amount><currency>978</currency><action>201</action><mode>CPT</mode></payment>";
    const R: &str = "<result><code>00000</code></result>";
    let cases: &[(bool, &str)] = &[
        (true, "<doCaptureRequest>{P}</doCaptureRequest>"),
        (false, "<doCaptureRequest/>"),
        (false, "<doCaptureRequest>text</doCaptureRequest>"),
        (
            true,
            "<doCaptureRequest>{P}<version> 3&#13;4 </version><transactionID>a&#13;&#10;b</transactionID></doCaptureRequest>",
        ),
        (
            true,
            "<doCaptureRequest>{P}<version>a\r\nb\rc</version><sequenceNumber><![CDATA[ x\r]]>\ny</sequenceNumber></doCaptureRequest>",
        ),
        (
            true,
            "<doCaptureRequest>{P}<version>x&#13;</version><sequenceNumber>&#13;&#10;y&#13;z&#13;&#13;&#10;</sequenceNumber><media>a<![CDATA[\r]]>&#10;b</media></doCaptureRequest>",
        ),
        (
            true,
            "<doCaptureRequest>{P}<version>&#xA0;x&#xA0;</version><media>&#x2003;</media><miscData>&#x85;m&#x2028;</miscData></doCaptureRequest>",
        ),
        (
            true,
            "<doCaptureRequest>{P}<version>a &amp; b &lt; c</version><media> <![CDATA[]]> </media><miscData> \t </miscData></doCaptureRequest>",
        ),
        (
            false,
            "<doCaptureRequest>{P}<version><a>1</a></version></doCaptureRequest>",
        ),
        (
            false,
            "<doCaptureRequest><payment><amount><x/></amount></payment></doCaptureRequest>",
        ),
        (
            false,
            "<doCaptureRequest>{P}<version>34</version><version>35</version></doCaptureRequest>",
        ),
        (
            false,
            "<doCaptureRequest>{P}<payment/>{P}</doCaptureRequest>",
        ),
        (
            true,
            "<doCaptureRequest><payment>x<amount>1</amount>y<currency>978</currency><action>201</action><mode>CPT</mode> </payment></doCaptureRequest>",
        ),
        (
            true,
            "<doCaptureRequest><payment><currency>978</currency><action>101</action><mode>CPT</mode><amount>1</amount><x/><y><z>1</z></y></payment></doCaptureRequest>",
        ),
        (
            true,
            "<doCaptureRequest>{P}<privateDataList><a><b/></a></privateDataList><version xsi:nil='true'>34</version><media xsi:nil='1'/><sequenceNumber nil='true'>7</sequenceNumber><miscData q:nil='false'>m</miscData></doCaptureRequest>",
        ),
        (
            true,
            "<doCaptureRequest id='1'>{P}<version id=' '/><privateDataList id='p'/></doCaptureRequest>",
        ),
        (
            false,
            "<doCaptureRequest>{P}<media id='x'>m</media></doCaptureRequest>",
        ),
        (
            true,
            "<doCaptureRequest>{P}<privateDataList><privateData><key>a</key></privateData><x/><privateData><key>b</key></privateData></privateDataList></doCaptureRequest>",
        ),
        (
            true,
            "<doCaptureRequest>{P}<privateDataList><privateData><key>a</key></privateData><privateData>t</privateData><privateData><key>c</key><value>v</value></privateData></privateDataList></doCaptureRequest>",
        ),
        (
            false,
            "<doCaptureRequest>{P}<privateDataList><privateData><key><k>1</k></key></privateData></privateDataList></doCaptureRequest>",
        ),
        (
            false,
            "<doCaptureRequest>{P}<privateDataList><privateData><key>a</key><value>1</value></privateData></privateDataList><privateDataList><privateData><key>b</key></privateData></privateDataList></doCaptureRequest>",
        ),
        (
            false,
            "<doCaptureResponse><result><code>00000</code><code>1</code></result></doCaptureResponse>",
        ),
        (
            false,
            "<doCaptureResponse><result>x</result></doCaptureResponse>",
        ),
        (
            false,
            "<doCaptureResponse><result><code><c>1</c></code></result></doCaptureResponse>",
        ),
        (
            true,
            "<doCaptureResponse><result><code> 00000 </code><longMessage>l&#13;m</longMessage></result><transaction><id>1</id><date>d</date></transaction></doCaptureResponse>",
        ),
        (
            true,
            "<doCaptureResponse>{R}<transaction>t<id>1</id></transaction><reAuthorization> r </reAuthorization></doCaptureResponse>",
        ),
        (
            true,
            "<getMerchantSettingsResponse>{R}<listPointOfSell><pointOfSell><virtualTerminal><functions><function><functionParameter id='a'/><functionParameter id=' b '/><functionParameter/><functionParameter id='c'>t</functionParameter><functionParameter id='&#13;d&amp;'/></function></functions></virtualTerminal></pointOfSell><pointOfSell><label>second</label></pointOfSell></listPointOfSell></getMerchantSettingsResponse>",
        ),
        (
            true,
            "<getPaymentRecordResponse>{R}<recurring><amount>1</amount><billingCycle>40</billingCycle><billingLeft> 7 </billingLeft></recurring></getPaymentRecordResponse>",
        ),
        (
            false,
            "<getPaymentRecordResponse>{R}<recurring><amount>x</amount><billingCycle>40</billingCycle></recurring></getPaymentRecordResponse>",
        ),
        (
            true,
            "<getPaymentRecordResponse>{R}<billingRecordList><billingRecord><date>01/01/2025</date><amount>1</amount><status>1</status></billingRecord><billingRecord/><billingRecord><date>01/02/2025</date><amount>2</amount><status>0</status></billingRecord></billingRecordList></getPaymentRecordResponse>",
        ),
        (
            true,
            "<disableWalletRequest><walletIdList><walletId>a</walletId><x/><walletId>b</walletId><walletId> </walletId><walletId>c&amp;d</walletId></walletIdList></disableWalletRequest>",
        ),
        (
            false,
            "<disableWalletRequest><walletIdList><walletId>a</walletId><walletId><w>1</w></walletId></walletIdList></disableWalletRequest>",
        ),
        (
            false,
            "<Fault><faultcode> c </faultcode><faultstring>s<x>a</x> t </faultstring><detail> d <r>e &amp; f<q/></r> g </detail><faultactor/></Fault>",
        ),
        (false, "<Fault/>"),
        (
            false,
            "<Fault><faultcode><![CDATA[c\r]]>\n</faultcode><detail xsi:nil='true'>x</detail><faultstring>a&#13;</faultstring></Fault>",
        ),
    ];
    for &(ok, body) in cases {
        let body = body.replace("{P}", P).replace("{R}", R);
        let xml = format!(
            "<S:Envelope xmlns:S='{SOAP_ENV_NS}' xmlns:xsi='{XSI_NS}'><S:Body>{body}</S:Body></S:Envelope>"
        );
        for &operation in AnyRequest::SUPPORTED {
            same(&xml, operation);
        }
        // The case shows what it is meant to: a message that decodes, or an error.
        let decodes = decode_any_request(&xml).is_ok()
            || AnyRequest::SUPPORTED
                .iter()
                .any(|&operation| with_request_type!(operation, response_decodes(&xml)));
        assert_eq!(decodes, ok, "{body}");
    }
}

fn response_decodes<R: Request>(xml: &str) -> bool {
    decode_response::<R>(xml).is_ok()
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
        Just("<!-->".to_owned()),
        Just("<!---->".to_owned()),
        Just("-->".to_owned()),
        Just("]]>".to_owned()),
        Just("&#x41;".to_owned()),
        Just("&#65;".to_owned()),
        Just("&#X41;".to_owned()),
        Just(" a='1'".to_owned()),
        Just(" b=\"&amp;\"".to_owned()),
        Just("\t".to_owned()),
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
