//! The store: every table the operations share, as typed rows, and the SQL that reads and
//! writes them. Nothing here knows Payline's rules or answers; it sits under the engine.

pub(crate) mod billing_records;
pub(crate) mod dates;
pub(crate) mod ledger;
pub(crate) mod outbox;
pub(crate) mod payment_records;
pub(crate) mod three_ds_sessions;
pub(crate) mod tokens;
pub(crate) mod wallets;
pub(crate) mod web_sessions;

use payline_protocol::values::ReturnCode;
use sqlx::encode::IsNull;
use sqlx::error::BoxDynError;
use sqlx::sqlite::{Sqlite, SqliteArgumentValue, SqliteTypeInfo, SqliteValueRef};

/// A Payline return code in a TEXT column: its five characters (`result.code` is a string in
/// the WSDL, leading zeros included).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct StoredCode(pub(crate) ReturnCode);

impl sqlx::Type<Sqlite> for StoredCode {
    fn type_info() -> SqliteTypeInfo {
        <str as sqlx::Type<Sqlite>>::type_info()
    }

    fn compatible(ty: &SqliteTypeInfo) -> bool {
        <str as sqlx::Type<Sqlite>>::compatible(ty)
    }
}

impl<'q> sqlx::Encode<'q, Sqlite> for StoredCode {
    fn encode_by_ref(
        &self,
        args: &mut Vec<SqliteArgumentValue<'q>>,
    ) -> Result<IsNull, BoxDynError> {
        <String as sqlx::Encode<'q, Sqlite>>::encode(self.0.as_str().to_owned(), args)
    }
}

impl<'r> sqlx::Decode<'r, Sqlite> for StoredCode {
    fn decode(value: SqliteValueRef<'r>) -> Result<Self, BoxDynError> {
        let text = <&str as sqlx::Decode<'r, Sqlite>>::decode(value)?;
        Ok(StoredCode(
            text.parse()
                .map_err(|_| format!("not a return code: {text:?}"))?,
        ))
    }
}
