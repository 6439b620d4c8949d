//! Fast, accurate log-densities for repeated evaluation at quadrature nodes.

use crate::numeric::lanes::{exp_lane, ln_1p_minus_lane};

/// A posterior's log-density written around its mean `m`:
///
/// `ln f(t) = ln f(m) + a₁ ln(t/m) + b₁ ln((1 − t)/(1 − m)) + c₁ (t − m) + c₂ (t − m)²`
///
/// Beta(α, β) has `a₁ = α − 1, b₁ = β − 1`; Gamma(α, rate r) has
/// `a₁ = α − 1, c₁ = −r`; Normal(μ, σ²) has `c₂ = −1/(2σ²)`. It is
/// evaluated as the rank sweep's shared form does around its common point: each
/// logarithm split into its linear part and the rest `L(x) = ln(1 + x) −
/// x`, the linear parts gathered once into `ℓ = c₁ + a₁/m − b₁/(1 − m)`
/// from exact quotient remainders, so that what is left per point is of
/// order `z²` (`z` standard deviations from the mean), not `√n·z`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LnPdf {
    pub(crate) at_mean: f64,
    pub(crate) mean: f64,
    pub(crate) mean_c: f64,
    pub(crate) a1: f64,
    pub(crate) b1: f64,
    pub(crate) c1: f64,
    pub(crate) c2: f64,
    /// `ℓ = c₁ + a₁/m − b₁/(1 − m)` (`LnPdf::with_linear`).
    pub(crate) linear: f64,
    /// The same posterior in the variable where its density is smooth and
    /// log-concave (logit, log or identity), for quadrature in that variable.
    pub(crate) z: super::logit::ZDist,
}

impl LnPdf {
    /// The kernel with its linear coefficient `ℓ` formed (from exact
    /// quotient remainders): every family builds its kernel through this.
    pub(crate) fn with_linear(mut self) -> Self {
        self.linear = linear_at(&self, self.mean, self.c1);
        self
    }

    /// `ln f(t)` at a point inside the support.
    #[inline]
    pub fn eval(&self, t: f64) -> f64 {
        let u = t - self.mean;
        let left = if self.a1 == 0.0 {
            0.0
        } else {
            // t/m: 1 + u/m without the cancellation far below m.
            self.a1 * ln_1p_minus_lane(u / self.mean, t / self.mean)
        };
        let right = if self.b1 == 0.0 {
            0.0
        } else {
            self.b1 * ln_1p_minus_lane(-u / self.mean_c, (self.mean_c - u) / self.mean_c)
        };
        self.at_mean + left + right + u * (self.linear + self.c2 * u)
    }
}

/// `c₁ + a₁/r − b₁/(1 − r)` for the kernel `k` around the point `r`, with
/// `c₁` the linear coefficient there: the two quotients' rounding errors
/// added back, so the nearly cancelling `√n`-sized parts leave no error.
fn linear_at(k: &LnPdf, r: f64, c1: f64) -> f64 {
    let (q_a, e_a) = if k.a1 == 0.0 {
        (0.0, 0.0)
    } else {
        quotient(k.a1, r)
    };
    let (q_b, e_b) = if k.b1 == 0.0 {
        (0.0, 0.0)
    } else {
        quotient(k.b1, 1.0 - r)
    };
    ((q_a - q_b) + c1) + (e_a - e_b)
}

/// Log-densities of several posteriors re-expressed around one common point
/// `r`, so that a node needs `ln(t/r)` and `ln((1 − t)/(1 − r))` once for
/// all of them, each split into its linear part and the rest
/// `L(x) = ln(1 + x) − x` ([`ln_1p_minus_lane`]):
///
/// `ln f_j(t) = C_j + a₁ L(u/r) + b₁ L(−u/(1 − r)) + u (ℓ_j + c₂ u)`
///
/// with `u = t − r`, `C_j = ln f_j(r)` and `ℓ_j = c₁′ + a₁/r − b₁/(1 − r)`,
/// `c₁′ = c₁ + 2c₂(r − m_j)`. The linear terms `a₁u/r` and `b₁u/(1 − r)`
/// are each of order `√n·z` (`z` standard deviations from `r`) and nearly
/// cancel; `ℓ_j` is formed once from exact quotient remainders, so what is
/// left per node is of order `z²`: the log-density keeps ~1e-14 absolute
/// accuracy however large `n` is, where the two logarithms in full would
/// leave ~1e-16·√n·z.
#[derive(Debug, Clone)]
pub(crate) struct SharedLnPdf {
    r: f64,
    inv_r: f64,
    inv_rc: f64,
    uses_left: bool,
    uses_right: bool,
    /// `[C_j, a₁, b₁, ℓ_j, c₂]` per posterior.
    terms: Vec<[f64; 5]>,
}

/// `a/b` as `q + e` with `e` the rounding error of `q = a/b` (to a relative
/// 1e-16 of itself): the product's error from a fused multiply–add.
fn quotient(a: f64, b: f64) -> (f64, f64) {
    let q = a / b;
    let p = q * b;
    let p_err = q.mul_add(b, -p);
    (q, ((a - p) - p_err) / b)
}

impl SharedLnPdf {
    pub(crate) fn new(kernels: &[LnPdf], r: f64) -> Self {
        let rc = 1.0 - r;
        let terms: Vec<[f64; 5]> = kernels
            .iter()
            .map(|k| {
                let c1 = k.c1 + 2.0 * k.c2 * (r - k.mean);
                [k.eval(r), k.a1, k.b1, linear_at(k, r, c1), k.c2]
            })
            .collect();
        Self {
            r,
            inv_r: 1.0 / r,
            inv_rc: 1.0 / rc,
            uses_left: terms.iter().any(|t| t[1] != 0.0),
            uses_right: terms.iter().any(|t| t[2] != 0.0),
            terms,
        }
    }

    /// `f[j][r] = f_j(t_r)` for every posterior `j` at the nodes `ts`, 0 at
    /// nodes outside `(lo, hi)`: the two `L` once per node, then each
    /// posterior's exponentials, all in loops the compiler vectorises
    /// ([`ln_1p_minus_lane`], [`exp_lane`]).
    #[inline(always)]
    pub(crate) fn densities<const N: usize>(
        &self,
        ts: &[f64; N],
        (lo, hi): (f64, f64),
        f: &mut [[f64; N]],
    ) {
        let mut u = [0.0; N];
        let mut left = [0.0; N];
        let mut right = [0.0; N];
        let mut inside = [false; N];
        for r in 0..N {
            let t = ts[r];
            inside[r] = t > lo && t < hi;
            u[r] = t - self.r;
        }
        if self.uses_left {
            for r in 0..N {
                // t/r: 1 + u/r without the cancellation far below r.
                left[r] = ln_1p_minus_lane(u[r] * self.inv_r, ts[r] * self.inv_r);
            }
        }
        if self.uses_right {
            for r in 0..N {
                // 1 − t is exact where it matters (t ≥ ½).
                right[r] = ln_1p_minus_lane(-u[r] * self.inv_rc, (1.0 - ts[r]) * self.inv_rc);
            }
        }
        for (row, &[c, a1, b1, linear, c2]) in f.iter_mut().zip(&self.terms) {
            for r in 0..N {
                let mut v = c;
                if a1 != 0.0 {
                    v += a1 * left[r];
                }
                if b1 != 0.0 {
                    v += b1 * right[r];
                }
                let e = exp_lane(v + u[r] * (linear + c2 * u[r]));
                row[r] = if inside[r] { e } else { 0.0 };
            }
        }
    }
}
