//! The hierarchical engine shared by independent posts, paired blocks and
//! account histories: normal observations with known within variances and a
//! between-post standard deviation `τ` integrated by quadrature.
//!
//! The model is documented on [`HierarchicalPosterior`] and with the module
//! that re-exports this one ([`super`], "Bayesian side").

use serde::{Deserialize, Serialize};

use super::calibrate::AccountHistory;
use super::log_rate::post_log_rate;
use super::{Proportion, UnitOfAnalysis};
use crate::numeric::quad::{PANEL_NODES, panel_rule};
use crate::numeric::{normal_cdf, normal_pdf, normal_quantile, normal_sf};
use crate::validate::{check_finite, check_open_unit, read};
use crate::{Error, Interval, Result};

/// Scale of the half-Cauchy prior on `τ`, **the between-post standard
/// deviation of a post's log rate** (how much an account's posts differ
/// from each other beyond binomial noise): half the prior mass below 0.5
/// (posts whose typical rates differ by a factor `e^{±0.5}`), heavy-tailed
/// above. The same `τ` (and prior) serves independent posts, paired blocks
/// (where a block's log rate ratio varies by `√2·τ`) and account histories.
pub const TAU_PRIOR_SCALE: f64 = 0.5;

/// Smallest within variance of an observation: a post whose every trial
/// succeeded has `v = 0`, and every weight `1/(v + cτ²)` must stay finite.
pub(super) const MIN_WITHIN_VARIANCE: f64 = 1e-12;

/// The Bayesian hierarchical model of log rates, for independent posts
/// ([`post_bayes`], unit [`UnitOfAnalysis::Post`]) or paired blocks
/// ([`super::paired_bayes`], unit [`UnitOfAnalysis::Block`]).
///
/// # Model
///
/// Every post has a log rate that varies from post to post with standard
/// deviation `τ` (the between-post SD of a post's log rate, the same `τ`
/// for every use). Each post is summarised by its ½-corrected log rate
/// `y = ln((s + ½)/(n + ½))` (`s` successes in `n` trials) with within
/// (binomial, delta-method) variance `v = 1/(s + ½) − 1/(n + ½)`.
///
/// * **Independent posts**: `y_gi ~ N(θ_g, v_gi + τ²)` for the posts `i` of
///   variant `g` ∈ {A, B}, flat priors on `θ_A, θ_B`; `δ = θ_B − θ_A`, so
///   `exp(δ)` is the ratio of the variants' typical (geometric-mean) post
///   rates.
/// * **Paired blocks**: the block's log rate ratio `d_i = y_Bi − y_Ai`
///   (variance `v_i = v_Ai + v_Bi`) is `d_i ~ N(δ, v_i + 2τ²)`, flat prior
///   on `δ`: the difference of two posts' log rates varies by `2τ²` between
///   blocks when the posts' deviations are independent, and what the two
///   posts of a block share cancels.
/// * **Prior on τ**: half-Cauchy of scale [`TAU_PRIOR_SCALE`]; with an
///   [`AccountHistory`] it is multiplied by the history's likelihood in `τ`
///   (its own flat mean integrated out): `p(τ | history, data) ∝
///   halfCauchy(τ) · L_history(τ) · L_data(τ)`, exactly, not a plug-in.
///
/// Given `τ`, `δ` is normal in closed form (precision-weighted means,
/// `w = 1/(v + cτ²)` with `c = 1` for posts and 2 for blocks: mean
/// `Σw y/Σw` per group, variance `1/Σw`, the difference of two groups'
/// means for posts). `τ` is integrated in `x = asinh(τ/a)` (`a` the power
/// of two at or below the prior scale `s` and every `√(v/c)`: there every
/// singularity of the integrands, at `τ = ±i√(v/c)` and `±is`, lies at
/// `Im x = ±π/2`; the density is even in `x`, and `x` is `ln τ` up to a
/// constant above `a`). A scan of `τ`'s log posterior at steps of 0.5 in `x` finds where
/// it lies within 45 of its maximum, and its modes with their local SDs:
///
/// * **Grid** (a posterior that closes): the trapezoid rule on a grid
///   through `x = 0`, from the highest mode outwards until the density
///   is below `e^{−38}` of its peak beyond every significant point of the
///   scan, first step 0.8 of the narrowest mode's SD (at most 0.35). The
///   step is halved until the rule on every other node agrees with the
///   rule on all of them to 1e-6 (relative): the rule's error falls like
///   `e^{−a/h}` for such integrands, so the finer rule's is of order the
///   square, 1e-12 or far below (1e-13 to 1e-15 measured); and halved
///   again while `P(δ > 0)`, the mean, a loss or a tail of the interval
///   disagrees between the two by more than 1e-6 of its scale.
/// * **Panels** (a tail that reaches `τ = ∞` without closing: at most 10
///   observations beyond one per group, and a density still within the
///   cut at `τ = 4·max(s, √v)`): 12-node Gauss–Legendre panels on the
///   scan's steps, halved while the log density changes by more than 10
///   across one, merged up to 1.5 wide; panels 3.5 local SDs wide around
///   narrow modes; the tail beyond as one panel in `atan(s/τ)`, where the
///   half-Cauchy prior is uniform. A panel is cut where the last Legendre
///   coefficients of the density, or of an integrand of `δ`, put its
///   error above 1e-14.
///
/// `P(δ > 0)`, the mean and both losses are one pass over the nodes (and
/// `P(δ > t)` for a threshold `t`, [`post_prob_above`] and
/// [`super::paired_prob_above`], the same pass with the tails at `t`). Each
/// end of the interval is the root of the mixture's distribution function
/// expanded in a 12-term Taylor series (through Hermite polynomials) about
/// a Cornish–Fisher guess from the mixture's first four moments: one
/// more pass over the nodes when the root lies within 0.15 of the
/// smallest `σ` of the guess, a Halley step and another pass otherwise.
/// `τ`'s median is found from Gauss–Legendre panels laid afresh from the
/// grid's first node to beyond it (normalised by the grid's integral), an
/// interpolant's guess and a Halley step on the distribution function
/// integrated afresh. An [`AccountHistory`] remembers its log-likelihood
/// at every `τ` its own fit evaluated, and a posterior laid out at the
/// same `τ` (as with one post per variant) reuses them, bit for bit.
///
/// With **one post per variant and no history** the data say nothing about
/// `τ` (its posterior is the prior), `δ` has Cauchy-like tails, and its
/// mean and expected losses do not exist: [`loss_choose_a`] and
/// [`loss_choose_b`] are then `+∞` and [`mean`] is the posterior's centre
/// of symmetry (its median). Everything else is finite.
///
/// [`loss_choose_a`]: HierarchicalPosterior::loss_choose_a
/// [`loss_choose_b`]: HierarchicalPosterior::loss_choose_b
/// [`mean`]: HierarchicalPosterior::mean
///
/// # Accuracy
///
/// Against one-dimensional mpmath integrals over `τ` at 30 digits (with the
/// closed form in `δ` itself checked by two-dimensional integrals over
/// `(δ, τ)`), on 13 cases of posts and blocks with and without histories —
/// one post per variant to 12 blocks, 0–3 clicks, near-binomial, κ ≈ 5 and
/// 300-post histories (`tests/calibration_reference.rs`) — `P(B better)`,
/// the mean, the credible interval's ends, both losses and `τ`'s median
/// agree to 1e-8 (relative, or absolute below 1: the tested tolerance;
/// worst measured 1.3e-15, and 7e-14 on the histories' `τ` quantiles);
/// paired blocks agree with scipy's two-dimensional `dblquad` to 1e-8
/// (worst measured 1.3e-15, `tests/paired_reference.rs`). A finer rule —
/// every grid halved twice more, every panel cut in four — changes no
/// result by more than 1e-11 on 70 generated cases up to 20,000-post
/// histories (unit test; worst measured 2e-13). Log-likelihoods whose
/// weighted sum of squares cancels (a post whose every trial succeeded
/// weighs 10¹² while `τ` is tiny) are summed again about the weighted
/// mean.
///
/// Reading from serde checks the post or the block as the unit,
/// probabilities in [0, 1] that sum to 1, losses ≥ 0 (`+∞` allowed, written
/// `"inf"`), a finite mean and `τ` median and a rate-ratio interval in
/// [0, ∞].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "HierarchicalRepr")]
#[non_exhaustive]
pub struct HierarchicalPosterior {
    /// [`UnitOfAnalysis::Post`] ([`post_bayes`]) or
    /// [`UnitOfAnalysis::Block`] ([`super::paired_bayes`]).
    pub unit: UnitOfAnalysis,
    /// `P(δ > 0)`: B's typical rate is higher.
    pub prob_b_better: f64,
    /// `P(δ < 0)`.
    pub prob_a_better: f64,
    /// Posterior mean of `δ` (its median when the mean does not exist; see
    /// the type's docs).
    pub mean: f64,
    /// Equal-tailed credible interval of `δ` at the comparison's level.
    pub credible_interval: Interval,
    /// The same interval for `exp(δ)`, the typical rate ratio B/A.
    pub rate_ratio_credible_interval: Interval,
    /// `E[max(−δ, 0)]`: what choosing B risks, in log rate ratio (`+∞` when
    /// it does not exist).
    #[serde(with = "crate::serde_float")]
    pub loss_choose_b: f64,
    /// `E[max(δ, 0)]`: what choosing A risks, in log rate ratio (`+∞` when
    /// it does not exist).
    #[serde(with = "crate::serde_float")]
    pub loss_choose_a: f64,
    /// Posterior median of `τ`, the between-post SD of a post's log rate.
    pub tau_median: f64,
}

/// `P(better) = 0.6399 (hierarchical Bayes, typical post: rate ratio
/// credible interval [0.001, 1477.360], post-to-post SD of log rate
/// 0.50)`: P(δ > 0), the interval of the typical rate ratio `exp(δ)` and
/// the posterior median of `τ`.
impl std::fmt::Display for HierarchicalPosterior {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "P(better) = {:.4} (hierarchical Bayes, typical {}: rate ratio credible interval [{:.3}, {:.3}], post-to-post SD of log rate {:.2})",
            self.prob_b_better,
            self.unit,
            self.rate_ratio_credible_interval.lower,
            self.rate_ratio_credible_interval.upper,
            self.tau_median,
        )
    }
}

#[derive(Deserialize)]
struct HierarchicalRepr {
    unit: UnitOfAnalysis,
    prob_b_better: f64,
    prob_a_better: f64,
    mean: f64,
    credible_interval: Interval,
    rate_ratio_credible_interval: Interval,
    #[serde(with = "crate::serde_float")]
    loss_choose_b: f64,
    #[serde(with = "crate::serde_float")]
    loss_choose_a: f64,
    tau_median: f64,
}

/// An expected loss read back: ≥ 0, `+∞` allowed.
fn check_loss(name: &'static str, x: f64) -> Result<()> {
    if x >= 0.0 {
        Ok(())
    } else {
        Err(Error::InvalidParameter {
            name,
            value: x,
            expected: "a number ≥ 0 (or inf)",
        })
    }
}

impl TryFrom<HierarchicalRepr> for HierarchicalPosterior {
    type Error = Error;

    fn try_from(r: HierarchicalRepr) -> Result<Self> {
        read::distribution(
            "P(B better), P(A better)",
            [r.prob_b_better, r.prob_a_better],
        )?;
        read::finite("posterior mean", r.mean)?;
        check_loss("loss of choosing B", r.loss_choose_b)?;
        check_loss("loss of choosing A", r.loss_choose_a)?;
        if r.loss_choose_a.is_finite() != r.loss_choose_b.is_finite() {
            return Err(read::inconsistent(
                "hierarchical posterior",
                "one expected loss is infinite and the other finite",
            ));
        }
        read::non_negative("median of tau", r.tau_median)?;
        read::within(
            "rate ratio credible interval",
            &r.rate_ratio_credible_interval,
            0.0,
            f64::INFINITY,
        )?;
        if !matches!(r.unit, UnitOfAnalysis::Post | UnitOfAnalysis::Block) {
            return Err(read::inconsistent(
                "hierarchical posterior",
                format!("unit {} (posts or blocks are the unit)", r.unit),
            ));
        }
        Ok(Self {
            unit: r.unit,
            prob_b_better: r.prob_b_better,
            prob_a_better: r.prob_a_better,
            mean: r.mean,
            credible_interval: r.credible_interval,
            rate_ratio_credible_interval: r.rate_ratio_credible_interval,
            loss_choose_b: r.loss_choose_b,
            loss_choose_a: r.loss_choose_a,
            tau_median: r.tau_median,
        })
    }
}

/// Compares B's posts with A's by the hierarchical model of independent
/// posts (see [`HierarchicalPosterior`]): each post's ½-corrected log rate
/// varies around its variant's typical log rate with the between-post SD
/// `τ`, whose prior is the half-Cauchy or, given an account `history`, the
/// half-Cauchy times the history's likelihood. Credible interval at
/// `level`.
///
/// One post per variant is enough: the data then say nothing about `τ`,
/// and what they say about `δ` rests on `τ`'s prior, so a calibrated
/// history matters most there (without one the expected losses are
/// infinite; see [`HierarchicalPosterior`]).
///
/// # Errors
/// * [`Error::TooFewPosts`] naming group `"A"` or `"B"` when a variant has
///   no post with trials (posts with no trials are skipped, as in
///   [`super::post_ratio_test`]);
/// * [`Error::InvalidParameter`] for a level outside (0, 1).
///
/// # Example
/// ```
/// use postab::repeated::{post_bayes, AccountHistory, Proportion};
///
/// let posts = |xs: &[(u64, u64)]| {
///     xs.iter().map(|&(y, n)| Proportion::new(y, n)).collect::<Result<Vec<_>, _>>()
/// };
/// // The account's last 12 posts, then one post of each variant.
/// let history = AccountHistory::fit(&posts(&[
///     (21, 1_000), (35, 1_400), (12, 800), (40, 2_100), (18, 900), (27, 1_300),
///     (30, 1_100), (16, 1_000), (52, 2_000), (9, 700), (24, 1_200), (33, 1_500),
/// ])?)?;
/// let a = posts(&[(22, 1_000)])?;
/// let b = posts(&[(41, 1_050)])?;
/// let h = post_bayes(&a, &b, 0.95, Some(&history))?;
/// assert!(h.prob_b_better > 0.5 && h.loss_choose_a.is_finite());
/// // Without the history one post each says little, and the losses diverge.
/// let bare = post_bayes(&a, &b, 0.95, None)?;
/// assert!(bare.credible_interval.width() > h.credible_interval.width());
/// assert!(bare.loss_choose_b.is_infinite());
/// # Ok::<(), postab::Error>(())
/// ```
pub fn post_bayes(
    a: &[Proportion],
    b: &[Proportion],
    level: f64,
    history: Option<&AccountHistory>,
) -> Result<HierarchicalPosterior> {
    check_open_unit("level", level)?;
    let groups = post_groups(a, b)?;
    Ok(hierarchical(
        &post_model(&groups, history),
        level,
        UnitOfAnalysis::Post,
    ))
}

/// `P(δ > threshold)`: the posterior probability that the log ratio of the
/// variants' typical post rates, `δ = θ_B − θ_A`, exceeds `threshold`,
/// under exactly the model of [`post_bayes`] (see
/// [`HierarchicalPosterior`]): posts `y_gi ~ N(θ_g, v_gi + τ²)` with
/// ½-corrected log rates `y = ln((s + ½)/(n + ½))` and within variances
/// `v = 1/(s + ½) − 1/(n + ½)`, flat priors on `θ_A, θ_B`, `τ` half-Cauchy
/// of scale [`TAU_PRIOR_SCALE`] (times the `history`'s likelihood when
/// given). That is
///
/// `P(δ > t) = ∫ p(τ | data, history) · Φ((μ(τ) − t)/σ(τ)) dτ`
///
/// with `δ | τ ~ N(μ(τ), σ(τ)²)` in closed form. For a guardrail such as
/// "B is not more than 5 % worse than A" take `t = ln(1 − 0.05)`: the
/// result is the posterior probability that B's typical rate is above
/// 95 % of A's.
///
/// The quadrature over `τ` is [`post_bayes`]'s, laid out at level 0.95 with
/// the tails at `t` (instead of at 0) among the integrands that decide
/// it: at `threshold = 0` the result is `post_bayes(a, b, 0.95,
/// history)?.prob_b_better`, bit for bit. The upper tail is summed as a
/// tail (each node's `Φ` from its own `erfc`, not `1 − P(δ < t)`), so a
/// tiny probability keeps its relative accuracy. It decreases in
/// `threshold`.
///
/// # Errors
/// * [`Error::TooFewPosts`] naming group `"A"` or `"B"` when a variant has
///   no post with trials (as [`post_bayes`]);
/// * [`Error::InvalidParameter`] for a threshold that is not finite.
///
/// # Example
/// ```
/// use postab::repeated::{post_bayes, post_prob_above, Proportion};
///
/// let posts = |xs: &[(u64, u64)]| {
///     xs.iter().map(|&(y, n)| Proportion::new(y, n)).collect::<Result<Vec<_>, _>>()
/// };
/// let a = posts(&[(31, 1_500), (22, 1_100), (45, 2_000), (18, 950)])?;
/// let b = posts(&[(35, 1_450), (24, 1_200), (49, 2_100), (21, 1_000)])?;
/// // Is B at most 5 % worse than A?
/// let not_worse = post_prob_above(&a, &b, (1.0f64 - 0.05).ln(), None)?;
/// let better = post_prob_above(&a, &b, 0.0, None)?;
/// assert!(not_worse > better);
/// assert_eq!(better, post_bayes(&a, &b, 0.95, None)?.prob_b_better);
/// assert!(post_prob_above(&a, &b, f64::NAN, None).is_err());
/// # Ok::<(), postab::Error>(())
/// ```
pub fn post_prob_above(
    a: &[Proportion],
    b: &[Proportion],
    threshold: f64,
    history: Option<&AccountHistory>,
) -> Result<f64> {
    check_finite("threshold", threshold)?;
    let groups = post_groups(a, b)?;
    Ok(prob_above(&post_model(&groups, history), threshold))
}

/// Both variants' posts with trials, A then B.
fn post_groups(a: &[Proportion], b: &[Proportion]) -> Result<[Group; 2]> {
    Ok([post_group(a, "A")?, post_group(b, "B")?])
}

/// The model of independent posts over `groups` (A, B).
pub(super) fn post_model<'a>(
    groups: &'a [Group; 2],
    history: Option<&'a AccountHistory>,
) -> Model<'a> {
    Model {
        data: groups,
        spread: 1.0,
        history: history.map(AccountHistory::group),
    }
}

/// The posts of one variant with trials, as a [`Group`] of log rates.
fn post_group(posts: &[Proportion], group: &str) -> Result<Group> {
    let mut obs: Vec<(f64, f64)> = Vec::with_capacity(posts.len());
    obs.extend(
        posts
            .iter()
            .filter(|p| p.trials() > 0)
            .map(|&p| post_log_rate(p)),
    );
    if obs.is_empty() {
        return Err(Error::TooFewPosts {
            group: group.to_string(),
            got: 0,
            need: 1,
        });
    }
    Ok(Group::new(&obs))
}

/// Normal observations `y_i` with known within variances `v_i` and one
/// unknown mean (flat prior): a variant's posts, a set of blocks' log rate
/// ratios, or an account's history.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Group {
    /// `y_i − centre`, in rows of [`LANES`] (the last padded with 0).
    r: Vec<[f64; LANES]>,
    /// `v_i`, at least [`MIN_WITHIN_VARIANCE`], in rows (the last padded
    /// with `+∞`, whose weight is 0).
    v: Vec<[f64; LANES]>,
    /// 1 in the padded lanes of the last row, 0 elsewhere (so that the
    /// product of weights gets a factor 1 there).
    pad: [f64; LANES],
    /// Observations.
    n: usize,
    /// The mean of the `y_i` (subtracted so that the sums of squares do
    /// not cancel).
    centre: f64,
    /// The smallest `v_i`.
    v_min: f64,
    /// The largest `v_i`.
    v_max: f64,
    /// `Σ (y_i − centre)²`.
    sum_r2: f64,
    /// Log-likelihoods already computed, by the bits of `λ`, sorted (see
    /// [`Group::remember`]).
    memo: Memo,
}

/// `(λ bits, ln L(λ))` pairs of an account history, sorted by key; its
/// `Debug` shows the count only.
#[derive(Clone, Default, PartialEq)]
struct Memo(Vec<(u64, f64)>);

impl std::fmt::Debug for Memo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Memo({} values)", self.0.len())
    }
}

/// Rows of 4 weights multiplied before one `ln` (24 weights: see
/// [`Group::fit`]).
const PRODUCT_ROWS: usize = 6;
const LANES: usize = 4;
/// When `Σ w (y − ȳ_w)²` is below this fraction of `Σ w (y − centre)²`,
/// it is summed again about `ȳ_w` (see [`Group::parts`]).
const CANCELLED: f64 = 1e-4;

impl Group {
    /// The group of `(y_i, v_i)` pairs (at least one; each `v_i` floored at
    /// [`MIN_WITHIN_VARIANCE`]).
    pub(super) fn new(obs: &[(f64, f64)]) -> Self {
        let n = obs.len();
        let centre = obs.iter().map(|o| o.0).sum::<f64>() / n.max(1) as f64;
        let rows = n.div_ceil(LANES).max(1);
        let mut r = vec![[0.0; LANES]; rows];
        let mut v = vec![[f64::INFINITY; LANES]; rows];
        for (i, o) in obs.iter().enumerate() {
            r[i / LANES][i % LANES] = o.0 - centre;
            v[i / LANES][i % LANES] = o.1.max(MIN_WITHIN_VARIANCE);
        }
        let pad = std::array::from_fn(|j| {
            if rows * LANES - LANES + j >= n {
                1.0
            } else {
                0.0
            }
        });
        let flat = || v.iter().flatten().copied().take(n);
        let v_min = flat().fold(f64::INFINITY, f64::min);
        let v_max = flat().fold(0.0, f64::max);
        let sum_r2 = r.iter().flatten().map(|r| r * r).sum();
        Self {
            r,
            v,
            pad,
            n,
            centre,
            v_min,
            v_max,
            sum_r2,
            memo: Memo::default(),
        }
    }

    /// Observations in the group.
    pub(super) fn len(&self) -> usize {
        self.n
    }

    /// Keeps the log-likelihoods `(λ, ln L(λ))` computed while fitting an
    /// account history, so that a posterior laid out at the same `λ` reuses
    /// them exactly (the same bits) instead of summing over every post
    /// again.
    pub(super) fn remember(&mut self, values: &[(f64, f64)]) {
        let mut memo: Vec<(u64, f64)> = values.iter().map(|&(l, ln)| (l.to_bits(), ln)).collect();
        memo.sort_by_key(|e| e.0);
        memo.dedup_by_key(|e| e.0);
        self.memo = Memo(memo);
    }

    /// `fit(λ).ln_like`, from the memo when `λ` is in it.
    fn ln_like(&self, lambda: f64) -> f64 {
        let memo = &self.memo.0;
        if !memo.is_empty() {
            let key = lambda.to_bits();
            if let Ok(i) = memo.binary_search_by_key(&key, |e| e.0) {
                return memo[i].1;
            }
        }
        self.parts(lambda).ln_like()
    }

    /// The between variance `λ` beyond which the group's log-likelihood
    /// decreases (0 for a single observation, whose likelihood is flat):
    /// `d ln L/dλ = ½(−Σw + Σw²/Σw + Σw²(y − ȳ_w)²) ≤ ½(−(n − 1)/(v_max + λ)
    /// + Q/λ²)` with `Q = Σ(y − ȳ)²`, negative above the root returned.
    fn lambda_decreasing(&self) -> f64 {
        let n = self.len();
        if n < 2 {
            return 0.0;
        }
        let m = (n - 1) as f64;
        let q = self.sum_r2;
        (q + (q * q + 4.0 * m * q * self.v_max).sqrt()) / (2.0 * m)
    }

    /// The group at between variance `lambda`: weights `w_i = 1/(v_i + λ)`,
    /// `ln L = ½ Σ ln w_i − ½ ln Σ w_i − ½ Σ w_i (y_i − ȳ_w)²` with `ȳ_w`
    /// the weighted mean (the mean's flat prior integrated out), as
    /// `ln L = ½(ln_rest + ln ratio − q)` (the last `ln` left to the
    /// caller, who may fold other factors into it), and the mean's
    /// conditional posterior `N(mean, 1/precision)`.
    ///
    /// The `ln w_i` are summed as one `ln` per 24 weights (the last
    /// product divided by `k Σ w_i` is `ratio`): with `k = max(λ, 1)` each
    /// `k·w_i` lies in `[1/(v_max + 1), 10¹²]` (in `[1/(v_max + 1), 1]`
    /// for `λ ≥ 1`), so with every `v_i ≤ 4` a product of 24 stays within
    /// `[10⁻¹⁷, 10²⁸⁸]`, and `Σ ln w_i − ln Σ w_i = ln(Π(k·w_i)/(k Σ w_i))
    /// − (n − 1) ln k`.
    fn parts(&self, lambda: f64) -> FitParts {
        let k = lambda.max(1.0);
        let mut sw = [0.0; LANES];
        let mut swr = [0.0; LANES];
        let mut swr2 = [0.0; LANES];
        let mut prod = [1.0f64; LANES];
        let mut ln_rest = 0.0;
        let last = self.r.len() - 1;
        for (i, (r4, v4)) in self.r.iter().zip(&self.v).enumerate() {
            if i % PRODUCT_ROWS == 0 && i > 0 {
                ln_rest += ((prod[0] * prod[1]) * (prod[2] * prod[3])).ln();
                prod = [1.0; LANES];
            }
            let pad = if i == last { self.pad } else { [0.0; LANES] };
            for j in 0..LANES {
                let w = 1.0 / (v4[j] + lambda);
                let wr = w * r4[j];
                sw[j] += w;
                swr[j] += wr;
                swr2[j] += wr * r4[j];
                prod[j] *= k * w + pad[j];
            }
        }
        let w = (sw[0] + sw[1]) + (sw[2] + sw[3]);
        let s1 = (swr[0] + swr[1]) + (swr[2] + swr[3]);
        let s2 = (swr2[0] + swr2[1]) + (swr2[2] + swr2[3]);
        if k > 1.0 {
            ln_rest -= self.ln_scale(k);
        }
        let shift = s1 / w;
        let mut q = s2 - s1 * shift;
        if q < CANCELLED * s2 {
            q = self.recentred(lambda, shift, w);
        }
        FitParts {
            ratio: (prod[0] * prod[1]) * (prod[2] * prod[3]) / (k * w),
            ln_rest,
            q: q.max(0.0),
            mean: self.centre + shift,
            precision: w,
        }
    }
}

impl Group {
    /// `(n − 1) ln k`.
    #[cold]
    #[inline(never)]
    fn ln_scale(&self, k: f64) -> f64 {
        (self.n - 1) as f64 * k.ln()
    }

    /// `Σ w (r − ȳ_w)²` summed about `shift ≈ ȳ_w` (with `Σw = w`): for when a
    /// few weights dominate and the weighted mean sits far from the
    /// centre, so that `Σw r²` and `(Σw r)²/Σw` cancel.
    #[cold]
    #[inline(never)]
    fn recentred(&self, lambda: f64, shift: f64, w: f64) -> f64 {
        let (mut t1, mut t2) = ([0.0; LANES], [0.0; LANES]);
        for (r4, v4) in self.r.iter().zip(&self.v) {
            for j in 0..LANES {
                let wj = 1.0 / (v4[j] + lambda);
                let d = r4[j] - shift;
                t1[j] += wj * d;
                t2[j] += wj * d * d;
            }
        }
        let t1 = (t1[0] + t1[1]) + (t1[2] + t1[3]);
        let t2 = (t2[0] + t2[1]) + (t2[2] + t2[3]);
        t2 - t1 * t1 / w
    }
}

/// What a [`Group`] says given the between variance (see
/// [`Group::parts`]).
#[derive(Debug, Clone, Copy)]
struct FitParts {
    ratio: f64,
    ln_rest: f64,
    q: f64,
    mean: f64,
    precision: f64,
}

impl FitParts {
    /// The group's log-likelihood.
    fn ln_like(&self) -> f64 {
        0.5 * (self.ln_rest + self.ratio.ln() - self.q)
    }
}

/// Data groups (one or two) sharing the between variance `spread·τ²`, and
/// an optional account history (between variance `τ²`) that only informs
/// `τ`.
pub(super) struct Model<'a> {
    /// One group (`δ` is its mean) or two (`δ` is the second's mean minus
    /// the first's).
    pub(super) data: &'a [Group],
    /// `c`: the data's between variance is `c·τ²`.
    pub(super) spread: f64,
    /// The account's history, if calibrated.
    pub(super) history: Option<&'a Group>,
}

/// What the model says at one `τ`: see [`Model::node`].
#[derive(Debug, Clone, Copy)]
struct NodeFit {
    ln_f: f64,
    history: f64,
    mu: f64,
    sigma: f64,
}

impl Model<'_> {
    /// `ln(p(data, history | τ)·jac)` up to a constant (`jac` a positive
    /// factor folded into the same `ln`), the history's part of it, and
    /// `δ | τ ~ N(μ, σ²)`, from one fit per group.
    fn node(&self, tau: f64, jac: f64) -> NodeFit {
        let t2 = tau * tau;
        let lambda = self.spread * t2;
        let history = self.history.map_or(0.0, |h| h.ln_like(t2));
        // ln f = history + ½ ln(jac² Π ratio_g) + ½ Σ (ln_rest_g − q_g).
        let mut half_ln = 0.0;
        let mut prod = jac * jac;
        let mut fit = |g: &Group| {
            let p = g.parts(lambda);
            if g.len() > 1 {
                half_ln += p.ln_rest - p.q;
                let next = prod * p.ratio;
                if next > 1e-300 && next < 1e300 {
                    prod = next;
                } else {
                    half_ln += p.ratio.ln();
                }
            }
            p
        };
        let (mu, sigma) = match self.data {
            [g] => {
                let f = fit(g);
                (f.mean, 1.0 / f.precision.sqrt())
            }
            [a, b, ..] => {
                let (fa, fb) = (fit(a), fit(b));
                (
                    fb.mean - fa.mean,
                    (1.0 / fa.precision + 1.0 / fb.precision).sqrt(),
                )
            }
            [] => (0.0, f64::INFINITY),
        };
        NodeFit {
            ln_f: history + 0.5 * (half_ln + prod.ln()),
            history,
            mu,
            sigma,
        }
    }

    /// Every group with its between variance per unit `τ²`.
    fn groups(&self) -> impl Iterator<Item = (&Group, f64)> + '_ {
        self.history
            .map(|h| (h, 1.0))
            .into_iter()
            .chain(self.data.iter().map(|g| (g, self.spread)))
    }

    /// The scale `c` of the coordinate `τ = c·sinh x`: the power of two at
    /// or below the prior scale and every `√(v_i/spread)` (so that the
    /// singularities of every likelihood, at `τ = ±i√(v_i/spread)`, and of
    /// the prior, at `τ = ±is`, lie at `Im x = ±π/2`; a power of two so
    /// that a history and an experiment usually share it).
    fn scale(&self) -> f64 {
        let m = self
            .groups()
            .map(|(g, k)| (g.v_min / k).sqrt())
            .fold(TAU_PRIOR_SCALE, f64::min);
        2f64.powi(m.log2().floor() as i32)
    }

    /// A `τ` above which `τ`'s log density per unit `x` decreases and its
    /// slope is below −0.6 (the prior's part, at `τ ≥ 2s`): every group's
    /// likelihood decreases there.
    fn tau_monotone(&self) -> f64 {
        self.groups()
            .map(|(g, k)| (g.lambda_decreasing() / k).sqrt())
            .fold(2.0 * TAU_PRIOR_SCALE, f64::max)
    }

    /// A `τ` beyond which the likelihood is a polynomial of degree
    /// [`Model::informative`] in `tan v` (`v = atan(s/τ)`) times a
    /// function analytic over 4 times the panel `[0, v]`.
    fn tau_high(&self) -> f64 {
        self.groups()
            .map(|(g, k)| 4.0 * (g.v_max / k).sqrt())
            .fold(4.0 * TAU_PRIOR_SCALE, f64::max)
    }

    /// `Σ (n_g − 1)` over the groups (and the history): the power of `τ`
    /// by which the likelihood falls in its tail.
    fn informative(&self) -> usize {
        self.groups().map(|(g, _)| g.len() - 1).sum()
    }

    /// Whether `τ`'s posterior has no mean: its tail is the half-Cauchy's
    /// times `τ^{−(Σ(n_g − 1))}`, so it has one only if some group (or
    /// the history) has two observations or more.
    fn tau_mean_infinite(&self) -> bool {
        self.informative() == 0
    }
}

/// Top of the region laid out in `x` whatever the tail (beyond it, a panel
/// reaches `τ = ∞`).
const TAU_TOP: f64 = 1e6;
/// Step of the scan in `x` (a factor e^0.5 in `τ` above `c`).
const SCAN_STEP: f64 = 0.5;
/// Stretches whose log density stays this far below the maximum are left
/// out (`e^{−45}` ≈ 3e-20 of the peak).
const CUT: f64 = 45.0;
/// At most this many local maxima of the scan are refined.
const MAX_MODES: usize = 8;
/// With a likelihood falling at most like `τ^{−10}` the tail beyond
/// [`Model::tau_high`] is one panel in `v = atan(s/τ)`.
const HIGH_MAX_INFORMATIVE: usize = 10;

/// The grid's first step: this many local SDs of the narrowest mode, at
/// most `GRID_STEP_MAX` (the singularities at `Im x = ±π/2` leave the
/// trapezoid rule an error of order `e^{−π²/h}`).
const GRID_STEP_SD: f64 = 0.8;
const GRID_STEP_MAX: f64 = 0.35;
/// A grid is halved until the rule on every other node agrees with the
/// rule on all of them to this (relative): the trapezoid rule's error
/// falls like `e^{−a/h}`, so the finer rule's is then of order its square.
const GRID_AGREE: f64 = 1e-6;
/// A grid stops where the density is this far below its maximum (and
/// falls beyond): each node further out would carry less than 1e-16.
const GRID_CUT: f64 = 38.0;
/// Most halvings of the grid, and most nodes (a grid that would start with
/// more than a quarter of them is left to panels).
const MAX_GRID_LEVELS: usize = 14;
const MAX_GRID_NODES: usize = 4096;
/// Panels of the partial integrals behind `τ`'s quantiles on a grid of
/// step `h`: this many steps wide (halved where not resolved).
const QUANTILE_PANEL_STEPS: f64 = 8.0;
/// Their target error, relative to the whole posterior.
const QUANTILE_RESOLVED: f64 = 1e-12;

/// Panels (of a tail reaching `τ = ∞`) are split until the log density
/// changes by at most this across each (a 12-node rule integrates `e^{5y}`
/// on `[−1, 1]` to 4e-16).
const MAX_DROP: f64 = 10.0;
/// Widest panel in `x`.
const PANEL_WIDTH: f64 = 1.5;
/// Around a mode whose local standard deviation `σ` is below
/// `PANEL_WIDTH / MODE_WIDTH`, panels `MODE_WIDTH·σ` wide, `MODE_PANELS`
/// on each side (±10.5σ).
const MODE_WIDTH: f64 = 3.5;
const MODE_PANELS: i32 = 3;
/// A panel whose estimated error (relative to the integral over every
/// panel) exceeds this is cut, at most `MAX_SPLITS` times over.
const RESOLVED: f64 = 1e-14;
/// The fastest decay of Legendre coefficients (per degree) that
/// [`panel_error`] trusts.
const R_MIN: f64 = 0.2;
const MAX_SPLITS: usize = 8;
/// Most halvings of a scanned step while its log density drops too fast.
const MAX_HALVINGS: usize = 12;

/// Where a panel lies: `τ = c·sinh x` (`Mid`), or `τ = s/tan v` up to ∞
/// (`High`; the half-Cauchy prior is uniform in `v`).
#[derive(Debug, Clone, Copy, PartialEq)]
enum Coord {
    Mid,
    High,
}

/// One Gauss–Legendre panel of the `τ` quadrature.
#[derive(Debug, Clone, Copy, PartialEq)]
struct TauPanel {
    coord: Coord,
    mid: f64,
    half: f64,
    /// Posterior probability of the panels before this one.
    below: f64,
    tau: [f64; PANEL_NODES],
    /// Normalised posterior probability carried by each node.
    weight: [f64; PANEL_NODES],
    /// Its logarithm before normalising.
    ln_w: [f64; PANEL_NODES],
    /// `δ | τ ~ N(μ, σ²)` at each node.
    mu: [f64; PANEL_NODES],
    sigma: [f64; PANEL_NODES],
}

impl TauPanel {
    /// The panel's nodes, unnormalised.
    fn evaluate(eval: &Evaluator, c: f64, coord: Coord, mid: f64, half: f64) -> Self {
        let rule = panel_rule();
        let ln_rule = ln_rule_weights();
        let mut p = TauPanel {
            coord,
            mid,
            half,
            below: 0.0,
            tau: [0.0; PANEL_NODES],
            weight: [0.0; PANEL_NODES],
            ln_w: [0.0; PANEL_NODES],
            mu: [0.0; PANEL_NODES],
            sigma: [0.0; PANEL_NODES],
        };
        let ln_half = half.ln();
        for (j, (&y, &ln_w)) in rule.nodes.iter().zip(ln_rule).enumerate() {
            let (t, jac) = place(coord, c, mid, half, y);
            let n = eval.node(t, jac);
            let ln = n.ln_f + ln_half + ln_w;
            p.tau[j] = t;
            p.ln_w[j] = if ln.is_nan() { f64::NEG_INFINITY } else { ln };
            p.mu[j] = n.mu;
            p.sigma[j] = n.sigma;
        }
        p
    }

    /// Normalised weights and `below` from the shared `ln_ref` and `total`.
    fn normalise(panels: &mut [TauPanel], ln_ref: f64, total: f64, start: f64) {
        let mut below = start;
        for p in panels {
            p.below = below;
            for (w, &ln) in p.weight.iter_mut().zip(&p.ln_w) {
                *w = (ln - ln_ref).exp() / total;
                below += *w;
            }
        }
    }

    /// The panels of `panels` cut as `plan` says (ascending indices, each
    /// with its number of pieces).
    fn cut(panels: &[TauPanel], plan: &[(usize, usize)], eval: &Evaluator, c: f64) -> Vec<Self> {
        let mut out = Vec::with_capacity(panels.len() + 2 * plan.len());
        let mut next = plan.iter().peekable();
        for (k, p) in panels.iter().enumerate() {
            if let Some(&(_, n)) = next.next_if(|e| e.0 == k) {
                let h = p.half / n as f64;
                for i in 0..n {
                    let mid = p.mid - p.half + h * (2 * i + 1) as f64;
                    out.push(TauPanel::evaluate(eval, c, p.coord, mid, h));
                }
            } else {
                out.push(*p);
            }
        }
        out
    }

    /// Cuts every panel whose density is not resolved (relative to `scale`
    /// times the whole posterior), normalising with `ln_ref` and `total`.
    fn resolve(
        panels: &mut Vec<TauPanel>,
        eval: &Evaluator,
        c: f64,
        ln_ref: f64,
        total: f64,
        scale: f64,
    ) {
        for _ in 0..MAX_SPLITS {
            TauPanel::normalise(panels, ln_ref, total, 0.0);
            let plan: Vec<(usize, usize)> = (0..panels.len())
                .filter_map(|k| {
                    let ratio = panel_error(&panels[k].weight, |_| 1.0) / (RESOLVED * scale);
                    (ratio > 1.0).then(|| (k, cuts(ratio)))
                })
                .collect();
            if plan.is_empty() {
                return;
            }
            *panels = TauPanel::cut(panels, &plan, eval, c);
        }
        TauPanel::normalise(panels, ln_ref, total, 0.0);
    }
}

/// The error a panel's 12-node rule makes on the integrand whose node
/// weights are `weight[j]·h(j)`, estimated from its last Legendre
/// coefficients: with `A = |a₈| + |a₉|` and `B = |a₁₀| + |a₁₁|` decaying by
/// `r² = B/A` (at least `R_MIN²`) every two degrees, the rule's error is of
/// the order of `a₂₄ ≈ B·r¹³`.
fn panel_error(weight: &[f64; PANEL_NODES], h: impl Fn(usize) -> f64) -> f64 {
    let rows = legendre_rows();
    let mut a = [0.0; 4];
    for j in 0..PANEL_NODES {
        let v = weight[j] * h(j);
        for (ak, row) in a.iter_mut().zip(rows) {
            *ak += row[j] * v;
        }
    }
    let big = a[0].abs() + a[1].abs();
    let small = a[2].abs() + a[3].abs();
    if small == 0.0 {
        return 0.0;
    }
    let r2 = (small / big).clamp(R_MIN * R_MIN, 1.0);
    2.0 * small * r2.powi(6) * r2.sqrt()
}

/// Into how many pieces to cut a panel whose error is `ratio` times the
/// target: a 12-node rule's error falls like the 24th power of the width.
fn cuts(ratio: f64) -> usize {
    (1.25 * ratio.powf(1.0 / 20.0)).ceil().clamp(2.0, 8.0) as usize
}

/// `(2k + 1)/2 · P_k(y_j)` at the 12 nodes for `k` = 8 to 11 (each node's
/// weight is already in the node values).
fn legendre_rows() -> &'static [[f64; PANEL_NODES]; 4] {
    static ROWS: std::sync::OnceLock<[[f64; PANEL_NODES]; 4]> = std::sync::OnceLock::new();
    ROWS.get_or_init(|| {
        let rule = panel_rule();
        let mut rows = [[0.0; PANEL_NODES]; 4];
        for (j, &y) in rule.nodes.iter().enumerate() {
            let (mut p0, mut p1) = (1.0, y);
            for k in 2..PANEL_NODES {
                let kf = k as f64;
                let p2 = ((2.0 * kf - 1.0) * y * p1 - (kf - 1.0) * p0) / kf;
                p0 = p1;
                p1 = p2;
                if k >= 8 {
                    rows[k - 8][j] = (kf + 0.5) * p1;
                }
            }
        }
        rows
    })
}

/// `ln` of the 12-node rule's weights.
fn ln_rule_weights() -> &'static [f64; PANEL_NODES] {
    static LN: std::sync::OnceLock<[f64; PANEL_NODES]> = std::sync::OnceLock::new();
    LN.get_or_init(|| panel_rule().weights.map(f64::ln))
}

/// `(τ, du/dx)` at `x ≥ 0` for `τ = c·sinh x` and `u = atan(τ/s)`:
/// the half-Cauchy's density per unit `x` (up to its constant) is
/// `du/dx = c·s·cosh x/(s² + τ²)`.
fn x_to_tau(c: f64, x: f64) -> (f64, f64) {
    let (sh, ch) = if x < 0.5 {
        let sh = x.sinh();
        (sh, (1.0 + sh * sh).sqrt())
    } else {
        let e = x.exp();
        let r = 0.5 / e;
        (0.5 * e - r, 0.5 * e + r)
    };
    let tau = c * sh;
    let s = TAU_PRIOR_SCALE;
    (tau, c * s * ch / (s * s + tau * tau))
}

/// `(τ, prior measure per unit y)` at local coordinate `y ∈ [−1, 1]` of a
/// panel, without the panel's `half` (`τ` increasing with `y`).
fn place(coord: Coord, c: f64, mid: f64, half: f64, y: f64) -> (f64, f64) {
    match coord {
        Coord::Mid => x_to_tau(c, mid + half * y),
        Coord::High => (TAU_PRIOR_SCALE / (mid - half * y).tan(), 1.0),
    }
}

/// A local maximum of `τ`'s log density in `x`, with its local standard
/// deviation.
#[derive(Debug, Clone, Copy)]
struct Mode {
    x: f64,
    g: f64,
    sd: f64,
}

/// A break point of the panel layout in `x` with its log density (NaN
/// inside a mode's panels, where it is not needed).
#[derive(Debug, Clone, Copy)]
struct Break {
    x: f64,
    g: f64,
}

/// One node of the trapezoid rule in `x`: `x = k·h`.
#[derive(Debug, Clone, Copy, PartialEq)]
struct GridNode {
    k: i64,
    tau: f64,
    /// `τ`'s log density per unit `x` (unnormalised).
    ln_f: f64,
    /// Normalised posterior probability carried by the node.
    weight: f64,
    mu: f64,
    sigma: f64,
}

/// How `τ` is integrated.
#[derive(Debug, Clone, PartialEq)]
enum Rule {
    /// The trapezoid rule in `x` with step `h` (`x = 0` counted half: the
    /// density is even in `x`), nodes in increasing `x`.
    Grid { h: f64, nodes: Vec<GridNode> },
    /// Gauss–Legendre panels, for a tail reaching `τ = ∞`.
    Panels(Vec<TauPanel>),
}

/// The posterior of `τ`.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct TauPosterior {
    rule: Rule,
    /// The `c` of `τ = c·sinh x`.
    c: f64,
    /// `ln` of the reference density (the largest node's).
    ln_ref: f64,
    /// The integral of `exp(ln density − ln_ref)`.
    total: f64,
}

/// A model's evaluations, recording `(τ², the history's log-likelihood)`
/// when asked (an account history keeps them: see [`Group::remember`]).
struct Evaluator<'m, 'a> {
    model: &'m Model<'a>,
    log: Option<std::cell::RefCell<Vec<(f64, f64)>>>,
}

impl Evaluator<'_, '_> {
    fn node(&self, tau: f64, jac: f64) -> NodeFit {
        let n = self.model.node(tau, jac);
        if let Some(log) = &self.log {
            log.borrow_mut().push((tau * tau, n.history));
        }
        n
    }

    /// `τ`'s log density per unit `x` at `|x|` (−∞ for NaN).
    fn g(&self, c: f64, x: f64) -> f64 {
        let (tau, jac) = x_to_tau(c, x.abs());
        let v = self.node(tau, jac).ln_f;
        if v.is_nan() { f64::NEG_INFINITY } else { v }
    }
}

/// What the scan of `τ`'s log density found.
struct Survey {
    /// `g` at `x = k·SCAN_STEP`.
    scan: Vec<f64>,
    modes: Vec<Mode>,
    g_max: f64,
    /// Whether the tail beyond the scan is left to a panel in `v`.
    high: bool,
}

impl Survey {
    /// The scan: up from `x = 0` until the density falls for good below
    /// the cut, or the tail is left to a panel in `v`; local maxima of the
    /// scan (`g` is even: `x = 0` has `g(x₁)` on both sides) refined to
    /// their modes and local SDs.
    fn new(eval: &Evaluator, c: f64) -> Self {
        let model = eval.model;
        let x_cap = (TAU_TOP / c).asinh();
        let tau_mono = model.tau_monotone();
        let tau_high = model.tau_high().max(tau_mono);
        let high_ok = model.informative() <= HIGH_MAX_INFORMATIVE;
        let mut scan: Vec<f64> = Vec::with_capacity(32);
        let mut g_max = f64::NEG_INFINITY;
        let mut high = false;
        loop {
            let k = scan.len();
            let x = k as f64 * SCAN_STEP;
            let gk = eval.g(c, x);
            scan.push(gk);
            g_max = g_max.max(gk);
            if k == 0 {
                continue;
            }
            let tau = c * x.sinh();
            let falling = gk < scan[k - 1];
            if x >= x_cap {
                high = true;
                break;
            }
            if tau >= tau_mono && falling && gk < g_max - CUT {
                break;
            }
            if high_ok && tau >= tau_high && falling {
                high = true;
                break;
            }
        }
        let last = scan.len() - 1;
        let mut peaks: Vec<usize> = (0..last)
            .filter(|&k| {
                let left = if k == 0 { scan[1] } else { scan[k - 1] };
                scan[k] >= g_max - CUT && scan[k] >= left && scan[k] >= scan[k + 1]
            })
            .collect();
        peaks.sort_by(|&a, &b| scan[b].total_cmp(&scan[a]));
        peaks.truncate(MAX_MODES);
        let g = |x: f64| eval.g(c, x);
        // Panels around a mode, or a grid's first step, need its SD.
        let narrow = PANEL_WIDTH / MODE_WIDTH;
        let modes: Vec<Mode> = peaks
            .iter()
            .map(|&k| {
                let x = k as f64 * SCAN_STEP;
                let left = if k == 0 { scan[1] } else { scan[k - 1] };
                refine_mode(
                    &g,
                    [x - SCAN_STEP, x, x + SCAN_STEP],
                    [left, scan[k], scan[k + 1]],
                    narrow,
                )
            })
            .collect();
        g_max = modes.iter().map(|m| m.g).fold(g_max, f64::max);
        Self {
            scan,
            modes,
            g_max,
            high,
        }
    }

    fn x_last(&self) -> f64 {
        (self.scan.len() - 1) as f64 * SCAN_STEP
    }

    /// The significant modes (within the cut).
    fn significant_modes(&self) -> impl Iterator<Item = &Mode> + '_ {
        self.modes.iter().filter(|m| m.g >= self.g_max - CUT)
    }
}

impl TauPosterior {
    /// The posterior `∝ halfCauchy(τ)·exp(model.ln_like(τ))`, its median,
    /// and every `(τ², ln L)` the model was evaluated at.
    pub(super) fn with_log(model: &Model) -> (Self, f64, Vec<(f64, f64)>) {
        let eval = Evaluator {
            model,
            log: Some(std::cell::RefCell::new(Vec::new())),
        };
        let post = Self::build(&eval, 1);
        let median = post.quantile_by(0.5, &eval);
        let log = eval.log.map(|l| l.into_inner()).unwrap_or_default();
        (post, median, log)
    }

    /// The posterior (see [`HierarchicalPosterior`] for the layout), every
    /// grid halved `log₂ refine` more times or every panel cut in `refine`
    /// (tests check that refining changes nothing).
    fn build(eval: &Evaluator, refine: usize) -> Self {
        let c = eval.model.scale();
        let survey = Survey::new(eval, c);
        let last = survey.scan.len() - 1;
        if survey.high && survey.scan[last] >= survey.g_max - CUT {
            Self::build_panels(eval, c, &survey, refine)
        } else {
            Self::build_grid(eval, c, &survey, refine)
        }
    }

    /// The trapezoid rule in `x`: nodes from the highest mode outwards
    /// until the density is below the cut beyond every significant point
    /// of the scan, then the grid halved until it agrees with itself.
    fn build_grid(eval: &Evaluator, c: f64, survey: &Survey, refine: usize) -> Self {
        let g_cut = survey.g_max - CUT;
        let sd_min = survey
            .significant_modes()
            .map(|m| m.sd)
            .fold(f64::INFINITY, f64::min);
        let h = (GRID_STEP_SD * sd_min).min(GRID_STEP_MAX);
        // The significant stretch of the scan (and of narrow modes).
        let sig = survey
            .scan
            .iter()
            .enumerate()
            .filter(|s| *s.1 >= g_cut)
            .map(|s| s.0 as f64 * SCAN_STEP)
            .chain(survey.significant_modes().map(|m| m.x));
        let (sig_lo, sig_hi) = sig.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), x| {
            (lo.min(x), hi.max(x))
        });
        if (sig_hi - sig_lo + 2.0 * SCAN_STEP) / h > (MAX_GRID_NODES / 4) as f64 {
            return Self::build_panels(eval, c, survey, refine);
        }
        let start = survey
            .modes
            .iter()
            .max_by(|a, b| a.g.total_cmp(&b.g))
            .map_or(sig_lo, |m| m.x);
        let x_last = survey.x_last();
        let node = |k: i64| {
            let x = k as f64 * h;
            let (tau, jac) = x_to_tau(c, x);
            let n = eval.node(tau, jac);
            let ln_f = n.ln_f;
            GridNode {
                k,
                tau,
                ln_f: if ln_f.is_nan() {
                    f64::NEG_INFINITY
                } else {
                    ln_f
                },
                weight: 0.0,
                mu: n.mu,
                sigma: n.sigma,
            }
        };
        let k0 = (start / h).round() as i64;
        let mut right = Vec::with_capacity(64);
        right.push(node(k0));
        let mut g_max = survey.g_max.max(right[0].ln_f);
        loop {
            let n = right[right.len() - 1];
            let x = n.k as f64 * h;
            if (x >= sig_hi && n.ln_f < g_max - GRID_CUT) || x >= x_last {
                break;
            }
            let next = node(n.k + 1);
            g_max = g_max.max(next.ln_f);
            right.push(next);
        }
        let mut left = Vec::with_capacity(64);
        let mut k = k0;
        while k > 0 {
            let n = left.last().copied().unwrap_or(right[0]);
            if n.k as f64 * h <= sig_lo && n.ln_f < g_max - GRID_CUT {
                break;
            }
            k -= 1;
            let next = node(k);
            g_max = g_max.max(next.ln_f);
            left.push(next);
        }
        left.reverse();
        left.extend(right);
        let mut post = Self {
            rule: Rule::Grid { h, nodes: left },
            c,
            ln_ref: 0.0,
            total: 0.0,
        };
        post.normalise();
        let extra = refine.max(1).ilog2() as usize;
        let mut agreed = None;
        for level in 0..MAX_GRID_LEVELS {
            if !post.halve(eval) {
                break;
            }
            if agreed.is_none() && (post.coarser_total() - 1.0).abs() <= GRID_AGREE {
                agreed = Some(level);
            }
            if agreed.is_some_and(|l| level >= l + extra) {
                break;
            }
        }
        post
    }

    /// Halves the grid's step: a node between every two whose larger
    /// density is within the cut (false, and nothing done, at
    /// `MAX_GRID_NODES`).
    fn halve(&mut self, eval: &Evaluator) -> bool {
        let Rule::Grid { h, nodes } = &mut self.rule else {
            return false;
        };
        if nodes.len() >= MAX_GRID_NODES {
            return false;
        }
        let c = self.c;
        *h *= 0.5;
        let h = *h;
        let g_max = nodes
            .iter()
            .map(|n| n.ln_f)
            .fold(f64::NEG_INFINITY, f64::max);
        let mut out = Vec::with_capacity(2 * nodes.len());
        for (i, n) in nodes.iter().enumerate() {
            let mut n = *n;
            n.k *= 2;
            out.push(n);
            if let Some(m) = nodes.get(i + 1)
                && n.ln_f.max(m.ln_f) >= g_max - GRID_CUT
            {
                let k = n.k + 1;
                let (tau, jac) = x_to_tau(c, k as f64 * h);
                let f = eval.node(tau, jac);
                let ln_f = f.ln_f;
                out.push(GridNode {
                    k,
                    tau,
                    ln_f: if ln_f.is_nan() {
                        f64::NEG_INFINITY
                    } else {
                        ln_f
                    },
                    weight: 0.0,
                    mu: f.mu,
                    sigma: f.sigma,
                });
            }
        }
        *nodes = out;
        self.normalise();
        true
    }

    /// The trapezoid rule on every other node (even `k`) relative to the
    /// rule on all of them.
    fn coarser_total(&self) -> f64 {
        match &self.rule {
            Rule::Grid { nodes, .. } => nodes
                .iter()
                .filter(|n| n.k % 2 == 0)
                .map(|n| 2.0 * n.weight)
                .sum(),
            Rule::Panels(_) => 1.0,
        }
    }

    /// Normalises the weights.
    fn normalise(&mut self) {
        match &mut self.rule {
            Rule::Grid { h, nodes } => {
                let ln_ref = nodes
                    .iter()
                    .map(|n| n.ln_f)
                    .fold(f64::NEG_INFINITY, f64::max);
                let mut total = 0.0;
                for n in nodes.iter_mut() {
                    let half = if n.k == 0 { 0.5 } else { 1.0 };
                    n.weight = half * *h * (n.ln_f - ln_ref).exp();
                    total += n.weight;
                }
                for n in nodes.iter_mut() {
                    n.weight /= total;
                }
                self.ln_ref = ln_ref;
                self.total = total;
            }
            Rule::Panels(panels) => {
                let ln_ref = panels
                    .iter()
                    .flat_map(|p| p.ln_w)
                    .fold(f64::NEG_INFINITY, f64::max);
                let total: f64 = panels
                    .iter()
                    .flat_map(|p| p.ln_w)
                    .map(|ln| (ln - ln_ref).exp())
                    .sum();
                TauPanel::normalise(panels, ln_ref, total, 0.0);
                self.ln_ref = ln_ref;
                self.total = total;
            }
        }
    }

    /// Every node's `(weight, μ, σ)` into `values`, in increasing `τ`.
    fn fill(&self, values: &mut NodeValues) {
        let n = match &self.rule {
            Rule::Grid { nodes, .. } => nodes.len(),
            Rule::Panels(panels) => panels.len() * PANEL_NODES,
        };
        for v in [&mut values.weight, &mut values.mu, &mut values.sigma] {
            v.clear();
            v.reserve(n);
        }
        match &self.rule {
            Rule::Grid { nodes, .. } => {
                for n in nodes {
                    values.weight.push(n.weight);
                    values.mu.push(n.mu);
                    values.sigma.push(n.sigma);
                }
            }
            Rule::Panels(panels) => {
                for p in panels {
                    values.weight.extend_from_slice(&p.weight);
                    values.mu.extend_from_slice(&p.mu);
                    values.sigma.extend_from_slice(&p.sigma);
                }
            }
        }
    }

    /// Gauss–Legendre panels for a tail reaching `τ = ∞`: the scan's
    /// steps kept when within the cut, halved while the density drops too
    /// fast and merged up to `PANEL_WIDTH`, narrow panels around narrow
    /// modes, a panel in `v` for the tail; then every panel whose density
    /// is not resolved is cut.
    fn build_panels(eval: &Evaluator, c: f64, survey: &Survey, refine: usize) -> Self {
        let g = |x: f64| eval.g(c, x);
        let scan = &survey.scan;
        let modes = &survey.modes;
        let g_max = survey.g_max;
        let last = scan.len() - 1;
        let x_last = survey.x_last();
        let high = survey.high;
        // Break points: the scan, and narrow panels around narrow modes.
        let mut breaks: Vec<Break> = scan
            .iter()
            .enumerate()
            .map(|(k, &g)| Break {
                x: k as f64 * SCAN_STEP,
                g,
            })
            .collect();
        let mut inside: Vec<(f64, f64)> = Vec::new();
        for m in modes {
            let width = MODE_WIDTH * m.sd;
            if width >= PANEL_WIDTH || m.g < g_max - CUT {
                continue;
            }
            let lo = (m.x - MODE_PANELS as f64 * width).max(0.0);
            let hi = (m.x + MODE_PANELS as f64 * width).min(x_last);
            inside.push((lo, hi));
            for j in -MODE_PANELS..=MODE_PANELS {
                let x = m.x + j as f64 * width;
                if x > lo && x < hi {
                    breaks.push(Break { x, g: f64::NAN });
                }
            }
            for x in [lo, hi] {
                let gx = if x == 0.0 {
                    scan[0]
                } else if x == x_last {
                    scan[last]
                } else {
                    g(x)
                };
                breaks.push(Break { x, g: gx });
            }
        }
        // Scan points inside a mode's panels would only cut them.
        breaks.retain(|b| {
            b.g.is_nan()
                || !inside
                    .iter()
                    .any(|&(lo, hi)| b.x > lo + 1e-12 && b.x < hi - 1e-12)
        });
        breaks.sort_by(|a, b| a.x.total_cmp(&b.x));
        breaks.dedup_by(|b, a| {
            if b.x - a.x <= 1e-12 * (1.0 + a.x) {
                if a.g.is_nan() {
                    a.g = b.g;
                }
                true
            } else {
                false
            }
        });
        let in_mode = |a: f64, b: f64| {
            inside
                .iter()
                .any(|&(lo, hi)| a >= lo - 1e-12 && b <= hi + 1e-12)
        };
        let holds_mode = |a: f64, b: f64| {
            modes
                .iter()
                .any(|m| m.x > a && m.x < b && m.g >= g_max - CUT)
        };

        // Pieces: inside a mode's panels as they are; elsewhere kept when
        // within the cut, halved while the density drops too fast, then
        // merged up to PANEL_WIDTH.
        let mut pieces: Vec<(Break, Break, bool)> = Vec::new();
        let mut stack: Vec<(Break, Break, usize)> = Vec::new();
        for pair in breaks.windows(2) {
            let (a, b) = (pair[0], pair[1]);
            if in_mode(a.x, b.x) {
                pieces.push((a, b, false));
                continue;
            }
            stack.push((b, a, 0));
            while let Some((b, a, depth)) = stack.pop() {
                let keep = a.g.max(b.g) >= g_max - CUT || holds_mode(a.x, b.x);
                if !keep {
                    continue;
                }
                if (a.g - b.g).abs() <= MAX_DROP || depth >= MAX_HALVINGS {
                    pieces.push((a, b, true));
                    continue;
                }
                let x = 0.5 * (a.x + b.x);
                let m = Break { x, g: g(x) };
                // Right half first so that pieces come out in order.
                stack.push((b, m, depth + 1));
                stack.push((m, a, depth + 1));
            }
        }
        let mut shapes: Vec<(Coord, f64, f64)> = Vec::new();
        let mut i = 0;
        while i < pieces.len() {
            let (a, mut b, mergeable) = pieces[i];
            i += 1;
            if mergeable {
                let (mut lo, mut hi) = (a.g.min(b.g), a.g.max(b.g));
                while let Some(&(na, nb, true)) = pieces.get(i) {
                    let (lo2, hi2) = (lo.min(nb.g), hi.max(nb.g));
                    if na.x != b.x || nb.x - a.x > PANEL_WIDTH + 1e-12 || hi2 - lo2 > MAX_DROP {
                        break;
                    }
                    (lo, hi) = (lo2, hi2);
                    b = nb;
                    i += 1;
                }
            }
            shapes.push((Coord::Mid, 0.5 * (a.x + b.x), 0.5 * (b.x - a.x)));
        }
        if high && scan[last] >= g_max - CUT {
            let v0 = (TAU_PRIOR_SCALE / (c * x_last.sinh())).atan();
            shapes.push((Coord::High, 0.5 * v0, 0.5 * v0));
        }
        if refine > 1 {
            shapes = shapes
                .into_iter()
                .flat_map(|(coord, mid, half)| {
                    let h = half / refine as f64;
                    (0..refine).map(move |j| (coord, mid - half + h * (2 * j + 1) as f64, h))
                })
                .collect();
        }
        let panels: Vec<TauPanel> = shapes
            .into_iter()
            .map(|(coord, mid, half)| TauPanel::evaluate(eval, c, coord, mid, half))
            .collect();
        let mut post = Self {
            rule: Rule::Panels(panels),
            c,
            ln_ref: 0.0,
            total: 0.0,
        };
        // Panels whose density the 12 nodes do not resolve are cut.
        for _ in 0..MAX_SPLITS {
            post.normalise();
            let Rule::Panels(panels) = &post.rule else {
                break;
            };
            let plan: Vec<(usize, usize)> = (0..panels.len())
                .filter_map(|k| {
                    let ratio = panel_error(&panels[k].weight, |_| 1.0) / RESOLVED;
                    (ratio > 1.0).then(|| (k, cuts(ratio)))
                })
                .collect();
            if plan.is_empty() {
                break;
            }
            post.rule = Rule::Panels(TauPanel::cut(panels, &plan, eval, c));
        }
        post.normalise();
        post
    }

    /// Cuts the panels of `plan` (ascending indices, each with its number
    /// of pieces), or halves the grid, and normalises again; false if the
    /// grid is at its most nodes.
    fn refine(&mut self, plan: &[(usize, usize)], eval: &Evaluator) -> bool {
        match &self.rule {
            Rule::Panels(panels) => {
                self.rule = Rule::Panels(TauPanel::cut(panels, plan, eval, self.c));
                self.normalise();
                true
            }
            Rule::Grid { .. } => self.halve(eval),
        }
    }

    /// The `q` quantile of `τ` (`0 < q < 1`) under `model` (the one the
    /// posterior was built from).
    pub(super) fn quantile(&self, q: f64, model: &Model) -> f64 {
        self.quantile_by(q, &Evaluator { model, log: None })
    }

    /// The `q` quantile of `τ`: on panels, [`solve_in_panels`]; on a grid,
    /// the same on panels laid afresh from the grid's first node to a little
    /// beyond the quantile (the trapezoid rule's partial sums are not
    /// accurate), normalised by the grid's total.
    fn quantile_by(&self, q: f64, eval: &Evaluator) -> f64 {
        match &self.rule {
            Rule::Panels(panels) => solve_in_panels(panels, self, q, eval),
            Rule::Grid { h, nodes } => {
                let h = *h;
                let Some(first) = nodes.first() else {
                    return 0.0;
                };
                let last = nodes.len() - 1;
                let mut cum = 0.0;
                let hit = nodes
                    .iter()
                    .position(|n| {
                        cum += n.weight;
                        cum >= q
                    })
                    .unwrap_or(last);
                let x0 = first.k as f64 * h;
                let x_end = nodes[(hit + 2).min(last)].k as f64 * h;
                let x_max = nodes[last].k as f64 * h;
                let width = QUANTILE_PANEL_STEPS * h;
                let mut panels = Vec::with_capacity(8);
                let mut to = x0;
                let mut target = x_end;
                loop {
                    if target > to {
                        let count = ((target - to) / width).ceil().max(1.0);
                        let step = (target - to) / count;
                        for i in 0..count as usize {
                            let a = to + step * i as f64;
                            let half = 0.5 * step;
                            panels.push(TauPanel::evaluate(
                                eval,
                                self.c,
                                Coord::Mid,
                                a + half,
                                half,
                            ));
                        }
                        to = target;
                    }
                    TauPanel::resolve(
                        &mut panels,
                        eval,
                        self.c,
                        self.ln_ref,
                        self.total,
                        QUANTILE_RESOLVED / RESOLVED,
                    );
                    let mass: f64 = panels.iter().flat_map(|p| p.weight).sum();
                    if mass >= q || to >= x_max {
                        break;
                    }
                    target = (to + 4.0 * width).min(x_max);
                }
                solve_in_panels(&panels, self, q, eval)
            }
        }
    }
}

/// The `q` quantile of `τ` from `panels` normalised as `post` says: the
/// panel holding it from the cumulative node weights, a guess from the
/// panel's interpolant, then Halley steps on the distribution function
/// integrated afresh (see below), kept inside the panel.
fn solve_in_panels(panels: &[TauPanel], post: &TauPosterior, q: f64, eval: &Evaluator) -> f64 {
    let Some(last) = panels.len().checked_sub(1) else {
        return 0.0;
    };
    let idx = panels.iter().rposition(|p| p.below <= q).unwrap_or(0);
    let p = &panels[idx.min(last)];
    let rule = panel_rule();
    // Node cumulatives from the panel's interpolant: a first guess.
    let dens: [f64; PANEL_NODES] = std::array::from_fn(|j| p.weight[j] / rule.weights[j]);
    let (mut lo, mut hi) = (-1.0, 1.0);
    let (mut f_lo, mut f_hi) = (p.below, p.below + p.weight.iter().sum::<f64>());
    for (row, &xr) in rule.cumulative.iter().zip(&rule.nodes) {
        let f = p.below + row.iter().zip(&dens).map(|(c, d)| c * d).sum::<f64>();
        if f >= q {
            hi = xr;
            f_hi = f;
            break;
        }
        lo = xr;
        f_lo = f;
    }
    let mut y = if f_hi > f_lo {
        lo + (hi - lo) * ((q - f_lo) / (f_hi - f_lo)).clamp(0.0, 1.0)
    } else {
        0.5 * (lo + hi)
    };
    // Newton steps on the interpolant's own distribution function (no
    // evaluation of the model): as close as the interpolant is.
    let coef = legendre_coefficients(&dens);
    for _ in 0..8 {
        let (mass, d) = legendre_integral(&coef, y);
        let next = (y - (p.below + mass - q) / d).clamp(lo, hi);
        if !next.is_finite() {
            break;
        }
        let done = (next - y).abs() <= 1e-10;
        y = next;
        if done {
            break;
        }
    }
    // The interpolant only guesses: Halley steps on the distribution
    // function integrated afresh over the shorter of `[−1, y]` and
    // `[y, 1]` (the panel's mass is known) by 8 nodes (the piece is at most
    // half the panel, resolved as the panel is by 12), the density and
    // its slope from the interpolant (their relative errors, of order
    // 1e-7, add that fraction of an already tiny step); kept inside the
    // panel.
    let (mut lo, mut hi) = (-1.0, 1.0);
    let ln_half = p.half.ln();
    let mass_p: f64 = p.weight.iter().sum();
    let (short_nodes, short_weights) = short_rule();
    let density = |y: f64| {
        let (t, jac) = place(p.coord, post.c, p.mid, p.half, y);
        (eval.node(t, jac).ln_f + ln_half - post.ln_ref).exp() / post.total
    };
    for _ in 0..30 {
        let below = if y <= 0.0 {
            let half = 0.5 * (y + 1.0);
            let m: f64 = short_nodes
                .iter()
                .zip(short_weights)
                .map(|(&yj, &wj)| wj * density(-1.0 + half * (yj + 1.0)))
                .sum();
            m * half
        } else {
            let half = 0.5 * (1.0 - y);
            let m: f64 = short_nodes
                .iter()
                .zip(short_weights)
                .map(|(&yj, &wj)| wj * density(y + half * (yj + 1.0)))
                .sum();
            mass_p - m * half
        };
        let miss = p.below + below - q;
        if miss == 0.0 {
            break;
        }
        if miss < 0.0 {
            lo = y;
        } else {
            hi = y;
        }
        let (_, d) = legendre_integral(&coef, y);
        let newton = miss / d;
        let slope = interpolant_log_slope(&dens, y);
        let damp = 1.0 - 0.5 * newton * slope;
        let step = if (0.5..=2.0).contains(&damp) {
            newton / damp
        } else {
            newton
        };
        let mut next = y - step;
        if !(next > lo && next < hi) {
            next = 0.5 * (lo + hi);
        }
        let done = step.abs() <= 1e-5 || hi - lo <= 1e-15;
        y = next;
        if done {
            break;
        }
    }
    place(p.coord, post.c, p.mid, p.half, y).0
}

/// The 8-node Gauss–Legendre rule on `[−1, 1]`.
fn short_rule() -> (&'static [f64], &'static [f64]) {
    static RULE: std::sync::OnceLock<(Vec<f64>, Vec<f64>)> = std::sync::OnceLock::new();
    let r = RULE.get_or_init(|| crate::numeric::quad::gauss_legendre(8));
    (&r.0, &r.1)
}

/// The Legendre coefficients `a_k` of the polynomial through
/// `(y_j, values_j)` at the 12 nodes.
fn legendre_coefficients(values: &[f64]) -> [f64; PANEL_NODES] {
    static M: std::sync::OnceLock<[[f64; PANEL_NODES]; PANEL_NODES]> = std::sync::OnceLock::new();
    let m = M.get_or_init(|| {
        let rule = panel_rule();
        let mut m = [[0.0; PANEL_NODES]; PANEL_NODES];
        for (j, (&y, &w)) in rule.nodes.iter().zip(&rule.weights).enumerate() {
            let (mut p0, mut p1) = (1.0, y);
            for (k, row) in m.iter_mut().enumerate() {
                let pk = match k {
                    0 => 1.0,
                    1 => y,
                    _ => {
                        let kf = k as f64;
                        let p2 = ((2.0 * kf - 1.0) * y * p1 - (kf - 1.0) * p0) / kf;
                        p0 = p1;
                        p1 = p2;
                        p2
                    }
                };
                row[j] = (k as f64 + 0.5) * w * pk;
            }
        }
        m
    });
    std::array::from_fn(|k| m[k].iter().zip(values).map(|(a, b)| a * b).sum())
}

/// `(∫_{−1}^y p, p(y))` for `p = Σ a_k P_k` (`∫_{−1}^y P_k =
/// (P_{k+1}(y) − P_{k−1}(y))/(2k + 1)`, and `y + 1` for `k = 0`).
fn legendre_integral(coef: &[f64; PANEL_NODES], y: f64) -> (f64, f64) {
    let mut p = [0.0; PANEL_NODES + 1];
    p[0] = 1.0;
    p[1] = y;
    for k in 2..=PANEL_NODES {
        let kf = k as f64;
        p[k] = ((2.0 * kf - 1.0) * y * p[k - 1] - (kf - 1.0) * p[k - 2]) / kf;
    }
    let mut integral = coef[0] * (y + 1.0);
    let mut value = coef[0];
    for k in 1..PANEL_NODES {
        integral += coef[k] * (p[k + 1] - p[k - 1]) / (2 * k + 1) as f64;
        value += coef[k] * p[k];
    }
    (integral, value)
}

/// `p'(y)/p(y)` for the polynomial `p` through `(y_j, values_j)` at the 12
/// nodes (barycentric formulas).
fn interpolant_log_slope(values: &[f64], y: f64) -> f64 {
    let bary = barycentric_weights();
    let nodes = &panel_rule().nodes;
    // Off a node by a hair, where the formulas divide by y − y_j.
    let y = if nodes.iter().any(|&yj| (y - yj).abs() < 1e-12) {
        y + 1e-9
    } else {
        y
    };
    let (mut num, mut den) = (0.0, 0.0);
    for j in 0..PANEL_NODES {
        let t = bary[j] / (y - nodes[j]);
        num += t * values[j];
        den += t;
    }
    let p = num / den;
    let mut dnum = 0.0;
    for j in 0..PANEL_NODES {
        let d = y - nodes[j];
        dnum += bary[j] * (p - values[j]) / (d * d);
    }
    (dnum / den) / p
}

/// Barycentric weights of the 12 nodes: `(−1)^j √((1 − y_j²) w_j)`.
fn barycentric_weights() -> &'static [f64; PANEL_NODES] {
    static B: std::sync::OnceLock<[f64; PANEL_NODES]> = std::sync::OnceLock::new();
    B.get_or_init(|| {
        let rule = panel_rule();
        std::array::from_fn(|j| {
            let sign = if j % 2 == 0 { 1.0 } else { -1.0 };
            sign * ((1.0 - rule.nodes[j] * rule.nodes[j]) * rule.weights[j]).sqrt()
        })
    })
}

/// The mode near the middle of three scan points `xs` (values `gs`, the
/// middle one the largest) and its local standard deviation: the scan's
/// parabola decides whether the mode is broad (SD ≥ `narrow`, nothing
/// more to do); a narrow one is located by parabolas
/// through points one local SD either side, until the vertex and the SD
/// settle.
fn refine_mode(g: &impl Fn(f64) -> f64, xs: [f64; 3], gs: [f64; 3], narrow: f64) -> Mode {
    let (mut x, mut gx) = (xs[1], gs[1]);
    let (vertex, _, curv) = parabola(xs, gs);
    let mut sd = if curv < 0.0 {
        1.0 / (-curv).sqrt()
    } else {
        f64::INFINITY
    };
    if sd >= narrow {
        return Mode { x, g: gx, sd };
    }
    if vertex > xs[0] && vertex < xs[2] {
        let gv = g(vertex);
        if gv > gx {
            x = vertex;
            gx = gv;
        }
    }
    for _ in 0..12 {
        let h = sd;
        let (gl, gr) = (g(x - h), g(x + h));
        if gl > gx || gr > gx {
            // Not bracketed: move towards the higher side.
            if gl > gr {
                x -= h;
                gx = gl;
            } else {
                x += h;
                gx = gr;
            }
            continue;
        }
        let (vertex, top, curv) = parabola([x - h, x, x + h], [gl, gx, gr]);
        if curv.is_nan() || curv >= 0.0 {
            break;
        }
        let sd_new = 1.0 / (-curv).sqrt();
        let settled = (vertex - x).abs() <= 0.25 * sd && (sd_new - sd).abs() <= 0.25 * sd;
        sd = sd_new;
        if settled || sd >= narrow {
            // Close enough: the parabola's vertex and top.
            return Mode {
                x: vertex.abs(),
                g: top.max(gx),
                sd,
            };
        }
        let gv = g(vertex);
        if gv >= gx {
            x = vertex;
            gx = gv;
        }
    }
    Mode {
        x: x.abs(),
        g: gx,
        sd: sd.max(1e-9),
    }
}

/// The vertex, the value there and the second derivative of the parabola
/// through three points.
fn parabola(xs: [f64; 3], gs: [f64; 3]) -> (f64, f64, f64) {
    let (d1, d2) = (xs[1] - xs[0], xs[2] - xs[1]);
    let s1 = (gs[1] - gs[0]) / d1;
    let s2 = (gs[2] - gs[1]) / d2;
    let curv = 2.0 * (s2 - s1) / (xs[2] - xs[0]);
    // The parabola's slope at the middle point, then a Newton step.
    let slope = (s1 * d2 + s2 * d1) / (d1 + d2);
    (
        xs[1] - slope / curv,
        gs[1] - 0.5 * slope * slope / curv,
        curv,
    )
}

/// `(Φ(z), Φ(−z))` from one `erfc`.
fn phi_pair(z: f64) -> (f64, f64) {
    let small = normal_sf(z.abs());
    if z >= 0.0 {
        (1.0 - small, small)
    } else {
        (small, 1.0 - small)
    }
}

/// The hierarchical posterior of `δ` (see [`HierarchicalPosterior`]).
pub(super) fn hierarchical(
    model: &Model,
    level: f64,
    unit: UnitOfAnalysis,
) -> HierarchicalPosterior {
    hierarchical_refined(model, level, unit, 1)
}

/// What the `δ` mixture's nodes give (see [`delta_summary`]).
#[derive(Debug, Clone, Copy, Default)]
struct DeltaSummary {
    prob_b: f64,
    prob_a: f64,
    /// `P(δ > t)` and `P(δ < t)` at the threshold `t` (the same sums as
    /// `prob_b` and `prob_a` when `t = 0`).
    above: f64,
    below: f64,
    mean: f64,
    gain: f64,
    risk: f64,
    lower: f64,
    upper: f64,
}

/// Per-node values of the `δ` integrands, in the order of
/// [`TauPosterior::fill`]: `Φ(z)`, `Φ(−z)` and `σφ(z)` at `z = μ/σ`, the
/// same tails at the threshold, and the tail masses below the lower and
/// above the upper end of the interval.
#[derive(Default)]
struct NodeValues {
    weight: Vec<f64>,
    mu: Vec<f64>,
    sigma: Vec<f64>,
    up: Vec<f64>,
    down: Vec<f64>,
    /// `Φ((μ − t)/σ)` and `Φ((t − μ)/σ)` at the threshold `t` (left empty
    /// when `t = 0`: `up` and `down` are the same).
    above: Vec<f64>,
    below: Vec<f64>,
    /// Whether the threshold is 0.
    at_zero: bool,
    pdf: Vec<f64>,
    below_lower: Vec<f64>,
    above_upper: Vec<f64>,
}

/// How many integrands of `δ` decide the layout (see
/// [`NodeValues::integrand`]).
const INTEGRANDS: usize = 6;

impl NodeValues {
    /// The `which`th integrand whose accuracy decides the layout, at node
    /// `i`: the smaller of `P(δ > t)` and `P(δ < t)` (`t` the threshold, 0
    /// for [`hierarchical`]), the mean, both tails of the interval and both
    /// losses.
    fn integrand(&self, which: usize, i: usize, d: &DeltaSummary) -> f64 {
        match which {
            0 if self.at_zero && d.below <= d.above => self.down[i],
            0 if self.at_zero => self.up[i],
            0 if d.below <= d.above => self.below[i],
            0 => self.above[i],
            1 => self.mu[i],
            2 => self.below_lower[i],
            3 => self.above_upper[i],
            4 => self.mu[i] * self.up[i] + self.pdf[i],
            _ => -self.mu[i] * self.down[i] + self.pdf[i],
        }
    }

    /// The scale of each integrand's error (the losses' are infinite
    /// when the losses are).
    fn scales(&self, d: &DeltaSummary, tail: f64, infinite: bool) -> [f64; INTEGRANDS] {
        let scale = (0..self.weight.len())
            .map(|i| self.weight[i] * (self.mu[i].abs() + self.sigma[i]))
            .sum::<f64>()
            .max(f64::MIN_POSITIVE);
        let loss = if infinite { f64::INFINITY } else { scale };
        [
            d.below.min(d.above).max(1e-3),
            scale,
            tail,
            tail,
            loss,
            loss,
        ]
    }
}

/// The level at which [`post_prob_above`] and [`super::paired_prob_above`]
/// lay the quadrature out: the default level, so that at threshold 0 they
/// give the very bits of `prob_b_better` at that level.
const PROB_ABOVE_LEVEL: f64 = 0.95;

/// `P(δ > threshold)` under the hierarchical model (see [`post_prob_above`]):
/// the engine of [`hierarchical`] with the threshold's tails in place of
/// `P(δ > 0)`'s, the upper tail summed as a tail and scaled as
/// `prob_b_better` is.
pub(super) fn prob_above(model: &Model, threshold: f64) -> f64 {
    let eval = Evaluator { model, log: None };
    let (_, d) = delta_posterior(&eval, PROB_ABOVE_LEVEL, threshold, 1);
    let total = (d.above + d.below).max(1.0);
    (d.above / total).clamp(0.0, 1.0)
}

/// The posterior of `τ` laid out for `δ`, and what `δ`'s mixture gives on
/// it (tails at `threshold` beside those at 0; interval at `level`).
fn delta_posterior(
    eval: &Evaluator,
    level: f64,
    threshold: f64,
    refine: usize,
) -> (TauPosterior, DeltaSummary) {
    let model = eval.model;
    let mut post = TauPosterior::build(eval, refine);
    let tail = 0.5 * (1.0 - level);
    let infinite = model.tau_mean_infinite();
    let mut values = NodeValues::default();
    let mut guess = None;
    let mut d = DeltaSummary::default();
    // Where some integrand of δ is not resolved, panels are cut (or the
    // grid halved) and everything computed again (the interval from where
    // it was).
    for round in 0..=MAX_SPLITS {
        d = delta_summary(&post, tail, threshold, infinite, guess, &mut values);
        guess = Some((d.lower, d.upper));
        if round == MAX_SPLITS {
            break;
        }
        let scales = values.scales(&d, tail, infinite);
        let plan: Vec<(usize, usize)> = match &post.rule {
            Rule::Panels(panels) => (0..panels.len())
                .filter_map(|k| {
                    let w = &panels[k].weight;
                    let ratio = (0..INTEGRANDS)
                        .map(|m| {
                            panel_error(w, |j| values.integrand(m, k * PANEL_NODES + j, &d))
                                / scales[m]
                        })
                        .fold(0.0, f64::max)
                        / RESOLVED;
                    (ratio > 1.0).then(|| (k, cuts(ratio)))
                })
                .collect(),
            Rule::Grid { nodes, .. } => {
                // Every other node against all of them.
                let even: f64 = post.coarser_total();
                let agree = (0..INTEGRANDS).all(|m| {
                    let (mut all, mut half) = (0.0, 0.0);
                    for (i, n) in nodes.iter().enumerate() {
                        let v = n.weight * values.integrand(m, i, &d);
                        all += v;
                        if n.k % 2 == 0 {
                            half += 2.0 * v;
                        }
                    }
                    let miss = (half / even - all).abs();
                    miss.is_nan() || miss <= GRID_AGREE * scales[m]
                });
                if agree { Vec::new() } else { vec![(0, 2)] }
            }
        };
        if plan.is_empty() || !post.refine(&plan, eval) {
            break;
        }
    }
    (post, d)
}

fn hierarchical_refined(
    model: &Model,
    level: f64,
    unit: UnitOfAnalysis,
    refine: usize,
) -> HierarchicalPosterior {
    let eval = Evaluator { model, log: None };
    let infinite = model.tau_mean_infinite();
    let (post, d) = delta_posterior(&eval, level, 0.0, refine);
    let tau_median = post.quantile_by(0.5, &eval);
    let (loss_choose_a, loss_choose_b) = if infinite {
        (f64::INFINITY, f64::INFINITY)
    } else {
        (d.gain, d.risk)
    };
    // The τ weights sum to 1 within rounding (a few ulps): the two tail
    // probabilities are scaled to sum to at most 1, so each is in [0, 1].
    let total = (d.prob_b + d.prob_a).max(1.0);
    HierarchicalPosterior {
        unit,
        prob_b_better: (d.prob_b / total).clamp(0.0, 1.0),
        prob_a_better: (d.prob_a / total).clamp(0.0, 1.0),
        mean: d.mean,
        credible_interval: Interval::within(d.lower, d.upper, f64::NEG_INFINITY, f64::INFINITY),
        rate_ratio_credible_interval: Interval::within(
            d.lower.exp(),
            d.upper.exp(),
            0.0,
            f64::INFINITY,
        ),
        loss_choose_b,
        loss_choose_a,
        tau_median,
    }
}

/// Nodes carrying less posterior probability than this are left out of
/// the sums over `δ` (less than 1e-15 in all).
const NEGLIGIBLE: f64 = 1e-17;

/// `P(δ > 0)`, `P(δ < 0)`, `P(δ > t)`, `P(δ < t)` (`t` the threshold), the
/// mean, both losses and the equal-tailed interval (tail mass `tail` each
/// side, solved from `guess` if given, else from a Cornish–Fisher guess) of
/// the mixture of `δ | τ` over the nodes of `post`, filling `values`;
/// negligible nodes are left out.
fn delta_summary(
    post: &TauPosterior,
    tail: f64,
    threshold: f64,
    infinite: bool,
    guess: Option<(f64, f64)>,
    values: &mut NodeValues,
) -> DeltaSummary {
    post.fill(values);
    let n = values.weight.len();
    for w in &mut values.weight {
        if w.is_nan() || *w <= NEGLIGIBLE {
            *w = 0.0;
        }
    }
    values.at_zero = threshold == 0.0;
    let at = if values.at_zero { 0 } else { n };
    for (v, len) in [
        (&mut values.up, n),
        (&mut values.down, n),
        (&mut values.above, at),
        (&mut values.below, at),
        (&mut values.pdf, n),
        (&mut values.below_lower, n),
        (&mut values.above_upper, n),
    ] {
        v.clear();
        v.resize(len, 0.0);
    }
    // One pass: P(δ > 0), the mean and both losses. E[δ⁺] = μΦ(z) + σφ(z)
    // and E[δ⁻] = −μΦ(−z) + σφ(z), z = μ/σ, each node.
    let mut d = DeltaSummary::default();
    for i in 0..n {
        let w = values.weight[i];
        if w == 0.0 {
            continue;
        }
        let (mu, sigma) = (values.mu[i], values.sigma[i]);
        let z = mu / sigma;
        let (up, down) = phi_pair(z);
        let pdf = sigma * normal_pdf(z);
        // Each tail from its own erfc: a tiny P(δ > t) is summed as tails.
        let (above, below) = if values.at_zero {
            (up, down)
        } else {
            let pair = phi_pair((mu - threshold) / sigma);
            values.above[i] = pair.0;
            values.below[i] = pair.1;
            pair
        };
        values.up[i] = up;
        values.down[i] = down;
        values.pdf[i] = pdf;
        d.prob_b += w * up;
        d.prob_a += w * down;
        d.above += w * above;
        d.below += w * below;
        d.mean += w * mu;
        d.gain += w * (mu * up + pdf).max(0.0);
        d.risk += w * (-mu * down + pdf).max(0.0);
    }
    // The mixture's central moments, for a Cornish–Fisher first guess.
    let (mut m2, mut m3, mut m4) = (0.0, 0.0, 0.0);
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for i in 0..n {
        let w = values.weight[i];
        if w == 0.0 {
            continue;
        }
        let (dm, s) = (values.mu[i] - d.mean, values.sigma[i]);
        let s2 = s * s;
        m2 += w * (s2 + dm * dm);
        m3 += w * dm * (dm * dm + 3.0 * s2);
        m4 += w * (dm * dm * (dm * dm + 6.0 * s2) + 3.0 * s2 * s2);
        lo = lo.min(values.mu[i] - 40.0 * s);
        hi = hi.max(values.mu[i] + 40.0 * s);
    }
    let sd = m2.sqrt();
    let (skew, kurt) = (m3 / (m2 * sd), m4 / (m2 * m2) - 3.0);
    let start = |q: f64| {
        let z = normal_quantile(q);
        let cf = z + (z * z - 1.0) * skew / 6.0 + (z * z * z - 3.0 * z) * kurt / 24.0
            - (2.0 * z * z * z - 5.0 * z) * skew * skew / 36.0;
        if infinite || !cf.is_finite() {
            d.mean + z * sd
        } else {
            d.mean + cf * sd
        }
    };
    let (s_lo, s_hi) = guess.unwrap_or_else(|| (start(tail), start(1.0 - tail)));
    let mix = Mixture {
        weight: &values.weight,
        mu: &values.mu,
        sigma: &values.sigma,
    };
    d.lower = mix.quantile(tail, false, s_lo, lo, hi, &mut values.below_lower);
    d.upper = mix.quantile(tail, true, s_hi, lo, hi, &mut values.above_upper);
    d
}

/// A normal mixture: weights (0 for nodes left out) and `N(μ, σ²)`.
struct Mixture<'a> {
    weight: &'a [f64],
    mu: &'a [f64],
    sigma: &'a [f64],
}

/// Terms of the Taylor series of a mixture's distribution function about
/// a point, and the radius (in units of the smallest `σ`) within which
/// they leave an error below 1e-17 of the density's scale: the `n`th term
/// of `Φ(z + ε)` is `φ(z) He_{n−1}(z) εⁿ/n!` up to sign.
const TAYLOR_TERMS: usize = 12;
const TAYLOR_RADIUS: f64 = 0.15;
/// `1/n` for the series' terms (a product, not a division, per term).
const INVERSE: [f64; TAYLOR_TERMS + 1] = {
    let mut t = [0.0; TAYLOR_TERMS + 1];
    let mut n = 1;
    while n <= TAYLOR_TERMS {
        t[n] = 1.0 / n as f64;
        n += 1;
    }
    t
};

impl Mixture<'_> {
    /// The point with mass `p` below it (or above it when `upper`). One
    /// pass over the nodes at `x` gives the tail mass there (on that
    /// side) and the Taylor series of the distribution function about
    /// `x`; when its root lies within the series' radius, Newton steps on
    /// the series find it; otherwise a Halley step from the series' first
    /// two terms (kept inside the bracket `[lo, hi]`, bisecting when it
    /// leaves it) and another pass. `tails` receives each node's tail mass
    /// at the last point.
    fn quantile(
        &self,
        p: f64,
        upper: bool,
        start: f64,
        mut lo: f64,
        mut hi: f64,
        tails: &mut [f64],
    ) -> f64 {
        let mut x = if start > lo && start < hi {
            start
        } else {
            0.5 * (lo + hi)
        };
        let sigma_min = (0..self.weight.len())
            .filter(|&i| self.weight[i] > 0.0)
            .map(|i| self.sigma[i])
            .fold(f64::INFINITY, f64::min);
        let radius = TAYLOR_RADIUS * sigma_min;
        for _ in 0..200 {
            // The tail mass and c_n = F⁽ⁿ⁾(x)/n!.
            let mut t = 0.0;
            let mut c = [0.0; TAYLOR_TERMS + 1];
            for (i, slot) in tails.iter_mut().enumerate() {
                let w = self.weight[i];
                if w == 0.0 {
                    continue;
                }
                let (mu, sigma) = (self.mu[i], self.sigma[i]);
                let z = (x - mu) / sigma;
                let tail = if upper { normal_sf(z) } else { normal_cdf(z) };
                *slot = tail;
                t += w * tail;
                let u = 1.0 / sigma;
                let mut coef = w * normal_pdf(z) * u;
                let (mut he0, mut he1) = (1.0, z);
                c[1] += coef;
                let minus_u = -u;
                for (n, cn) in c.iter_mut().enumerate().skip(2) {
                    coef *= minus_u * INVERSE[n];
                    *cn += coef * he1;
                    let he2 = z * he1 - (n - 1) as f64 * he0;
                    he0 = he1;
                    he1 = he2;
                }
            }
            // F(x + δ) − q = miss + Σ c_n δⁿ.
            let miss = if upper { p - t } else { t - p };
            if miss == 0.0 {
                return x;
            }
            if miss < 0.0 {
                lo = x;
            } else {
                hi = x;
            }
            if let Some(delta) = series_root(&c, miss, radius) {
                return x + delta;
            }
            let (f, df) = (c[1], 2.0 * c[2]);
            let newton = miss / f;
            let damp = 1.0 - 0.5 * newton * df / f;
            let step = if (0.5..=2.0).contains(&damp) {
                newton / damp
            } else {
                newton
            };
            let mut next = x - step;
            if !(next > lo && next < hi) {
                next = 0.5 * (lo + hi);
            }
            if hi - lo <= 1e-15 * (1.0 + x.abs()) {
                return next;
            }
            x = next;
        }
        x
    }
}

/// The root of `miss + Σ_{n≥1} c_n δⁿ` within `|δ| ≤ radius`, by Newton
/// steps from 0, if there is one.
fn series_root(c: &[f64; TAYLOR_TERMS + 1], miss: f64, radius: f64) -> Option<f64> {
    if c[1].is_nan() || c[1] <= 0.0 || (miss / c[1]).abs() > 2.0 * radius {
        return None;
    }
    let mut delta = 0.0;
    for _ in 0..40 {
        // Horner for the value and the slope.
        let (mut v, mut d) = (0.0, 0.0);
        for n in (1..=TAYLOR_TERMS).rev() {
            d = d * delta + n as f64 * c[n];
            v = v * delta + c[n];
        }
        let value = miss + v * delta;
        if d.is_nan() || d <= 0.0 {
            return None;
        }
        let step = value / d;
        delta -= step;
        if delta.abs() > radius || !delta.is_finite() {
            return None;
        }
        if step.abs() <= 1e-16 * (delta.abs() + radius) {
            return Some(delta);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A deterministic pseudo-random stream (SplitMix64) for test data.
    fn stream(seed: u64) -> impl FnMut() -> f64 {
        let mut s = seed;
        move || {
            s = s.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = s;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
        }
    }

    /// Log rates of `m` posts around `ln rate` with between SD `tau` and
    /// `n` trials each (within variance from a rounded count).
    fn posts(next: &mut impl FnMut() -> f64, m: usize, rate: f64, tau: f64, n: f64) -> Group {
        let obs: Vec<(f64, f64)> = (0..m)
            .map(|_| {
                let z = (-2.0 * next().max(1e-300).ln()).sqrt()
                    * (2.0 * std::f64::consts::PI * next()).cos();
                let p = (rate.ln() + tau * z).exp().min(0.9);
                let trials = (n * (0.5 + next())).round().max(1.0);
                let y = (p * trials + (p * trials).sqrt() * (next() - 0.5))
                    .round()
                    .clamp(0.0, trials);
                let (y, t) = (y + 0.5, trials + 0.5);
                ((y / t).ln(), 1.0 / y - 1.0 / t)
            })
            .collect();
        Group::new(&obs)
    }

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol * a.abs().max(b.abs()).max(1.0) || (a.is_infinite() && a == b)
    }

    /// The default quadrature agrees with a finer one — every grid halved
    /// twice more (four times the nodes, τ's quantiles on panels four
    /// times narrower) and every panel cut in four — over histories from
    /// near-binomial to strongly overdispersed and data from one post to
    /// 40, posts and blocks; both rules (grids, and panels for tails that
    /// reach τ = ∞) are exercised.
    #[test]
    fn refining_the_panels_changes_nothing() {
        let mut next = stream(7);
        let mut worst: f64 = 0.0;
        let (mut grids, mut panels) = (0, 0);
        for case in 0..70 {
            let tau = [0.0, 0.02, 0.1, 0.4, 1.5, 0.7, 0.05][case % 7];
            let hist_n = [0, 10, 50, 1000, 20_000, 300, 0][(case / 7) % 7];
            let m = [1, 2, 5, 40, 3][case % 5];
            let trials = [30.0, 1_000.0, 20_000.0, 5.0][case % 4];
            let history = (hist_n > 0).then(|| posts(&mut next, hist_n, 0.03, tau, trials));
            let data = [
                posts(&mut next, m, 0.03, tau, trials),
                posts(&mut next, m + case % 2, 0.036, tau, trials),
            ];
            let paired = case % 3 == 1;
            let model = Model {
                data: if paired { &data[..1] } else { &data },
                spread: if paired { 2.0 } else { 1.0 },
                history: history.as_ref(),
            };
            match TauPosterior::build(
                &Evaluator {
                    model: &model,
                    log: None,
                },
                1,
            )
            .rule
            {
                Rule::Grid { .. } => grids += 1,
                Rule::Panels(_) => panels += 1,
            }
            let a = hierarchical_refined(&model, 0.95, UnitOfAnalysis::Post, 1);
            let b = hierarchical_refined(&model, 0.95, UnitOfAnalysis::Post, 4);
            for (x, y) in [
                (a.prob_b_better, b.prob_b_better),
                (a.mean, b.mean),
                (a.loss_choose_a, b.loss_choose_a),
                (a.loss_choose_b, b.loss_choose_b),
                (a.credible_interval.lower, b.credible_interval.lower),
                (a.credible_interval.upper, b.credible_interval.upper),
                (a.tau_median, b.tau_median),
            ] {
                assert!(close(x, y, 1e-11), "case {case}: {x} vs {y}\n{a:?}\n{b:?}");
                if x.is_finite() {
                    worst = worst.max((x - y).abs() / x.abs().max(1.0));
                }
            }
        }
        assert!(
            grids >= 10 && panels >= 10,
            "{grids} grids, {panels} panels"
        );
        assert!(worst < 1e-11, "{worst:e}");
        println!("refined ×4: worst change {worst:e} ({grids} grids, {panels} panels)");
    }

    /// A history's remembered log-likelihoods are the ones it would
    /// compute: a posterior given the history is the same, bit for bit,
    /// with and without them (one post each, where the data leave the
    /// layout of τ to the history, and several posts, where they do not).
    #[test]
    fn remembered_history_is_exact() {
        let mut next = stream(11);
        for (hist_n, m) in [(40, 1), (400, 1), (400, 6), (3_000, 2)] {
            let hist = posts(&mut next, hist_n, 0.03, 0.2, 2_000.0);
            let obs: Vec<(f64, f64)> = hist
                .r
                .iter()
                .flatten()
                .zip(hist.v.iter().flatten())
                .take(hist.len())
                .map(|(r, v)| (r + hist.centre, *v))
                .collect();
            let model = Model {
                data: &[],
                spread: 1.0,
                history: Some(&hist),
            };
            let (_, median, log) = TauPosterior::with_log(&model);
            let mut remembered = Group::new(&obs);
            remembered.remember(&log);
            assert!(!remembered.memo.0.is_empty());
            let data = [
                posts(&mut next, m, 0.03, 0.2, 2_000.0),
                posts(&mut next, m, 0.034, 0.2, 2_000.0),
            ];
            let with = |h: &Group| {
                let model = Model {
                    data: &data,
                    spread: 1.0,
                    history: Some(h),
                };
                hierarchical(&model, 0.9, UnitOfAnalysis::Post)
            };
            assert_eq!(with(&remembered), with(&hist), "{hist_n} {m}");
            let alone = Model {
                data: &[],
                spread: 1.0,
                history: Some(&remembered),
            };
            assert_eq!(TauPosterior::with_log(&alone).1, median);
        }
    }

    #[test]
    fn one_observation_has_a_flat_likelihood() {
        let g = Group::new(&[(-3.0, 0.02)]);
        for lambda in [0.0, 1e-6, 1.0, 1e6, 1e20] {
            let f = g.parts(lambda);
            assert!(f.ln_like().abs() < 1e-12, "{lambda}: {}", f.ln_like());
            assert!((f.mean + 3.0).abs() < 1e-15);
        }
    }

    /// The chunked product of weights equals the sum of their logs, for
    /// groups that fill their rows of 4 or not, and flush their products
    /// of 24 or not.
    #[test]
    fn chunked_log_weights_match_direct_sum() {
        let mut next = stream(3);
        for (case, n) in [1, 2, 3, 4, 5, 23, 24, 25, 48, 77, 3, 30]
            .into_iter()
            .enumerate()
        {
            let mut obs: Vec<(f64, f64)> = (0..n)
                .map(|_| (next() - 3.0, 1e-12 + 2.0 * next()))
                .collect();
            if case >= 10 {
                // A post whose every trial succeeded: its weight dominates
                // while λ is tiny, far from the other posts' mean.
                obs[0] = (-0.1, 0.0);
            }
            let g = Group::new(&obs);
            for lambda in [0.0, 1e-14, 1e-10, 1e-3, 0.5, 1e4, 1e16, 1e19] {
                let f = g.parts(lambda);
                let w: Vec<f64> = obs
                    .iter()
                    .map(|o| 1.0 / (o.1.max(MIN_WITHIN_VARIANCE) + lambda))
                    .collect();
                let sw: f64 = w.iter().sum();
                let m = w.iter().zip(&obs).map(|(w, o)| w * o.0).sum::<f64>() / sw;
                let q: f64 = w.iter().zip(&obs).map(|(w, o)| w * (o.0 - m).powi(2)).sum();
                let ln = 0.5 * (w.iter().map(|w| w.ln()).sum::<f64>() - sw.ln() - q);
                assert!(
                    (f.ln_like() - ln).abs() <= 1e-10 * ln.abs().max(1.0),
                    "{n} {lambda}: {} vs {ln}",
                    f.ln_like()
                );
                assert!((f.mean - m).abs() <= 1e-13 * m.abs(), "{n} {lambda}");
                assert!((f.precision / sw - 1.0).abs() <= 1e-13, "{n} {lambda}");
            }
        }
    }
}
