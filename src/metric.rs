//! metric (in progress).
