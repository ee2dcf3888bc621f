//! The two validity flags every check returns.

/// Outcome of checking one field while the buyer types.
///
/// `valid` means the value is complete and acceptable now; `potentially_valid` means more
/// typing could still make it valid (the field should not be shown in error yet). A valid value
/// is always potentially valid. An empty field is potentially valid and not valid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "camelCase"))]
pub struct Validity {
    /// Complete and acceptable as it stands.
    pub valid: bool,
    /// Could still become valid by typing more characters.
    pub potentially_valid: bool,
}

impl Validity {
    /// Complete and acceptable.
    pub const VALID: Self = Self {
        valid: true,
        potentially_valid: true,
    };
    /// Not valid yet, but more typing can fix it.
    pub const INCOMPLETE: Self = Self {
        valid: false,
        potentially_valid: true,
    };
    /// Can never become valid by typing more (the buyer has to delete something).
    pub const INVALID: Self = Self {
        valid: false,
        potentially_valid: false,
    };
}
