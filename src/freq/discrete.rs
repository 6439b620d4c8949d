//! Tails and "minimum-likelihood" two-sided p-values of unimodal discrete
//! distributions, summed in a numerically safe way: from the cut point
//! outward with ratio recurrences, each tail scaled by its first term, so
//! p-values far below 1e-300 relative to the mode never underflow midway.
//! Used by Fisher's exact test (hypergeometric) and the exact conditional
//! Poisson test (binomial).

use crate::numeric::{beta_inc, beta_inc_upper, ln_binom_pmf, ln_hypergeom_pmf};

/// Relative tolerance under which two table probabilities count as equal
/// in a two-sided exact test (R's `fisher.test` and `binom.test`, scipy's
/// `binomtest`).
pub(crate) const TIE_TOLERANCE: f64 = 1e-7;

/// A unimodal distribution on the integers `support().0 ..= support().1`.
pub(crate) trait Unimodal {
    /// Smallest and largest value with positive probability.
    fn support(&self) -> (u64, u64);
    /// A mode.
    fn mode(&self) -> u64;
    /// ln P(X = y).
    fn ln_pmf(&self, y: u64) -> f64;
    /// P(X = y + 1) / P(X = y).
    fn ratio_up(&self, y: u64) -> f64;
    /// P(X = y − 1) / P(X = y).
    fn ratio_down(&self, y: u64) -> f64;

    /// P(X ≤ y).
    fn cdf(&self, y: u64) -> f64 {
        let (lo, hi) = self.support();
        if y >= hi {
            1.0
        } else if y < lo {
            0.0
        } else if y <= self.mode() {
            self.ln_pmf(y).exp() * self.sum_down(y)
        } else {
            1.0 - self.ln_pmf(y + 1).exp() * self.sum_up(y + 1)
        }
    }

    /// P(X ≥ y).
    fn sf(&self, y: u64) -> f64 {
        let (lo, hi) = self.support();
        if y <= lo {
            1.0
        } else if y > hi {
            0.0
        } else if y >= self.mode() {
            self.ln_pmf(y).exp() * self.sum_up(y)
        } else {
            1.0 - self.ln_pmf(y - 1).exp() * self.sum_down(y - 1)
        }
    }

    /// Σ_{j ≤ y} P(j) / P(y), for y at or below the mode (terms decrease).
    fn sum_down(&self, y: u64) -> f64 {
        let lo = self.support().0;
        let (mut sum, mut term, mut j) = (1.0, 1.0, y);
        while j > lo {
            term *= self.ratio_down(j);
            j -= 1;
            sum += term;
            if term <= sum * 1e-17 {
                break;
            }
        }
        sum
    }

    /// Σ_{j ≥ y} P(j) / P(y), for y at or above the mode (terms decrease).
    fn sum_up(&self, y: u64) -> f64 {
        let hi = self.support().1;
        let (mut sum, mut term, mut j) = (1.0, 1.0, y);
        while j < hi {
            term *= self.ratio_up(j);
            j += 1;
            sum += term;
            if term <= sum * 1e-17 {
                break;
            }
        }
        sum
    }
}

/// Two-sided p-value: the total probability of all values y with
/// P(y) ≤ P(x)·(1 + 1e-7).
pub(crate) fn two_sided_p<D: Unimodal>(d: &D, x: u64) -> f64 {
    let (lo, hi) = d.support();
    let m = d.mode();
    let lx = d.ln_pmf(x);
    let tol = TIE_TOLERANCE.ln_1p();
    if d.ln_pmf(m) - lx <= tol {
        return 1.0;
    }
    let thr = lx + tol;
    let below = |y: u64| d.ln_pmf(y) <= thr;
    let p = if x < m {
        // Ties just above x belong to the lower tail too.
        let mut xl = x;
        let mut rise = 0.0; // ln P(xl) − ln P(x)
        while xl + 1 < m {
            rise += d.ratio_up(xl).ln();
            if rise > tol {
                break;
            }
            xl += 1;
        }
        let guess = m.saturating_mul(2).saturating_sub(x).clamp(m, hi);
        let upper = first_at_or_below(&below, m, hi, guess, true).map_or(0.0, |y| d.sf(y));
        d.cdf(xl) + upper
    } else {
        let mut xr = x;
        let mut rise = 0.0; // ln P(xr) − ln P(x)
        while xr > m + 1 {
            rise += d.ratio_down(xr).ln();
            if rise > tol {
                break;
            }
            xr -= 1;
        }
        let guess = (2 * u128::from(m)).saturating_sub(u128::from(x));
        let guess = u64::try_from(guess).unwrap_or(m).clamp(lo, m);
        let lower = first_at_or_below(&below, lo, m, guess, false).map_or(0.0, |y| d.cdf(y));
        d.sf(xr) + lower
    };
    p.min(1.0)
}

/// On the far side of the mode, the value nearest the mode whose
/// probability is at or below the threshold (`below(y)`), searching
/// `from..=to` (`upward`: values above the mode, `below` false at `from`
/// and monotone) starting from `guess` by galloping then bisection.
fn first_at_or_below(
    below: &impl Fn(u64) -> bool,
    from: u64,
    to: u64,
    guess: u64,
    upward: bool,
) -> Option<u64> {
    // Orient so that we search for the smallest t in [0, len] with pred(t),
    // where t measures the distance from the mode.
    let (mode_end, far_end) = if upward { (from, to) } else { (to, from) };
    let at = |t: u64| if upward { mode_end + t } else { mode_end - t };
    let len = far_end.abs_diff(mode_end);
    if !below(at(len)) {
        return None;
    }
    let g = guess.abs_diff(mode_end).min(len);
    // Invariant: pred(bad) false (or bad is the mode side), pred(good) true.
    let (mut bad, mut good);
    if below(at(g)) {
        good = g;
        let mut step = 1;
        loop {
            if good == 0 {
                return Some(at(0));
            }
            let t = good.saturating_sub(step);
            if below(at(t)) {
                good = t;
                step = step.saturating_mul(2);
            } else {
                bad = t;
                break;
            }
        }
    } else {
        bad = g;
        let mut step = 1;
        loop {
            let t = bad.saturating_add(step).min(len);
            if below(at(t)) {
                good = t;
                break;
            }
            bad = t;
            step = step.saturating_mul(2);
        }
    }
    while good - bad > 1 {
        let mid = bad + (good - bad) / 2;
        if below(at(mid)) {
            good = mid;
        } else {
            bad = mid;
        }
    }
    Some(at(good))
}

/// The number of successes X in `draws` draws without replacement from a
/// population of `population` holding `successes` successes.
pub(crate) struct Hypergeometric {
    pub(crate) successes: u64,
    pub(crate) draws: u64,
    pub(crate) population: u64,
}

impl Hypergeometric {
    /// N − K − n as f64 (may be negative).
    fn others(&self) -> f64 {
        (i128::from(self.population) - i128::from(self.successes) - i128::from(self.draws)) as f64
    }

    /// The variance of X.
    pub(crate) fn variance(&self) -> f64 {
        let (k, n, pop) = (
            self.successes as f64,
            self.draws as f64,
            self.population as f64,
        );
        if pop <= 1.0 {
            return 0.0;
        }
        n * (k / pop) * ((pop - k) / pop) * ((pop - n) / (pop - 1.0))
    }
}

impl Unimodal for Hypergeometric {
    fn support(&self) -> (u64, u64) {
        let lo = (u128::from(self.draws) + u128::from(self.successes))
            .saturating_sub(u128::from(self.population));
        let lo = u64::try_from(lo).unwrap_or(u64::MAX);
        (lo, self.successes.min(self.draws))
    }

    fn mode(&self) -> u64 {
        let m = (u128::from(self.draws) + 1) * (u128::from(self.successes) + 1)
            / (u128::from(self.population) + 2);
        let (lo, hi) = self.support();
        u64::try_from(m).unwrap_or(hi).clamp(lo, hi)
    }

    fn ln_pmf(&self, y: u64) -> f64 {
        ln_hypergeom_pmf(y, self.successes, self.draws, self.population)
    }

    fn ratio_up(&self, y: u64) -> f64 {
        let y = y as f64;
        (self.successes as f64 - y) * (self.draws as f64 - y)
            / ((y + 1.0) * (self.others() + y + 1.0))
    }

    fn ratio_down(&self, y: u64) -> f64 {
        let y = y as f64;
        y * (self.others() + y)
            / ((self.successes as f64 - y + 1.0) * (self.draws as f64 - y + 1.0))
    }
}

/// Binomial(n, p) with 0 < p < 1; tails through the incomplete beta
/// function, so they cost O(1) at any n.
pub(crate) struct Binomial {
    pub(crate) n: u64,
    pub(crate) p: f64,
}

impl Unimodal for Binomial {
    fn support(&self) -> (u64, u64) {
        (0, self.n)
    }

    fn mode(&self) -> u64 {
        let m = ((self.n as f64 + 1.0) * self.p).floor();
        (m as u64).min(self.n)
    }

    fn ln_pmf(&self, y: u64) -> f64 {
        ln_binom_pmf(y as f64, self.n as f64, self.p)
    }

    fn ratio_up(&self, y: u64) -> f64 {
        (self.n - y) as f64 / (y as f64 + 1.0) * (self.p / (1.0 - self.p))
    }

    fn ratio_down(&self, y: u64) -> f64 {
        y as f64 / ((self.n - y) as f64 + 1.0) * ((1.0 - self.p) / self.p)
    }

    fn cdf(&self, y: u64) -> f64 {
        if y >= self.n {
            1.0
        } else {
            beta_inc_upper(y as f64 + 1.0, (self.n - y) as f64, self.p)
        }
    }

    fn sf(&self, y: u64) -> f64 {
        if y == 0 {
            1.0
        } else if y > self.n {
            0.0
        } else {
            beta_inc(y as f64, (self.n - y) as f64 + 1.0, self.p)
        }
    }
}
