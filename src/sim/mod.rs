//! Simulation harness: check a decision rule on simulated data before you
//! trust it.
//!
//! Set the true rate of each variant, the traffic per look, an allocation (a
//! fixed split or any [`crate::bandit`] policy) and a stopping rule; the
//! harness runs many seeded replications in parallel and reports the
//! false-positive rate (A/A scenarios), power, the distribution of stopping
//! times, regret and which variant was chosen ([`SimulationReport`]).
//!
//! [`PostSimulation`] simulates experiments whose unit is the **post**: a
//! variant published as several posts (or each piece of content published
//! once per variant, in paired blocks), each post's rate varying around its
//! variant's (Beta–Binomial), impressions per post log-normal. It reports
//! the rejection rates of the post-level analyses of [`crate::repeated`]
//! beside the impression-level z-test and the Cochran–Mantel–Haenszel
//! test, with Monte Carlo standard errors, and the coverage of the
//! post-level intervals of the true difference
//! ([`PostSimulationReport`]).
//!
//! Built-in stopping rules: [`FixedHorizon`] (one z-test at the end),
//! [`NaivePeeking`] (the same test at every look: the mistake to measure),
//! [`MsprtRule`] (always-valid, [`crate::sequential::Msprt`]),
//! [`ExpectedLossRule`] (Bayesian, [`crate::bayes::expected_loss`]),
//! [`RunToHorizon`], or your own via [`StoppingRule`] / [`FnRule`].
//!
//! # Supported range
//!
//! At most [`MAX_REPLICATIONS`] (10⁷) replications, [`MAX_LOOK_CELLS`] (10⁷)
//! looks × arms and [`MAX_REPLICATION_IMPRESSIONS`] (2⁵³) impressions per
//! replication ([`crate::Error::TooLarge`] beyond, from `build`); the post
//! simulator's ranges are listed with [`PostSimulation`]. A run takes
//! time proportional to replications × looks × arms times the cost of the
//! policy and stopping rule. A [`SimulationReport`] read from JSON is checked
//! to be one a run could have produced.
//!
//! # Example
//! ```
//! use postab::sequential::Msprt;
//! use postab::sim::{MsprtRule, NaivePeeking, Simulation};
//!
//! let base = || Simulation::builder(vec![0.03, 0.03]).traffic_per_look(2_000).looks(48).replications(400).seed(1);
//! let naive = base().stopping(NaivePeeking::new(0.05)?).build()?.run()?;
//! let msprt = base().stopping(MsprtRule(Msprt::tuned(0.05, 0.03, 48_000)?)).build()?.run()?;
//! assert!(naive.false_positive_rate() > msprt.false_positive_rate());
//! # Ok::<(), postab::Error>(())
//! ```

mod harness;
mod post_report;
mod posts;
mod report;
mod rules;

pub use harness::{
    Allocation, MAX_LOOK_CELLS, MAX_REPLICATION_IMPRESSIONS, MAX_REPLICATIONS, MAX_THREADS,
    Simulation, SimulationBuilder,
};
pub use post_report::{
    CoverageSummary, PostAnalysis, PostComparisonSummary, PostSimulationReport, TestSummary,
};
pub use posts::{
    MAX_IMPRESSION_SPREAD, MAX_LOGIT_EFFECT, MAX_MEDIAN_IMPRESSIONS, MAX_POST_IMPRESSIONS,
    MAX_POSTS_PER_REPLICATION, MAX_SIM_CONCENTRATION, MIN_MEAN_RATE, MIN_SIM_CONCENTRATION,
    PostDesign, PostReplication, PostSimulation, PostSimulationBuilder, PublicationOrder,
};
pub use report::{ReplicationOutcome, SimulationReport};
pub use rules::{
    Decision, ExpectedLossRule, FixedHorizon, FnRule, Look, MsprtRule, NaivePeeking, RunToHorizon,
    StoppingRule,
};
