//! Reports people read and programs parse: terminal text, Markdown with a
//! plain-language verdict, and a versioned JSON [`Document`]; SVG plots with
//! the `plot` feature (module `plot`).
//!
//! Every reportable result implements [`Render`]:
//!
//! | result | text | Markdown | JSON body `kind` |
//! |---|---|---|---|
//! | [`Analysis`] (an experiment) | its `Display` table | table + verdict | `analysis` |
//! | [`SlotReport`] (posting slots) | table | table + verdict | `slots` |
//! | [`SimulationReport`] (harness) | summary | summary + stopping times | `simulation` |
//! | [`MonitoringReport`] (sequential) | table | table + verdict | `monitoring` |
//!
//! # JSON schema (version 3)
//!
//! A document is one JSON object:
//!
//! ```text
//! {
//!   "schema_version": 3,            // SCHEMA_VERSION; bumped on breaking changes
//!   "generator": "postab 0.1.0",    // crate that wrote it (informative)
//!   "kind": "analysis" | "slots" | "simulation" | "monitoring",
//!   "result": { ... }               // the result type, serialised with serde
//! }
//! ```
//!
//! `result` is the serde form of the result type named by `kind`:
//!
//! * `analysis`: [`Analysis`] — `experiment`, `metric`, `numerator`,
//!   `denominator` (names), `model` (`"BetaBinomial"` | `"GammaPoisson"`),
//!   `rate_unit` (what every rate, difference and loss in `variants` counts,
//!   e.g. `"click_through = clicks / impressions, a fraction: 0.031 is 3.1
//!   %"`),
//!   `control` (variant id), `options`, `design` (`design`:
//!   `"randomised_exposure"` | `"independent_posts"` | `"paired_posts"`,
//!   `source`: `"declared"` | `"inferred"`, `reason`), `comparisons` (the
//!   result for post designs, one per non-control variant: `variant`,
//!   `unit` (`"post"` | `"block"`), `control_units`, `variant_units`,
//!   `test` (`null` with one post per variant, else `{"kind": "posts" |
//!   "paired", ...}` with its log-rate-ratio test), `adjusted_p_value`,
//!   `stratified` (blocks only: CMH, Mantel–Haenszel odds ratio,
//!   Breslow–Day, labelled impression-level)), `variants` (the
//!   impression-level figures, one object per variant:
//!   `id`, `label`, `numerator`, `denominator`, `rate`, `posterior`
//!   (`{"family": "beta", "alpha", "beta"}` or `{"family": "gamma", "shape",
//!   "rate"}`), `credible_interval` and `confidence_interval`
//!   (`{"lower", "upper"}`), `prob_best`, `expected_loss`,
//!   `vs_control` (`null` for the control, else `prob_beats_control`,
//!   `difference`, `difference_interval`, `ratio_interval`, `lift`,
//!   `p_value`, `adjusted_p_value`)) and `srm` (sample-ratio check against
//!   the declared split, `null` when none was declared);
//! * `slots`: [`SlotReport`] — `metric`, `tz` (IANA name), `scheme`,
//!   `prior` (`{"alpha", "beta"}`), `rates` (per slot with data:
//!   `label`, `successes`, `trials`, `rate`, `posts`), `prob_best`
//!   (`[label, probability]` pairs), `control` and `vs_control` (per slot
//!   with data: `label`, `control`, `prob_beats_control`, `expected_loss`
//!   `{"choose_a", "choose_b"}`, `impression_level`, `post_level`). A slot
//!   label is `{"hour": 8}`, `{"weekday": "Mon"}`, `{"hour_of_week": ["Mon",
//!   8]}` or `{"window": "morning"}`;
//! * `simulation`: [`SimulationReport`] — `true_rates`, `replications`,
//!   `looks`, `seed`, `winners`, `no_winner`, `ended_at` (stopping-time
//!   counts per look), `stopped`, `mean_regret`, `regret_by_look`,
//!   `mean_impressions`, `mean_successes`, `outcomes`;
//! * `monitoring`: [`MonitoringReport`] — `experiment`, `control`,
//!   `treatment` (arm names), `prior`, `monitor` (the running mSPRT state)
//!   and `looks` (per look: `at` (RFC 3339 or `null`), `control` and
//!   `treatment` (`{"successes", "trials"}`, cumulative),
//!   `prob_beats_control`, `msprt` (`difference`, `variance`,
//!   `log_likelihood_ratio`, `p_value` (running always-valid),
//!   `confidence_sequence`, `reject`)).
//!
//! Rates are fractions (0.031, not 3.1 %); probabilities are in \[0, 1\].
//! New fields may be added within a version; readers should ignore fields
//! they do not know. [`Document::from_json`] reads a document back into the
//! result types and refuses other schema versions.
//!
//! # Non-finite numbers
//!
//! JSON has no infinity or NaN. Fields that can legitimately be unbounded
//! or undefined are written as strings: `"inf"`, `"-inf"`, `"NaN"`
//! (reading also accepts `"infinity"` and `"+inf"`, case-insensitive). They
//! are: interval ends (`lower`, `upper`; e.g. the upper end of a rate-ratio
//! interval when the control had no events), the `z` of a test whose
//! standard error is 0 (`impression_level`, `post_level`), and a slot's
//! `rate` with no trials (`"NaN"`). Every other number is finite, and a
//! `null` where a number is expected is refused.
//!
//! # Validation on reading
//!
//! Reading a document (or any result type through serde) runs the same
//! checks as computing it, so a hand-edited or corrupted document cannot
//! carry impossible numbers into a report. Among others:
//!
//! * probabilities (`prob_best`, `prob_beats_control`, p-values) in
//!   \[0, 1\], and `P(best)` summing to 1 within 1e-9;
//! * expected losses finite and ≥ 0 (at most 1 for rates);
//! * intervals with `lower ≤ upper` inside their parameter's range (rates in
//!   \[0, 1\], differences of rates in \[−1, 1\], ratios ≥ 0);
//! * counts with successes ≤ trials and a positive denominator; the control
//!   among ≥ 2 distinct variants and the only one without a comparison;
//!   analysis options with a level in (0, 1) and positive split shares;
//! * slot reports: a valid scheme, slots of the scheme, each slot with data
//!   ranked once; monitoring reports: looks with trials, as many looks as
//!   the monitor counted; posteriors and priors as their constructors.
//!
//! A refused document is [`Error::InvalidReport`] naming the value.
//!
//! # Example
//!
//! ```
//! use postab::report::{Body, Document, Render};
//! use postab::{counts, Experiment, Metric};
//!
//! let mut exp = Experiment::builder("launch-post")
//!     .variant("question", "Is your posting schedule too rigid? {link}")
//!     .variant("statement", "There is no single right way to run an account. {link}")
//!     .control("question")
//!     .build()?;
//! exp.add_counts("question", counts! { impressions: 12_400, clicks: 310 })?;
//! exp.add_counts("statement", counts! { impressions: 12_000, clicks: 352 })?;
//! let analysis = exp.analyze(&Metric::click_through())?;
//!
//! let md = analysis.markdown();
//! assert!(md.starts_with("## launch-post"));
//! let json = analysis.to_json()?;
//! let back = Document::from_json(&json)?;
//! assert_eq!(back.body, Body::Analysis(analysis));
//! # Ok::<(), postab::Error>(())
//! ```

mod analysis;
pub(crate) mod format;
mod monitoring;
#[cfg(feature = "plot")]
#[cfg_attr(docsrs, doc(cfg(feature = "plot")))]
pub mod plot;
mod simulation;
mod slots;

use serde::{Deserialize, Serialize};

pub use crate::analysis::Analysis;
use crate::error::{Error, Result};
pub use crate::sim::SimulationReport;
pub use monitoring::{MonitoringLook, MonitoringReport};
pub use slots::SlotReport;

/// The JSON schema version this build writes (it also reads every version
/// from [`OLDEST_SCHEMA_VERSION`] on).
///
/// Version 3: an analysis carries its `design` (design, whether declared
/// or inferred, and why) and `comparisons` (each variant against the
/// control at the design's unit: posts or blocks). A version 1 or 2
/// analysis reads as an impression-level analysis of variant totals with
/// no comparisons.
///
/// Version 2: a post-level comparison (`RateComparison`) names its test
/// statistic `statistic` (was `z`) and carries `degrees_of_freedom`; an
/// analysis's `srm` is `null` unless a split was declared. A version 1
/// document reads with its `z` as the statistic and infinite degrees of
/// freedom (the normal reference it used), and its `srm` as written.
pub const SCHEMA_VERSION: u64 = 3;

/// The oldest JSON schema version this build reads.
pub const OLDEST_SCHEMA_VERSION: u64 = 1;

/// The result a [`Document`] carries, tagged by `kind`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "result", rename_all = "snake_case")]
#[non_exhaustive]
// A document is built once per report and read by pattern matching; a
// box would only make matching on `Body::Analysis` clumsier.
#[allow(clippy::large_enum_variant)]
pub enum Body {
    /// An experiment's analysis.
    Analysis(Analysis),
    /// A comparison of posting slots.
    Slots(SlotReport),
    /// Operating characteristics from the simulation harness.
    Simulation(SimulationReport),
    /// A test monitored look by look.
    Monitoring(MonitoringReport),
}

/// A versioned JSON report document (see the [module docs](self) for the
/// schema).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Document {
    /// Schema version, [`SCHEMA_VERSION`] when written by this build.
    pub schema_version: u64,
    /// The crate and version that wrote the document, e.g. `"postab 0.1.0"`.
    pub generator: String,
    /// The result.
    #[serde(flatten)]
    pub body: Body,
}

/// Only the version, read first so that other versions fail cleanly.
#[derive(Deserialize)]
struct VersionProbe {
    schema_version: u64,
}

fn invalid(e: &serde_json::Error) -> Error {
    Error::InvalidReport {
        message: e.to_string(),
    }
}

impl Document {
    /// A document of the current [`SCHEMA_VERSION`] holding `body`.
    pub fn new(body: Body) -> Self {
        Self {
            schema_version: SCHEMA_VERSION,
            generator: concat!("postab ", env!("CARGO_PKG_VERSION")).to_string(),
            body,
        }
    }

    /// The document as pretty-printed JSON (ends with a newline).
    ///
    /// # Errors
    /// [`Error::InvalidReport`] if the result cannot be written as JSON
    /// (non-finite numbers are written as strings, see [Non-finite
    /// numbers](self#non-finite-numbers); so in practice never).
    pub fn to_json(&self) -> Result<String> {
        let mut s = serde_json::to_string_pretty(self).map_err(|e| invalid(&e))?;
        s.push('\n');
        Ok(s)
    }

    /// Reads a document written by [`Document::to_json`], checking every
    /// invariant of the result (see [Validation on
    /// reading](self#validation-on-reading)).
    ///
    /// # Errors
    /// [`Error::UnsupportedSchemaVersion`] for a schema version outside
    /// [`OLDEST_SCHEMA_VERSION`]..=[`SCHEMA_VERSION`];
    /// [`Error::InvalidReport`] when the text is not a document or a value
    /// breaks an invariant (a probability of 5, a negative loss, ...).
    ///
    /// # Example
    /// ```
    /// use postab::report::Document;
    /// let err = Document::from_json(r#"{"schema_version": 99, "kind": "slots"}"#).unwrap_err();
    /// assert!(err.to_string().contains("99"));
    /// ```
    pub fn from_json(json: &str) -> Result<Self> {
        let probe: VersionProbe = serde_json::from_str(json).map_err(|e| invalid(&e))?;
        if !(OLDEST_SCHEMA_VERSION..=SCHEMA_VERSION).contains(&probe.schema_version) {
            return Err(Error::UnsupportedSchemaVersion {
                found: probe.schema_version,
                supported: SCHEMA_VERSION,
            });
        }
        serde_json::from_str(json).map_err(|e| invalid(&e))
    }
}

/// The three renderings of a result.
pub trait Render {
    /// Terminal text: an aligned table and a summary.
    fn text(&self) -> String;
    /// Markdown: a plain-language verdict and tables.
    fn markdown(&self) -> String;
    /// The result as a versioned [`Document`].
    fn document(&self) -> Document;
    /// Shorthand for `self.document().to_json()`.
    ///
    /// # Errors
    /// As [`Document::to_json`].
    fn to_json(&self) -> Result<String> {
        self.document().to_json()
    }
}
