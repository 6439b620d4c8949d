//! counts (in progress).
