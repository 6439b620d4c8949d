//! postab: A/B testing for social-media post variants.
#![deny(missing_docs)]
#![forbid(unsafe_code)]

pub mod bayes;
pub mod counts;
pub mod error;
pub mod experiment;
pub mod freq;
pub mod metric;
pub mod numeric;
pub mod outcome;
pub mod post;
pub mod tracker;

pub use counts::Counts;
pub use error::{Error, Result};
pub use experiment::{Experiment, ExperimentBuilder};
pub use metric::Metric;
pub use outcome::Outcome;
pub use post::Variant;
pub use tracker::{Event, Tracker};
pub mod import;
pub mod repeated;
pub mod schedule;
