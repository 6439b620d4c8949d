//! Bayesian engine (in progress).
