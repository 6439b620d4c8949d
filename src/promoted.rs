//! Promoted posts: what the spend bought, compared between variants, with
//! organic and promoted reach kept apart.
//!
//! A promoted post has two audiences: the one it reached on its own
//! (organic: [`PostRecord::counts`]) and the one that was paid for
//! (promoted: [`PostRecord::promoted`]). postab never sums them: paid
//! impressions are bought at a price the advertiser chose, organic ones are
//! not, and a click-through rate over both mixes two different questions.
//!
//! * **Per unit of spend** ([`compare_spend`]): each variant's promoted
//!   count of an outcome (clicks by default) over its spend, in one
//!   currency. The spend is the exposure: `count ~ Poisson(λ · spend)`,
//!   `λ` the outcomes per currency unit and `1/λ` the cost per outcome.
//!   Bayesian side: a Gamma prior (flat, Gamma(1, 0), unless chosen) gives
//!   the Gamma posterior `Gamma(1 + count, spend)`; `P(λ_B > λ_A)` — the
//!   probability that B buys more clicks per unit, i.e. costs less per
//!   click — is computed exactly ([`crate::bayes::prob_beats`]), with
//!   credible intervals of `λ`, of the cost per outcome `1/λ` and of the
//!   ratio `λ_B/λ_A`. Frequentist side: the exact conditional test and the
//!   score test of `λ_B/λ_A = 1` with the spends as exposures
//!   ([`crate::freq::poisson_rate_test`], statsmodels'
//!   `test_poisson_2indep` methods `exact-cond` and `score`) and the exact
//!   conditional interval of the ratio. Agrees with statsmodels, scipy and
//!   mpmath to 1e-10 (`tests/promoted.rs`). These pooled figures treat
//!   every click as independent; with two or more promoted posts per
//!   variant the **post-level** comparison (each post one observation:
//!   [`crate::repeated::post_count_test`] on `ln((clicks + ½)/spend)`)
//!   is reported beside them and is the one to trust when posts differ.
//! * **Organic and promoted, apart** ([`analyze_promoted`]): for grouped
//!   posts ([`Grouping`]), each variant's organic and promoted counts and
//!   spend side by side ([`ReachSplit`]), and the spend comparison of each
//!   variant against the control, on promoted counts only.
//!
//! Where the spend comes from: a mapped CSV's spend column
//! ([`ColumnMap::spend`](crate::import::ColumnMap::spend)), for example
//! the X Ads export's `Spend`. X's tweet-activity export has promoted
//! counts (`promoted impressions`, `promoted url clicks`, …) but no spend
//! column: its posts give the reach split, and their promoted click-through
//! can be analysed apart with
//! [`Grouping::to_experiment_in`](crate::import::Grouping::to_experiment_in).
//!
//! # Example
//!
//! ```
//! use postab::promoted::{compare_spend, SpendOptions};
//! use postab::repeated::PostCount;
//!
//! // Clicks bought and spend (USD) of each promoted post.
//! let question = [PostCount::new(96, 25.40)?, PostCount::new(81, 24.95)?, PostCount::new(88, 25.15)?];
//! let statement = [PostCount::new(121, 25.00)?, PostCount::new(130, 25.32)?, PostCount::new(109, 24.88)?];
//! let c = compare_spend(&question, &statement, "USD", &SpendOptions::default())?;
//! assert!(c.prob_variant_better > 0.99); // the statement costs less per click
//! assert_eq!(c.exposure(), "spend in USD");
//! println!("{c}");
//! # Ok::<(), postab::Error>(())
//! ```

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::bayes::{GammaPosterior, GammaPrior, Posterior, lift_interval, prob_beats};
use crate::freq::{
    Alternative, PoissonRateTest, PoissonTestMethod, RateCount, RateRatioCiMethod,
    poisson_rate_test, rate_ratio_ci,
};
use crate::import::{Grouping, PostRecord, Reach};
use crate::interval::Interval;
use crate::repeated::{PostCount, PostRatioComparison, post_count_test};
use crate::report::format::{level_percent, number, probability};
use crate::validate::{check_open_unit, read};
use crate::{Counts, Error, Outcome, Result};

/// What to compare per unit of spend, at which level, under which prior.
///
/// Reading from serde checks the level and the outcome's name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "SpendOptionsRepr")]
#[non_exhaustive]
pub struct SpendOptions {
    /// The promoted outcome bought (default clicks: cost per click).
    pub outcome: Outcome,
    /// Level of every interval (default 0.95).
    pub level: f64,
    /// Prior of `λ`, the outcomes per currency unit (default flat,
    /// Gamma(1, 0)).
    pub prior: GammaPrior,
}

#[derive(Deserialize)]
struct SpendOptionsRepr {
    outcome: Outcome,
    level: f64,
    prior: GammaPrior,
}

impl TryFrom<SpendOptionsRepr> for SpendOptions {
    type Error = Error;
    fn try_from(r: SpendOptionsRepr) -> Result<Self> {
        check_open_unit("level", r.level)?;
        r.outcome.validate()?;
        Ok(SpendOptions {
            outcome: r.outcome,
            level: r.level,
            prior: r.prior,
        })
    }
}

impl Default for SpendOptions {
    fn default() -> Self {
        SpendOptions {
            outcome: Outcome::Click,
            level: 0.95,
            prior: GammaPrior::flat(),
        }
    }
}

impl SpendOptions {
    /// The outcome bought (clicks, follows, likes…).
    pub fn outcome(mut self, outcome: Outcome) -> Self {
        self.outcome = outcome;
        self
    }

    /// The level of the intervals.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] outside (0, 1).
    pub fn level(mut self, level: f64) -> Result<Self> {
        self.level = check_open_unit("level", level)?;
        Ok(self)
    }

    /// The prior of the outcomes per currency unit.
    pub fn prior(mut self, prior: GammaPrior) -> Self {
        self.prior = prior;
        self
    }
}

/// One variant's promoted posts on spend.
///
/// Reading from serde checks a positive spend, at least one post, ordered
/// intervals inside `[0, ∞]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "SpendSummaryRepr")]
#[non_exhaustive]
pub struct SpendSummary {
    /// Posts with spend.
    pub posts: usize,
    /// The promoted outcome's count.
    pub count: u64,
    /// The spend, in currency units.
    pub spend: f64,
    /// Observed outcomes per currency unit, `count / spend`.
    pub per_unit: f64,
    /// Observed cost per outcome, `spend / count` (`None` for no outcome).
    pub cost_per: Option<f64>,
    /// The Gamma posterior of `λ`, outcomes per currency unit.
    pub posterior: GammaPosterior,
    /// Equal-tailed credible interval of `λ`.
    pub per_unit_interval: Interval,
    /// Equal-tailed credible interval of the cost per outcome `1/λ`.
    pub cost_interval: Interval,
}

#[derive(Deserialize)]
struct SpendSummaryRepr {
    posts: usize,
    count: u64,
    spend: f64,
    per_unit: f64,
    cost_per: Option<f64>,
    posterior: GammaPosterior,
    per_unit_interval: Interval,
    cost_interval: Interval,
}

impl TryFrom<SpendSummaryRepr> for SpendSummary {
    type Error = Error;
    fn try_from(r: SpendSummaryRepr) -> Result<Self> {
        if r.posts == 0 {
            return Err(read::inconsistent("spend summary", "it has no post"));
        }
        if !(r.spend.is_finite() && r.spend > 0.0) {
            return Err(read::inconsistent(
                "spend summary",
                format!("spend {} is not positive", r.spend),
            ));
        }
        read::non_negative("outcomes per unit", r.per_unit)?;
        if let Some(c) = r.cost_per {
            read::non_negative("cost per outcome", c)?;
        }
        read::within(
            "credible interval of λ",
            &r.per_unit_interval,
            0.0,
            f64::INFINITY,
        )?;
        read::within(
            "credible interval of 1/λ",
            &r.cost_interval,
            0.0,
            f64::INFINITY,
        )?;
        Ok(SpendSummary {
            posts: r.posts,
            count: r.count,
            spend: r.spend,
            per_unit: r.per_unit,
            cost_per: r.cost_per,
            posterior: r.posterior,
            per_unit_interval: r.per_unit_interval,
            cost_interval: r.cost_interval,
        })
    }
}

/// A variant compared with the control on a promoted outcome per unit of
/// spend: see the [module docs](self).
///
/// Reading from serde checks probabilities and p-values in [0, 1] and the
/// currency code.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "SpendComparisonRepr")]
#[non_exhaustive]
pub struct SpendComparison {
    /// The outcome bought.
    pub outcome: Outcome,
    /// The currency of the spend (ISO 4217), the exposure's unit.
    pub currency: String,
    /// The level of the intervals.
    pub level: f64,
    /// The control (A).
    pub control: SpendSummary,
    /// The variant (B).
    pub variant: SpendSummary,
    /// `P(λ_B > λ_A)`: the probability that the variant buys more of the
    /// outcome per currency unit, that is, costs less per outcome. Exact.
    pub prob_variant_better: f64,
    /// Credible interval of `λ_B/λ_A`.
    pub ratio_interval: Interval,
    /// Exact conditional test of `λ_B/λ_A = 1`, two-sided.
    pub exact_test: PoissonRateTest,
    /// Score test of `λ_B/λ_A = 1`, two-sided.
    pub score_test: PoissonRateTest,
    /// Exact conditional confidence interval of `λ_B/λ_A`.
    pub ratio_ci: Interval,
    /// The post-level comparison (each promoted post one observation,
    /// `ln((count + ½)/spend)`), when each side has two posts or more.
    pub post_level: Option<PostRatioComparison>,
}

#[derive(Deserialize)]
struct SpendComparisonRepr {
    outcome: Outcome,
    currency: String,
    level: f64,
    control: SpendSummary,
    variant: SpendSummary,
    prob_variant_better: f64,
    ratio_interval: Interval,
    exact_test: PoissonRateTest,
    score_test: PoissonRateTest,
    ratio_ci: Interval,
    post_level: Option<PostRatioComparison>,
}

impl TryFrom<SpendComparisonRepr> for SpendComparison {
    type Error = Error;
    fn try_from(r: SpendComparisonRepr) -> Result<Self> {
        read::prob("P(variant better)", r.prob_variant_better)?;
        check_open_unit("level", r.level)?;
        let currency = crate::import::Spend::new(0, r.currency)?
            .currency()
            .to_string();
        read::within(
            "credible interval of the ratio",
            &r.ratio_interval,
            0.0,
            f64::INFINITY,
        )?;
        read::within(
            "confidence interval of the ratio",
            &r.ratio_ci,
            0.0,
            f64::INFINITY,
        )?;
        Ok(SpendComparison {
            outcome: r.outcome,
            currency,
            level: r.level,
            control: r.control,
            variant: r.variant,
            prob_variant_better: r.prob_variant_better,
            ratio_interval: r.ratio_interval,
            exact_test: r.exact_test,
            score_test: r.score_test,
            ratio_ci: r.ratio_ci,
            post_level: r.post_level,
        })
    }
}

impl SpendComparison {
    /// The exposure the comparison used: `spend in USD`.
    pub fn exposure(&self) -> String {
        format!("spend in {}", self.currency)
    }
}

/// One variant's posts summarised by [`Outcome`] per `posterior` and
/// intervals.
fn summarise(posts: &[PostCount], options: &SpendOptions) -> Result<SpendSummary> {
    let count: u64 = posts
        .iter()
        .try_fold(0u64, |acc, p| acc.checked_add(p.count()))
        .ok_or(Error::InvalidParameter {
            name: "total count",
            value: posts.iter().map(|p| p.count() as f64).sum(),
            expected: "at most u64::MAX",
        })?;
    let spend: f64 = posts.iter().map(PostCount::exposure).sum();
    let posterior = options.prior.update(count, spend)?;
    let tail = 0.5 * (1.0 - options.level);
    let (lo, hi) = (posterior.quantile(tail)?, posterior.quantile(1.0 - tail)?);
    Ok(SpendSummary {
        posts: posts.len(),
        count,
        spend,
        per_unit: count as f64 / spend,
        cost_per: (count > 0).then(|| spend / count as f64),
        posterior,
        per_unit_interval: Interval::within(lo, hi, 0.0, f64::INFINITY),
        cost_interval: Interval::within(
            1.0 / hi,
            if lo > 0.0 { 1.0 / lo } else { f64::INFINITY },
            0.0,
            f64::INFINITY,
        ),
    })
}

/// Compares B's promoted posts with A's (the control) on an outcome per
/// unit of spend: each post a [`PostCount`] of the outcome over its spend
/// in `currency` units. See the [module docs](self) for the models.
///
/// # Errors
///
/// [`Error::TooFewPosts`] naming `"A"` or `"B"` without posts;
/// [`Error::InvalidCurrency`] for a bad code; [`Error::InvalidParameter`]
/// for a spend or count beyond the supported ranges of
/// [`GammaPosterior`] and [`RateCount`]; [`Error::Undefined`] when neither
/// side has any outcome (the score test has nothing to test);
/// [`Error::TooLarge`] beyond 2⁵² outcomes.
pub fn compare_spend(
    control: &[PostCount],
    variant: &[PostCount],
    currency: &str,
    options: &SpendOptions,
) -> Result<SpendComparison> {
    check_open_unit("level", options.level)?;
    let currency = crate::import::Spend::new(0, currency)?
        .currency()
        .to_string();
    for (posts, group) in [(control, "A"), (variant, "B")] {
        if posts.is_empty() {
            return Err(Error::TooFewPosts {
                group: group.to_string(),
                got: 0,
                need: 1,
            });
        }
    }
    let a = summarise(control, options)?;
    let b = summarise(variant, options)?;
    let prob_variant_better = prob_beats(&a.posterior, &b.posterior).b_beats_a;
    let ratio_interval =
        lift_interval(&a.posterior, &b.posterior, options.level)?.map(|lift| lift + 1.0);
    let (ra, rb) = (
        RateCount::new(a.count, a.spend)?,
        RateCount::new(b.count, b.spend)?,
    );
    let test = |method| poisson_rate_test(ra, rb, 1.0, Alternative::TwoSided, method);
    let exact_test = test(PoissonTestMethod::ExactConditional)?;
    let score_test = test(PoissonTestMethod::Score)?;
    let ratio_ci = rate_ratio_ci(ra, rb, options.level, RateRatioCiMethod::ExactConditional)?;
    let post_level = if control.len() >= 2 && variant.len() >= 2 {
        match post_count_test(control, variant, options.level) {
            Ok(t) => Some(t),
            Err(Error::Undefined { .. }) => None,
            Err(e) => return Err(e),
        }
    } else {
        None
    };
    Ok(SpendComparison {
        outcome: options.outcome.clone(),
        currency,
        level: options.level,
        control: a,
        variant: b,
        prob_variant_better,
        ratio_interval,
        exact_test,
        score_test,
        ratio_ci,
        post_level,
    })
}

/// One variant's organic and promoted reach, side by side (never summed).
///
/// Reading from serde checks at most as many promoted posts as posts and a
/// finite spend ≥ 0.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "ReachSplitRepr")]
#[non_exhaustive]
pub struct ReachSplit {
    /// The variant.
    pub variant: String,
    /// Its posts.
    pub posts: usize,
    /// Its promoted posts (with promoted counts).
    pub promoted_posts: usize,
    /// The summed organic counts of all its posts.
    pub organic: Counts,
    /// The summed promoted counts of its promoted posts.
    pub promoted: Counts,
    /// The summed spend, in currency units (0 when none is known).
    pub spend: f64,
}

#[derive(Deserialize)]
struct ReachSplitRepr {
    variant: String,
    posts: usize,
    promoted_posts: usize,
    organic: Counts,
    promoted: Counts,
    spend: f64,
}

impl TryFrom<ReachSplitRepr> for ReachSplit {
    type Error = Error;
    fn try_from(r: ReachSplitRepr) -> Result<Self> {
        if r.promoted_posts > r.posts {
            return Err(read::inconsistent(
                "reach split",
                format!("{} promoted posts of {} posts", r.promoted_posts, r.posts),
            ));
        }
        read::non_negative("spend", r.spend)?;
        Ok(ReachSplit {
            variant: r.variant,
            posts: r.posts,
            promoted_posts: r.promoted_posts,
            organic: r.organic,
            promoted: r.promoted,
            spend: r.spend,
        })
    }
}

/// What [`analyze_promoted`] found.
///
/// Reading from serde checks the currency code and that every comparison
/// is in it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "PromotedReportRepr")]
#[non_exhaustive]
pub struct PromotedReport {
    /// The control variant.
    pub control: String,
    /// The outcome compared per unit of spend.
    pub outcome: Outcome,
    /// The currency of the spend, when any post has spend.
    pub currency: Option<String>,
    /// Organic and promoted reach of each variant, in variant order.
    pub reach: Vec<ReachSplit>,
    /// Each other variant against the control per unit of spend (empty
    /// when no post has spend).
    pub comparisons: Vec<(String, SpendComparison)>,
}

#[derive(Deserialize)]
struct PromotedReportRepr {
    control: String,
    outcome: Outcome,
    currency: Option<String>,
    reach: Vec<ReachSplit>,
    comparisons: Vec<(String, SpendComparison)>,
}

impl TryFrom<PromotedReportRepr> for PromotedReport {
    type Error = Error;
    fn try_from(r: PromotedReportRepr) -> Result<Self> {
        let currency = r
            .currency
            .map(|c| crate::import::Spend::new(0, c).map(|s| s.currency().to_string()))
            .transpose()?;
        for (_, c) in &r.comparisons {
            if currency.as_deref() != Some(c.currency.as_str()) {
                return Err(read::inconsistent(
                    "promoted report",
                    format!("a comparison in {} in a report in {currency:?}", c.currency),
                ));
            }
        }
        Ok(PromotedReport {
            control: r.control,
            outcome: r.outcome,
            currency,
            reach: r.reach,
            comparisons: r.comparisons,
        })
    }
}

impl PromotedReport {
    /// The exposure the comparisons used: `spend in USD`, or a note that
    /// no spend was known.
    pub fn exposure(&self) -> String {
        match &self.currency {
            Some(c) => format!("spend in {c}"),
            None => "none (no post has spend)".to_string(),
        }
    }
}

/// Analyses grouped promoted posts: each variant's organic and promoted
/// reach apart ([`ReachSplit`]), and, when posts have spend, each variant
/// against `control` per unit of spend on its **promoted** counts of
/// `options.outcome` ([`compare_spend`], each post with spend above 0 a
/// [`PostCount`]).
///
/// # Errors
///
/// [`Error::UnknownVariant`] if `control` is not a group;
/// [`Error::MixedCurrencies`] naming a post paid in another currency than
/// the first; [`Error::SpendWithoutPromotedCounts`] naming a post with
/// spend but no promoted counts; [`Error::NoSpend`] naming a variant
/// without spend when others have some; [`Error::CountOverflow`] for sums
/// beyond `u64::MAX`; and as [`compare_spend`].
///
/// # Example
///
/// ```
/// # #[cfg(feature = "csv")] {
/// use postab::import::{read_mapped_str, ColumnMap, ImportMode, TimeFormat, VariantRules};
/// use postab::promoted::{analyze_promoted, SpendOptions};
/// use postab::Outcome;
///
/// let csv = "post,date,hook,impressions,clicks,paid impressions,paid clicks,spend
/// q1,2026-07-14,question,2140,15,5200,61,20.00
/// s1,2026-07-14,statement,1457,33,5100,88,20.00
/// q2,2026-07-15,question,900,12,6100,70,22.00
/// s2,2026-07-15,statement,1020,19,4800,79,18.50
/// ";
/// let map = ColumnMap::new("post", "date", TimeFormat::pattern("%Y-%m-%d")?)
///     .variant("hook")
///     .outcome("impressions", Outcome::Impression)
///     .outcome("clicks", Outcome::Click)
///     .promoted("paid impressions", Outcome::Impression)
///     .promoted("paid clicks", Outcome::Click)
///     .spend("spend", "EUR")?;
/// let report = read_mapped_str(csv, &map, ImportMode::Strict)?;
/// let groups = VariantRules::new().labels().group(&report.posts);
/// let promoted = analyze_promoted(&groups, "question", &SpendOptions::default())?;
/// assert_eq!(promoted.exposure(), "spend in EUR");
/// assert_eq!(promoted.reach[0].organic.clicks(), 27); // question, organic
/// assert_eq!(promoted.reach[0].promoted.clicks(), 131); // question, paid
/// let (name, c) = &promoted.comparisons[0];
/// assert_eq!((name.as_str(), c.variant.count), ("statement", 167));
/// # }
/// # Ok::<(), postab::Error>(())
/// ```
pub fn analyze_promoted(
    groups: &Grouping<'_>,
    control: &str,
    options: &SpendOptions,
) -> Result<PromotedReport> {
    check_open_unit("level", options.level)?;
    if !groups.variants.contains_key(control) {
        return Err(Error::UnknownVariant {
            id: control.to_string(),
        });
    }
    let mut currency: Option<String> = None;
    let mut reach = Vec::new();
    let mut spends: Vec<(&str, Vec<PostCount>)> = Vec::new();
    for (variant, posts) in &groups.variants {
        let mut with_spend = Vec::new();
        for post in posts {
            let Some(spend) = post.spend.as_ref().filter(|s| s.micros() > 0) else {
                continue;
            };
            match &currency {
                None => currency = Some(spend.currency().to_string()),
                Some(first) if first != spend.currency() => {
                    return Err(Error::MixedCurrencies {
                        first: first.clone(),
                        second: spend.currency().to_string(),
                        post: post.id.clone(),
                    });
                }
                Some(_) => {}
            }
            let paid = post
                .promoted
                .as_ref()
                .ok_or_else(|| Error::SpendWithoutPromotedCounts {
                    post: post.id.clone(),
                })?;
            with_spend.push(PostCount::new(paid.get(&options.outcome), spend.amount())?);
        }
        reach.push(ReachSplit {
            variant: variant.clone(),
            posts: posts.len(),
            promoted_posts: posts.iter().filter(|p| p.promoted.is_some()).count(),
            organic: groups.counts_in(variant, Reach::Organic)?,
            promoted: groups.counts_in(variant, Reach::Promoted)?,
            spend: posts
                .iter()
                .filter_map(|p: &&PostRecord| p.spend.as_ref())
                .map(|s| s.amount())
                .sum(),
        });
        spends.push((variant, with_spend));
    }
    let mut comparisons = Vec::new();
    if let Some(code) = &currency {
        if let Some((name, _)) = spends.iter().find(|(_, s)| s.is_empty()) {
            return Err(Error::NoSpend {
                variant: (*name).to_string(),
            });
        }
        let base = spends
            .iter()
            .find(|(v, _)| *v == control)
            .map(|(_, s)| s.as_slice())
            .unwrap_or_default();
        for (variant, posts) in spends.iter().filter(|(v, _)| *v != control) {
            comparisons.push((
                (*variant).to_string(),
                compare_spend(base, posts, code, options)?,
            ));
        }
    }
    Ok(PromotedReport {
        control: control.to_string(),
        outcome: options.outcome.clone(),
        currency,
        reach,
        comparisons,
    })
}

/// The exposure and the unit of analysis (the post with two promoted posts
/// a side or more, else the pooled spend), two lines per side and the tests:
/// `A: 3 posts, 265 clicks for 75.50 USD: 3.51 clicks per USD [95% CrI …], cost per click 0.285 USD [95% CrI …]`,
/// the same for B, then `pooled Gamma–Poisson: P(B costs less per click) = 0.9999; ratio of clicks per USD B/A 1.36 [95% CrI …]`,
/// the exact conditional and score tests and the post-level comparison.
impl fmt::Display for SpendComparison {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = f.precision();
        let pct = level_percent(self.level);
        let o = &self.outcome;
        let cur = &self.currency;
        let singular = o.name().strip_suffix('s').unwrap_or(o.name());
        writeln!(f, "exposure: spend in {cur}; promoted {o} only")?;
        match &self.post_level {
            Some(_) => writeln!(
                f,
                "unit of analysis: the post ({} + {} promoted posts; the post-level comparison at the end is the one to trust, the pooled figures assume every {singular} independent)",
                self.control.posts, self.variant.posts
            )?,
            None => writeln!(
                f,
                "unit of analysis: the pooled spend (fewer than 2 promoted posts a side: post-to-post variation cannot be estimated, every {singular} is taken as independent)"
            )?,
        }
        for (label, s) in [("A", &self.control), ("B", &self.variant)] {
            write!(
                f,
                "{label}: {} posts, {} {o} for {} {cur}: {} {o} per {cur} [{pct}% CrI {}, {}]",
                s.posts,
                s.count,
                number(s.spend, Some(2)),
                number(s.per_unit, p),
                number(s.per_unit_interval.lower, p),
                number(s.per_unit_interval.upper, p),
            )?;
            match s.cost_per {
                Some(c) => write!(f, ", cost per {singular} {} {cur}", number(c, p))?,
                None => write!(f, ", no {singular} bought")?,
            }
            writeln!(
                f,
                " [{pct}% CrI {}, {}]",
                number(s.cost_interval.lower, p),
                number(s.cost_interval.upper, p)
            )?;
        }
        writeln!(
            f,
            "pooled Gamma–Poisson: P(B costs less per {singular}) = {}; {o} per {cur}, B/A: {} [{pct}% CrI {}, {}]",
            probability(self.prob_variant_better),
            number(self.variant.per_unit / self.control.per_unit, p),
            number(self.ratio_interval.lower, p),
            number(self.ratio_interval.upper, p),
        )?;
        write!(
            f,
            "pooled (every {singular} independent): exact conditional p = {}, score p = {}, {pct}% CI of the ratio [{}, {}]",
            probability(self.exact_test.p_value),
            probability(self.score_test.p_value),
            number(self.ratio_ci.lower, p),
            number(self.ratio_ci.upper, p),
        )?;
        if let Some(post) = &self.post_level {
            write!(f, "\npost level: {post}")?;
        }
        Ok(())
    }
}

/// The exposure, each variant's reach (`question: organic 3040 impressions,
/// 27 clicks; promoted 11300 impressions, 131 clicks (2 of 2 posts
/// promoted), spend 42.00 EUR`) and each comparison.
impl fmt::Display for PromotedReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "promoted {} per unit of spend; exposure: {}; organic and promoted reach apart, never summed",
            self.outcome,
            self.exposure()
        )?;
        for r in &self.reach {
            write!(
                f,
                "\n  {}: organic {} impressions, {} {}; promoted {} impressions, {} {} ({} of {} posts promoted)",
                r.variant,
                r.organic.impressions(),
                r.organic.get(&self.outcome),
                self.outcome,
                r.promoted.impressions(),
                r.promoted.get(&self.outcome),
                self.outcome,
                r.promoted_posts,
                r.posts
            )?;
            if let Some(c) = &self.currency {
                write!(f, ", spend {} {c}", number(r.spend, Some(2)))?;
            }
        }
        for (variant, c) in &self.comparisons {
            write!(f, "\n{variant} (B) vs {} (A):", self.control)?;
            for line in c.to_string().lines() {
                write!(f, "\n  {line}")?;
            }
        }
        Ok(())
    }
}
