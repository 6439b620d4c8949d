//! The crate's error type.

/// Everything that can go wrong in postab. Every message names the offending value.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A numeric parameter is outside its domain (non-finite, negative, out of range).
    #[error("invalid {name}: {value} ({expected})")]
    InvalidParameter {
        /// Which parameter.
        name: &'static str,
        /// The value given.
        value: f64,
        /// What was expected instead.
        expected: &'static str,
    },
}

/// Shorthand for `Result<T, postab::Error>`.
pub type Result<T, E = Error> = std::result::Result<T, E>;
