//! outcome (in progress).
