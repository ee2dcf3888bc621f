//! `order` and its `details/details` list of `orderDetail` (Payline order object).

use serde::{Deserialize, Serialize};

use crate::values::{Amount, Currency, Date, DateTimeMinutes};

/// WSDL `order`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Order {
    #[serde(default)]
    pub r#ref: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub taxes: Option<Amount>,
    pub amount: Amount,
    pub currency: Currency,
    pub date: DateTimeMinutes,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<Details>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery_time: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery_mode: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery_expected_date: Option<Date>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery_expected_delay: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery_charge: Option<Amount>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discount_amount: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ota_package_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ota_destination_country: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub booking_reference: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_detail: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_extended: Option<String>,
    #[serde(rename = "orderOTA", default, skip_serializing_if = "Option::is_none")]
    pub order_ota: Option<String>,
}

/// WSDL `details`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Details {
    #[serde(default)]
    pub details: Vec<OrderDetail>,
}

/// WSDL `orderDetail`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderDetail {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub r#ref: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quantity: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub brand: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subcategory1: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subcategory2: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub additional_data: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tax_rate: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seller: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seller_type: Option<String>,
}

impl Order {
    /// A `Order` from its mandatory typed values; mandatory text
    /// elements start empty, optional ones absent.
    pub fn new(amount: Amount, currency: Currency, date: DateTimeMinutes) -> Self {
        Self {
            r#ref: Default::default(),
            origin: None,
            country: None,
            taxes: None,
            amount,
            currency,
            date,
            details: None,
            delivery_time: None,
            delivery_mode: None,
            delivery_expected_date: None,
            delivery_expected_delay: None,
            delivery_charge: None,
            discount_amount: None,
            ota_package_type: None,
            ota_destination_country: None,
            booking_reference: None,
            order_detail: None,
            order_extended: None,
            order_ota: None,
        }
    }
}
