//! How the data were produced decides what counts as an independent
//! observation: the **design** of an experiment and its **unit of
//! analysis**.
//!
//! # Why the post is the unit
//!
//! When you tweet the same blog post twice with different texts, the two
//! tweets are two *posts*. Each post has a click rate of its own: one lands
//! in a busy feed, one gets quoted by a big account, one goes out while
//! your followers sleep. Those differences have nothing to do with the text,
//! and they are usually much larger than the coin-flip noise of the
//! impressions inside a post. An analysis that pools every impression of a
//! text into one big count treats 20,000 impressions as 20,000 independent
//! coin flips and becomes wildly over-confident: on simulated A/A data with
//! post-to-post variation typical of an account, the impression-level test
//! declares a difference in well over half of the datasets where there is
//! none. So postab counts posts (or pairs of posts), not impressions,
//! unless the platform itself split the impressions at random.
//!
//! # The three designs
//!
//! | design | when | unit | analysis |
//! |---|---|---|---|
//! | [`Design::RandomisedExposure`] | the platform split impressions at random (a promoted split test) | impression | Beta–Binomial / z-test on the variants' totals, sample-ratio check against the split |
//! | [`Design::IndependentPosts`] | several posts per variant, nothing pairs them | post | Welch's t-test on per-post log rates; hierarchical Bayes |
//! | [`Design::PairedPosts`] | each piece of content (block) published once per variant | block | paired t-test on per-block log rate ratios (order-adjusted); hierarchical Bayes; CMH beside it, labelled |
//!
//! [`crate::Experiment::design`] infers the design from the data unless
//! one was declared ([`crate::ExperimentBuilder::design`]):
//!
//! 1. a split declared in the analysis options, or a declared
//!    [`Design::RandomisedExposure`], means randomised exposure;
//! 2. posts with block keys make a paired design;
//! 3. posts without block keys are independent posts;
//! 4. counts that were never attributed to posts (only
//!    [`crate::Experiment::add_counts`] or events recorded for a variant)
//!    are taken as **one post per variant**: the honest reading of two
//!    totals whose posts are unknown.
//!
//! The impression-level figures are always computed too, and reports show
//! them as a labelled comparison.

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::freq::{BreslowDayTest, CmhTest, MhOddsRatio, Proportion, StratifiedTables};
use crate::repeated::{
    AccountHistory, Block, HierarchicalPosterior, Observation, Order, PairedComparison, PostCount,
    PostRatioComparison, UnitOfAnalysis, paired_bayes, paired_test, post_bayes, post_count_bayes,
    post_count_test, post_ratio_test,
};
use crate::validate::read;
use crate::{Error, Result};

/// How an experiment's data were produced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Design {
    /// The platform assigned impressions to variants at random (a promoted
    /// split test, an email-style split): every impression is a trial.
    RandomisedExposure,
    /// Several separately published posts per variant, nothing pairing
    /// them: the post is the unit.
    IndependentPosts,
    /// Each block (a blog post, a product) published once per variant:
    /// the block is the unit, and variants are compared inside blocks.
    PairedPosts,
}

impl Design {
    /// The unit of analysis the design implies.
    pub fn unit(self) -> UnitOfAnalysis {
        match self {
            Design::RandomisedExposure => UnitOfAnalysis::Impression,
            Design::IndependentPosts => UnitOfAnalysis::Post,
            Design::PairedPosts => UnitOfAnalysis::Block,
        }
    }
}

impl fmt::Display for Design {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Design::RandomisedExposure => "randomised exposure",
            Design::IndependentPosts => "independent posts",
            Design::PairedPosts => "paired posts",
        })
    }
}

/// Whether the design was declared by the caller or inferred from the data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum DesignSource {
    /// Declared ([`crate::ExperimentBuilder::design`] or a split in the
    /// analysis options).
    Declared,
    /// Inferred from the posts (see the [module docs](self)).
    Inferred,
}

/// `declared` or `inferred`.
impl fmt::Display for DesignSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DesignSource::Declared => "declared",
            DesignSource::Inferred => "inferred",
        })
    }
}

/// The design an analysis used, where it came from, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DesignChoice {
    /// The design.
    pub design: Design,
    /// Declared or inferred.
    pub source: DesignSource,
    /// One sentence on why, naming counts (posts, blocks).
    pub reason: String,
}

impl DesignChoice {
    /// The unit of analysis of the design.
    pub fn unit(&self) -> UnitOfAnalysis {
        self.design.unit()
    }
}

impl fmt::Display for DesignChoice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} ({}; unit: {}): {}",
            self.design,
            self.source,
            self.unit(),
            self.reason
        )
    }
}

/// The classical stratified analysis of the blocks (one 2×2 table per
/// block): Cochran–Mantel–Haenszel test, Mantel–Haenszel common odds ratio
/// with its Robins–Breslow–Greenland interval, Breslow–Day test with
/// Tarone's correction. **Labelled comparison only**: it treats the
/// impressions inside a block as independent, so it is valid only when
/// posts vary binomially (see [`StratifiedTables`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct StratifiedComparison {
    /// CMH test without continuity correction.
    pub cmh: CmhTest,
    /// Common odds ratio B/A with its RBG interval.
    pub odds_ratio: MhOddsRatio,
    /// Breslow–Day–Tarone homogeneity test (`None` when undefined, e.g. a
    /// block with no successes).
    pub breslow_day: Option<BreslowDayTest>,
}

/// The three tests' `Display`s joined by `; `: `CMH chi-square = 5.843,
/// p = 0.01564; Mantel–Haenszel odds ratio 1.256, 95% interval [1.044,
/// 1.511]; Breslow–Day chi-square = 0.7110 (Tarone-adjusted), 5 dof, p =
/// 0.9824` (`Breslow–Day test undefined` when it is), each honouring the
/// formatter's precision.
impl fmt::Display for StratifiedComparison {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.cmh, f)?;
        f.write_str("; ")?;
        fmt::Display::fmt(&self.odds_ratio, f)?;
        f.write_str("; ")?;
        match &self.breslow_day {
            Some(bd) => fmt::Display::fmt(bd, f),
            None => f.write_str("Breslow–Day test undefined"),
        }
    }
}

/// The frequentist test at the design's unit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
#[non_exhaustive]
pub enum UnitTest {
    /// Independent posts: Welch's t-test on per-post log rates.
    Posts(PostRatioComparison),
    /// Paired posts: paired t-test on per-block log rate ratios.
    Paired(PairedComparison),
}

impl UnitTest {
    /// The two-sided p-value of no difference.
    pub fn p_value(&self) -> f64 {
        match self {
            UnitTest::Posts(r) => r.test.p_value,
            UnitTest::Paired(r) => r.test.p_value,
        }
    }

    /// The test of the log rate ratio.
    pub fn test(&self) -> &crate::repeated::LogRatioTest {
        match self {
            UnitTest::Posts(r) => &r.test,
            UnitTest::Paired(r) => &r.test,
        }
    }
}

impl fmt::Display for UnitTest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UnitTest::Posts(r) => r.fmt(f),
            UnitTest::Paired(r) => r.fmt(f),
        }
    }
}

/// One variant against the control at the design's unit (posts or
/// blocks).
///
/// Reading from serde checks a post or block unit, an adjusted p-value in
/// [0, 1] exactly when there is a test, and a stratified analysis only for
/// blocks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "UnitComparisonRepr")]
#[non_exhaustive]
pub struct UnitComparison {
    /// The variant compared with the control.
    pub variant: String,
    /// Post or block.
    pub unit: UnitOfAnalysis,
    /// Units (posts or blocks) of the control used.
    pub control_units: usize,
    /// Units of the variant used (for blocks, the same blocks).
    pub variant_units: usize,
    /// The test, or `None` when there are too few units for one (one post
    /// per variant has no spread to test against).
    pub test: Option<UnitTest>,
    /// The test's p-value adjusted for the number of comparisons with the
    /// control ([`crate::analysis::AnalysisOptions::correction`]).
    pub adjusted_p_value: Option<f64>,
    /// The Bayesian hierarchical model at the same unit
    /// ([`HierarchicalPosterior`]): `P(variant better)` for the typical
    /// post or block, with the post-to-post variation integrated, and
    /// calibrated to the account's history when
    /// [`crate::analysis::AnalysisOptions::history`] is given. Always
    /// present, even with one post per variant.
    pub bayes: HierarchicalPosterior,
    /// For paired posts: the impression-level stratified analysis, for
    /// comparison.
    pub stratified: Option<StratifiedComparison>,
}

#[derive(Deserialize)]
struct UnitComparisonRepr {
    variant: String,
    unit: UnitOfAnalysis,
    control_units: usize,
    variant_units: usize,
    test: Option<UnitTest>,
    adjusted_p_value: Option<f64>,
    bayes: HierarchicalPosterior,
    stratified: Option<StratifiedComparison>,
}

impl TryFrom<UnitComparisonRepr> for UnitComparison {
    type Error = Error;

    fn try_from(r: UnitComparisonRepr) -> Result<Self> {
        let consistent = match (&r.test, r.unit) {
            (Some(UnitTest::Posts(_)), UnitOfAnalysis::Post) => r.stratified.is_none(),
            (Some(UnitTest::Paired(_)), UnitOfAnalysis::Block) => true,
            (None, UnitOfAnalysis::Post | UnitOfAnalysis::Block) => true,
            _ => false,
        };
        if !consistent
            || (r.unit == UnitOfAnalysis::Post && r.stratified.is_some())
            || r.bayes.unit != r.unit
        {
            return Err(read::inconsistent(
                "unit comparison",
                format!(
                    "variant {:?}: unit {} does not match its test or stratified analysis",
                    r.variant, r.unit
                ),
            ));
        }
        match (&r.test, r.adjusted_p_value) {
            (Some(_), Some(p)) => read::prob("adjusted p-value", p)?,
            (None, None) => {}
            _ => {
                return Err(read::inconsistent(
                    "unit comparison",
                    format!(
                        "variant {:?}: an adjusted p-value needs a test and a test needs one",
                        r.variant
                    ),
                ));
            }
        }
        Ok(Self {
            variant: r.variant,
            unit: r.unit,
            control_units: r.control_units,
            variant_units: r.variant_units,
            test: r.test,
            adjusted_p_value: r.adjusted_p_value,
            bayes: r.bayes,
            stratified: r.stratified,
        })
    }
}

impl fmt::Display for UnitComparison {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}\n    ", self.variant, self.bayes)?;
        match &self.test {
            Some(test) => {
                write!(f, "{test}")?;
                if let Some(p) = self.adjusted_p_value {
                    write!(f, " (adjusted p = {p:.4})")?;
                }
            }
            None => write!(
                f,
                "no test: {} post(s) of the control and {} of the variant leave no spread between posts to test against",
                self.control_units, self.variant_units
            )?,
        }
        if let Some(s) = &self.stratified {
            write!(
                f,
                "\n    stratified, impression-level (for comparison only; valid only if posts vary binomially): CMH p = {:.4}, common odds ratio {:.3} [{:.3}, {:.3}]",
                s.cmh.p_value,
                s.odds_ratio.odds_ratio,
                s.odds_ratio.interval.lower,
                s.odds_ratio.interval.upper
            )?;
            if let Some(bd) = &s.breslow_day {
                write!(f, ", Breslow–Day–Tarone p = {:.4}", bd.p_value)?;
            }
        }
        Ok(())
    }
}

/// One post's data for the unit-level analysis: its id, variant, block,
/// publication time and its observation of the metric — (successes,
/// trials) of a rate, or a count and its exposure — `None` when it had no
/// trials or no exposure: a post never shown says nothing about its rate.
#[derive(Debug, Clone)]
pub(crate) struct PostData<'a, T = Proportion> {
    pub id: &'a str,
    pub variant: &'a str,
    pub block: Option<&'a str>,
    pub at: Option<DateTime<Utc>>,
    pub obs: Option<T>,
}

/// The control against `variant` at the design's unit.
pub(crate) fn compare(
    design: Design,
    posts: &[PostData<'_>],
    control: &str,
    variant: &str,
    level: f64,
    history: Option<&AccountHistory>,
) -> Result<UnitComparison> {
    match design {
        Design::PairedPosts => compare_blocks(posts, control, variant, level, history),
        _ => compare_posts(posts, control, variant, level, history),
    }
}

/// The posts with trials of the control and of `variant`, as the
/// unit-level analysis of independent posts uses them.
pub(crate) fn post_groups<T: Copy>(
    posts: &[PostData<'_, T>],
    control: &str,
    variant: &str,
) -> (Vec<T>, Vec<T>) {
    let of = |v: &str| -> Vec<T> {
        posts
            .iter()
            .filter(|p| p.variant == v)
            .filter_map(|p| p.obs)
            .collect()
    };
    (of(control), of(variant))
}

fn compare_posts(
    posts: &[PostData<'_>],
    control: &str,
    variant: &str,
    level: f64,
    history: Option<&AccountHistory>,
) -> Result<UnitComparison> {
    let (a, b) = post_groups(posts, control, variant);
    independent_posts(
        (control, &a),
        (variant, &b),
        |a, b| post_ratio_test(a, b, level),
        |a, b| post_bayes(a, b, level, history),
    )
}

/// The control's posts against `variant`'s on a count per post (or per
/// unit of exposure) at the design's unit. Independent posts: the pooled
/// t-test on per-post log rates ([`crate::repeated::post_count_test`],
/// with at least 2 posts a side) and the hierarchical model
/// ([`crate::repeated::post_count_bayes`]). Paired posts: the paired
/// t-test and the hierarchical model of the blocks' log rate ratios
/// ([`crate::repeated::paired_test`], [`crate::repeated::paired_bayes`]
/// on `Block<PostCount>`: Poisson within-block variances; an account
/// history calibrates click rates, so none is used here).
pub(crate) fn compare_counts(
    design: Design,
    posts: &[PostData<'_, PostCount>],
    control: &str,
    variant: &str,
    level: f64,
) -> Result<UnitComparison> {
    if design == Design::PairedPosts {
        let blocks = enough_blocks(paired_blocks(posts, control, variant)?)?;
        return Ok(UnitComparison {
            variant: variant.to_string(),
            unit: UnitOfAnalysis::Block,
            control_units: blocks.len(),
            variant_units: blocks.len(),
            test: Some(UnitTest::Paired(paired_test(&blocks, level)?)),
            adjusted_p_value: None,
            bayes: paired_bayes(&blocks, level, None)?,
            stratified: None,
        });
    }
    let (a, b) = post_groups(posts, control, variant);
    independent_posts(
        (control, &a),
        (variant, &b),
        |a, b| post_count_test(a, b, level),
        |a, b| post_count_bayes(a, b, level),
    )
}

/// The comparison of independent posts, whatever a post's observation:
/// at least one post a side; the frequentist `test` with at least two a
/// side, else none; the hierarchical `bayes`.
fn independent_posts<T>(
    (control, a): (&str, &[T]),
    (variant, b): (&str, &[T]),
    test: impl Fn(&[T], &[T]) -> Result<PostRatioComparison>,
    bayes: impl Fn(&[T], &[T]) -> Result<HierarchicalPosterior>,
) -> Result<UnitComparison> {
    for (id, group) in [(control, a), (variant, b)] {
        if group.is_empty() {
            return Err(Error::TooFewPosts {
                group: id.to_string(),
                got: 0,
                need: 1,
            });
        }
    }
    let test = if a.len() >= 2 && b.len() >= 2 {
        Some(UnitTest::Posts(test(a, b)?))
    } else {
        None
    };
    Ok(UnitComparison {
        variant: variant.to_string(),
        unit: UnitOfAnalysis::Post,
        control_units: a.len(),
        variant_units: b.len(),
        adjusted_p_value: None,
        test,
        bayes: bayes(a, b)?,
        stratified: None,
    })
}

/// Checks that every block has posts of at least two variants and at most
/// one post per variant.
pub(crate) fn check_blocks<T>(posts: &[PostData<'_, T>]) -> Result<()> {
    let mut blocks: HashMap<&str, Vec<&str>> = HashMap::new();
    for p in posts {
        let key = p.block.ok_or_else(|| Error::DesignMismatch {
            design: Design::PairedPosts.to_string(),
            reason: format!(
                "post {:?} has no block key (every post of a paired design needs one)",
                p.id
            ),
        })?;
        let variants = blocks.entry(key).or_default();
        if variants.contains(&p.variant) {
            return Err(Error::InvalidBlock {
                key: key.to_string(),
                reason: format!(
                    "two posts of variant {:?} (a block holds one post per variant)",
                    p.variant
                ),
            });
        }
        variants.push(p.variant);
    }
    let mut keys: Vec<_> = blocks.iter().collect();
    keys.sort();
    if let Some((key, variants)) = keys.into_iter().find(|(_, v)| v.len() < 2) {
        return Err(Error::InvalidBlock {
            key: key.to_string(),
            reason: format!(
                "only variant {:?} was published (a block needs at least two variants)",
                variants[0]
            ),
        });
    }
    Ok(())
}

/// The blocks with posts (with trials) of both the control and
/// `variant`, in key order, with the order of publication when both posts
/// have distinct times: the blocks the paired analysis uses.
pub(crate) fn paired_blocks<T: Observation>(
    posts: &[PostData<'_, T>],
    control: &str,
    variant: &str,
) -> Result<Vec<Block<T>>> {
    // Block key -> (control's post, variant's post), in key order.
    type Pair<'p, 'a, T> = (Option<&'p PostData<'a, T>>, Option<&'p PostData<'a, T>>);
    let mut pairs: BTreeMap<&str, Pair<'_, '_, T>> = BTreeMap::new();
    for p in posts {
        let Some(key) = p.block else { continue };
        if p.variant == control {
            pairs.entry(key).or_default().0 = Some(p);
        } else if p.variant == variant {
            pairs.entry(key).or_default().1 = Some(p);
        }
    }
    let mut blocks = Vec::new();
    for (key, pair) in pairs {
        let (Some(a), Some(b)) = pair else { continue };
        let (Some(pa), Some(pb)) = (a.obs, b.obs) else {
            continue;
        };
        let mut block = Block::new(key, pa, pb)?;
        if let (Some(ta), Some(tb)) = (a.at, b.at)
            && ta != tb
        {
            block = block.with_order(if ta < tb {
                Order::AFirst
            } else {
                Order::BFirst
            });
        }
        blocks.push(block);
    }
    Ok(blocks)
}

/// At least two blocks with posts of both variants.
fn enough_blocks<T>(blocks: Vec<Block<T>>) -> Result<Vec<Block<T>>> {
    if blocks.len() < 2 {
        return Err(Error::TooFew {
            what: "blocks with posts of both variants",
            got: blocks.len(),
            min: 2,
        });
    }
    Ok(blocks)
}

fn compare_blocks(
    posts: &[PostData<'_>],
    control: &str,
    variant: &str,
    level: f64,
    history: Option<&AccountHistory>,
) -> Result<UnitComparison> {
    let blocks = enough_blocks(paired_blocks(posts, control, variant)?)?;
    let paired = paired_test(&blocks, level)?;
    let arms: Vec<(Proportion, Proportion)> = blocks.iter().map(|b| (b.a(), b.b())).collect();
    // Undefined (e.g. no clicks in any block): no stratified comparison.
    let stratified = StratifiedTables::from_arms(&arms).and_then(|tables| {
        Ok(StratifiedComparison {
            cmh: tables.cmh_test(false)?,
            odds_ratio: tables.pooled_odds_ratio(level)?,
            breslow_day: tables.breslow_day(true).ok(),
        })
    });
    Ok(UnitComparison {
        variant: variant.to_string(),
        unit: UnitOfAnalysis::Block,
        control_units: blocks.len(),
        variant_units: blocks.len(),
        test: Some(UnitTest::Paired(paired)),
        adjusted_p_value: None,
        bayes: paired_bayes(&blocks, level, history)?,
        stratified: stratified.ok(),
    })
}
