//! Paired (blocked) posts: each block — a blog post, a product, a news item
//! — published once as variant A and once as variant B, the block as the
//! unit of analysis.
//!
//! The model is documented with the module that re-exports this one
//! ([`super`], "Paired posts").

use std::collections::HashSet;
use std::fmt;

use serde::{Deserialize, Serialize};

use super::UnitOfAnalysis;
use super::calibrate::AccountHistory;
use super::hierarchy::{
    Group, HierarchicalPosterior, MIN_WITHIN_VARIANCE, Model, hierarchical, prob_above,
};
use super::log_rate::{LogRatioTest, post_log_rate};
use super::per_post::{PostCount, count_log_rate};
use crate::freq::{Proportion, t_isf_two_sided, t_two_tail};
use crate::report::format::{number, probability, signed_number};
use crate::validate::{check_finite, check_open_unit, read};
use crate::{Error, Interval, Result};

/// Which variant of a block was published first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Order {
    /// A went out first, B second.
    AFirst,
    /// B went out first, A second.
    BFirst,
}

/// `A first` or `B first`.
impl fmt::Display for Order {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Order::AFirst => "A first",
            Order::BFirst => "B first",
        })
    }
}

/// What one post of a block observed, as the paired analyses take it: a
/// rate per impression ([`Proportion`]: clicks of impressions) or a count
/// per exposure ([`PostCount`]: likes per post, clicks per unit of spend).
/// Each gives the post's ½-corrected log rate and its within variance.
///
/// Sealed: implemented for [`Proportion`] and [`PostCount`] only.
pub trait Observation: Copy + fmt::Display + sealed::Sealed {
    /// `(y, v)`: the ½-corrected log rate and its within variance —
    /// `ln((s + ½)/(n + ½))` with `1/(s + ½) − 1/(n + ½)` (binomial) for a
    /// proportion, `ln((y + ½)/e)` with `1/(y + ½)` (Poisson) for a count.
    fn log_rate(&self) -> (f64, f64);
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for crate::freq::Proportion {}
    impl Sealed for crate::repeated::PostCount {}
}

impl Observation for Proportion {
    fn log_rate(&self) -> (f64, f64) {
        post_log_rate(*self)
    }
}

impl Observation for PostCount {
    fn log_rate(&self) -> (f64, f64) {
        count_log_rate(*self)
    }
}

/// One block: the same content published once as each variant, each post
/// observed as a rate per impression (`Block<Proportion>`, the default) or
/// a count per exposure (`Block<PostCount>`).
///
/// Reading from serde runs [`Block::new`]'s check (a non-empty key).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "BlockRepr<T>")]
#[serde(bound(deserialize = "T: Observation + Deserialize<'de>"))]
pub struct Block<T = Proportion> {
    key: String,
    a: T,
    b: T,
    order: Option<Order>,
}

#[derive(Deserialize)]
struct BlockRepr<T> {
    key: String,
    a: T,
    b: T,
    order: Option<Order>,
}

impl<T: Observation> TryFrom<BlockRepr<T>> for Block<T> {
    type Error = Error;

    fn try_from(r: BlockRepr<T>) -> Result<Self> {
        let block = Block::new(r.key, r.a, r.b)?;
        Ok(match r.order {
            Some(o) => block.with_order(o),
            None => block,
        })
    }
}

impl<T: Observation> Block<T> {
    /// A block `key` (what the two posts share, e.g. the blog post's link)
    /// with A's and B's counts.
    ///
    /// # Errors
    /// [`Error::InvalidBlock`] when the key is empty.
    pub fn new(key: impl Into<String>, a: T, b: T) -> Result<Self> {
        let key = key.into();
        if key.is_empty() {
            return Err(Error::InvalidBlock {
                key,
                reason: "the block key is empty".into(),
            });
        }
        Ok(Self {
            key,
            a,
            b,
            order: None,
        })
    }

    /// Records which variant went out first.
    pub fn with_order(mut self, order: Order) -> Self {
        self.order = Some(order);
        self
    }

    /// The block's key.
    pub fn key(&self) -> &str {
        &self.key
    }

    /// A's counts.
    pub fn a(&self) -> T {
        self.a
    }

    /// B's counts.
    pub fn b(&self) -> T {
        self.b
    }

    /// Which variant went out first, if recorded.
    pub fn order(&self) -> Option<Order> {
        self.order
    }

    /// `(d, v)`: the log rate ratio with its within-block variance (see
    /// the [module docs](super)).
    /// The variance is floored at [`MIN_WITHIN_VARIANCE`] (a block where
    /// every trial succeeded in both arms has `v = 0`), so every weight
    /// `1/(v + τ²)` built from it is finite.
    fn log_ratio(&self) -> (f64, f64) {
        let ((ya, va), (yb, vb)) = (self.a.log_rate(), self.b.log_rate());
        (yb - ya, (vb + va).max(MIN_WITHIN_VARIANCE))
    }
}

/// `block post-1: A 41/2300 (1.783%), B 55/2450 (2.245%), A first`: the
/// key, each variant's counts and, when recorded, the order.
impl<T: Observation> fmt::Display for Block<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "block {}: A {}, B {}", self.key, self.a, self.b)?;
        match self.order {
            Some(order) => write!(f, ", {order}"),
            None => Ok(()),
        }
    }
}

/// What was done about the order of publication inside blocks.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
#[non_exhaustive]
pub enum OrderEffect {
    /// No block recorded its order: the estimate includes any first-position
    /// effect that did not average out.
    NotRecorded,
    /// Both orders occurred; the first-position effect was estimated and
    /// removed.
    Adjusted {
        /// Blocks where A went first.
        a_first: usize,
        /// Blocks where B went first.
        b_first: usize,
        /// `γ̂`: how much going first raised a post's log rate.
        first_advantage: f64,
    },
    /// Every block went out in the same order: order and variant are
    /// confounded, and the estimate includes any advantage of going first.
    Confounded {
        /// The variant that always went first.
        first: Order,
    },
}

/// `order not recorded`; `adjusted for order (3 A first, 3 B first; going
/// first raised the log rate by -0.01519)` (4 significant digits, or the
/// formatter's precision); `order confounded with the variant: A first in
/// every block`.
impl fmt::Display for OrderEffect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            OrderEffect::NotRecorded => f.write_str("order not recorded"),
            OrderEffect::Adjusted {
                a_first,
                b_first,
                first_advantage,
            } => write!(
                f,
                "adjusted for order ({a_first} A first, {b_first} B first; going first raised the log rate by {})",
                signed_number(first_advantage, f.precision())
            ),
            OrderEffect::Confounded { first } => {
                write!(
                    f,
                    "order confounded with the variant: {first} in every block"
                )
            }
        }
    }
}

/// Random-effects meta-analysis of the per-block log rate ratios
/// (DerSimonian–Laird `τ²`, Hartung–Knapp–Sidik–Jonkman interval).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RandomEffectsRepr")]
#[non_exhaustive]
pub struct RandomEffects {
    /// Weighted mean log rate ratio.
    pub log_rate_ratio: f64,
    /// HKSJ standard error.
    pub std_error: f64,
    /// Between-block variance of the log rate ratio (DerSimonian–Laird).
    /// In terms of `τ`, the between-post SD of a post's log rate used by
    /// [`HierarchicalPosterior`], it estimates `2τ²` when the two posts of a
    /// block deviate independently.
    pub tau_squared: f64,
    /// Two-sided p-value (Student t with `k − 1` degrees of freedom).
    pub p_value: f64,
    /// Interval for the log rate ratio at the comparison's level.
    pub interval: Interval,
}

#[derive(Deserialize)]
struct RandomEffectsRepr {
    log_rate_ratio: f64,
    std_error: f64,
    tau_squared: f64,
    p_value: f64,
    interval: Interval,
}

impl TryFrom<RandomEffectsRepr> for RandomEffects {
    type Error = Error;

    fn try_from(r: RandomEffectsRepr) -> Result<Self> {
        read::finite("log rate ratio", r.log_rate_ratio)?;
        read::non_negative("standard error", r.std_error)?;
        read::non_negative("tau squared", r.tau_squared)?;
        read::prob("p-value", r.p_value)?;
        Ok(Self {
            log_rate_ratio: r.log_rate_ratio,
            std_error: r.std_error,
            tau_squared: r.tau_squared,
            p_value: r.p_value,
            interval: r.interval,
        })
    }
}

/// `random effects: rate ratio 1.246 (log +0.2196, s.e. 0.03299), log-ratio
/// interval [0.1348, 0.3044], p = 0.001153, between-block τ² = 0
/// (DerSimonian–Laird, HKSJ)` (4 significant digits, or the formatter's
/// precision).
impl fmt::Display for RandomEffects {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = f.precision();
        write!(
            f,
            "random effects: rate ratio {} (log {}, s.e. {}), log-ratio interval [{}, {}], p = {}, between-block τ² = {} (DerSimonian–Laird, HKSJ)",
            number(self.log_rate_ratio.exp(), p),
            signed_number(self.log_rate_ratio, p),
            number(self.std_error, p),
            number(self.interval.lower, p),
            number(self.interval.upper, p),
            probability(self.p_value),
            number(self.tau_squared, p)
        )
    }
}

/// B against A over paired blocks, the block as the unit (see the
/// [module docs](super) for the model).
///
/// Reading from serde checks at least 2 blocks, the block as the unit, an
/// order adjustment consistent with the blocks, and the test's own
/// invariants (see [`LogRatioTest`]).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "PairedRepr")]
#[non_exhaustive]
pub struct PairedComparison {
    /// Always [`UnitOfAnalysis::Block`].
    pub unit: UnitOfAnalysis,
    /// Number of blocks.
    pub blocks: usize,
    /// The paired t-test of `δ`, the mean per-block `ln(rate_B / rate_A)`
    /// (order-adjusted when [`OrderEffect::Adjusted`]; `k − 1` degrees of
    /// freedom, `k − 2` adjusted); `exp(δ)` is the typical within-block
    /// rate ratio B/A.
    pub test: LogRatioTest,
    /// What was done about the order of publication.
    pub order: OrderEffect,
    /// The random-effects analysis of the same blocks, for comparison.
    pub random_effects: RandomEffects,
}

#[derive(Deserialize)]
struct PairedRepr {
    unit: UnitOfAnalysis,
    blocks: usize,
    test: LogRatioTest,
    order: OrderEffect,
    random_effects: RandomEffects,
}

impl TryFrom<PairedRepr> for PairedComparison {
    type Error = Error;

    fn try_from(r: PairedRepr) -> Result<Self> {
        if r.blocks < 2 {
            return Err(Error::TooFew {
                what: "blocks",
                got: r.blocks,
                min: 2,
            });
        }
        if r.unit != UnitOfAnalysis::Block {
            return Err(read::inconsistent(
                "paired comparison",
                format!("unit {} (blocks are the unit)", r.unit),
            ));
        }
        if let OrderEffect::Adjusted {
            a_first,
            b_first,
            first_advantage,
        } = r.order
        {
            if a_first == 0 || b_first == 0 || a_first + b_first != r.blocks {
                return Err(read::inconsistent(
                    "paired comparison",
                    format!(
                        "order adjusted with {a_first} A-first and {b_first} B-first blocks of {}",
                        r.blocks
                    ),
                ));
            }
            read::finite("first-position advantage", first_advantage)?;
        }
        Ok(Self {
            unit: r.unit,
            blocks: r.blocks,
            test: r.test,
            order: r.order,
            random_effects: r.random_effects,
        })
    }
}

impl fmt::Display for PairedComparison {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "B vs A over {} paired blocks (unit: block): {}",
            self.blocks, self.test
        )?;
        match self.order {
            OrderEffect::NotRecorded => f.write_str("; order not recorded"),
            OrderEffect::Adjusted {
                a_first, b_first, ..
            } => write!(
                f,
                "; adjusted for order ({a_first} A first, {b_first} B first)"
            ),
            OrderEffect::Confounded { first } => write!(
                f,
                "; WARNING: {} went first in every block, so order and variant are confounded",
                if first == Order::AFirst { "A" } else { "B" }
            ),
        }
    }
}

/// Compares B with A over paired blocks: the paired t-test on the per-block
/// log rate ratios (order-adjusted when both orders occur), with the
/// random-effects analysis beside it; intervals at `level`.
///
/// # Errors
/// * [`Error::TooFew`] with fewer than 2 blocks (3 when order is adjusted,
///   so that the spread has a degree of freedom);
/// * [`Error::DuplicateBlock`] when two blocks share a key;
/// * [`Error::InvalidBlock`] when some blocks record their order and
///   others do not;
/// * [`Error::Undefined`] when every block has the same log ratio (no
///   spread to test against);
/// * [`Error::InvalidParameter`] for a level outside (0, 1).
///
/// # Example
/// ```
/// use postab::repeated::{paired_test, Block, Order, Proportion};
///
/// // Six blog posts, each tweeted as a question (A) and a statement (B).
/// let counts = [
///     ((41, 2_300), (55, 2_450)), ((12, 900), (19, 1_020)),
///     ((88, 5_100), (97, 4_700)), ((23, 1_400), (31, 1_380)),
///     ((7, 610), (12, 640)), ((35, 2_050), (44, 2_210)),
/// ];
/// let blocks = counts
///     .iter()
///     .enumerate()
///     .map(|(i, &((ya, na), (yb, nb)))| {
///         let order = if i % 2 == 0 { Order::AFirst } else { Order::BFirst };
///         Ok(Block::new(format!("post-{i}"), Proportion::new(ya, na)?, Proportion::new(yb, nb)?)?
///             .with_order(order))
///     })
///     .collect::<Result<Vec<_>, postab::Error>>()?;
/// let r = paired_test(&blocks, 0.95)?;
/// assert_eq!(r.blocks, 6);
/// assert!(r.test.log_rate_ratio > 0.0 && r.test.rate_ratio_interval.lower > 0.0);
/// println!("{r}");
/// # Ok::<(), postab::Error>(())
/// ```
pub fn paired_test<T: Observation>(blocks: &[Block<T>], level: f64) -> Result<PairedComparison> {
    check_open_unit("level", level)?;
    check_blocks(blocks)?;
    let k = blocks.len();
    let recorded = blocks.iter().filter(|b| b.order.is_some()).count();
    if recorded != 0 && recorded != k {
        let missing = blocks
            .iter()
            .find(|b| b.order.is_none())
            .map_or("", |b| b.key.as_str());
        return Err(Error::InvalidBlock {
            key: missing.to_string(),
            reason: format!(
                "order recorded for {recorded} of {k} blocks: record it for every block or none"
            ),
        });
    }
    let (d, v): (Vec<f64>, Vec<f64>) = blocks.iter().map(Block::log_ratio).unzip();
    let alpha = 1.0 - level;

    let b_first = blocks
        .iter()
        .filter(|b| b.order == Some(Order::BFirst))
        .count();
    let a_first = recorded - b_first;
    let (estimate, std_error, dof, order) = if a_first > 0 && b_first > 0 {
        if k < 3 {
            return Err(Error::TooFew {
                what: "blocks (with order adjusted)",
                got: k,
                min: 3,
            });
        }
        let group = |o: Order| -> (f64, f64, usize) {
            let xs: Vec<f64> = blocks
                .iter()
                .zip(&d)
                .filter(|(b, _)| b.order == Some(o))
                .map(|(_, &x)| x)
                .collect();
            let m = mean(&xs);
            (m, xs.iter().map(|x| (x - m).powi(2)).sum(), xs.len())
        };
        let (mp, ssp, np) = group(Order::BFirst);
        let (mm, ssm, nm) = group(Order::AFirst);
        let dof = (k - 2) as f64;
        let sigma2 = (ssp + ssm) / dof;
        let se = 0.5 * (sigma2 * (1.0 / np as f64 + 1.0 / nm as f64)).sqrt();
        let order = OrderEffect::Adjusted {
            a_first: nm,
            b_first: np,
            first_advantage: 0.5 * (mp - mm),
        };
        (0.5 * (mp + mm), se, dof, order)
    } else {
        let m = mean(&d);
        let ss: f64 = d.iter().map(|x| (x - m).powi(2)).sum();
        let dof = (k - 1) as f64;
        let order = match (a_first, b_first) {
            (0, 0) => OrderEffect::NotRecorded,
            (_, 0) => OrderEffect::Confounded {
                first: Order::AFirst,
            },
            _ => OrderEffect::Confounded {
                first: Order::BFirst,
            },
        };
        (m, (ss / dof / k as f64).sqrt(), dof, order)
    };
    if !(std_error > 0.0 && std_error.is_finite()) {
        return Err(Error::Undefined {
            statistic: "paired test",
            reason: format!(
                "the {k} blocks' log rate ratios have no spread (standard error {std_error})"
            ),
        });
    }
    Ok(PairedComparison {
        unit: UnitOfAnalysis::Block,
        blocks: k,
        test: LogRatioTest::new(estimate, std_error, dof, level),
        order,
        random_effects: random_effects(&d, &v, alpha),
    })
}

/// At least 2 blocks, keys distinct.
fn check_blocks<T: Observation>(blocks: &[Block<T>]) -> Result<()> {
    if blocks.len() < 2 {
        return Err(Error::TooFew {
            what: "blocks",
            got: blocks.len(),
            min: 2,
        });
    }
    // In the given order, the first block whose key an earlier block
    // already has is reported.
    let mut keys = HashSet::with_capacity(blocks.len());
    for b in blocks {
        if !keys.insert(b.key.as_str()) {
            return Err(Error::DuplicateBlock { key: b.key.clone() });
        }
    }
    Ok(())
}

fn mean(xs: &[f64]) -> f64 {
    xs.iter().sum::<f64>() / xs.len() as f64
}

/// DerSimonian–Laird `τ²` and the HKSJ interval (see the [module docs](super)).
fn random_effects(d: &[f64], v: &[f64], alpha: f64) -> RandomEffects {
    let k = d.len() as f64;
    let weighted_mean = |w: &[f64]| -> (f64, f64) {
        let sw: f64 = w.iter().sum();
        (w.iter().zip(d).map(|(w, d)| w * d).sum::<f64>() / sw, sw)
    };
    let w: Vec<f64> = v.iter().map(|x| 1.0 / x).collect();
    let (m, sw) = weighted_mean(&w);
    let q: f64 = w.iter().zip(d).map(|(w, d)| w * (d - m).powi(2)).sum();
    let sw2: f64 = w.iter().map(|w| w * w).sum();
    let tau2 = ((q - (k - 1.0)) / (sw - sw2 / sw)).max(0.0);
    let w: Vec<f64> = v.iter().map(|x| 1.0 / (x + tau2)).collect();
    let (mu, sw) = weighted_mean(&w);
    let spread: f64 = w.iter().zip(d).map(|(w, d)| w * (d - mu).powi(2)).sum();
    let std_error = (spread / (k - 1.0) / sw).sqrt();
    let dof = k - 1.0;
    let (p_value, half) = if std_error > 0.0 {
        (
            t_two_tail(mu / std_error, dof).clamp(0.0, 1.0),
            t_isf_two_sided(alpha, dof) * std_error,
        )
    } else {
        (1.0, 0.0)
    };
    RandomEffects {
        log_rate_ratio: mu,
        std_error,
        tau_squared: tau2,
        p_value,
        interval: Interval::within(mu - half, mu + half, f64::NEG_INFINITY, f64::INFINITY),
    }
}

/// The Bayesian hierarchical model of paired blocks (see
/// [`HierarchicalPosterior`] for the model and its accuracy): each block's
/// log rate ratio `d_i ~ N(δ, v_i + 2τ²)`, `τ` the between-post SD of a
/// post's log rate with a half-Cauchy prior, or that prior times the
/// likelihood of an account's `history` when one is given; equal-tailed
/// credible interval at `level`. The order of publication is not modelled
/// here (see [`paired_test`] for the order-adjusted test).
///
/// # Errors
/// [`Error::TooFew`] with fewer than 2 blocks, [`Error::DuplicateBlock`]
/// when two blocks share a key, [`Error::InvalidParameter`] for a level
/// outside (0, 1).
///
/// # Example
/// ```
/// use postab::repeated::{paired_bayes, Block, Proportion};
///
/// let blocks = [((41, 2_300), (55, 2_450)), ((12, 900), (19, 1_020)), ((88, 5_100), (97, 4_700))]
///     .iter()
///     .enumerate()
///     .map(|(i, &((ya, na), (yb, nb)))| {
///         Block::new(format!("post-{i}"), Proportion::new(ya, na)?, Proportion::new(yb, nb)?)
///     })
///     .collect::<Result<Vec<_>, postab::Error>>()?;
/// let h = paired_bayes(&blocks, 0.95, None)?;
/// assert!(h.prob_b_better > 0.5 && h.prob_b_better < 1.0);
/// assert!((h.prob_b_better + h.prob_a_better - 1.0).abs() < 1e-12);
/// # Ok::<(), postab::Error>(())
/// ```
pub fn paired_bayes<T: Observation>(
    blocks: &[Block<T>],
    level: f64,
    history: Option<&AccountHistory>,
) -> Result<HierarchicalPosterior> {
    check_open_unit("level", level)?;
    let group = block_group(blocks)?;
    Ok(hierarchical(
        &block_model(&group, history),
        level,
        UnitOfAnalysis::Block,
    ))
}

/// `P(δ > threshold)`: the posterior probability that the typical
/// within-block log rate ratio `δ` exceeds `threshold`, under exactly the
/// model of [`paired_bayes`] (see [`HierarchicalPosterior`]): each block's
/// `d_i = y_Bi − y_Ai ~ N(δ, v_i + 2τ²)` (½-corrected log rates, `v_i =
/// v_Ai + v_Bi`), flat prior on `δ`, `τ` half-Cauchy of scale
/// [`TAU_PRIOR_SCALE`](super::TAU_PRIOR_SCALE) (times the `history`'s
/// likelihood when given). That is
///
/// `P(δ > t) = ∫ p(τ | blocks, history) · Φ((μ(τ) − t)/σ(τ)) dτ`
///
/// with `δ | τ ~ N(μ(τ), σ(τ)²)` in closed form. For a guardrail such as
/// "B is not more than 5 % worse than A" take `t = ln(1 − 0.05)`.
///
/// The quadrature over `τ` is [`paired_bayes`]'s, laid out at level 0.95
/// with the tails at `t` (instead of at 0) among the integrands that
/// decide it: at `threshold = 0` the result is `paired_bayes(blocks, 0.95,
/// history)?.prob_b_better`, bit for bit. The upper tail is summed as a
/// tail, so a tiny probability keeps its relative accuracy. It decreases
/// in `threshold`.
///
/// # Errors
/// [`Error::TooFew`] with fewer than 2 blocks, [`Error::DuplicateBlock`]
/// when two blocks share a key (as [`paired_bayes`]),
/// [`Error::InvalidParameter`] for a threshold that is not finite.
///
/// # Example
/// ```
/// use postab::repeated::{paired_bayes, paired_prob_above, Block, Proportion};
///
/// let blocks = [((41, 2_300), (55, 2_450)), ((12, 900), (19, 1_020)), ((88, 5_100), (97, 4_700))]
///     .iter()
///     .enumerate()
///     .map(|(i, &((ya, na), (yb, nb)))| {
///         Block::new(format!("post-{i}"), Proportion::new(ya, na)?, Proportion::new(yb, nb)?)
///     })
///     .collect::<Result<Vec<_>, postab::Error>>()?;
/// // Is B at most 5 % worse than A, block by block?
/// let not_worse = paired_prob_above(&blocks, (1.0f64 - 0.05).ln(), None)?;
/// let better = paired_prob_above(&blocks, 0.0, None)?;
/// assert!(not_worse > better);
/// assert_eq!(better, paired_bayes(&blocks, 0.95, None)?.prob_b_better);
/// assert!(paired_prob_above(&blocks, f64::INFINITY, None).is_err());
/// # Ok::<(), postab::Error>(())
/// ```
pub fn paired_prob_above<T: Observation>(
    blocks: &[Block<T>],
    threshold: f64,
    history: Option<&AccountHistory>,
) -> Result<f64> {
    check_finite("threshold", threshold)?;
    let group = block_group(blocks)?;
    Ok(prob_above(&block_model(&group, history), threshold))
}

/// The blocks' log rate ratios (checked: at least 2, keys distinct).
fn block_group<T: Observation>(blocks: &[Block<T>]) -> Result<[Group; 1]> {
    check_blocks(blocks)?;
    let obs: Vec<(f64, f64)> = blocks.iter().map(Block::log_ratio).collect();
    Ok([Group::new(&obs)])
}

/// The model of paired blocks over `group`.
fn block_model<'a>(group: &'a [Group; 1], history: Option<&'a AccountHistory>) -> Model<'a> {
    Model {
        data: group,
        spread: 2.0,
        history: history.map(AccountHistory::group),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block(key: &str) -> Block {
        let p = Proportion::new(3, 100).expect("counts");
        Block::new(key, p, p).expect("block")
    }

    /// The block reported is the first, in the given order, whose key an
    /// earlier block has.
    #[test]
    fn first_repeated_key_is_reported() {
        let keys = ["a", "b", "c", "b", "a", "c"];
        let blocks: Vec<Block> = keys.iter().map(|k| block(k)).collect();
        match check_blocks(&blocks) {
            Err(Error::DuplicateBlock { key }) => assert_eq!(key, "b"),
            other => panic!("{other:?}"),
        }
        for n in [2, 3, 17, 500] {
            let mut blocks: Vec<Block> = (0..n).map(|i| block(&format!("k{i}"))).collect();
            assert!(check_blocks(&blocks).is_ok(), "{n}");
            blocks.push(block(&format!("k{}", n / 2)));
            blocks.push(block("k0"));
            match check_blocks(&blocks) {
                Err(Error::DuplicateBlock { key }) => assert_eq!(key, format!("k{}", n / 2)),
                other => panic!("{n}: {other:?}"),
            }
        }
    }
}
