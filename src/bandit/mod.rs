//! bandit
