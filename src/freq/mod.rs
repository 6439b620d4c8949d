//! Frequentist engine (in progress).
