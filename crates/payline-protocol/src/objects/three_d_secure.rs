//! 3-D Secure objects (Payline authentication3DSecure, threeDSInfo and browser objects; verifyEnrollment response).

use serde::{Deserialize, Serialize};

/// WSDL `authentication3DSecure`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Authentication3DSecure {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub md: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pares: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub xid: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eci: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cavv: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cavv_algorithm: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vads_result: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub type_securisation: Option<String>,
    #[serde(
        rename = "PaResStatus",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub pa_res_status: Option<String>,
    #[serde(
        rename = "VeResStatus",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub ve_res_status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result_container: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authentication_result: Option<String>,
}

/// WSDL `threeDSInfo`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ThreeDsInfo {
    #[serde(default, with = "crate::wire::nil")]
    pub challenge_ind: Option<String>,
    #[serde(rename = "threeDSReqPriorAuthData", default, with = "crate::wire::nil")]
    pub three_ds_req_prior_auth_data: Option<String>,
    #[serde(
        rename = "threeDSReqPriorAuthMethod",
        default,
        with = "crate::wire::nil"
    )]
    pub three_ds_req_prior_auth_method: Option<String>,
    #[serde(
        rename = "threeDSReqPriorAuthTimestamp",
        default,
        with = "crate::wire::nil"
    )]
    pub three_ds_req_prior_auth_timestamp: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub browser: Option<Browser>,
    #[serde(default, with = "crate::wire::nil")]
    pub sdk: Option<Sdk>,
    #[serde(
        rename = "threeDSMethodNotificationURL",
        default,
        with = "crate::wire::nil"
    )]
    pub three_ds_method_notification_url: Option<String>,
    #[serde(rename = "threeDSMethodResult", default, with = "crate::wire::nil")]
    pub three_ds_method_result: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub challenge_window_size: Option<String>,
}

/// WSDL `browser`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Browser {
    #[serde(default, with = "crate::wire::nil")]
    pub accept_header: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub java_enabled: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub javascript_enabled: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub language: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub color_depth: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub screen_height: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub screen_width: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub time_zone_offset: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub user_agent: Option<String>,
}

/// WSDL `sdk`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Sdk {
    #[serde(
        rename = "deviceRenderingOptionsIF",
        default,
        with = "crate::wire::nil"
    )]
    pub device_rendering_options_if: Option<String>,
    #[serde(rename = "deviceRenderOptionsUI", default, with = "crate::wire::nil")]
    pub device_render_options_ui: Option<String>,
    #[serde(rename = "appID", default, with = "crate::wire::nil")]
    pub app_id: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub ephem_pub_key: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub max_timeout: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub reference_number: Option<String>,
    #[serde(rename = "transID", default, with = "crate::wire::nil")]
    pub trans_id: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub enc_data: Option<String>,
}

/// WSDL `sdkChallenge`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SdkChallenge {
    #[serde(default)]
    pub card_type: String,
    #[serde(rename = "threeDSServerTransID", default)]
    pub three_ds_server_trans_id: String,
    #[serde(rename = "threeDSVersion", default)]
    pub three_ds_version: String,
    #[serde(default)]
    pub authentication_type: String,
    #[serde(default)]
    pub trans_status: String,
    #[serde(rename = "sdkTransID", default)]
    pub sdk_trans_id: String,
    #[serde(rename = "dsTransID", default)]
    pub ds_trans_id: String,
    #[serde(rename = "acsTransID", default)]
    pub acs_trans_id: String,
    #[serde(default)]
    pub acs_rendering_type: String,
    #[serde(default)]
    pub acs_reference_number: String,
    #[serde(default)]
    pub acs_signed_content: String,
    #[serde(rename = "acsOperatorID", default)]
    pub acs_operator_id: String,
    #[serde(default)]
    pub acs_challenge_mandated: String,
}
