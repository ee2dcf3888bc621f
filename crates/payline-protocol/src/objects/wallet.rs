//! Wallets: a buyer's stored cards, addressed by `walletId` and `cardInd` (Payline wallet object).

use serde::{Deserialize, Serialize};

use super::{Address, Card, ExtendedCard};

/// WSDL `wallet`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Wallet {
    #[serde(default)]
    pub wallet_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shipping_address: Option<Address>,
    pub card: Card,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card_status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card_brand: Option<String>,
}

impl Wallet {
    /// A `Wallet` from its mandatory values; other elements start empty or absent.
    pub fn new(wallet_id: impl Into<String>, card: Card) -> Self {
        Self {
            wallet_id: wallet_id.into(),
            last_name: None,
            first_name: None,
            email: None,
            shipping_address: None,
            card,
            comment: None,
            default: None,
            card_status: None,
            card_brand: None,
        }
    }
}

/// WSDL `cardsList`: the cards of a wallet (getCards).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CardsList {
    #[serde(default)]
    pub cards: Vec<Cards>,
}

/// WSDL `cards`: one card of a wallet, as getCards lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Cards {
    #[serde(default)]
    pub wallet_id: String,
    #[serde(default, with = "crate::wire::nil")]
    pub last_name: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub first_name: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub email: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub shipping_address: Option<Address>,
    pub card: Card,
    #[serde(default, with = "crate::wire::nil")]
    pub card_ind: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub comment: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub is_disabled: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub disable_date: Option<String>,
    #[serde(default, with = "crate::wire::nil")]
    pub extended_card: Option<ExtendedCard>,
    #[serde(default, with = "crate::wire::nil")]
    pub default: Option<String>,
}

impl Cards {
    /// A `Cards` from its mandatory values; other elements start empty or absent.
    pub fn new(wallet_id: impl Into<String>, card: Card) -> Self {
        Self {
            wallet_id: wallet_id.into(),
            last_name: None,
            first_name: None,
            email: None,
            shipping_address: None,
            card,
            card_ind: None,
            comment: None,
            is_disabled: None,
            disable_date: None,
            extended_card: None,
            default: None,
        }
    }
}

/// WSDL `walletIdList` (disableWallet).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WalletIdList {
    #[serde(default)]
    pub wallet_id: Vec<String>,
}

/// WSDL `contractNumberWalletList`: contracts a wallet may pay with.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContractNumberWalletList {
    #[serde(default)]
    pub contract_number_wallet: Vec<String>,
}

/// WSDL `selectedContractList`: payment means offered on a hosted page, in order.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SelectedContractList {
    #[serde(default)]
    pub selected_contract: Vec<String>,
}

macro_rules! string_list {
    ($($list:ident . $field:ident,)*) => {
        $(
            /// Built from the identifiers, in order.
            impl<S: Into<String>> FromIterator<S> for $list {
                fn from_iter<I: IntoIterator<Item = S>>(iter: I) -> Self {
                    Self {
                        $field: iter.into_iter().map(Into::into).collect(),
                    }
                }
            }
        )*
    };
}

string_list! {
    WalletIdList.wallet_id,
    ContractNumberWalletList.contract_number_wallet,
    SelectedContractList.selected_contract,
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn lists_collect_identifiers_in_order() {
        let ids: WalletIdList = ["w-1", "w-2"].into_iter().collect();
        assert_eq!(ids.wallet_id, ["w-1", "w-2"]);
        let contracts: SelectedContractList = vec![String::from("1234567")].into_iter().collect();
        assert_eq!(contracts.selected_contract, ["1234567"]);
    }
}
