//! The text form of the domain's enums, written once.

/// Gives a fieldless enum its stored text form: `ALL` (declaration order),
/// `as_str`, `Display` and `FromStr` (an unknown text names `$field`).
macro_rules! text_enum {
    ($ty:ident, $field:literal, { $($variant:ident => $text:literal),+ $(,)? }) => {
        impl $ty {
            /// Every value, in declaration order.
            pub const ALL: [Self; [$($text),+].len()] = [$(Self::$variant),+];

            /// The name stored in the database and used in exports.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $text),+
                }
            }
        }

        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $ty {
            type Err = $crate::domain::RuleError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::ALL
                    .into_iter()
                    .find(|v| v.as_str() == s)
                    .ok_or_else(|| $crate::domain::RuleError::UnknownValue {
                        field: $field,
                        value: s.to_string(),
                    })
            }
        }
    };
}
