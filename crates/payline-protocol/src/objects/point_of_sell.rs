//! The merchant's point of sell and its contracts, as returned by getTransactionDetails (Payline getTransactionDetails / transactionsSearch; other DirectPaymentAPI operations).

use serde::{Deserialize, Serialize};

/// WSDL `pointOfSell`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PointOfSell {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub siret: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub code_mcc: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub label: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub webmaster_email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comments: Option<String>,
    #[serde(rename = "webstoreURL", default, with = "crate::wire::nil")]
    pub webstore_url: Option<String>,
    #[serde(rename = "notificationURL", default, with = "crate::wire::nil")]
    pub notification_url: Option<String>,
    #[serde(
        rename = "privateLifeURL",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub private_life_url: Option<String>,
    #[serde(
        rename = "saleCondURL",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub sale_cond_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub buyer_must_accept_sale_cond: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_of_payment_redirection: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub ticket_send: Option<TicketSend>,
    #[serde(default)]
    pub contracts: Contracts,
    #[serde(default, with = "crate::wire::nil")]
    pub virtual_terminal: Option<VirtualTerminal>,
    #[serde(default)]
    pub custom_payment_page_code_list: CustomPaymentPageCodeList,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
}

/// WSDL `ticketSend`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TicketSend {
    #[serde(default, with = "crate::wire::nil")]
    pub to_buyer: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub to_merchant: Option<String>,
}

/// WSDL `contract`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Contract {
    #[serde(default, with = "crate::wire::nil")]
    pub card_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub contract_number: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub currency: Option<String>,
    #[serde(default)]
    pub settlement_type: String,
    #[serde(default, with = "crate::wire::nil")]
    pub max_amount_per_transaction: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub technical_data: Option<TechnicalData>,
    #[serde(default, with = "crate::wire::nil")]
    pub bank_account: Option<BankAccount>,
    #[serde(default, with = "crate::wire::nil")]
    pub acquirer_interlocutor: Option<Interlocutor>,
    #[serde(default, with = "crate::wire::nil")]
    pub description: Option<String>,
    #[serde(default)]
    pub logo_enable: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub small_logo_mime: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub small_logo: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub normal_logo_mime: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub normal_logo: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contribution: Option<Contribution>,
    #[serde(
        rename = "enrolment3DS",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub enrolment_3ds: Option<String>,
}

/// WSDL `technicalData`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TechnicalData {
    #[serde(default, with = "crate::wire::nil")]
    pub terminal_number: Option<String>,
    #[serde(rename = "GTInstance", default, with = "crate::wire::nil")]
    pub gt_instance: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub payment_profil: Option<String>,
}

/// WSDL `bankAccount`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BankAccount {
    #[serde(default, with = "crate::wire::nil")]
    pub bank_code: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub bank_number: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub iban: Option<Iban>,
    #[serde(default, with = "crate::wire::nil")]
    pub rib: Option<Rib>,
}

/// WSDL `iban`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Iban {
    #[serde(rename = "CountryCode", default, with = "crate::wire::nil")]
    pub country_code: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub check_key: Option<String>,
    #[serde(rename = "BBAN", default, with = "crate::wire::nil")]
    pub bban: Option<String>,
    #[serde(rename = "BIC", default, with = "crate::wire::nil")]
    pub bic: Option<String>,
}

/// WSDL `rib`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Rib {
    #[serde(default, with = "crate::wire::nil")]
    pub teller_code: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub account_number: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub key: Option<String>,
}

/// WSDL `interlocutor`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Interlocutor {
    #[serde(default, with = "crate::wire::nil")]
    pub first_name: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub last_name: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub email: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub phone: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub mobile: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub fax: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub address_interlocutor: Option<AddressInterlocutor>,
}

/// WSDL `addressInterlocutor`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AddressInterlocutor {
    #[serde(default, with = "crate::wire::nil")]
    pub street1: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub street2: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub city: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub zip_code: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub state: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub country: Option<String>,
}

/// WSDL `contribution`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Contribution {
    #[serde(default)]
    pub enable: String,
    #[serde(default, with = "crate::wire::nil")]
    pub r#type: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub value: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub nb_free_transaction: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub min_amount_transaction: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub max_amount_transaction: Option<String>,
}

/// WSDL `virtualTerminal`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VirtualTerminal {
    #[serde(default)]
    pub label: String,
    #[serde(default)]
    pub inactivity_delay: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logo: Option<String>,
    #[serde(default)]
    pub functions: VirtualTerminalFunctions,
}

/// WSDL `virtualTerminalFunction`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VirtualTerminalFunction {
    #[serde(default)]
    pub function: String,
    #[serde(default)]
    pub label: String,
    #[serde(rename = "functionParameter", default)]
    pub function_parameter: Vec<FunctionParameter>,
}

/// `virtualTerminalFunction/functionParameter`: a parameter given by its `id` attribute.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FunctionParameter {
    // Written as an attribute; the decoder hands attributes to serde as child elements.
    #[serde(
        rename(serialize = "@id", deserialize = "id"),
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub id: Option<String>,
}

/// `pointOfSell/contracts`: list of `contract`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contracts {
    #[serde(default)]
    pub contract: Vec<Contract>,
}

/// `pointOfSell/customPaymentPageCodeList`: list of `customPaymentPageCode`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomPaymentPageCodeList {
    #[serde(default)]
    pub custom_payment_page_code: Vec<CustomPaymentPageCode>,
}

/// `virtualTerminal/functions`: list of `function`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VirtualTerminalFunctions {
    #[serde(default)]
    pub function: Vec<VirtualTerminalFunction>,
}

/// WSDL `customPaymentPageCode`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomPaymentPageCode {
    #[serde(default, with = "crate::wire::nil")]
    pub code: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub label: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub r#type: Option<String>,
}

/// WSDL `routingRule`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RoutingRule {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_contract_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_contract_number: Option<String>,
}
