//! `exp` of a polynomial at many points at once, in loops the compiler
//! vectorises: the Euler–Maclaurin sums evaluate `exp(Σ q_k x^k)` at 60
//! nodes per call, which as scalar library calls was half of `P(B > A)`.
//!
//! The arithmetic is plain IEEE multiplication and addition in a fixed
//! order (no fused multiply–add, which Rust never forms on its own), so the
//! AVX2 build of the kernel, chosen at run time where the processor has it,
//! gives bit-for-bit the results of the baseline SSE2 build.

/// `(Σ_j w_j e_j, Σ_j w_j e_j h(x_j))` with `e_j = exp(Σ_{k=1}^{d} q_k x_j^k)`
/// for `coef = [q_1, …, q_d]` (Horner from the highest degree:
/// `acc = (acc + q_k)·x`, then [`exp_lane`]) and the weight
/// `h(x) = (u₀ + u₁x)/(d₀ + σx)` given as `[u₀, u₁, d₀, σ]` (the second sum
/// is 0 without it). `xs` and `ws` have the same length, a multiple of
/// [`BLOCK`]; each block's lanes are summed apart, then lane by lane.
pub(crate) fn exp_poly_sums(
    coef: &[f64],
    xs: &[f64],
    ws: &[f64],
    weight: Option<[f64; 4]>,
) -> (f64, f64) {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the processor has AVX2 (checked just above).
            #[allow(unsafe_code)]
            return unsafe { exp_poly_sums_avx2(coef, xs, ws, weight) };
        }
    }
    exp_poly_sums_portable(coef, xs, ws, weight)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn exp_poly_sums_avx2(
    coef: &[f64],
    xs: &[f64],
    ws: &[f64],
    weight: Option<[f64; 4]>,
) -> (f64, f64) {
    exp_poly_sums_portable(coef, xs, ws, weight)
}

/// Points per block: three AVX2 vectors (six SSE2 ones), whose independent
/// add–multiply chains hide each other's latency.
pub(crate) const BLOCK: usize = 12;

#[inline(always)]
fn exp_poly_sums_portable(
    coef: &[f64],
    xs: &[f64],
    ws: &[f64],
    weight: Option<[f64; 4]>,
) -> (f64, f64) {
    let mut plain = [0.0; BLOCK];
    let mut weighted = [0.0; BLOCK];
    for (x, w) in xs.chunks_exact(BLOCK).zip(ws.chunks_exact(BLOCK)) {
        let mut acc = [0.0; BLOCK];
        for &q in coef.iter().rev() {
            for (a, &xj) in acc.iter_mut().zip(x) {
                *a = (*a + q) * xj;
            }
        }
        let mut f = [0.0; BLOCK];
        for ((fj, a), &wj) in f.iter_mut().zip(acc).zip(w) {
            *fj = wj * exp_lane(a);
        }
        for (p, fj) in plain.iter_mut().zip(f) {
            *p += fj;
        }
        if let Some([u0, u1, d0, sigma]) = weight {
            for ((hw, fj), &xj) in weighted.iter_mut().zip(f).zip(x) {
                *hw += fj * ((u0 + u1 * xj) / (d0 + sigma * xj));
            }
        }
    }
    (plain.iter().sum(), weighted.iter().sum())
}

/// `e^x`, within 2 ulp of the correctly rounded value for `x` in
/// `[−708, 709]` (`tests` below check 10⁶ points against `f64::exp`), 0
/// below, `+∞` above, NaN for NaN; branch-free so that a loop over it
/// vectorises.
///
/// `x = n ln 2 + r` with `|r| ≤ ln 2 / 2` (Cody–Waite: `ln 2` in two parts,
/// the first with trailing zero bits so `n·LN2_HI` is exact), `e^r` by its
/// Taylor polynomial to `r¹³/13!` (next term below 4e-18), and `2ⁿ` built
/// in the exponent bits. `n` comes from the round-to-nearest of adding
/// `1.5·2⁵²`, which leaves it in the low bits of the sum.
#[inline(always)]
pub(crate) fn exp_lane(x: f64) -> f64 {
    const LOG2_E: f64 = std::f64::consts::LOG2_E;
    const LN2_HI: f64 = 0.6931471803691238;
    const LN2_LO: f64 = 1.9082149292705877e-10;
    const SHIFT: f64 = 6_755_399_441_055_744.0; // 1.5 · 2⁵²
    // 1/k! for k = 13 down to 2.
    const INV_FACT: [f64; 12] = [
        1.0 / 6_227_020_800.0,
        1.0 / 479_001_600.0,
        1.0 / 39_916_800.0,
        1.0 / 3_628_800.0,
        1.0 / 362_880.0,
        1.0 / 40_320.0,
        1.0 / 5_040.0,
        1.0 / 720.0,
        1.0 / 120.0,
        1.0 / 24.0,
        1.0 / 6.0,
        0.5,
    ];
    let xc = x.clamp(-708.0, 709.0);
    let t = xc * LOG2_E + SHIFT;
    let n = t - SHIFT;
    let r = (xc - n * LN2_HI) - n * LN2_LO;
    let mut p = INV_FACT[0];
    for &c in &INV_FACT[1..] {
        p = p * r + c;
    }
    let p = (p * r + 1.0) * r + 1.0;
    // The low bits of `t` hold n (two's complement); n + 1023 in [1, 2046].
    let scale = f64::from_bits(t.to_bits().wrapping_add(1023) << 52);
    let v = p * scale;
    if x < -708.0 {
        0.0
    } else if x > 709.0 {
        f64::INFINITY
    } else if x.is_nan() {
        x
    } else {
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Ulps between two finite positive doubles.
    fn ulps(a: f64, b: f64) -> u64 {
        a.to_bits().abs_diff(b.to_bits())
    }

    #[test]
    fn exp_lane_is_within_two_ulps_of_std() {
        let mut worst = 0;
        for i in 0..1_000_000u64 {
            // Evenly over [−708, 709], plus a dense stretch near 0.
            let x = -708.0 + 1417.0 * (i as f64 + 0.5) / 1e6;
            let y = (i as f64 - 5e5) * 1e-6;
            for x in [x, y] {
                worst = worst.max(ulps(exp_lane(x), x.exp()));
            }
        }
        assert!(worst <= 2, "worst {worst} ulps");
        assert_eq!(exp_lane(0.0), 1.0);
        assert_eq!(exp_lane(-800.0), 0.0);
        assert_eq!(exp_lane(800.0), f64::INFINITY);
        assert!(exp_lane(f64::NAN).is_nan());
    }

    #[test]
    fn sums_match_scalar_evaluation() {
        let coef = [-0.3, -0.01, 2e-4, -3e-6];
        let xs: Vec<f64> = (0..36).map(|i| i as f64 * 1.7).collect();
        let ws: Vec<f64> = (0..36).map(|i| 1.0 + i as f64 * 0.01).collect();
        let weight = [0.5, 0.02, 3.0, -1.0];
        let (plain, weighted) = exp_poly_sums(&coef, &xs, &ws, Some(weight));
        let (mut p, mut h) = (0.0, 0.0);
        for (&x, &w) in xs.iter().zip(&ws) {
            let e = w * coef.iter().rev().fold(0.0, |acc, &q| (acc + q) * x).exp();
            p += e;
            h += e * (0.5 + 0.02 * x) / (3.0 - x);
        }
        assert!((plain / p - 1.0).abs() < 1e-15, "{plain} vs {p}");
        assert!((weighted / h - 1.0).abs() < 1e-14, "{weighted} vs {h}");
        assert_eq!(exp_poly_sums(&coef, &xs, &ws, None).1, 0.0);
        // The run-time choice (AVX2 here where available) and the baseline
        // build agree bit for bit.
        let base = exp_poly_sums_portable(&coef, &xs, &ws, Some(weight));
        assert_eq!(base.0.to_bits(), plain.to_bits());
        assert_eq!(base.1.to_bits(), weighted.to_bits());
    }
}
