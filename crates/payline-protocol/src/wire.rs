//! Serde helpers shared by the objects and messages. They sit below the messages so that the
//! messages can describe their XML form without depending on the codec above them.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::secret::Secret;

/// Elements the WSDL declares mandatory but nillable (`minOccurs` 1, `nillable="true"`):
/// `None` is written `<x xsi:nil="true"/>`, as Payline's PHP and Java SDK clients do, so the
/// message stays schema-valid. Decoding never sees nil elements: the codec removes them first.
pub(crate) mod nil {
    use super::*;

    #[derive(Serialize)]
    struct Nil {
        #[serde(rename = "@xsi:nil")]
        nil: &'static str,
    }

    pub(crate) fn serialize<T: Serialize, S: Serializer>(
        value: &Option<T>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            Some(v) => v.serialize(s),
            None => Nil { nil: "true" }.serialize(s),
        }
    }

    pub(crate) fn deserialize<'de, T: Deserialize<'de>, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<T>, D::Error> {
        T::deserialize(d).map(Some)
    }
}

// The codec is the one place a secret is written out: into the message for Payline. Nothing
// else in the crate serializes messages.
impl Serialize for Secret {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.expose())
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(Secret::from)
    }
}
