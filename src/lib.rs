//! # postab
//!
//! A/B testing for social-media post variants: two texts for the same blog
//! post, a call to action or none, a link card or an image, 08:00 London or
//! 17:00 Pacific. Feed in impressions, clicks, reposts, likes and replies per
//! variant (aggregated counts or timestamped events) and ask which variant
//! wins, how sure you can be, and what choosing wrong would cost.
//!
//! # Quick start
//!
//! The seed's own practice: tweet each blog post twice, once per text, and
//! see which text does better. Each tweet is a [`Post`]; the blog post it
//! promotes is its block.
//!
//! ```
//! use postab::{counts, Experiment, Metric, Post};
//!
//! let mut exp = Experiment::builder("question vs statement")
//!     .variant("question", "Is your posting schedule too rigid? {link}")
//!     .variant("statement", "There is no single right way to run an account. {link}")
//!     .control("question")
//!     .build()?;
//!
//! // Clicks and impressions of each tweet, per blog post.
//! let blog_posts = [
//!     ("rigid-schedules", (15, 2_140), (33, 1_457)),
//!     ("threads-or-not", (158, 4_025), (33, 1_276)),
//!     ("alt-text", (46, 1_178), (19, 860)),
//!     ("link-in-bio", (64, 2_937), (97, 3_558)),
//!     ("reply-guys", (92, 3_005), (76, 2_419)),
//!     ("hashtags-2026", (28, 1_696), (38, 1_764)),
//! ];
//! for (slug, (q_clicks, q_imps), (s_clicks, s_imps)) in blog_posts {
//!     exp.add_post(Post::new(format!("{slug}/q"), "question")?.in_block(slug)?
//!         .with_counts(counts! { impressions: q_imps, clicks: q_clicks }))?;
//!     exp.add_post(Post::new(format!("{slug}/s"), "statement")?.in_block(slug)?
//!         .with_counts(counts! { impressions: s_imps, clicks: s_clicks }))?;
//! }
//!
//! let report = exp.analyze(&Metric::click_through())?;
//! println!("{report}"); // design, the block-level result, then the labelled impression-level figures
//! let result = &report.comparisons[0]; // statement vs question, the blog post as the unit
//! assert!(result.bayes.prob_b_better > 0.5 && result.bayes.prob_b_better < 0.95);
//! # Ok::<(), postab::Error>(())
//! ```
//!
//! # Why the post is the unit
//!
//! Two tweets of the same text do not get the same click rate: one lands in
//! a busy feed, one is quoted by a big account, one goes out while your
//! followers sleep. Those swings are usually far larger than the coin-flip
//! noise of the impressions inside one tweet, and they have nothing to do
//! with the text. So postab counts **posts** (or pairs of posts), not
//! impressions, unless the platform itself split the impressions at random
//! (see [`design`]).
//!
//! In the `quickstart` example (12 blog posts, each tweeted once as a
//! question and once as a statement, in alternating order) the statement
//! gets 21.5 % more clicks per impression overall. Counting every
//! impression as an independent coin flip, that looks settled: 99.99 %
//! probability, p = 0.0002. Compared inside each blog post, as it should
//! be, the honest answer is P(the statement style is better) = 0.92 and a
//! typical click-rate ratio of 1.27 with a 95 % interval from 0.89 to 1.80
//! (paired test, p = 0.17): promising, not yet conclusive, so keep
//! tweeting both. For one new blog post tweeted once per text (52 vs 41
//! clicks), the impression-level figure is 0.91; with the account's
//! post-to-post variation, learned from its history, it is 0.67.
//!
//! # Overview
//!
//! * Domain: [`Variant`] (a treatment: a post text and its attributes),
//!   [`Post`] (one publication of a variant: time, block, counts),
//!   [`design`] (randomised exposure, independent posts or paired posts:
//!   the unit of analysis), [`Outcome`]
//!   (impression, click, repost, …), [`Counts`] (per-variant sufficient
//!   statistics that merge exactly and never wrap), [`Tracker`] (thread-safe
//!   event ingestion into time-bucketed counts with exact windows,
//!   mergeable snapshots and an optional durable store), [`Metric`] (what to divide by what),
//!   [`Experiment`] (variants + control + data, serialisable).
//! * [`analysis`]: the end-to-end report of [`Experiment::analyze`].
//! * [`guardrail`]: decisions across metrics with [`Experiment::decide`]:
//!   ship only if the primary metric improves and every guardrail (e.g.
//!   unfollows per impression) stays within its margin, with a Bayesian and
//!   a frequentist verdict that name the guardrail that blocked a ship.
//! * [`bayes`]: Beta posteriors, exact `P(B > A)`, `P(best)`, expected loss
//!   and credible intervals.
//! * [`freq`]: z-tests, proportion intervals, contingency tables, Fisher's
//!   exact test, Poisson rates, Welch, multiple comparisons, sample ratio
//!   mismatch and sample-size planning.
//! * [`sequential`]: always-valid inference (mSPRT p-values and confidence
//!   sequences) and group-sequential boundaries with Lan–DeMets alpha
//!   spending, for people who look at their numbers every hour.
//! * [`bandit`]: Thompson sampling (Beta and Gamma), top-two Thompson, UCB1
//!   and epsilon-greedy policies that pick which text to post next.
//! * [`sim`]: a seeded, parallel simulation harness: true rates, traffic, an
//!   allocation and a stopping rule in; false-positive rate, power, stopping
//!   times and regret out.
//! * [`schedule`]: posting slots (local hour, weekday, windows) in IANA time
//!   zones, DST-correct, and comparisons of audiences' time zones.
//! * [`repeated`]: the post-level machinery: paired blocks, independent
//!   posts, the hierarchical Bayesian model, calibration from an account's
//!   history ([`repeated::AccountHistory`]) and planning ([`repeated::PostPlan`]).
//! * [`import`]: X/Twitter analytics exports (legacy tweet activity and the
//!   account content export) and saved Bluesky, Mastodon and Threads API
//!   responses into posts, variants and counts.
//! * [`promoted`]: promoted posts: clicks (or any outcome) per unit of
//!   spend compared between variants, exact Gamma–Poisson with the spend as
//!   exposure, organic and promoted reach kept apart.
//! * [`report`]: text, Markdown and versioned JSON reports of analyses,
//!   slot comparisons and simulations; SVG plots with the `plot` feature.
//! * [`numeric`]: the special functions underneath, accurate at any scale.
//!
//! # The models behind the numbers
//!
//! * The design decides the unit ([`design`]): blocks of paired posts
//!   (paired t-test on per-block log rate ratios, order-adjusted, and a
//!   hierarchical Bayesian model), independent posts (pooled t-test on
//!   per-post log rates, the same hierarchical model), or impressions when
//!   the platform randomised them (below). The impression-level figures are
//!   always reported too, labelled as a comparison.
//! * A rate metric (clicks / impressions) is binomial per variant. Bayesian
//!   side: Beta(1, 1) prior unless chosen otherwise, posterior
//!   Beta(1 + s, 1 + n − s); `P(B > A)`, `P(best)` and expected loss
//!   `E[max_j p_j − p_k]` are computed exactly (no simulation).
//!   Frequentist side: two-sided pooled two-proportion z-test of each variant
//!   against the control (difference = variant − control), Holm-adjusted;
//!   Wilson intervals per variant; Newcombe intervals of differences.
//!
//! # Accuracy
//!
//! Every routine is tested against reference values from scipy, statsmodels
//! and mpmath (`tests/data/`, with the scripts that produced them). Verified
//! errors (relative unless said):
//!
//! | routine | verified error |
//! |---|---|
//! | `P(B > A)`, Beta posteriors | ≤ 1e-10 on the smaller tail (tails to 1e-60, 0 successes, 10⁹ trials) |
//! | expected loss | ≤ 1e-9 |
//! | `P(best)`, K ≥ 3 | ≤ 1e-9 absolute |
//! | `P(λ_B > λ_A)`, Gamma posteriors | ≤ 1e-10 |
//! | Beta credible interval | ≤ 1e-10 |
//! | incomplete beta `I_x(a, b)` and complement | ≤ 2e-13 on the smaller tail down to 1e-20, ≤ 2e-12 down to 1e-300 (shapes 1.5 to 3·10⁸, `b` to 2·10¹⁰) |
//! | incomplete gamma, normal tails | ≤ 1e-12, ≤ 1e-14 down to 1e-300 |
//! | z-test, chi-square, Fisher, intervals (see [`freq`]) | ≤ 1e-10 on p-values as tails (to 1e-130) |
//! | two-proportion tests against a non-zero difference or ratio ([`freq::proportions_null_test`]) | ≤ 5e-13 vs mpmath, ≤ 3e-12 vs statsmodels (10⁸ trials included; the score test of a difference uses the true restricted MLE, statsmodels issue #10269) |
//! | `P(p_B − p_A > d)`, Beta posteriors ([`bayes::prob_difference_above`]) | ≤ 1e-14 on either tail (tails to 3e-18) |
//! | spend comparisons ([`promoted::compare_spend`]): exact and score tests, `P(λ_B > λ_A)`, Gamma and exact ratio intervals | ≤ 1e-10 vs statsmodels, scipy and mpmath (worst 1.6e-12); ratio credible interval ≤ 1e-8 (worst 2e-11) |
//!
//! # Errors
//!
//! Bad input is an [`Error`] that names the offending value (which variant,
//! which count); no function panics on user input, and counts never wrap.
//!
//! # Supported ranges
//!
//! Every numeric entry point states the inputs it accepts; beyond them it
//! returns a typed [`Error`] naming the value, within them it answers in
//! bounded time. In a release build two long fuzz runs (10⁶ calls each over
//! the whole API, seeds 7 and 11) measured every call under 100 ms, the
//! slowest 95 ms and 59 ms (a lift interval of a posterior with both shapes
//! below 0.1); not counted are calls whose cost is proportional to a size
//! the caller chose (simulations, bandit rounds, imports, event batches).
//! The details live with each module; in short:
//!
//! | area | accepted |
//! |---|---|
//! | [`bayes`] Beta and Gamma posteriors and priors | shapes in [10⁻³, 10¹⁵] ([`bayes::MIN_SHAPE`], [`bayes::MAX_SHAPE`]), so up to 10¹⁵ successes and failures; Gamma rates in [10⁻¹⁵⁰, 10¹⁵⁰]; Normal `sd` in [10⁻¹⁵⁰, 10¹⁵⁰] |
//! | [`numeric`] incomplete beta / gamma and quantiles | shapes up to 10²⁰ ([`numeric::MAX_BETA_SHAPE`], [`numeric::MAX_GAMMA_SHAPE`]) |
//! | [`freq`] proportions | any `0 ≤ successes ≤ trials ≤ u64::MAX`, `trials ≥ 1` |
//! | [`freq`] planning | α in [10⁻³⁰⁰, 1), allocation ratio in [10⁻⁹, 10⁹]; an infinite sample size is [`Error::Infeasible`] |
//! | [`freq`] Poisson rates | exposure and null ratio in [10⁻¹⁰⁰, 10¹⁰⁰]; exact conditional test up to 2⁵² events |
//! | [`sequential`] | mSPRT τ in [10⁻¹⁰⁰, 10¹⁰⁰]; each group-sequential look adds at least 10⁻³ of its information fraction |
//! | [`sim`] | at most 10⁷ replications, 10⁷ looks × arms, 2⁵³ impressions per replication |
//! | levels, α, power | strictly between 0 and 1 |
//!
//! Results keep their ranges where they are computed: probabilities and
//! p-values in [0, 1], `P(best)` summing to 1 within 1e-12, losses ≥ 0,
//! intervals inside their parameter's range with `lower ≤ upper`.
//! `tests/api_fuzz.rs` drives the whole public API with edge values and
//! checks these promises and the time bound.
//!
//! # Serialised data
//!
//! Every type that deserialises runs the checks of its constructor, so a
//! document read back is one the library could have produced. Infinite
//! values (an unbounded interval end, an infinite critical value) are
//! written as the strings `"inf"` and `"-inf"`, NaN as `"NaN"`; finite
//! numbers stay JSON numbers and round-trip exactly.
//!
//! # Crate features
//!
//! * `csv` (default): reading analytics exports with the `csv` crate
//!   ([`import::read_export`] and friends) and any CSV through a column map
//!   ([`import::read_mapped`]). Without it the rest of
//!   [`import`] (snowflake ids, grouping rules) is still available.
//! * `json` (default): reading saved Bluesky, Mastodon and Threads API
//!   responses (`import::read_bluesky`, `import::read_mastodon`,
//!   `import::read_threads`); adds no dependency (`serde_json` is always
//!   used, for JSON reports).
//! * `linkedin` (off by default): reading LinkedIn company-page content
//!   exports (.xlsx/.xls) with the `calamine` crate
//!   (`import::read_linkedin`).
//! * `plot` (off by default): SVG plots of reports ([`report`]), written by
//!   hand in pure Rust (no system libraries).
//! * `store` (off by default): a durable tracker store on SQLite
//!   (`Tracker::open`, `tracker::Store`: WAL mode, one transaction per
//!   batch, several writer processes); compiles SQLite's bundled C source
//!   with `rusqlite`.
//! * `arrow` (off by default): events, per-post and per-variant counts as
//!   Arrow record batches and Parquet files, and bulk analysis of many
//!   experiments from one table (`columnar`), with the `arrow` and
//!   `parquet` crates.
//! * `datafusion` (off by default, implies `arrow`): postab's statistics
//!   as DataFusion SQL functions (`sql`: `prob_beats`, `expected_loss`,
//!   `beta_interval`, `ztest_p`, the `postab_counts` aggregate); needs
//!   Rust 1.94.
//!
//! # Randomness
//!
//! Everything random (Monte Carlo, bandits, simulations) takes a seed or an
//! RNG from the caller; the simulation harness gives identical results for a
//! seed whatever the number of threads.
//!
//! # Dependencies in the API
//!
//! Timestamps are [`chrono`] types, time zones [`chrono_tz`] ones and
//! random number generators implement [`rand::Rng`]. postab re-exports the
//! three crates at the versions it uses, so no direct dependency (at a
//! version that must match) is needed:
//!
//! ```
//! use postab::chrono::{TimeZone, Utc, Weekday};
//! use postab::chrono_tz::Europe::London;
//! use postab::rand::SeedableRng;
//! use postab::rand::rngs::Xoshiro256PlusPlus;
//! use postab::bandit::{Policy, Tally, ThompsonBeta};
//! use postab::schedule::{SlotLabel, Slots};
//!
//! let at = Utc.with_ymd_and_hms(2026, 1, 5, 8, 30, 0).single().ok_or("date")?;
//! let slots = Slots::hour_of_week(London);
//! assert_eq!(slots.slot_of(at), Some(&SlotLabel::HourOfWeek(Weekday::Mon, 8)));
//!
//! let mut rng = Xoshiro256PlusPlus::seed_from_u64(1);
//! let arms = [Tally::new(3, 40)?, Tally::new(9, 41)?];
//! assert!(ThompsonBeta::new().choose(&arms, &mut rng)? < 2);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![deny(missing_docs)]
// No unsafe code but three audited calls: the AVX2 builds of the
// vectorised kernels (`numeric::lanes::exp_sums`, `bayes::rank::sweep`,
// `bayes::beat::RatioSeries::sum`), each after checking that the processor
// has AVX2.
#![deny(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod analysis;
pub mod bandit;
pub mod bayes;
#[cfg(feature = "arrow")]
#[cfg_attr(docsrs, doc(cfg(feature = "arrow")))]
pub mod columnar;
pub mod counts;
pub mod design;
pub mod error;
pub mod experiment;
pub mod freq;
pub mod guardrail;
pub mod import;
pub mod interval;
pub mod metric;
pub mod numeric;
pub mod outcome;
pub mod poll;
pub mod post;
pub mod promoted;
pub mod repeated;
pub mod report;
pub mod schedule;
pub mod sequential;
mod serde_float;
pub mod sim;
#[cfg(feature = "datafusion")]
#[cfg_attr(docsrs, doc(cfg(feature = "datafusion")))]
pub mod sql;
pub mod tracker;
mod validate;

/// The [`chrono`](https://docs.rs/chrono) crate at the version postab's
/// API uses (`DateTime<Utc>` timestamps, `Weekday`): call postab with
/// `postab::chrono` types without depending on `chrono` yourself.
pub use chrono;
/// The [`chrono-tz`](https://docs.rs/chrono-tz) crate at the version
/// postab's API uses (IANA time zones for [`schedule`]).
pub use chrono_tz;
/// The [`rand`](https://docs.rs/rand) crate at the version postab's API
/// uses (the `Rng` taken by bandits and Monte Carlo, seedable generators
/// such as `rand::rngs::Xoshiro256PlusPlus`).
pub use rand;

pub use counts::Counts;
pub use error::{Error, Result};
pub use experiment::{Experiment, ExperimentBuilder};
pub use guardrail::{Direction, Guardrail, Margin, ShipDecision, ShipRule, Verdict};
pub use interval::Interval;
pub use metric::Metric;
pub use outcome::Outcome;
pub use post::{Post, Variant};
pub use tracker::{Event, Tracker};
