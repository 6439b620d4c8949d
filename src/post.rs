//! post (in progress).
