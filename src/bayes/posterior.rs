//! The interface shared by postab's posterior families.

use super::kernel::LnPdf;
use crate::error::Result;
use crate::interval::Interval;

/// A one-dimensional posterior distribution that postab can compare and rank
/// exactly: [`BetaPosterior`](super::BetaPosterior) (rates),
/// [`GammaPosterior`](super::GammaPosterior) (counts per exposure) and
/// [`NormalPosterior`](super::NormalPosterior) (continuous metrics).
pub trait Posterior: Copy + Send + Sync + std::fmt::Debug {
    /// Posterior mean.
    fn mean(&self) -> f64;
    /// Posterior standard deviation.
    fn std_dev(&self) -> f64;
    /// Skewness `E[(X − μ)³]/σ³`.
    fn skewness(&self) -> f64;
    /// `P(X ≤ x)`.
    fn cdf(&self, x: f64) -> f64;
    /// `P(X > x)`, computed directly in the upper tail.
    fn sf(&self, x: f64) -> f64;
    /// The quantile `x` with `P(X ≤ x) = p`.
    ///
    /// # Errors
    /// [`crate::Error::InvalidParameter`] when `p` is outside [0, 1].
    fn quantile(&self, p: f64) -> Result<f64>;
    /// The support `(lower, upper)`.
    fn support(&self) -> (f64, f64);
    /// Whether the density is rough at the lower / upper end of the
    /// support, beyond what polynomial quadrature panels resolve: unbounded
    /// (a shape below 1) or a fractional power `x^(α−1)` with `α` below 12.
    fn singular_ends(&self) -> (bool, bool);
    /// The log-density in the fast, accurate form used by quadrature.
    fn ln_pdf_kernel(&self) -> LnPdf;
    /// `(P(self > other), P(other > self))`, each with relative accuracy.
    fn prob_greater(&self, other: &Self) -> (f64, f64);
    /// `(E[max(other − self, 0)], E[max(self − other, 0)])`: the expected loss
    /// of choosing `self`, and of choosing `other`.
    fn expected_losses(&self, other: &Self) -> (f64, f64);
    /// `((P(self > other), P(other > self)), (loss of choosing self, loss of
    /// choosing other))` in one call: [`Posterior::prob_greater`] and
    /// [`Posterior::expected_losses`] together, which some families (Beta)
    /// compute in a single pass.
    fn compare(&self, other: &Self) -> ((f64, f64), (f64, f64)) {
        (self.prob_greater(other), self.expected_losses(other))
    }
    /// `E[(x − X)⁺]`, the expected shortfall of the posterior below `x`,
    /// with relative accuracy far into the lower tail, where the family
    /// has a closed form for it (postab's Beta, Gamma and Normal
    /// posteriors all do); `None` where it has not (the default).
    /// [`rank`](super::rank) uses it for a clear leader's small expected
    /// loss.
    fn shortfall(&self, x: f64) -> Option<f64> {
        let _ = x;
        None
    }
    /// One random draw from the posterior (for [`monte_carlo`](super::monte_carlo)).
    fn sample<R: rand::Rng + ?Sized>(&self, rng: &mut R) -> f64;

    /// Natural log of the density at `x`.
    fn ln_pdf(&self, x: f64) -> f64 {
        let (lo, hi) = self.support();
        if x <= lo || x >= hi {
            return f64::NEG_INFINITY;
        }
        self.ln_pdf_kernel().eval(x)
    }

    /// Equal-tailed credible interval `[Q((1 − level)/2), Q((1 + level)/2)]`.
    ///
    /// # Errors
    /// [`crate::Error::InvalidParameter`] when `level` is not inside (0, 1).
    fn credible_interval(&self, level: f64) -> Result<Interval> {
        let tail = 0.5 * (1.0 - super::beta::check_level(level)?);
        let (low, high) = self.support();
        Ok(Interval::within(
            self.quantile(tail)?,
            self.quantile(1.0 - tail)?,
            low,
            high,
        ))
    }
}

/// Expected losses by the size-biasing identity `E[X 1(X > Y)] = E[X] P(X′ > Y)`
/// where `X′` has density `x f(x)/E[X]` (Beta(α + 1, β), Gamma(α + 1, r)).
pub(crate) fn losses_by_size_bias<P: Posterior>(a: &P, b: &P, a_up: &P, b_up: &P) -> (f64, f64) {
    let (ma, mb) = (a.mean(), b.mean());
    let (a1_gt_b, b_gt_a1) = a_up.prob_greater(b);
    let (a_gt_b1, b1_gt_a) = a.prob_greater(b_up);
    // Choosing B loses E[(A − B)⁺] = m_A P(A′ > B) − m_B P(A > B′).
    let choose_b = ma * a1_gt_b - mb * a_gt_b1;
    let choose_a = mb * b1_gt_a - ma * b_gt_a1;
    (choose_a.max(0.0), choose_b.max(0.0))
}

/// Shapes from which a fractional power `x^(α−1)` at an end is smooth
/// enough for the 12-point panels: at α = 8.5 (three Gamma or Beta arms
/// ranked) the sweep in the variable itself was 1.7e-11 from mpmath, at
/// 12.5 3e-13; at 1.5 it was 4e-5.
const ROUGH_SHAPE: f64 = 12.0;

/// Whether a density behaving like `x^(shape − 1)` at an end of its
/// support is rough there: unbounded (`shape < 1`) or a fractional power
/// below [`ROUGH_SHAPE`], whose low derivatives are singular (`√x` at
/// shape 1.5, e.g. a Jeffreys prior and one click). Integer shapes give
/// polynomials, which the panels integrate exactly.
pub(crate) fn rough_end(shape: f64) -> bool {
    shape < 1.0 || (shape < ROUGH_SHAPE && shape.fract() != 0.0)
}
