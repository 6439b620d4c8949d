//! Post-level simulation: experiments whose unit is the post (see
//! [`PostSimulation`] for the model).

use std::fmt;
use std::num::NonZeroUsize;

use rand::SeedableRng;
use rand::distr::Distribution;
use rand_xoshiro::Xoshiro256PlusPlus;
use serde::{Deserialize, Serialize};
use statrs::distribution::Normal;

use super::harness::{MAX_REPLICATIONS, MAX_THREADS, replication_seed};
use super::post_report::{
    CoverageSummary, PostAnalysis, PostComparisonSummary, PostSimulationReport, TestSummary,
};
use crate::error::{Error, Result};
use crate::freq::{Proportion, StratifiedTables};
use crate::numeric::quad::integrate;
use crate::numeric::sample;
use crate::numeric::{digamma, normal_pdf};
use crate::repeated::{
    Block, LogRatioTest, Order, PostVariance, naive_binomial_test, paired_test, post_ratio_test,
    post_ratio_test_with,
};
use crate::report::format::number;
use crate::validate::{check_open_unit, read};

/// Most posts one replication may publish, `variants × posts per variant`
/// (or `variants × blocks`): 10⁶.
pub const MAX_POSTS_PER_REPLICATION: usize = 1_000_000;
/// Most impressions one simulated post may have (2⁴⁰); a log-normal draw
/// beyond is clamped to it (at least 5 standard deviations out for every
/// accepted median and spread).
pub const MAX_POST_IMPRESSIONS: u64 = 1 << 40;
/// Smallest accepted mean rate of a variant (10⁻⁹); the largest is
/// `1 − MIN_MEAN_RATE`.
pub const MIN_MEAN_RATE: f64 = 1e-9;
/// Largest accepted median of impressions per post (10⁷).
pub const MAX_MEDIAN_IMPRESSIONS: f64 = 1e7;
/// Largest accepted spread factor of impressions per post (10).
pub const MAX_IMPRESSION_SPREAD: f64 = 10.0;
/// Largest accepted standard deviation of block effects, and largest
/// accepted size of the first-position effect, on the logit scale (3).
pub const MAX_LOGIT_EFFECT: f64 = 3.0;
/// Largest accepted concentration κ (10⁹, as
/// [`crate::repeated::MAX_CONCENTRATION`]).
pub const MAX_SIM_CONCENTRATION: f64 = 1e9;
/// Smallest accepted concentration κ (10⁻³: posts whose rates are almost
/// all 0 or 1; below it the Beta shapes `μκ` leave the range where the true
/// difference `ψ(μ_Bκ) − ψ(μ_Aκ)` is meaningful in `f64`).
pub const MIN_SIM_CONCENTRATION: f64 = 1e-3;

/// Replications per accumulation chunk: float sums are formed per chunk of
/// this many consecutive replications and the chunks added in order, so a
/// report is bit-identical whatever the number of threads.
const CHUNK: usize = 64;

/// In which order the posts of a paired block go out.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum PublicationOrder {
    /// Block `i` publishes the variants in their natural order (variant 0,
    /// the control "A", first) when `i` is even and in reverse order when
    /// `i` is odd: with two variants, A first and B first alternate.
    #[default]
    Alternating,
    /// Every block publishes the variants in their natural order: A always
    /// goes first, so order and variant are confounded.
    AFirst,
}

/// `alternating order` or `A always first`.
impl fmt::Display for PublicationOrder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PublicationOrder::Alternating => "alternating order",
            PublicationOrder::AFirst => "A always first",
        })
    }
}

/// How the posts of a simulated experiment are arranged.
///
/// Reading from serde checks what [`PostSimulationBuilder::build`] checks
/// of a design (at least 1 post, at least 2 blocks, a block-effect SD in
/// [0, 3]).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "PostDesignRepr")]
#[serde(rename_all = "snake_case", tag = "kind")]
#[non_exhaustive]
pub enum PostDesign {
    /// Every variant published as `posts` posts of their own; posts are
    /// independent of each other.
    Independent {
        /// Posts per variant (`m ≥ 1`; the post-level analysis needs 2).
        posts: usize,
    },
    /// `blocks` pieces of content (blog posts), each published once per
    /// variant; the posts of a block share a block effect.
    Paired {
        /// Number of blocks (`k ≥ 2`).
        blocks: usize,
        /// Standard deviation of the block effects on the logit scale
        /// (0 to 3).
        block_sd: f64,
        /// The order of publication inside blocks.
        order: PublicationOrder,
    },
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
enum PostDesignRepr {
    Independent {
        posts: usize,
    },
    Paired {
        blocks: usize,
        block_sd: f64,
        order: PublicationOrder,
    },
}

impl TryFrom<PostDesignRepr> for PostDesign {
    type Error = Error;

    fn try_from(r: PostDesignRepr) -> Result<Self> {
        let d = match r {
            PostDesignRepr::Independent { posts } => PostDesign::Independent { posts },
            PostDesignRepr::Paired {
                blocks,
                block_sd,
                order,
            } => PostDesign::Paired {
                blocks,
                block_sd,
                order,
            },
        };
        d.check()?;
        Ok(d)
    }
}

/// `8 independent posts per variant` or `10 paired blocks (block SD 0.3000
/// on the logit scale, alternating order)` (`…, A always first)`; the SD
/// with 4 significant digits, or the formatter's precision).
impl fmt::Display for PostDesign {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            PostDesign::Independent { posts } => {
                write!(f, "{posts} independent posts per variant")
            }
            PostDesign::Paired {
                blocks,
                block_sd,
                order,
            } => write!(
                f,
                "{blocks} paired blocks (block SD {} on the logit scale, {order})",
                number(block_sd, f.precision())
            ),
        }
    }
}

impl PostDesign {
    /// `m` independent posts per variant.
    pub fn independent(posts: usize) -> Self {
        PostDesign::Independent { posts }
    }

    /// `k` paired blocks with block effects of standard deviation
    /// `block_sd` on the logit scale, published in `order`.
    pub fn paired(blocks: usize, block_sd: f64, order: PublicationOrder) -> Self {
        PostDesign::Paired {
            blocks,
            block_sd,
            order,
        }
    }

    /// Whether the design is paired.
    pub fn is_paired(&self) -> bool {
        matches!(self, PostDesign::Paired { .. })
    }

    /// Posts per variant (blocks for a paired design).
    pub fn posts_per_variant(&self) -> usize {
        match *self {
            PostDesign::Independent { posts } => posts,
            PostDesign::Paired { blocks, .. } => blocks,
        }
    }

    fn check(&self) -> Result<()> {
        match *self {
            PostDesign::Independent { posts } => {
                if posts == 0 {
                    return Err(Error::TooFew {
                        what: "posts per variant",
                        got: 0,
                        min: 1,
                    });
                }
            }
            PostDesign::Paired {
                blocks, block_sd, ..
            } => {
                if blocks < 2 {
                    return Err(Error::TooFew {
                        what: "blocks",
                        got: blocks,
                        min: 2,
                    });
                }
                if !(0.0..=MAX_LOGIT_EFFECT).contains(&block_sd) {
                    return Err(Error::InvalidParameter {
                        name: "block effect SD",
                        value: block_sd,
                        expected: "a logit-scale standard deviation between 0 and 3",
                    });
                }
            }
        }
        Ok(())
    }
}

/// The simulated data of one replication: every variant's posts, and in a
/// paired design the order each block was published in.
///
/// Reading from serde checks at least 2 variants with at least 1 post
/// each, and for a paired design the same number of posts per variant
/// with one order per block.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "PostReplicationRepr")]
pub struct PostReplication {
    posts: Vec<Vec<Proportion>>,
    orders: Option<Vec<Order>>,
}

#[derive(Deserialize)]
struct PostReplicationRepr {
    posts: Vec<Vec<Proportion>>,
    orders: Option<Vec<Order>>,
}

impl TryFrom<PostReplicationRepr> for PostReplication {
    type Error = Error;

    fn try_from(r: PostReplicationRepr) -> Result<Self> {
        if r.posts.len() < 2 {
            return Err(Error::TooFew {
                what: "variants",
                got: r.posts.len(),
                min: 2,
            });
        }
        if let Some(empty) = r.posts.iter().find(|p| p.is_empty()) {
            return Err(Error::TooFew {
                what: "posts per variant",
                got: empty.len(),
                min: 1,
            });
        }
        if let Some(orders) = &r.orders {
            for p in &r.posts {
                if p.len() != orders.len() {
                    return Err(Error::LengthMismatch {
                        what: "posts per variant and block orders",
                        left: p.len(),
                        right: orders.len(),
                    });
                }
            }
        }
        Ok(PostReplication {
            posts: r.posts,
            orders: r.orders,
        })
    }
}

/// `2 variants, 8 + 8 posts` (`…, in 8 paired blocks` for a paired
/// design): the shape of the simulated data.
impl fmt::Display for PostReplication {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} variants, ", self.posts.len())?;
        for (k, p) in self.posts.iter().enumerate() {
            let sep = if k == 0 { "" } else { " + " };
            write!(f, "{sep}{}", p.len())?;
        }
        f.write_str(" posts")?;
        if let Some(orders) = &self.orders {
            write!(f, ", in {} paired blocks", orders.len())?;
        }
        Ok(())
    }
}

impl PostReplication {
    /// Number of variants.
    pub fn variants(&self) -> usize {
        self.posts.len()
    }

    /// Variant `variant`'s posts (in a paired design, the `i`-th is block
    /// `i`'s post); empty for an index out of range.
    pub fn posts(&self, variant: usize) -> &[Proportion] {
        self.posts.get(variant).map_or(&[], Vec::as_slice)
    }

    /// In a paired design, each block's order: [`Order::AFirst`] when the
    /// block went out in natural order (variant 0 before every other),
    /// [`Order::BFirst`] when reversed (variant 0 last). `None` for
    /// independent posts.
    pub fn orders(&self) -> Option<&[Order]> {
        self.orders.as_deref()
    }

    /// Whether the replication comes from a paired design.
    pub fn is_paired(&self) -> bool {
        self.orders.is_some()
    }

    /// The blocks of the comparison of `variant` (as B) with variant 0 (as
    /// A), keyed `block-0`, `block-1`, …, each with its [`Order`] recorded.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] when `variant` is 0 or not a variant, or
    /// when the replication is not paired.
    pub fn blocks(&self, variant: usize) -> Result<Vec<Block>> {
        let Some(orders) = &self.orders else {
            return Err(Error::InvalidParameter {
                name: "blocks of independent posts",
                value: variant as f64,
                expected: "a paired design (independent posts have no blocks)",
            });
        };
        if variant == 0 || variant >= self.posts.len() {
            return Err(Error::InvalidParameter {
                name: "compared variant",
                value: variant as f64,
                expected: "a variant index from 1 to the number of variants − 1",
            });
        }
        self.posts[0]
            .iter()
            .zip(&self.posts[variant])
            .zip(orders)
            .enumerate()
            .map(|(i, ((&a, &b), &o))| Ok(Block::new(format!("block-{i}"), a, b)?.with_order(o)))
            .collect()
    }
}

/// A configured post-level simulation; build with
/// [`PostSimulation::builder`], run with [`PostSimulation::run`].
///
/// # Model
///
/// Variants `v = 0, …, K − 1` (`K ≥ 2`; variant 0 is the control "A")
/// have mean rates `μ_v`. Every post draws, in this order:
///
/// 1. its impressions `n = round(M · S^Z)`, `Z ~ N(0, 1)`: log-normal with
///    median `M` and a factor `S` either way at one standard deviation
///    (`σ = ln S`), at least 1 and at most [`MAX_POST_IMPRESSIONS`];
/// 2. its own rate `p ~ Beta(m κ, (1 − m) κ)` around its mean rate `m`
///    (Beta–Binomial concentration `κ`; intra-post correlation
///    `1/(1 + κ)`);
/// 3. its clicks `y ~ Binomial(n, p)`, exactly (inversion for small means,
///    BTPE rejection otherwise).
///
/// The post's mean rate `m` depends on the design ([`PostDesign`]):
///
/// * **independent posts:** `m = μ_v` for each of the `m` posts of variant
///   `v`;
/// * **paired blocks:** block `i` draws an effect `e_i ~ N(0, σ_b²)` shared
///   by its `K` posts, and the post of variant `v` published at position
///   `q` (0 = first) of the block has `logit m = logit μ_v + e_i + γ (1 −
///   q/(K − 1))`: the first post gets the first-position effect `γ`, the
///   last none (with two variants: the first post `+γ`, the second 0).
///   `μ_v` is the variant's rate in a block with effect 0 (the median
///   block). Blocks go out in natural or reversed order
///   ([`PublicationOrder`]); each block's draws are its effect, then its
///   posts in variant order.
///
/// Replication `r` draws from Xoshiro256++ seeded with the `r`-th output
/// of a SplitMix64 stream started at the seed (as [`super::Simulation`]),
/// so it depends only on `(seed, r)`; [`PostSimulation::replication`]
/// returns exactly the data [`PostSimulation::run`] analyses.
///
/// # Analyses
///
/// Each variant `v ≥ 1` is compared with variant 0 at level `α`, with
/// intervals at `1 − α` (see [`PostSimulationReport`]):
///
/// * **post level** — independent posts: [`post_ratio_test_with`] (a
///   t-test on the posts' log rates `ln((y + ½)/(n + ½))`, pooled spread by
///   default or Welch's, see [`PostVariance`]); paired blocks: [`paired_test`] with each
///   block's order recorded (order-adjusted when both orders occur);
/// * **unpaired** (paired designs only): [`post_ratio_test`] (pooled) on the same
///   posts, blocks ignored — what pairing buys;
/// * **impression level**: [`naive_binomial_test`] on the pooled counts;
/// * **CMH** (paired designs only): the Cochran–Mantel–Haenszel test with
///   continuity correction over the blocks ([`StratifiedTables::cmh_test`]).
///
/// A test rejects when its p-value is below `α`. A replication in which an
/// analysis is undefined (it returned an error: fewer than 2 posts, no
/// spread, no clicks at all) counts as not rejecting and is counted in
/// [`TestSummary::undefined`].
///
/// # The true difference
///
/// The log-rate analyses estimate a difference of **mean log rates** (the
/// log of the ratio of the variants' geometric-mean post rates), not
/// `ln(μ_v/μ_0)`. For `p ~ Beta(a, b)`, `E[ln p] = ψ(a) − ψ(a + b)` (ψ the
/// digamma function), so the true difference is
///
/// ```text
/// δ_v = ψ(μ_v κ) − ψ(μ_0 κ)                                (independent posts)
/// δ_v = ½ Σ_orders E_e[ψ(κ m_v(e)) − ψ(κ m_0(e))]         (paired blocks)
/// ```
///
/// with, for paired blocks, `m_v(e)` the mean rate of variant `v`'s post in
/// a block of effect `e ~ N(0, σ_b²)` (integrated by adaptive
/// Gauss–Kronrod quadrature), averaged over the natural and the reversed
/// order: the variants' difference with the order of publication balanced
/// out, which is what the order-adjusted paired test estimates and what a
/// design that always publishes A first cannot. By Jensen's inequality
/// `ψ(x) ≈ ln x − 1/(2x)`, so `δ_v` exceeds `ln(μ_v/μ_0)` by about
/// `1/(2μ_0κ) − 1/(2μ_vκ)` when `μ_v > μ_0` (0.066 at 2 % against 2.6 %,
/// κ = 100); under A/A both are 0.
///
/// The ½-corrected log rate `ln((y + ½)/(n + ½))` is unbiased for `ln p`
/// to first order in `1/(np)` (for small `p` its bias is `−1/(24 (np)²)`
/// to leading order),
/// so the analyses target `δ_v` when posts expect many clicks. When they
/// do not (`μκ` below about 1), zero-click posts are common and the
/// correction's floor `ln(½/(n + ½))` lifts their log rate above `ln p`:
/// at 2 % against 2.6 %, κ = 30 (μκ = 0.6) and 2,000 median impressions
/// the estimator's limit is 0.439 where `δ` = 0.529 (κ = 100: 0.325
/// against 0.328; κ = 300: 0.282 against 0.283), which the coverage of a
/// non-null scenario there shows.
///
/// # Supported range
///
/// Mean rates in [[`MIN_MEAN_RATE`], 1 − [`MIN_MEAN_RATE`]], κ in
/// [[`MIN_SIM_CONCENTRATION`], [`MAX_SIM_CONCENTRATION`]], a median of 1 to
/// [`MAX_MEDIAN_IMPRESSIONS`] impressions with a spread factor of 1 to
/// [`MAX_IMPRESSION_SPREAD`], block-effect SD and first-position effect up
/// to [`MAX_LOGIT_EFFECT`] in size, at most [`MAX_POSTS_PER_REPLICATION`]
/// posts per replication and [`MAX_REPLICATIONS`] replications; beyond,
/// [`PostSimulationBuilder::build`] returns a typed error. A run takes time
/// proportional to replications × posts (in a release build, about 60 µs
/// of one core per replication of 12 paired blocks with every analysis,
/// 20 µs per replication of 2 × 20 independent posts), spread over the
/// threads.
///
/// # Example
/// ```
/// use postab::sim::{PostDesign, PostSimulation, PublicationOrder};
///
/// // A/A: 12 blog posts, each published as both texts, alternating order.
/// let report = PostSimulation::builder(vec![0.02, 0.02])
///     .concentration(100.0)
///     .design(PostDesign::paired(12, 0.5, PublicationOrder::Alternating))
///     .replications(400)
///     .seed(3)
///     .build()?
///     .run()?;
/// let c = &report.comparisons[0];
/// assert_eq!(c.true_difference, 0.0);
/// assert!(c.post_level.rejection_rate() < 0.1); // the paired t holds its level
/// assert!(c.impression_level.rejection_rate() > 0.3); // impressions are not independent
/// println!("{report}");
/// # Ok::<(), postab::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct PostSimulation {
    rates: Vec<f64>,
    concentration: f64,
    design: PostDesign,
    median_impressions: f64,
    impression_spread: f64,
    order_effect: f64,
    replications: usize,
    seed: u64,
    threads: Option<usize>,
    alpha: f64,
    independent_analysis: PostVariance,
    /// `δ_v` for `v ≥ 1` (filled by `build`).
    truth: Vec<f64>,
}

/// Builder of a [`PostSimulation`]; every setting is checked by
/// [`build`](PostSimulationBuilder::build).
#[derive(Debug, Clone, PartialEq)]
pub struct PostSimulationBuilder {
    sim: PostSimulation,
}

impl PostSimulation {
    /// Starts a simulation of variants with these mean rates per impression
    /// (variant 0 is the control; a lift is a higher rate, e.g.
    /// `vec![0.02, 0.026]` for 30 %). Defaults: κ = 100, 5 independent
    /// posts per variant, impressions per post with median 2,000 and a
    /// factor of 3 either way, no first-position effect, 1,000
    /// replications, seed 0, all available cores, α = 0.05, Welch's
    /// analysis of independent posts.
    pub fn builder(rates: Vec<f64>) -> PostSimulationBuilder {
        PostSimulationBuilder {
            sim: PostSimulation {
                rates,
                concentration: 100.0,
                design: PostDesign::Independent { posts: 5 },
                median_impressions: 2_000.0,
                impression_spread: 3.0,
                order_effect: 0.0,
                replications: 1_000,
                seed: 0,
                threads: None,
                alpha: 0.05,
                independent_analysis: PostVariance::Pooled,
                truth: Vec::new(),
            },
        }
    }

    /// The variants' mean rates.
    pub fn rates(&self) -> &[f64] {
        &self.rates
    }

    /// The design.
    pub fn design(&self) -> PostDesign {
        self.design
    }

    /// The true difference `δ_v` of variant `v` against variant 0 (see the
    /// [type docs](PostSimulation), "The true difference"); 0 for `v = 0`,
    /// `None` for an index out of range.
    pub fn true_difference(&self, variant: usize) -> Option<f64> {
        match variant {
            0 => Some(0.0),
            v => self.truth.get(v - 1).copied(),
        }
    }
}

impl PostSimulationBuilder {
    /// The post-to-post concentration κ (`p ~ Beta(mκ, (1 − m)κ)`).
    pub fn concentration(mut self, kappa: f64) -> Self {
        self.sim.concentration = kappa;
        self
    }

    /// The design: [`PostDesign::independent`] or [`PostDesign::paired`].
    pub fn design(mut self, design: PostDesign) -> Self {
        self.sim.design = design;
        self
    }

    /// Impressions per post: log-normal with this median and a factor
    /// `spread` either way at one standard deviation (`spread = 1`: every
    /// post gets the median, rounded).
    pub fn impressions(mut self, median: f64, spread: f64) -> Self {
        self.sim.median_impressions = median;
        self.sim.impression_spread = spread;
        self
    }

    /// The first-position effect `γ` on the logit scale (paired designs
    /// only; see the model in [`PostSimulation`]).
    pub fn order_effect(mut self, gamma: f64) -> Self {
        self.sim.order_effect = gamma;
        self
    }

    /// Number of replications.
    pub fn replications(mut self, replications: usize) -> Self {
        self.sim.replications = replications;
        self
    }

    /// The seed every replication's RNG is derived from.
    pub fn seed(mut self, seed: u64) -> Self {
        self.sim.seed = seed;
        self
    }

    /// Takes the seed from a caller's RNG (one `u64`).
    pub fn seed_from<R: rand::Rng + ?Sized>(mut self, rng: &mut R) -> Self {
        self.sim.seed = rng.next_u64();
        self
    }

    /// Worker threads (default: the available cores; at most
    /// [`MAX_THREADS`]). Results do not depend on it.
    pub fn threads(mut self, threads: usize) -> Self {
        self.sim.threads = Some(threads);
        self
    }

    /// The level `α` of every test (intervals at `1 − α`).
    pub fn alpha(mut self, alpha: f64) -> Self {
        self.sim.alpha = alpha;
        self
    }

    /// The post-level analysis of independent posts (ignored by paired
    /// designs).
    pub fn independent_analysis(mut self, analysis: PostVariance) -> Self {
        self.sim.independent_analysis = analysis;
        self
    }

    /// Checks the settings and computes the true differences.
    ///
    /// # Errors
    /// * [`Error::TooFew`] for fewer than 2 variants, 0 posts per variant
    ///   or fewer than 2 blocks;
    /// * [`Error::InvalidParameter`] for a mean rate outside
    ///   [[`MIN_MEAN_RATE`], 1 − [`MIN_MEAN_RATE`]] (or NaN), κ not in
    ///   [[`MIN_SIM_CONCENTRATION`], [`MAX_SIM_CONCENTRATION`]], a median of impressions outside
    ///   [1, [`MAX_MEDIAN_IMPRESSIONS`]], a spread outside
    ///   [1, [`MAX_IMPRESSION_SPREAD`]], a block-effect SD outside [0, 3],
    ///   a first-position effect above 3 in size or given for independent
    ///   posts, α outside (0, 1), 0 replications or 0 threads;
    /// * [`Error::TooLarge`] for more than [`MAX_REPLICATIONS`]
    ///   replications or more than [`MAX_POSTS_PER_REPLICATION`] posts per
    ///   replication.
    pub fn build(self) -> Result<PostSimulation> {
        let mut s = self.sim;
        let k = s.rates.len();
        if k < 2 {
            return Err(Error::TooFew {
                what: "variants",
                got: k,
                min: 2,
            });
        }
        if let Some(&bad) = s
            .rates
            .iter()
            .find(|r| !(MIN_MEAN_RATE..=1.0 - MIN_MEAN_RATE).contains(*r))
        {
            return Err(Error::InvalidParameter {
                name: "mean rate of a variant",
                value: bad,
                expected: "a rate per impression in [1e-9, 1 - 1e-9]",
            });
        }
        check_concentration(s.concentration)?;
        s.design.check()?;
        if !(1.0..=MAX_MEDIAN_IMPRESSIONS).contains(&s.median_impressions) {
            return Err(Error::InvalidParameter {
                name: "median impressions per post",
                value: s.median_impressions,
                expected: "a median between 1 and 1e7 impressions",
            });
        }
        if !(1.0..=MAX_IMPRESSION_SPREAD).contains(&s.impression_spread) {
            return Err(Error::InvalidParameter {
                name: "impression spread",
                value: s.impression_spread,
                expected: "a factor between 1 and 10",
            });
        }
        if !(-MAX_LOGIT_EFFECT..=MAX_LOGIT_EFFECT).contains(&s.order_effect) {
            return Err(Error::InvalidParameter {
                name: "first-position effect",
                value: s.order_effect,
                expected: "a logit-scale effect between -3 and 3",
            });
        }
        if s.order_effect != 0.0 && !s.design.is_paired() {
            return Err(Error::InvalidParameter {
                name: "first-position effect",
                value: s.order_effect,
                expected: "0 for independent posts (only paired blocks have an order)",
            });
        }
        check_open_unit("alpha", s.alpha)?;
        if s.replications == 0 {
            return Err(Error::InvalidParameter {
                name: "replications",
                value: 0.0,
                expected: "at least 1 replication",
            });
        }
        if s.replications > MAX_REPLICATIONS {
            return Err(Error::TooLarge {
                what: "post simulation",
                reason: format!(
                    "{} replications exceed the maximum of {MAX_REPLICATIONS}",
                    s.replications
                ),
            });
        }
        let per = s.design.posts_per_variant();
        if per
            .checked_mul(k)
            .is_none_or(|n| n > MAX_POSTS_PER_REPLICATION)
        {
            return Err(Error::TooLarge {
                what: "post simulation",
                reason: format!(
                    "{k} variants x {per} posts exceed the maximum of {MAX_POSTS_PER_REPLICATION} posts per replication"
                ),
            });
        }
        if s.threads == Some(0) {
            return Err(Error::InvalidParameter {
                name: "threads",
                value: 0.0,
                expected: "at least 1 thread",
            });
        }
        s.truth = (1..k).map(|v| s.compute_truth(v)).collect();
        Ok(s)
    }
}

/// `1/(1 + e^{−x})` and `1/(1 + e^{x})`, each formed without cancellation.
fn sigmoid_pair(x: f64) -> (f64, f64) {
    let e = (-x.abs()).exp();
    let big = 1.0 / (1.0 + e);
    let small = e / (1.0 + e);
    if x >= 0.0 { (big, small) } else { (small, big) }
}

/// `ln(p/(1 − p))`.
fn logit(p: f64) -> f64 {
    p.ln() - (-p).ln_1p()
}

/// How one analysis of one replication ended.
#[derive(Debug, Clone, Copy)]
enum Outcome {
    /// It returned an error.
    Undefined,
    /// A p-value and, for log-ratio analyses, the estimate and interval.
    Tested {
        p_value: f64,
        interval: Option<(f64, f64, f64)>,
    },
}

impl Outcome {
    fn of_log_ratio(r: Result<LogRatioTest>) -> Self {
        match r {
            Ok(t) => Outcome::Tested {
                p_value: t.p_value,
                interval: Some((
                    t.log_rate_ratio,
                    t.log_ratio_interval.lower,
                    t.log_ratio_interval.upper,
                )),
            },
            Err(_) => Outcome::Undefined,
        }
    }

    fn of_p_value(r: Result<f64>) -> Self {
        match r {
            Ok(p_value) => Outcome::Tested {
                p_value,
                interval: None,
            },
            Err(_) => Outcome::Undefined,
        }
    }
}

/// Sums over replications of one analysis of one comparison; the float sums
/// belong to one chunk (see [`CHUNK`]).
#[derive(Debug, Clone, Copy, Default)]
struct Tally {
    rejections: u64,
    undefined: u64,
    intervals: u64,
    covered: u64,
    width: f64,
    estimate: f64,
}

impl Tally {
    fn add(&mut self, o: Outcome, alpha: f64, truth: f64) {
        match o {
            Outcome::Undefined => self.undefined += 1,
            Outcome::Tested { p_value, interval } => {
                self.rejections += u64::from(p_value < alpha);
                if let Some((estimate, lower, upper)) = interval {
                    self.intervals += 1;
                    self.covered += u64::from(lower <= truth && truth <= upper);
                    self.width += upper - lower;
                    self.estimate += estimate;
                }
            }
        }
    }

    fn merge(&mut self, o: &Tally) {
        self.rejections += o.rejections;
        self.undefined += o.undefined;
        self.intervals += o.intervals;
        self.covered += o.covered;
        self.width += o.width;
        self.estimate += o.estimate;
    }
}

/// Analyses per comparison, in this order in the tallies.
const POST_LEVEL: usize = 0;
const UNPAIRED: usize = 1;
const IMPRESSION: usize = 2;
const CMH: usize = 3;
const ANALYSES: usize = 4;

impl PostSimulation {
    /// The simulated data of replication `index` (exactly what
    /// [`run`](Self::run) analyses), for running other analyses on them.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] when `index` is not below the number of
    /// replications.
    pub fn replication(&self, index: usize) -> Result<PostReplication> {
        if index >= self.replications {
            return Err(Error::InvalidParameter {
                name: "replication index",
                value: index as f64,
                expected: "an index below the number of replications",
            });
        }
        self.generate(index as u64)
    }

    /// Draws replication `index` (see the model in the type docs).
    fn generate(&self, index: u64) -> Result<PostReplication> {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(replication_seed(self.seed, index));
        let normal = Normal::new(0.0, 1.0).map_err(|_| Error::InvalidParameter {
            name: "normal distribution",
            value: 1.0,
            expected: "a standard normal",
        })?;
        let (ln_median, ln_spread) = (self.median_impressions.ln(), self.impression_spread.ln());
        let kappa = self.concentration;
        let k = self.rates.len();
        let post = |rng: &mut Xoshiro256PlusPlus, mean: (f64, f64)| -> Result<Proportion> {
            let z: f64 = normal.sample(rng);
            let n = (ln_median + ln_spread * z)
                .exp()
                .round()
                .clamp(1.0, MAX_POST_IMPRESSIONS as f64) as u64;
            let p = sample::beta(rng, mean.0 * kappa, mean.1 * kappa);
            Proportion::new(sample::binomial(rng, n, p), n)
        };
        match self.design {
            PostDesign::Independent { posts } => {
                let mut out = Vec::with_capacity(k);
                for &mu in &self.rates {
                    let mean = (mu, 1.0 - mu);
                    out.push(
                        (0..posts)
                            .map(|_| post(&mut rng, mean))
                            .collect::<Result<Vec<_>>>()?,
                    );
                }
                Ok(PostReplication {
                    posts: out,
                    orders: None,
                })
            }
            PostDesign::Paired {
                blocks,
                block_sd,
                order,
            } => {
                let logits: Vec<f64> = self.rates.iter().map(|&r| logit(r)).collect();
                let mut out: Vec<Vec<Proportion>> =
                    (0..k).map(|_| Vec::with_capacity(blocks)).collect();
                let mut orders = Vec::with_capacity(blocks);
                for i in 0..blocks {
                    let natural = order == PublicationOrder::AFirst || i % 2 == 0;
                    let z: f64 = normal.sample(&mut rng);
                    let e = block_sd * z;
                    for (v, (&l, posts)) in logits.iter().zip(out.iter_mut()).enumerate() {
                        let x = l + e + self.position_effect(v, natural);
                        posts.push(post(&mut rng, sigmoid_pair(x))?);
                    }
                    orders.push(if natural {
                        Order::AFirst
                    } else {
                        Order::BFirst
                    });
                }
                Ok(PostReplication {
                    posts: out,
                    orders: Some(orders),
                })
            }
        }
    }

    /// The logit shift of variant `v`'s post in a block published in
    /// natural (or reversed) order: `γ (1 − q/(K − 1))` at position `q`.
    fn position_effect(&self, v: usize, natural: bool) -> f64 {
        if self.order_effect == 0.0 {
            return 0.0;
        }
        let last = (self.rates.len() - 1) as f64;
        let q = if natural { v as f64 } else { last - v as f64 };
        self.order_effect * (1.0 - q / last)
    }

    /// `δ_v` (see the type docs).
    fn compute_truth(&self, v: usize) -> f64 {
        let kappa = self.concentration;
        let PostDesign::Paired { block_sd, .. } = self.design else {
            return digamma(self.rates[v] * kappa) - digamma(self.rates[0] * kappa);
        };
        let (l0, lv) = (logit(self.rates[0]), logit(self.rates[v]));
        let mut total = 0.0;
        for natural in [true, false] {
            let (s0, sv) = (
                self.position_effect(0, natural),
                self.position_effect(v, natural),
            );
            let diff = |e: f64| {
                digamma(kappa * sigmoid_pair(lv + e + sv).0)
                    - digamma(kappa * sigmoid_pair(l0 + e + s0).0)
            };
            total += if block_sd == 0.0 {
                diff(0.0)
            } else {
                // E over e = σ_b z, z ~ N(0, 1); |z| > 20 weighs below 1e-87.
                integrate(
                    |z| normal_pdf(z) * diff(block_sd * z),
                    &[-20.0, -8.0, -4.0, -2.0, 0.0, 2.0, 4.0, 8.0, 20.0],
                    1e-14,
                    1e-12,
                    400,
                )
                .value
            };
        }
        0.5 * total
    }

    /// The analyses of one replication, added to `tallies` (per comparison,
    /// [`ANALYSES`] each).
    fn evaluate(&self, rep: &PostReplication, tallies: &mut [[Tally; ANALYSES]]) -> Result<()> {
        let level = 1.0 - self.alpha;
        let a = rep.posts(0);
        for (j, tally) in tallies.iter_mut().enumerate() {
            let v = j + 1;
            let truth = self.truth[j];
            let b = rep.posts(v);
            let mut add = |i: usize, o: Outcome| tally[i].add(o, self.alpha, truth);
            if rep.is_paired() {
                let blocks = rep.blocks(v)?;
                add(
                    POST_LEVEL,
                    Outcome::of_log_ratio(paired_test(&blocks, level).map(|r| r.test)),
                );
                add(
                    UNPAIRED,
                    Outcome::of_log_ratio(post_ratio_test(a, b, level).map(|r| r.test)),
                );
                let arms: Vec<(Proportion, Proportion)> =
                    blocks.iter().map(|b| (b.a(), b.b())).collect();
                add(
                    CMH,
                    Outcome::of_p_value(
                        StratifiedTables::from_arms(&arms)
                            .and_then(|t| t.cmh_test(true))
                            .map(|t| t.p_value),
                    ),
                );
            } else {
                let post = Outcome::of_log_ratio(
                    post_ratio_test_with(a, b, level, self.independent_analysis).map(|r| r.test),
                );
                add(POST_LEVEL, post);
            }
            add(
                IMPRESSION,
                Outcome::of_p_value(naive_binomial_test(a, b).map(|t| t.p_value)),
            );
        }
        Ok(())
    }

    /// Runs every replication and summarises them.
    ///
    /// # Errors
    /// [`Error::TooLarge`] when the result cells cannot be allocated.
    /// (Analyses that fail on a replication are counted as undefined, not
    /// returned.)
    pub fn run(&self) -> Result<PostSimulationReport> {
        let comparisons = self.rates.len() - 1;
        let chunks = self.replications.div_ceil(CHUNK);
        let threads = self
            .threads
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, NonZeroUsize::get))
            .clamp(1, MAX_THREADS)
            .min(chunks);
        let mut partials: Vec<Vec<[Tally; ANALYSES]>> = Vec::new();
        partials
            .try_reserve_exact(chunks)
            .map_err(|_| Error::TooLarge {
                what: "post simulation",
                reason: format!("cannot allocate {chunks} result chunks"),
            })?;
        partials.resize(chunks, Vec::new());
        let per_thread = chunks.div_ceil(threads);
        let results: Vec<Result<()>> = std::thread::scope(|scope| {
            let handles: Vec<_> = partials
                .chunks_mut(per_thread)
                .enumerate()
                .map(|(t, slots)| {
                    scope.spawn(move || {
                        for (c, slot) in slots.iter_mut().enumerate() {
                            let chunk = t * per_thread + c;
                            let first = chunk * CHUNK;
                            let last = (first + CHUNK).min(self.replications);
                            let mut tally = vec![[Tally::default(); ANALYSES]; comparisons];
                            for r in first..last {
                                let rep = self.generate(r as u64)?;
                                self.evaluate(&rep, &mut tally)?;
                            }
                            *slot = tally;
                        }
                        Ok(())
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| match h.join() {
                    Ok(r) => r,
                    Err(panic) => std::panic::resume_unwind(panic),
                })
                .collect()
        });
        for r in results {
            r?; // threads hold chunks in order: the first error wins
        }
        let mut total = vec![[Tally::default(); ANALYSES]; comparisons];
        for chunk in &partials {
            for (t, c) in total.iter_mut().zip(chunk) {
                for (x, y) in t.iter_mut().zip(c) {
                    x.merge(y);
                }
            }
        }
        Ok(self.summarise(&total))
    }

    fn summarise(&self, total: &[[Tally; ANALYSES]]) -> PostSimulationReport {
        let reps = self.replications as u64;
        let paired = self.design.is_paired();
        let summary = |analysis: PostAnalysis, t: &Tally| TestSummary {
            analysis,
            replications: reps,
            rejections: t.rejections,
            undefined: t.undefined,
            coverage: (t.intervals > 0).then(|| CoverageSummary {
                intervals: t.intervals,
                covered: t.covered,
                mean_width: t.width / t.intervals as f64,
                mean_estimate: t.estimate / t.intervals as f64,
            }),
        };
        let post_analysis = match (paired, self.independent_analysis) {
            (true, _) => PostAnalysis::PairedT,
            (false, PostVariance::Welch) => PostAnalysis::LogRateWelch,
            (false, PostVariance::Pooled) => PostAnalysis::LogRatePooledT,
        };
        let comparisons = total
            .iter()
            .enumerate()
            .map(|(j, t)| PostComparisonSummary {
                variant: j + 1,
                true_difference: self.truth[j],
                log_mean_ratio: (self.rates[j + 1] / self.rates[0]).ln(),
                post_level: summary(post_analysis, &t[POST_LEVEL]),
                unpaired: paired.then(|| summary(PostAnalysis::LogRatePooledT, &t[UNPAIRED])),
                impression_level: summary(PostAnalysis::ImpressionZ, &t[IMPRESSION]),
                cmh: paired.then(|| summary(PostAnalysis::Cmh, &t[CMH])),
            })
            .collect();
        PostSimulationReport {
            rates: self.rates.clone(),
            concentration: self.concentration,
            design: self.design,
            median_impressions: self.median_impressions,
            impression_spread: self.impression_spread,
            order_effect: self.order_effect,
            alpha: self.alpha,
            replications: self.replications,
            seed: self.seed,
            comparisons,
        }
    }
}

/// κ in [[`MIN_SIM_CONCENTRATION`], [`MAX_SIM_CONCENTRATION`]].
fn check_concentration(concentration: f64) -> Result<()> {
    if (MIN_SIM_CONCENTRATION..=MAX_SIM_CONCENTRATION).contains(&concentration) {
        Ok(())
    } else {
        Err(Error::InvalidParameter {
            name: "concentration",
            value: concentration,
            expected: "a concentration kappa in [1e-3, 1e9]",
        })
    }
}

/// Reading reports back: the checks of a configuration.
pub(super) fn check_config(
    rates: &[f64],
    concentration: f64,
    design: &PostDesign,
    alpha: f64,
) -> Result<()> {
    if rates.len() < 2 {
        return Err(Error::TooFew {
            what: "variants",
            got: rates.len(),
            min: 2,
        });
    }
    for &r in rates {
        read::prob("mean rate", r)?;
    }
    check_concentration(concentration)?;
    design.check()?;
    check_open_unit("alpha", alpha)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sigmoid_and_logit_invert() {
        for p in [1e-9, 0.02, 0.5, 0.97, 1.0 - 1e-9] {
            let (s, c) = sigmoid_pair(logit(p));
            assert!((s / p - 1.0).abs() < 1e-12, "{p}: {s}");
            assert!(((s + c) - 1.0).abs() < 1e-15);
        }
    }

    fn sim(rates: Vec<f64>) -> PostSimulationBuilder {
        PostSimulation::builder(rates).replications(200).seed(9)
    }

    #[test]
    fn true_differences_match_scipy() {
        // scipy.special.digamma and scipy.integrate.quad (tolerance 1e-14).
        let cases = [
            (
                vec![0.02, 0.026],
                100.0,
                0.5,
                0.0,
                1,
                0.339_537_018_347_644_94,
            ),
            (
                vec![0.02, 0.026],
                100.0,
                0.5,
                0.3,
                1,
                0.327_233_732_174_029_6,
            ),
            (
                vec![0.02, 0.026],
                30.0,
                1.0,
                -0.4,
                1,
                0.918_155_316_665_718_6,
            ),
            (
                vec![0.05, 0.03, 0.08],
                50.0,
                0.7,
                0.5,
                1,
                -0.652_904_190_137_208_2,
            ),
            (
                vec![0.05, 0.03, 0.08],
                50.0,
                0.7,
                0.5,
                2,
                0.542_741_694_070_078_1,
            ),
        ];
        for (rates, kappa, sd, gamma, v, want) in cases {
            let s = sim(rates)
                .concentration(kappa)
                .design(PostDesign::paired(12, sd, PublicationOrder::Alternating))
                .order_effect(gamma)
                .build()
                .expect("valid");
            let got = s.true_difference(v).expect("variant");
            assert!((got - want).abs() < 1e-11, "{got} vs {want}");
        }
        let s = sim(vec![0.02, 0.026]).build().expect("valid");
        let want = 0.328_263_117_675_009_15; // ψ(2.6) − ψ(2)
        assert!((s.true_difference(1).expect("variant") - want).abs() < 1e-13);
        assert_eq!(s.true_difference(0), Some(0.0));
        assert_eq!(s.true_difference(2), None);
        // A/A with an order effect: exactly 0.
        let s = sim(vec![0.02, 0.02])
            .design(PostDesign::paired(12, 0.5, PublicationOrder::AFirst))
            .order_effect(0.4)
            .build()
            .expect("valid");
        assert_eq!(s.true_difference(1), Some(0.0));
    }

    #[test]
    fn reports_do_not_depend_on_threads() {
        for design in [
            PostDesign::independent(4),
            PostDesign::paired(6, 0.5, PublicationOrder::Alternating),
        ] {
            let run = |threads| {
                sim(vec![0.02, 0.03, 0.025])
                    .design(design)
                    .threads(threads)
                    .build()
                    .expect("valid")
                    .run()
                    .expect("runs")
            };
            let one = run(1);
            assert_eq!(one, run(3));
            assert_eq!(one, run(64));
            assert_eq!(one.comparisons.len(), 2);
        }
    }

    #[test]
    fn replications_are_what_run_analyses() {
        let s = sim(vec![0.02, 0.02])
            .design(PostDesign::paired(8, 0.5, PublicationOrder::Alternating))
            .build()
            .expect("valid");
        let report = s.run().expect("runs");
        let (mut naive, mut paired) = (0, 0);
        for r in 0..200 {
            let rep = s.replication(r).expect("replication");
            assert_eq!(rep, s.replication(r).expect("replication"));
            let orders = rep.orders().expect("paired");
            assert_eq!(orders.len(), 8);
            assert_eq!(orders[0], Order::AFirst);
            assert_eq!(orders[1], Order::BFirst);
            let a = rep.posts(0);
            naive += u64::from(naive_binomial_test(a, rep.posts(1)).expect("z").p_value < 0.05);
            let blocks = rep.blocks(1).expect("blocks");
            assert_eq!(blocks[1].order(), Some(Order::BFirst));
            paired += u64::from(paired_test(&blocks, 0.95).expect("t").test.p_value < 0.05);
        }
        let c = &report.comparisons[0];
        assert_eq!(c.impression_level.rejections, naive);
        assert_eq!(c.post_level.rejections, paired);
        assert!(s.replication(200).is_err());
        let rep = s.replication(0).expect("replication");
        assert!(rep.blocks(0).is_err() && rep.blocks(2).is_err());
        let independent = sim(vec![0.02, 0.02]).build().expect("valid");
        let rep = independent.replication(3).expect("replication");
        assert!(rep.blocks(1).is_err() && !rep.is_paired());
        assert_eq!(
            (rep.variants(), rep.posts(1).len(), rep.posts(2).len()),
            (2, 5, 0)
        );
    }

    #[test]
    fn impressions_follow_their_settings() {
        let s = sim(vec![0.5, 0.5])
            .design(PostDesign::independent(50))
            .impressions(2_000.0, 1.0)
            .build()
            .expect("valid");
        let rep = s.replication(0).expect("replication");
        assert!(rep.posts(0).iter().all(|p| p.trials() == 2_000));
        let s = sim(vec![0.5, 0.5])
            .design(PostDesign::independent(2_000))
            .impressions(1_000.0, 3.0)
            .build()
            .expect("valid");
        let rep = s.replication(0).expect("replication");
        let logs: Vec<f64> = rep
            .posts(0)
            .iter()
            .map(|p| (p.trials() as f64).ln())
            .collect();
        let mean = logs.iter().sum::<f64>() / logs.len() as f64;
        let sd = (logs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / 1_999.0).sqrt();
        assert!((mean - 1_000f64.ln()).abs() < 0.1, "{mean}");
        assert!((sd / 3f64.ln() - 1.0).abs() < 0.05, "{sd}");
    }

    #[test]
    fn one_post_per_variant_leaves_the_post_level_undefined() {
        let r = sim(vec![0.02, 0.02])
            .design(PostDesign::independent(1))
            .build()
            .expect("valid")
            .run()
            .expect("runs");
        let c = &r.comparisons[0];
        assert_eq!(c.post_level.undefined, 200);
        assert_eq!(c.post_level.rejection_rate(), 0.0);
        assert!(c.post_level.coverage.is_none());
        assert!(c.impression_level.undefined < 200);
        // Balanced order needs 3 blocks to adjust: 2 are undefined for the
        // paired t, not an error of the run.
        let r = sim(vec![0.02, 0.02])
            .design(PostDesign::paired(2, 0.5, PublicationOrder::Alternating))
            .build()
            .expect("valid")
            .run()
            .expect("runs");
        assert_eq!(r.comparisons[0].post_level.undefined, 200);
    }

    #[test]
    fn bad_settings_are_typed_errors() {
        let invalid = |b: PostSimulationBuilder, name: &str| match b.build() {
            Err(Error::InvalidParameter { name: n, .. }) => assert_eq!(n, name),
            other => panic!("{name}: {other:?}"),
        };
        let ok = || sim(vec![0.02, 0.03]);
        for r in [0.0, 1.0, -0.1, f64::NAN, 1e-10] {
            invalid(sim(vec![0.02, r]), "mean rate of a variant");
        }
        for k in [0.0, -1.0, f64::NAN, f64::INFINITY, 2e9] {
            invalid(ok().concentration(k), "concentration");
        }
        invalid(ok().impressions(0.5, 3.0), "median impressions per post");
        invalid(
            ok().impressions(f64::NAN, 3.0),
            "median impressions per post",
        );
        invalid(ok().impressions(2e7, 3.0), "median impressions per post");
        invalid(ok().impressions(2_000.0, 0.9), "impression spread");
        invalid(ok().impressions(2_000.0, 11.0), "impression spread");
        let paired = |sd| ok().design(PostDesign::paired(12, sd, PublicationOrder::Alternating));
        invalid(paired(-0.1), "block effect SD");
        invalid(paired(f64::NAN), "block effect SD");
        invalid(paired(3.5), "block effect SD");
        invalid(paired(0.5).order_effect(f64::NAN), "first-position effect");
        invalid(paired(0.5).order_effect(-4.0), "first-position effect");
        invalid(ok().order_effect(0.2), "first-position effect");
        for a in [0.0, 1.0, f64::NAN] {
            invalid(ok().alpha(a), "alpha");
        }
        invalid(ok().replications(0), "replications");
        invalid(ok().threads(0), "threads");
        let too_few = |b: PostSimulationBuilder, what: &str| match b.build() {
            Err(Error::TooFew { what: w, .. }) => assert_eq!(w, what),
            other => panic!("{what}: {other:?}"),
        };
        too_few(sim(vec![0.02]), "variants");
        too_few(ok().design(PostDesign::independent(0)), "posts per variant");
        too_few(
            ok().design(PostDesign::paired(1, 0.0, PublicationOrder::AFirst)),
            "blocks",
        );
        assert!(matches!(
            ok().replications(MAX_REPLICATIONS + 1).build(),
            Err(Error::TooLarge { .. })
        ));
        assert!(matches!(
            ok().design(PostDesign::independent(600_000)).build(),
            Err(Error::TooLarge { .. })
        ));
    }

    #[test]
    fn results_round_trip_through_json_and_bad_documents_are_refused() {
        let s = sim(vec![0.02, 0.03])
            .design(PostDesign::paired(5, 0.3, PublicationOrder::Alternating))
            .build()
            .expect("valid");
        let report = s.run().expect("runs");
        let text = serde_json::to_string(&report).expect("json");
        let back: PostSimulationReport = serde_json::from_str(&text).expect("reads");
        assert_eq!(back, report);
        let rep = s.replication(4).expect("replication");
        let back: PostReplication =
            serde_json::from_str(&serde_json::to_string(&rep).expect("json")).expect("reads");
        assert_eq!(back, rep);
        let value = serde_json::to_value(&report).expect("json");
        let refused = |edit: &dyn Fn(&mut serde_json::Value)| {
            let mut v = value.clone();
            edit(&mut v);
            serde_json::from_value::<PostSimulationReport>(v).is_err()
        };
        assert!(refused(&|v| v["rates"] = serde_json::json!([0.02])));
        assert!(refused(&|v| v["alpha"] = serde_json::json!(1.5)));
        assert!(refused(&|v| v["design"]["blocks"] = serde_json::json!(1)));
        assert!(refused(
            &|v| v["comparisons"][0]["cmh"] = serde_json::Value::Null
        ));
        assert!(refused(&|v| {
            v["comparisons"][0]["post_level"]["rejections"] = serde_json::json!(500)
        }));
        assert!(refused(&|v| {
            v["comparisons"][0]["post_level"]["coverage"]["covered"] = serde_json::json!(10_000)
        }));
        assert!(refused(
            &|v| v["comparisons"][0]["variant"] = serde_json::json!(2)
        ));
        let bad = r#"{"posts": [[{"successes": 1, "trials": 10}], []], "orders": null}"#;
        assert!(serde_json::from_str::<PostReplication>(bad).is_err());
    }

    #[test]
    fn types_are_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<PostSimulation>();
        check::<PostSimulationBuilder>();
        check::<PostReplication>();
        check::<PostSimulationReport>();
    }
}
