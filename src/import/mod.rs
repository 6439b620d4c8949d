//! Analytics exports.
