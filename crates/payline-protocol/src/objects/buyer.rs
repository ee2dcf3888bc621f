//! `buyer`, `address` and the cardholder `owner` (Payline buyer, address and owner objects).

use serde::{Deserialize, Serialize};

/// WSDL `buyer`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Buyer {
    #[serde(default, with = "crate::wire::nil")]
    pub title: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub last_name: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub first_name: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub email: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub shipping_adress: Option<Address>,
    #[serde(default, with = "crate::wire::nil")]
    pub billing_address: Option<Address>,
    #[serde(default, with = "crate::wire::nil")]
    pub account_create_date: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub account_average_amount: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub account_order_count: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub wallet_id: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub wallet_displayed: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub wallet_secured: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub wallet_card_ind: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub ip: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub mobile_phone: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub customer_id: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub legal_status: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub legal_document_type: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub legal_document: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub birth_date: Option<String>,
    #[serde(rename = "fingerprintID", default, with = "crate::wire::nil")]
    pub fingerprint_id: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub device_fingerprint: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub is_bot: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub is_incognito: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub is_behind_proxy: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub is_from_tor: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub is_emulator: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub is_rooted: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub has_timezone_mismatch: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub loyalty_member_type: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub buyer_extended: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub merchant_authentication: Option<MerchantAuthentication>,
}

/// WSDL `address`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Address {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub street1: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub street2: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub street_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zip_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub county: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address_create_date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

/// WSDL `merchantAuthentication`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MerchantAuthentication {
    #[serde(default, with = "crate::wire::nil")]
    pub method: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub date: Option<String>,
}

/// WSDL `owner`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Owner {
    #[serde(default, with = "crate::wire::nil")]
    pub last_name: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub first_name: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub billing_address: Option<AddressOwner>,
    #[serde(default, with = "crate::wire::nil")]
    pub issue_card_date: Option<String>,
}

/// WSDL `addressOwner`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AddressOwner {
    #[serde(default, with = "crate::wire::nil")]
    pub street: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub city_name: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub zip_code: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub country: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub phone: Option<String>,
}
