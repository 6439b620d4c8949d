//! `exp` of a polynomial (or of any function given a block of points at a
//! time) at many points at once, in loops the compiler vectorises: the
//! Euler–Maclaurin sums evaluate `exp(Σ q_k x^k)` at 60 nodes per call,
//! which as scalar library calls was half of `P(B > A)`.
//! Also `exp` and `ln(1 + x) − x` of one value, branch-free, for loops over
//! quadrature nodes (the K-arm sweep's densities).
//!
//! The arithmetic is plain IEEE multiplication and addition in a fixed
//! order (no fused multiply–add, which Rust never forms on its own), so the
//! AVX2 build of the kernel, chosen at run time where the processor has it,
//! gives bit-for-bit the results of the baseline SSE2 build.

/// A function evaluated a block of points at a time, inlined into the
/// vectorised kernel of [`exp_sums`].
pub(crate) trait BlockFn {
    /// The values at the points of `x`, the `block`th block.
    fn at(&self, block: usize, x: &[f64; BLOCK]) -> [f64; BLOCK];
}

/// `Σ_{k=1}^{d} q_k x^k` for `[q_1, …, q_d]`, by Horner's rule.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Polynomial<'a>(pub(crate) &'a [f64]);

impl Polynomial<'_> {
    /// The value at one point (the same operations as [`BlockFn::at`]).
    pub(crate) fn value(&self, x: f64) -> f64 {
        self.0.iter().rev().fold(0.0, |acc, &q| (acc + q) * x)
    }
}

impl BlockFn for Polynomial<'_> {
    #[inline(always)]
    fn at(&self, _block: usize, x: &[f64; BLOCK]) -> [f64; BLOCK] {
        let mut acc = [0.0; BLOCK];
        for &q in self.0.iter().rev() {
            for (a, &xj) in acc.iter_mut().zip(x) {
                *a = (*a + q) * xj;
            }
        }
        acc
    }
}

/// `(Σ_j w_j e_j, Σ_j w_j e_j h(x_j))` with `e_j = exp(g(x_j))`, `g` given
/// a block of points at a time (`log_of`, whose `at` must be
/// `#[inline(always)]` so that its loops are vectorised with the kernel's
/// instructions), and the weight
/// `h(x) = (u₀ + u₁x)/(d₀ + σx)` given as `[u₀, u₁, d₀, σ]` (the second sum
/// is 0 without it). `xs` and `ws` have the same length, a multiple of
/// [`BLOCK`]; each block's lanes are summed apart, then lane by lane.
pub(crate) fn exp_sums(
    xs: &[f64],
    ws: &[f64],
    weight: Option<[f64; 4]>,
    log_of: &impl BlockFn,
) -> (f64, f64) {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the processor has AVX2 (checked just above).
            #[allow(unsafe_code)]
            return unsafe { exp_sums_avx2(xs, ws, weight, log_of) };
        }
    }
    exp_sums_portable(xs, ws, weight, log_of)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn exp_sums_avx2(
    xs: &[f64],
    ws: &[f64],
    weight: Option<[f64; 4]>,
    log_of: &impl BlockFn,
) -> (f64, f64) {
    exp_sums_portable(xs, ws, weight, log_of)
}

/// Points per block: three AVX2 vectors (six SSE2 ones), whose independent
/// add–multiply chains hide each other's latency.
pub(crate) const BLOCK: usize = 12;

#[inline(always)]
fn exp_sums_portable(
    xs: &[f64],
    ws: &[f64],
    weight: Option<[f64; 4]>,
    log_of: &impl BlockFn,
) -> (f64, f64) {
    let mut plain = [0.0; BLOCK];
    let mut weighted = [0.0; BLOCK];
    let (xs, _) = xs.as_chunks::<BLOCK>();
    let (ws, _) = ws.as_chunks::<BLOCK>();
    for (block, (x, w)) in xs.iter().zip(ws).enumerate() {
        let logs = log_of.at(block, x);
        let mut f = [0.0; BLOCK];
        for ((fj, a), &wj) in f.iter_mut().zip(logs).zip(w) {
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

/// `ln 2` in two parts, the first with trailing zero bits so that `n·LN2_HI`
/// is exact for the `n` of [`exp_lane`] and [`ln_1p_minus_lane`].
const LN2_HI: f64 = 0.6931471803691238;
const LN2_LO: f64 = 1.9082149292705877e-10;

/// `ln(1 + x) − x` for `x > −1`, within 2e-15 of its value (relative, or
/// 1e-30 absolute for tiny `x`: `tests` below check 3·10⁶ points on
/// `(−0.99, 50]` against its series and `ln_1p`); branch-free
/// so that a loop over it vectorises. The result is of order `x²/2` near
/// 0, so a log-density written as `a·x + a·(ln(1 + x) − x)` keeps its
/// digits where `a·x` is large (`a` of order `n`).
///
/// `w_far` is `1 + x` as the caller can form it without cancellation (a
/// ratio `t/m` where `x = (t − m)/m`); it is used when `x < −½`, where
/// `1 + x` would have lost the digits of a small `t`. Otherwise `u = 1 + x`
/// is rounded and `(x − (u − 1))/u` restores what the rounding lost.
///
/// `ln w` is split as `k ln 2 + f + s(R − f)`: `w = 2ᵏ m` with `m` in
/// `[√2/2, √2)` (from the bits: adding `1 − √2/2` to them puts `k` in the
/// exponent field), `f = m − 1`, `s = f/(2 + f)` and `R = Σ_{n≥1}
/// 2s²ⁿ/(2n + 1)`, from `ln(1 + f) = 2 atanh s = 2s + sR` and `2s = f − fs`
/// (`s² ≤ 0.0295`, so ten terms of `R` leave less than 1e-17 of it).
#[inline(always)]
pub(crate) fn ln_1p_minus_lane(x: f64, w_far: f64) -> f64 {
    let u = 1.0 + x;
    let lost = (x - (u - 1.0)) / u;
    ln_1p_minus_restored(x, u, w_far, lost)
}

/// [`ln_1p_minus_lane`] given also `inv_w ≈ 1/(1 + x)` (to a few ulp),
/// which the caller has at hand: one division fewer.
#[inline(always)]
pub(crate) fn ln_1p_minus_lane_inv(x: f64, w_far: f64, inv_w: f64) -> f64 {
    let u = 1.0 + x;
    let lost = (x - (u - 1.0)) * inv_w;
    ln_1p_minus_restored(x, u, w_far, lost)
}

/// `ln(1 + x) − x` from `u = 1 + x` rounded and `lost ≈ (x − (u − 1))/u`,
/// what the rounding lost (used where `x ≥ −½`; `w_far` below).
#[inline(always)]
fn ln_1p_minus_restored(x: f64, u: f64, w_far: f64, lost: f64) -> f64 {
    let near = x >= -0.5;
    let w = if near { u } else { w_far };
    let lost = if near { lost } else { 0.0 };
    let (k, f, rest) = ln_split(w);
    k * LN2_HI + (((f - x) + lost) + (rest + k * LN2_LO))
}

/// `(k, f, s(R − f))` of `ln w = k ln 2 + f + s(R − f)` (see
/// [`ln_1p_minus_lane`]) for a positive normal `w`.
#[inline(always)]
fn ln_split(w: f64) -> (f64, f64, f64) {
    // The bits of √2/2 and of 1.
    const SQRT_HALF_BITS: u64 = 0x3fe6_a09e_667f_3bcd;
    const ONE_BITS: u64 = 0x3ff0_0000_0000_0000;
    const MANTISSA: u64 = 0x000f_ffff_ffff_ffff;
    // 2⁵² as bits, and 2⁵² + 1023: `k + 1023` put in the low bits of 2⁵²'s
    // mantissa and read back as a double is 2⁵² + k + 1023 (no
    // integer-to-float conversion, which does not vectorise without
    // AVX-512).
    const TWO52_BITS: u64 = 0x4330_0000_0000_0000;
    const TWO52_BIAS: f64 = 4_503_599_627_370_496.0 + 1023.0;
    // 2/(2n + 1) for n = 10 down to 1.
    const ATANH: [f64; 10] = [
        2.0 / 21.0,
        2.0 / 19.0,
        2.0 / 17.0,
        2.0 / 15.0,
        2.0 / 13.0,
        2.0 / 11.0,
        2.0 / 9.0,
        2.0 / 7.0,
        2.0 / 5.0,
        2.0 / 3.0,
    ];
    let shifted = w.to_bits().wrapping_add(ONE_BITS - SQRT_HALF_BITS);
    let k = f64::from_bits((shifted >> 52) | TWO52_BITS) - TWO52_BIAS;
    let m = f64::from_bits((shifted & MANTISSA).wrapping_add(SQRT_HALF_BITS));
    let f = m - 1.0;
    let s = f / (2.0 + f);
    let z = s * s;
    let mut r = ATANH[0];
    for &c in &ATANH[1..] {
        r = r * z + c;
    }
    (k, f, s * (r * z - f))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Ulps between two finite positive doubles.
    fn ulps(a: f64, b: f64) -> u64 {
        a.to_bits().abs_diff(b.to_bits())
    }

    /// `ln(1 + x) − x` for the test below: its series `Σ_{n≥2} (−x)ⁿ/n`
    /// (up to sign) for `|x| < ½` (100 terms, by Horner, a few ulp), else
    /// `ln_1p(x) − x` (an error of 1e-16·|x|, under 6e-16 of the result
    /// there).
    fn ln_1p_minus_reference(x: f64) -> f64 {
        if x.abs() < 0.5 {
            (2..102).rev().fold(0.0, |acc, n| {
                let sign = if n % 2 == 0 { -1.0 } else { 1.0 };
                (acc + sign / n as f64) * x
            }) * x
        } else {
            x.ln_1p() - x
        }
    }

    #[test]
    fn ln_1p_minus_is_accurate_over_the_sweeps_range() {
        // Within 2e-15 relative, or 1e-30 absolute for tiny x (the
        // rounding of what 1 + x loses, about ulp(1)·ulp(1)/2, is left).
        let mut worst: f64 = 0.0;
        for i in 0..1_000_000u64 {
            // Small x of both signs (down to 1e-12), then (−0.99, 50].
            let small = (i as f64 - 5e5 + 0.5) * 2e-8;
            let wide = -0.99 + 50.99 * (i as f64 + 0.5) / 1e6;
            for x in [small, small * 1e-4, wide] {
                let want = ln_1p_minus_reference(x);
                let got = ln_1p_minus_lane(x, 1.0 + x);
                let e = (got - want).abs() / (2e-15 * want.abs() + 1e-30);
                worst = worst.max(e);
            }
        }
        assert!(worst <= 1.0, "worst error {worst} of the tolerance");
        // Far below: 1 + x from the caller's ratio, not from x.
        let t = 1e-200;
        let got = ln_1p_minus_lane(t - 1.0, t);
        let want = t.ln() + 1.0;
        assert!(((got - want) / want).abs() < 1e-15, "{got} vs {want}");
        assert_eq!(ln_1p_minus_lane(0.0, 1.0), 0.0);
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
        let poly = Polynomial(&coef);
        let (plain, weighted) = exp_sums(&xs, &ws, Some(weight), &poly);
        let (mut p, mut h) = (0.0, 0.0);
        for (&x, &w) in xs.iter().zip(&ws) {
            let e = w * poly.value(x).exp();
            p += e;
            h += e * (0.5 + 0.02 * x) / (3.0 - x);
        }
        assert!((plain / p - 1.0).abs() < 1e-15, "{plain} vs {p}");
        assert!((weighted / h - 1.0).abs() < 1e-14, "{weighted} vs {h}");
        assert_eq!(exp_sums(&xs, &ws, None, &poly).1, 0.0);
        // The run-time choice (AVX2 here where available) and the baseline
        // build agree bit for bit.
        let base = exp_sums_portable(&xs, &ws, Some(weight), &poly);
        assert_eq!(base.0.to_bits(), plain.to_bits());
        assert_eq!(base.1.to_bits(), weighted.to_bits());
    }

    #[test]
    fn ln_1p_minus_with_a_reciprocal_agrees() {
        // The caller's 1/(1 + x) only scales the rounding correction.
        for i in 0..100_000u64 {
            let x = -0.99 + 50.99 * (i as f64 + 0.5) / 1e5;
            let w = 1.0 + x;
            let (a, b) = (ln_1p_minus_lane(x, w), ln_1p_minus_lane_inv(x, w, 1.0 / w));
            assert!(
                (a - b).abs() <= 1e-16 * a.abs().max(1e-300),
                "{x}: {a} vs {b}"
            );
        }
    }
}
