//! Web2Token crypto: known answers from Payline's official SDK, round trips, hostile input.
//!
//! The known answers below were made with Payline's public PHP SDK 4.77 (`getEncrypt`,
//! `getDecrypt`, `gzdecode`), the key being SHA-256 of the access key as raw bytes, as
//! Payline's Ajax sample does. Requests are deterministic (AES-256-ECB, PKCS#7, base64 with
//! `-_,` for `+/=`), so their `data` must match byte for byte; answers carry gzip inside, so
//! only their decryption is canonical.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use payline_protocol::secret::Secret;
use payline_protocol::web2token::{
    MAX_DATA_LEN, RequestData, ServletAnswer, TokenAnswer, Web2TokenError, decrypt_request_data,
    decrypt_token_answer, encrypt_request_data, encrypt_token_answer,
};
use proptest::prelude::*;

// ---------------------------------------------------------------------------------------------
// Helpers

/// A request blob: `merchantId;orderRef;contractNumber` encrypted by the SDK.
struct RequestVector {
    access_key: &'static str,
    plaintext: &'static str,
    data: &'static str,
}

/// A servlet answer blob and the nine fields the SDK decrypts from it.
struct AnswerVector {
    access_key: &'static str,
    data: &'static str,
    plaintext: &'static str,
}

const REQUESTS: &[RequestVector] = &[
    RequestVector {
        access_key: "SANDBOXACCESSKEY0001",
        plaintext: "12345678901234;ORDER-0001;1234567",
        data: "LDPw9DVCaBaRuUkUuFjy3_Hjs7upQR5k8gd-Bn_vlUGh1UO7gH6dhLKEbDHPPTdE",
    },
    RequestVector {
        access_key: "SANDBOXACCESSKEY0001",
        plaintext: "12345678901234;CMD-2026-11-23-ÉTÉ;1234567",
        data: "PxGhFQJ2yzLcqWQRdFrnycBDI6rl852YQnt0royPXSxpVApxtw3qW3ijjvvVJyTq",
    },
    RequestVector {
        access_key: "DJMESHXYou6LmjQFdH",
        plaintext: "1234567890;REF1234567890123;9876543",
        data: "sk1CBSqwf81dyrdyjmsuA3GTjUvea0yREzypyFic1YZjfy3pnW6SE8QarYo7vaHa",
    },
    RequestVector {
        access_key: "AFju9XHplQzvamffO72L",
        plaintext: "111111111;A;1",
        data: "J99mT6-3S-8vDl7hoGP22Q,,",
    },
];

const ANSWERS: &[AnswerVector] = &[
    AnswerVector {
        access_key: "SANDBOXACCESSKEY0001",
        data: "LcM5o2PvnoOt1zurhwcdwoKrkUfTfNtUW3RMxh3Jibv6KoQxrffJHaZyE8yO56cPuZF0pLn7nwAuk71i0sm3UkSYGHcNMhGaz5hbwhAkQ5E9Ojk6IluW86Dk3mC9jH24",
        plaintext: "497010Ab3Xz94455;1230;123456;ORDER-0001;CB;N;FRA;Visa Classic;20041",
    },
    AnswerVector {
        access_key: "DJMESHXYou6LmjQFdH",
        data: "dIVZTBcIdu0ZkRf8K9mGMmZiuU4lSmc7XowdVB4UZwpA6TVa5b6Dj-XP0Jt74N2PMay76xCAtSmBrCQyGZHA5NOrhsjTBx_mgW5E7wBUbqZ9CIV4HBPdXhH6EJk36TTp",
        plaintext: "444433LfGjXu1111;0527;987;REF1234567890123;VISA;N;FRA;Visa Gold;30004",
    },
];

fn sample_answer() -> TokenAnswer {
    TokenAnswer {
        token: Secret::new("497010Ab3Xz94455"),
        expiration_date: Secret::new("1230"),
        virtual_cvv: Secret::new("123456"),
        order_ref: "ORDER-0001".into(),
        card_type: "CB".into(),
        virtual_card: Some("N".into()),
        card_country: Some("FRA".into()),
        card_product: Some("Visa Classic".into()),
        bank_code: Some("20041".into()),
    }
}

/// PHP's base64_url_encode of a blob that has no padding is the same string; these helpers
/// rewrite a blob into each accepted variant.
fn variants(blob: &str) -> Vec<String> {
    let padded_len = blob.len().div_ceil(4) * 4;
    let unpadded = blob
        .trim_end_matches([',', '='])
        .replace('+', "-")
        .replace('/', "_");
    let pad = padded_len.saturating_sub(unpadded.len());
    vec![
        unpadded.clone(),
        format!("{unpadded}{}", ",".repeat(pad)),
        format!("{unpadded}{}", "=".repeat(pad)),
        format!(
            "{}{}",
            unpadded.replace('-', "+").replace('_', "/"),
            "=".repeat(pad)
        ),
    ]
}

// ---------------------------------------------------------------------------------------------
// Known answers (Payline PHP SDK 4.77)

#[test]
fn request_data_is_byte_identical_to_the_sdk() {
    for case in REQUESTS {
        let key = Secret::new(case.access_key);
        let plaintext = case.plaintext;
        let mut parts = plaintext.splitn(3, ';');
        let (Some(merchant), Some(order), Some(contract)) =
            (parts.next(), parts.next(), parts.next())
        else {
            panic!("request vector plaintext is not merchantId;orderRef;contract: {plaintext}");
        };
        assert_eq!(
            encrypt_request_data(&key, merchant, order, contract),
            case.data,
            "plaintext {plaintext}"
        );
    }
}

#[test]
fn servlet_reads_every_sdk_request() {
    for case in REQUESTS {
        let key = Secret::new(case.access_key);
        for data in variants(case.data) {
            let got = decrypt_request_data(&key, &data).expect(&data);
            let joined = format!("{};{};{}", got.merchant_id, got.order_ref, got.contract);
            assert_eq!(joined, case.plaintext, "data {data}");
        }
    }
}

#[test]
fn merchant_reads_every_sdk_answer() {
    for case in ANSWERS {
        let key = Secret::new(case.access_key);
        let expected: Vec<&str> = case.plaintext.split(';').collect();
        assert_eq!(
            expected.len(),
            9,
            "vector plaintext has the 9 documented fields"
        );
        for data in variants(case.data) {
            let got = decrypt_token_answer(&key, &data).expect(&data);
            let fields = [
                got.token.expose(),
                got.expiration_date.expose(),
                got.virtual_cvv.expose(),
                &got.order_ref,
                &got.card_type,
                got.virtual_card.as_deref().unwrap_or(""),
                got.card_country.as_deref().unwrap_or(""),
                got.card_product.as_deref().unwrap_or(""),
                got.bank_code.as_deref().unwrap_or(""),
            ];
            assert_eq!(fields.as_slice(), expected.as_slice(), "data {data}");
        }
    }
}

#[test]
fn first_answer_vector_decodes_to_its_typed_literal() {
    let case = &ANSWERS[0];
    let got =
        decrypt_token_answer(&Secret::new(case.access_key), case.data).expect("vector decrypts");
    assert_eq!(got, sample_answer());
    assert_eq!(got.is_virtual_card(), Some(false));
}

// ---------------------------------------------------------------------------------------------
// Round trips: our servlet side against our merchant side

#[test]
fn answer_round_trips_and_uses_unpadded_url_safe_base64() {
    let key = Secret::new("SANDBOXACCESSKEY0001");
    let answer = sample_answer();
    let blob = encrypt_token_answer(&key, &answer);
    assert!(
        blob.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
        "{blob}"
    );
    assert_eq!(decrypt_token_answer(&key, &blob), Ok(answer));
}

#[test]
fn answer_without_optional_fields_round_trips() {
    let key = Secret::new("k");
    let answer = TokenAnswer {
        virtual_cvv: Secret::new(""),
        virtual_card: None,
        card_country: None,
        card_product: None,
        bank_code: None,
        ..sample_answer()
    };
    let blob = encrypt_token_answer(&key, &answer);
    assert_eq!(decrypt_token_answer(&key, &blob), Ok(answer));
}

#[test]
fn request_round_trips_with_non_ascii_order_ref() {
    let key = Secret::new("DJMESHXYou6LmjQFdH");
    let blob = encrypt_request_data(&key, "1234567890", "CMD-ÉTÉ-«1»", "9876543");
    assert_eq!(
        decrypt_request_data(&key, &blob),
        Ok(RequestData {
            merchant_id: "1234567890".into(),
            order_ref: "CMD-ÉTÉ-«1»".into(),
            contract: "9876543".into(),
        })
    );
}

// ---------------------------------------------------------------------------------------------
// Rejections

#[test]
fn rejects_a_blob_under_another_access_key() {
    let blob = encrypt_token_answer(&Secret::new("right"), &sample_answer());
    let err = decrypt_token_answer(&Secret::new("wrong"), &blob).expect_err("wrong key");
    // PKCS#7 check catches ~255/256 of wrong keys; the gzip check catches the rest.
    assert!(
        matches!(err, Web2TokenError::Decrypt | Web2TokenError::Gzip),
        "{err:?}"
    );
}

#[test]
fn rejects_request_data_given_to_the_answer_decoder() {
    // The request blob is not gzip inside.
    let key = Secret::new("k");
    let blob = encrypt_request_data(&key, "1", "2", "3");
    assert_eq!(decrypt_token_answer(&key, &blob), Err(Web2TokenError::Gzip));
}

#[test]
fn rejects_malformed_base64_and_truncated_ciphertext() {
    let key = Secret::new("k");
    assert_eq!(
        decrypt_token_answer(&key, "not base64!"),
        Err(Web2TokenError::Base64)
    );
    assert_eq!(decrypt_token_answer(&key, "A"), Err(Web2TokenError::Base64));
    // 15 bytes: not a whole AES block.
    assert_eq!(
        decrypt_token_answer(&key, "AAAAAAAAAAAAAAAAAAAA"),
        Err(Web2TokenError::Decrypt)
    );
    assert_eq!(decrypt_token_answer(&key, ""), Err(Web2TokenError::Decrypt));
    let long = "A".repeat(MAX_DATA_LEN + 4);
    assert_eq!(
        decrypt_token_answer(&key, &long),
        Err(Web2TokenError::TooLong)
    );
}

#[test]
fn rejects_answers_with_missing_or_bad_mandatory_fields() {
    let key = Secret::new("k");
    let short = TokenAnswer {
        card_type: String::new(),
        ..sample_answer()
    };
    assert_eq!(
        decrypt_token_answer(&key, &encrypt_token_answer(&key, &short)),
        Err(Web2TokenError::EmptyField("cardType"))
    );
    let no_token = TokenAnswer {
        token: Secret::new(""),
        ..sample_answer()
    };
    assert_eq!(
        decrypt_token_answer(&key, &encrypt_token_answer(&key, &no_token)),
        Err(Web2TokenError::EmptyField("cardTokenPan"))
    );
    let bad_expiry = TokenAnswer {
        expiration_date: Secret::new("1330"),
        ..sample_answer()
    };
    assert_eq!(
        decrypt_token_answer(&key, &encrypt_token_answer(&key, &bad_expiry)),
        Err(Web2TokenError::InvalidExpiry)
    );
}

#[test]
fn rejects_request_data_with_wrong_field_count() {
    let key = Secret::new("k");
    let four = encrypt_request_data(&key, "1", "2;x", "3");
    assert_eq!(
        decrypt_request_data(&key, &four),
        Err(Web2TokenError::FieldCount {
            expected: "3",
            found: 4
        })
    );
    let empty = encrypt_request_data(&key, "", "2", "3");
    assert_eq!(
        decrypt_request_data(&key, &empty),
        Err(Web2TokenError::EmptyField("merchantId"))
    );
}

#[test]
fn errors_never_show_decrypted_fields() {
    let key = Secret::new("k");
    let bad = TokenAnswer {
        expiration_date: Secret::new("9999"),
        ..sample_answer()
    };
    let err =
        decrypt_token_answer(&key, &encrypt_token_answer(&key, &bad)).expect_err("bad expiry");
    for shown in [format!("{err}"), format!("{err:?}")] {
        assert!(
            !shown.contains("497010Ab3Xz94455")
                && !shown.contains("123456")
                && !shown.contains("9999"),
            "{shown}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Servlet text answer

#[test]
fn parses_servlet_answers() {
    assert_eq!(
        ServletAnswer::parse("data=abc,,"),
        Ok(ServletAnswer::Data("abc,,".into()))
    );
    assert_eq!(
        ServletAnswer::parse("data=abc=="),
        Ok(ServletAnswer::Data("abc==".into()))
    );
    assert_eq!(
        ServletAnswer::parse(" errorCode=02104\r\n"),
        Ok(ServletAnswer::ErrorCode("02104".into()))
    );
    for bad in ["", "data", "data=", "token=abc", "=abc", "errorcode=1"] {
        assert_eq!(
            ServletAnswer::parse(bad),
            Err(Web2TokenError::UnrecognisedAnswer),
            "{bad:?}"
        );
    }
}

#[test]
fn servlet_answer_prints_what_it_parses() {
    for answer in [
        ServletAnswer::Data("Zm9v".into()),
        ServletAnswer::ErrorCode("02104".into()),
    ] {
        assert_eq!(ServletAnswer::parse(&answer.to_string()), Ok(answer));
    }
}

#[test]
fn full_exchange_through_the_servlet_text() {
    let key = Secret::new("SANDBOXACCESSKEY0001");
    let body = ServletAnswer::Data(encrypt_token_answer(&key, &sample_answer())).to_string();
    let ServletAnswer::Data(blob) = ServletAnswer::parse(&body).expect("parses") else {
        panic!("expected data=");
    };
    assert_eq!(decrypt_token_answer(&key, &blob), Ok(sample_answer()));
}

// ---------------------------------------------------------------------------------------------
// Hostile input: typed error, never a panic

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_text_never_panics(data in ".{0,300}") {
        let key = Secret::new("SANDBOXACCESSKEY0001");
        let _ = decrypt_token_answer(&key, &data);
        let _ = decrypt_request_data(&key, &data);
        let _ = ServletAnswer::parse(&data);
    }

    #[test]
    fn arbitrary_ciphertext_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        use base64::Engine as _;
        let key = Secret::new("SANDBOXACCESSKEY0001");
        let data = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&bytes);
        let _ = decrypt_token_answer(&key, &data);
        let _ = decrypt_request_data(&key, &data);
    }

    #[test]
    fn validly_encrypted_garbage_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        // Goes past Base64 and AES into gzip and field parsing.
        let key = Secret::new("k");
        let text = String::from_utf8_lossy(&bytes);
        let data = encrypt_request_data(&key, &text, "", "");
        let _ = decrypt_token_answer(&key, &data);
        let _ = decrypt_request_data(&key, &data);
        // Also past gzip: garbage (with any `;`) as the whole answer plaintext.
        let answer = TokenAnswer {
            token: Secret::new(text.as_ref()),
            expiration_date: Secret::new(""),
            virtual_cvv: Secret::new(""),
            order_ref: String::new(),
            card_type: String::new(),
            virtual_card: None,
            card_country: None,
            card_product: None,
            bank_code: None,
        };
        let data = encrypt_token_answer(&key, &answer);
        let _ = decrypt_token_answer(&key, &data);
    }

    #[test]
    fn answers_round_trip(
        token in "[0-9A-Za-z]{1,20}",
        month in 1u8..=12, year in 0u8..=99,
        cvv in "[0-9]{0,6}",
        order_ref in "[^;\\s][^;]{0,48}",
        card_type in "[A-Z_]{1,20}",
        product in proptest::option::of("[^;]{1,40}"),
    ) {
        let key = Secret::new("SANDBOXACCESSKEY0001");
        let answer = TokenAnswer {
            token: Secret::new(token),
            expiration_date: Secret::new(format!("{month:02}{year:02}")),
            virtual_cvv: Secret::new(cvv),
            order_ref,
            card_type,
            card_product: product,
            ..sample_answer()
        };
        prop_assert_eq!(decrypt_token_answer(&key, &encrypt_token_answer(&key, &answer)), Ok(answer));
    }

    #[test]
    fn requests_round_trip(merchant in "[0-9]{1,14}", order_ref in "[^;]{1,50}", contract in "[^;]{1,20}") {
        let key = Secret::new("SANDBOXACCESSKEY0001");
        let data = encrypt_request_data(&key, &merchant, &order_ref, &contract);
        prop_assert_eq!(
            decrypt_request_data(&key, &data),
            Ok(RequestData { merchant_id: merchant, order_ref, contract })
        );
    }
}
