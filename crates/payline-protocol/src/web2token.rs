//! Web2Token: the crypto of Payline's Ajax tokenizer ("getToken" servlet), both directions.
//!
//! Payline Ajax API / Web2Token: the merchant server encrypts
//! `merchantId;orderRef;contractNumber` into a `data` blob that the browser posts to the
//! tokenizer together with the card; the servlet answers `data=<blob>` whose plaintext is
//! `cardTokenPan;cardExp;vCVV;orderRef;cardType;cardIsCVD;cardCountry;cardProduct;bankCode`.
//!
//! ```text
//! merchant  encrypt_request_data ──data──▶ servlet  decrypt_request_data
//! merchant  decrypt_token_answer ◀─data=── servlet  encrypt_token_answer
//! ```
//!
//! Both blobs use the same scheme: key = SHA-256(access key as UTF-8) as raw bytes,
//! AES-256-ECB with PKCS#7 padding, then Base64 with Payline's URL-safe alphabet. The answer's
//! plaintext is gzip-compressed before encryption. ECB leaks equal blocks and nothing here is
//! authenticated: that is Payline's design, reproduced for compatibility, not a choice.
//!
//! All functions are pure (no I/O, no clock) and never panic: hostile input gives a
//! [`Web2TokenError`], which never carries any decrypted byte.

use core::fmt;
use std::io::{Read, Write};

use aes::Aes256;
use base64::Engine as _;
use base64::engine::general_purpose::{URL_SAFE, URL_SAFE_NO_PAD, URL_SAFE_PAD_INDIFFERENT};
use ecb::cipher::block_padding::Pkcs7;
use ecb::cipher::{BlockModeDecrypt, BlockModeEncrypt, KeyInit};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::secret::Secret;

/// Longest `data` blob accepted for decryption, in characters. A real answer is about
/// 130 characters; the bound keeps a hostile caller from making us allocate and decrypt
/// megabytes.
pub const MAX_DATA_LEN: usize = 4096;

/// Longest decompressed answer accepted, in bytes: gzip can expand a small blob a thousand
/// times, so inflation stops here (a real answer is under 200 bytes).
const MAX_PLAINTEXT_LEN: u64 = 4096;

/// Field separator of both plaintexts (Payline Ajax API).
const SEPARATOR: char = ';';

/// Why a Web2Token blob or servlet answer was rejected.
///
/// No variant carries input bytes: the input may be a decrypted card token or virtual CVV.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Web2TokenError {
    /// The blob is longer than [`MAX_DATA_LEN`]: not something Payline or the SDKs produce.
    #[error("Web2Token data is longer than {MAX_DATA_LEN} characters")]
    TooLong,
    /// The blob is not Base64 in any alphabet Payline uses (`+/=`, `-_=`, `-_,`, or unpadded).
    /// Usually a truncated or mangled hidden form field.
    #[error("Web2Token data is not valid Base64")]
    Base64,
    /// Decryption failed: the ciphertext is not a whole number of AES blocks or its PKCS#7
    /// padding is wrong. Almost always a different access key than the one used to encrypt,
    /// otherwise a corrupted blob.
    #[error("Web2Token data does not decrypt with this access key")]
    Decrypt,
    /// The decrypted answer is not a valid gzip stream (or fails its CRC): wrong key that
    /// happened to give valid padding, or tampered data.
    #[error("Web2Token answer is not a valid gzip stream")]
    Gzip,
    /// The decompressed answer is larger than any real answer (a compression bomb).
    #[error("Web2Token answer is too large once decompressed")]
    PlaintextTooLong,
    /// The plaintext has fewer `;`-separated fields than the format requires (3 for the
    /// request, at least 5 for the answer), or more than 3 for the request.
    #[error("Web2Token plaintext has {found} fields, expected {expected}")]
    FieldCount {
        /// What the format requires, e.g. "3" or "at least 5".
        expected: &'static str,
        /// How many fields were found.
        found: usize,
    },
    /// A mandatory field is empty. The payload names the Payline field.
    #[error("Web2Token field `{0}` is empty")]
    EmptyField(&'static str),
    /// The answer's card expiry is not `MMYY` with a month 01–12.
    #[error("Web2Token field `cardExp` is not MMYY")]
    InvalidExpiry,
    /// The servlet's text answer is neither `data=<blob>` nor `errorCode=<code>`.
    #[error("tokenizer answer is neither `data=` nor `errorCode=`")]
    UnrecognisedAnswer,
}

/// The servlet's decrypted answer (Payline Ajax API, field order as sent by the tokenizer).
///
/// Fields 6–9 were added to the answer over time; an older or shorter answer leaves them
/// `None`, and an empty field is `None` too.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenAnswer {
    /// `cardTokenPan`: the PAN token to send as `card.token`.
    pub token: Secret,
    /// `cardExp`: card expiry, `MMYY`, to send as `card.expirationDate`.
    pub expiration_date: Secret,
    /// `vCVV`: the virtual CVV to send as `card.cvx` (may be empty for cards without CVV).
    pub virtual_cvv: Secret,
    /// `orderRef`: the order reference the merchant put in the request `data`.
    pub order_ref: String,
    /// `cardType`: Payline card type, e.g. `CB`, `VISA`, `MASTERCARD`.
    pub card_type: String,
    /// `cardIsCVD`: virtual ("e-card") flag as sent, `Y` or `N`.
    pub virtual_card: Option<String>,
    /// `cardCountry`: issuer country, ISO 3166 alpha-3 (e.g. `FRA`).
    pub card_country: Option<String>,
    /// `cardProduct`: e.g. `Visa Classic`.
    pub card_product: Option<String>,
    /// `bankCode`: the issuer's 5-digit bank id.
    pub bank_code: Option<String>,
}

impl TokenAnswer {
    /// `cardIsCVD` read as a flag: `Some(true)` for `Y`, `Some(false)` for `N`, `None` when
    /// absent or any other value.
    pub fn is_virtual_card(&self) -> Option<bool> {
        match self.virtual_card.as_deref() {
            Some("Y" | "y") => Some(true),
            Some("N" | "n") => Some(false),
            _ => None,
        }
    }
}

/// The plaintext of the merchant's request `data`, as the servlet reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestData {
    /// Payline merchant id.
    pub merchant_id: String,
    /// The merchant's order reference, echoed back in [`TokenAnswer::order_ref`].
    pub order_ref: String,
    /// The contract (point of sale) number.
    pub contract: String,
}

/// The servlet's text answer, as the browser hands it back to the merchant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServletAnswer {
    /// `data=<blob>`: decrypt with [`decrypt_token_answer`].
    Data(String),
    /// `errorCode=<code>`: the tokenizer refused the card (Payline return code, e.g. `02104`).
    ErrorCode(String),
}

impl ServletAnswer {
    /// Parses the servlet's body: `data=<blob>` or `errorCode=<code>`, split on the first `=`
    /// (the PHP SDK's padding is `,`, but a Base64 blob with `=` padding keeps its `=`s).
    /// Surrounding whitespace is ignored.
    pub fn parse(body: &str) -> Result<Self, Web2TokenError> {
        let body = body.trim();
        let (name, value) = body
            .split_once('=')
            .ok_or(Web2TokenError::UnrecognisedAnswer)?;
        let value = value.trim();
        if value.is_empty() {
            return Err(Web2TokenError::UnrecognisedAnswer);
        }
        match name.trim() {
            "data" => Ok(Self::Data(value.to_owned())),
            "errorCode" => Ok(Self::ErrorCode(value.to_owned())),
            _ => Err(Web2TokenError::UnrecognisedAnswer),
        }
    }
}

impl fmt::Display for ServletAnswer {
    /// The body the servlet sends: `data=<blob>` or `errorCode=<code>`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Data(blob) => write!(f, "data={blob}"),
            Self::ErrorCode(code) => write!(f, "errorCode={code}"),
        }
    }
}

/// Merchant side: encrypts `merchantId;orderRef;contractNumber` into the `data` the browser
/// posts to the tokenizer.
///
/// The output is byte-identical to the official PHP SDK's `getEncrypt` (URL-safe alphabet,
/// `=` padding written as `,`). The fields are joined verbatim: an `order_ref` containing
/// `;` cannot be read back by the servlet, so merchant order references must not contain it.
pub fn encrypt_request_data(
    access_key: &Secret,
    merchant_id: &str,
    order_ref: &str,
    contract: &str,
) -> String {
    let plaintext = Zeroizing::new(format!("{merchant_id};{order_ref};{contract}"));
    let ciphertext = encrypt(access_key, plaintext.as_bytes());
    // PHP SDK base64_url_encode: strtr(base64_encode(x), '+/=', '-_,').
    URL_SAFE.encode(ciphertext).replace('=', ",")
}

/// Servlet side: decrypts the request `data` into merchant id, order reference and contract.
pub fn decrypt_request_data(
    access_key: &Secret,
    data: &str,
) -> Result<RequestData, Web2TokenError> {
    let plaintext = decrypt(access_key, data)?;
    let text = into_text(plaintext);
    let fields: Vec<&str> = text.split(SEPARATOR).collect();
    let [merchant_id, order_ref, contract] = fields.as_slice() else {
        return Err(Web2TokenError::FieldCount {
            expected: "3",
            found: fields.len(),
        });
    };
    Ok(RequestData {
        merchant_id: non_empty(merchant_id, "merchantId")?.to_owned(),
        order_ref: non_empty(order_ref, "orderRef")?.to_owned(),
        contract: non_empty(contract, "contractNumber")?.to_owned(),
    })
}

/// Servlet side: gzips and encrypts an answer into the blob sent as `data=<blob>`.
///
/// The gzip header is the one PHP's `gzencode` writes (no name, mtime 0, OS Unix). The
/// Base64 is URL-safe without padding: the PHP SDK's decoder (`strtr` then `base64_decode`)
/// and Java's URL decoder both read it, whereas `,` padding would break the latter.
/// `None` fields are written as empty fields, so they read back as `None`.
pub fn encrypt_token_answer(access_key: &Secret, answer: &TokenAnswer) -> String {
    let opt = |field: &Option<String>| field.clone().unwrap_or_default();
    let plaintext = Zeroizing::new(
        [
            answer.token.expose().to_owned(),
            answer.expiration_date.expose().to_owned(),
            answer.virtual_cvv.expose().to_owned(),
            answer.order_ref.clone(),
            answer.card_type.clone(),
            opt(&answer.virtual_card),
            opt(&answer.card_country),
            opt(&answer.card_product),
            opt(&answer.bank_code),
        ]
        .join(";"),
    );
    let compressed = gzip(plaintext.as_bytes());
    URL_SAFE_NO_PAD.encode(encrypt(access_key, &compressed))
}

/// Merchant side: decrypts the servlet's `data` blob (the part after `data=`) into the token,
/// expiry, virtual CVV and card details.
///
/// Accepts every Base64 variant Payline's SDKs produce. At least the first five fields
/// (through `cardType`) must be present; fields after the ninth are ignored, as Payline
/// appends new fields at the end.
pub fn decrypt_token_answer(
    access_key: &Secret,
    data: &str,
) -> Result<TokenAnswer, Web2TokenError> {
    let compressed = decrypt(access_key, data)?;
    let plaintext = gunzip(&compressed)?;
    let text = into_text(plaintext);
    let fields: Vec<&str> = text.split(SEPARATOR).collect();
    let [token, expiry, cvv, order_ref, card_type, rest @ ..] = fields.as_slice() else {
        return Err(Web2TokenError::FieldCount {
            expected: "at least 5",
            found: fields.len(),
        });
    };
    let optional = |i: usize| {
        rest.get(i)
            .filter(|f| !f.is_empty())
            .map(|f| (*f).to_owned())
    };
    Ok(TokenAnswer {
        token: Secret::new(non_empty(token, "cardTokenPan")?),
        expiration_date: Secret::new(mmyy(expiry)?),
        virtual_cvv: Secret::new(*cvv),
        order_ref: (*order_ref).to_owned(),
        card_type: non_empty(card_type, "cardType")?.to_owned(),
        virtual_card: optional(0),
        card_country: optional(1),
        card_product: optional(2),
        bank_code: optional(3),
    })
}

/// AES-256 key: SHA-256 of the access key's UTF-8 bytes, used raw (as Payline's Ajax sample
/// passes `hash('sha256', $key, true)` to openssl).
fn cipher_key(access_key: &Secret) -> Zeroizing<[u8; 32]> {
    Zeroizing::new(Sha256::digest(access_key.expose().as_bytes()).into())
}

fn encrypt(access_key: &Secret, plaintext: &[u8]) -> Vec<u8> {
    let key = cipher_key(access_key);
    ecb::Encryptor::<Aes256>::new(&(*key).into()).encrypt_padded_vec::<Pkcs7>(plaintext)
}

/// Base64 (any Payline variant) then AES-256-ECB/PKCS#7 decryption.
fn decrypt(access_key: &Secret, data: &str) -> Result<Zeroizing<Vec<u8>>, Web2TokenError> {
    let data = data.trim();
    if data.len() > MAX_DATA_LEN {
        return Err(Web2TokenError::TooLong);
    }
    // One alphabet for all variants: standard `+/`, URL-safe `-_`, and the PHP SDK's `,`
    // padding. Padding is optional, as Java's encoder leaves it out.
    let normalised: String = data
        .chars()
        .map(|c| match c {
            '+' => '-',
            '/' => '_',
            ',' => '=',
            other => other,
        })
        .collect();
    let ciphertext = URL_SAFE_PAD_INDIFFERENT
        .decode(normalised.as_bytes())
        .map_err(|_| Web2TokenError::Base64)?;
    let key = cipher_key(access_key);
    ecb::Decryptor::<Aes256>::new(&(*key).into())
        .decrypt_padded_vec::<Pkcs7>(&ciphertext)
        .map(Zeroizing::new)
        .map_err(|_| Web2TokenError::Decrypt)
}

fn gzip(plaintext: &[u8]) -> Zeroizing<Vec<u8>> {
    // Header as PHP gzencode writes it: mtime 0, OS 3 (Unix); level 6 is zlib's default.
    let mut encoder = flate2::GzBuilder::new()
        .operating_system(3)
        .write(Vec::new(), flate2::Compression::new(6));
    // Writing into a Vec cannot fail; should it ever, the empty result fails decryption on
    // the other side instead of panicking here.
    let written = encoder.write_all(plaintext).and_then(|()| encoder.finish());
    Zeroizing::new(written.unwrap_or_default())
}

fn gunzip(compressed: &[u8]) -> Result<Zeroizing<Vec<u8>>, Web2TokenError> {
    let mut out = Zeroizing::new(Vec::new());
    flate2::read::GzDecoder::new(compressed)
        .take(MAX_PLAINTEXT_LEN + 1)
        .read_to_end(&mut out)
        .map_err(|_| Web2TokenError::Gzip)?;
    if out.len() as u64 > MAX_PLAINTEXT_LEN {
        return Err(Web2TokenError::PlaintextTooLong);
    }
    Ok(out)
}

/// UTF-8 as the SDKs write it; a plaintext that is not UTF-8 is read as ISO-8859-1 (Java's
/// historical default charset), which maps every byte, so decoding text never fails.
fn into_text(bytes: Zeroizing<Vec<u8>>) -> Zeroizing<String> {
    match core::str::from_utf8(&bytes) {
        Ok(text) => Zeroizing::new(text.to_owned()),
        Err(_) => Zeroizing::new(bytes.iter().map(|&b| char::from(b)).collect()),
    }
}

fn non_empty<'a>(field: &'a str, name: &'static str) -> Result<&'a str, Web2TokenError> {
    if field.is_empty() {
        Err(Web2TokenError::EmptyField(name))
    } else {
        Ok(field)
    }
}

/// `cardExp` is `MMYY` (Payline card.expirationDate format).
fn mmyy(field: &str) -> Result<&str, Web2TokenError> {
    let bytes = field.as_bytes();
    let month = match bytes {
        [m1 @ b'0'..=b'9', m2 @ b'0'..=b'9', b'0'..=b'9', b'0'..=b'9'] => {
            (m1 - b'0') * 10 + (m2 - b'0')
        }
        _ => return Err(Web2TokenError::InvalidExpiry),
    };
    if (1..=12).contains(&month) {
        Ok(field)
    } else {
        Err(Web2TokenError::InvalidExpiry)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn gzip_header_matches_php_gzencode() {
        let out = gzip(b"x");
        assert_eq!(&out[..10], &[0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]);
    }

    #[test]
    fn accepts_every_mmyy_month_and_rejects_others() {
        for month in 1..=12 {
            let field = format!("{month:02}30");
            assert_eq!(mmyy(&field), Ok(field.as_str()));
        }
        for bad in ["0030", "1330", "130", "12300", "ab30", "", "１２30"] {
            assert_eq!(mmyy(bad), Err(Web2TokenError::InvalidExpiry), "{bad:?}");
        }
    }

    #[test]
    fn non_utf8_plaintext_reads_as_latin1() {
        let text = into_text(Zeroizing::new(vec![b'A', 0xC9, b'B']));
        assert_eq!(text.as_str(), "AÉB");
    }
}
