#!/usr/bin/env python3
"""Reference values for tests/freq_audit.rs, written to tests/data/audit-freq.json.

Audit of `postab::freq` (the parts not covered by freq_golden.rs and
freq_reference.rs) and of `Experiment::analyze` with 3 and 4 variants.

Every expected value is computed independently of the crate:

* mpmath (50 digits) for closed forms, exact binomial / Poisson tails and the
  quantiles built from them. Tails of integer-parameter distributions are
  summed term by term from the cut point outward in 320-bit fixed point
  (Python integers), anchored on an mpmath log-pmf, so n = 2e9 costs
  milliseconds and keeps > 40 digits. Quantiles start from scipy's double
  inverse and are polished by Newton steps on those exact tails.
* scipy / statsmodels calls as a second route where they apply (the script
  asserts agreement and prints the worst difference).
* P(best) and expected losses of K posteriors: composite 20-point
  Gauss-Legendre quadrature of f_k * prod_{j != k} F_j and of
  F_k * (1 - prod_{j != k} F_j) (the loss as the integral of the difference of
  two survival functions, not via E[max]), densities in mpmath, each CDF the
  exact tail at the region's end plus the integral of its density (checked
  against exact tails at panel ends), on a grid checked against one twice as
  coarse. scipy.special.gammainc is not used there: at a = 1e7 it is off by up
  to 4 % more than 4 sd below the mean (scipy 1.17).
* P(B > A): the finite sum over the variant's alpha (fixed point, all terms
  positive, so tiny values keep their digits) for Beta posteriors, the exact
  binomial tail of the incomplete-beta identity for Gamma posteriors.

Run:  python3 tests/data/gen_audit_freq.py   (one to two minutes)
Versions: scipy 1.17, statsmodels 0.15, mpmath 1.3.
"""

import json
import math
import os
import sys
import time
from fractions import Fraction

import mpmath as mp
import numpy as np
from scipy import special, stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.power import NormalIndPower
from statsmodels.stats.proportion import (
    confint_proportions_2indep,
    proportions_ztest,
    test_proportions_2indep,
)
from statsmodels.stats.rates import test_poisson_2indep

mp.mp.dps = 50
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "audit-freq.json")
CASES = []
WORST = {}  # second-route agreement per kind


def S(x):
    """An mpf (or number) as a decimal string with 22 significant digits."""
    x = mp.mpf(x)
    if mp.isinf(x):
        return "inf" if x > 0 else "-inf"
    if x == 0:
        return "0.0"
    return mp.nstr(x, 22, min_fixed=-5, max_fixed=5)


def add(kind, name, inp, exp, source):
    CASES.append(
        {"id": f"{kind}-{name}", "kind": kind, "input": inp, "expected": exp, "source": source}
    )


def cross(kind, got, want, tol, what=""):
    """Second-route check inside the generator (relative, absolute near 0)."""
    got, want = mp.mpf(got), mp.mpf(want)
    err = abs(got - want) / abs(want) if abs(want) > 1e-12 else abs(got - want)
    WORST[kind] = max(WORST.get(kind, 0.0), float(err))
    assert err <= tol, f"{kind} {what}: second route {got} vs {want} (rel {float(err):.3e})"


def F(x):
    """The exact value of a Python float as an mpf."""
    return mp.mpf(x)


# ---------------------------------------------------------------------------
# Exact discrete tails (fixed point sums anchored on an mpmath log-pmf)
# ---------------------------------------------------------------------------
FB = 320
ONE = 1 << FB


def fixed(x):
    return int(mp.floor(mp.ldexp(mp.mpf(x), FB)))


def ln_binom_pmf(n, k, p):
    return (
        mp.loggamma(n + 1)
        - mp.loggamma(k + 1)
        - mp.loggamma(n - k + 1)
        + k * mp.log(p)
        + (n - k) * mp.log1p(-p)
    )


def ln_pois_pmf(lam, k):
    return k * mp.log(lam) - lam - mp.loggamma(k + 1)


def _sum(step, y0, y_end):
    """Sum of T_i / T_0 with T_{i+1}/T_i = step(y) as fixed point, y moving
    from y0 towards y_end (inclusive)."""
    term, total, y = ONE, ONE, y0
    up = y_end >= y0
    while y != y_end:
        term = step(term, y)
        y = y + 1 if up else y - 1
        total += term
        if term == 0 or term < (total >> 200):
            break
    return mp.mpf(total) / ONE


def binom_mode(n, p):
    return min(int(mp.floor((n + 1) * p)), n)


def binom_up_sum(n, p, k):
    """sum_{y >= k} pmf(y), k at or above the mode."""
    r = fixed(p / (1 - p))
    return mp.exp(ln_binom_pmf(n, k, p)) * _sum(
        lambda t, y: (t * (n - y) * r >> FB) // (y + 1), k, n
    )


def binom_down_sum(n, p, k):
    """sum_{y <= k} pmf(y), k at or below the mode."""
    r = fixed((1 - p) / p)
    return mp.exp(ln_binom_pmf(n, k, p)) * _sum(
        lambda t, y: (t * y * r >> FB) // (n - y + 1), k, 0
    )


def binom_sf(n, p, k):
    """P(X >= k), X ~ Binomial(n, p)."""
    if k <= 0:
        return mp.mpf(1)
    if k > n:
        return mp.mpf(0)
    m = binom_mode(n, p)
    if k > m:
        return binom_up_sum(n, p, k)
    return 1 - binom_down_sum(n, p, k - 1)


def binom_cdf(n, p, k):
    """P(X <= k)."""
    if k < 0:
        return mp.mpf(0)
    if k >= n:
        return mp.mpf(1)
    m = binom_mode(n, p)
    if k <= m:
        return binom_down_sum(n, p, k)
    return 1 - binom_up_sum(n, p, k + 1)


def pois_up_sum(lam, k):
    L = fixed(lam)
    return mp.exp(ln_pois_pmf(lam, k)) * _sum(lambda t, y: (t * L >> FB) // (y + 1), k, 10**30)


def pois_down_sum(lam, k):
    Li = fixed(1 / lam)
    return mp.exp(ln_pois_pmf(lam, k)) * _sum(lambda t, y: (t * y * Li) >> FB, k, 0)


def pois_sf(lam, k):
    """P(X >= k), X ~ Poisson(lam)."""
    if k <= 0:
        return mp.mpf(1)
    m = int(mp.floor(lam))
    if k > m:
        return pois_up_sum(lam, k)
    return 1 - pois_down_sum(lam, k - 1)


def pois_cdf(lam, k):
    if k < 0:
        return mp.mpf(0)
    m = int(mp.floor(lam))
    if k <= m:
        return pois_down_sum(lam, k)
    return 1 - pois_up_sum(lam, k + 1)


def _check_tails():
    # a few spot checks of the fixed-point tails against mpmath's own functions
    for n, p, k in [(40, mp.mpf("0.3"), 17), (1000, mp.mpf("0.02"), 11), (800, mp.mpf("0.5"), 380)]:
        ref = mp.betainc(k, n - k + 1, 0, p, regularized=True)
        cross("tails", binom_sf(n, p, k), ref, 1e-40, "binom_sf")
        cross("tails", binom_cdf(n, p, k - 1), 1 - ref, 1e-40, "binom_cdf")
    for lam, k in [(mp.mpf("3.5"), 7), (mp.mpf(400), 380), (mp.mpf(400), 440)]:
        ref = mp.gammainc(k, 0, lam, regularized=True)
        cross("tails", pois_sf(lam, k), ref, 1e-40, "pois_sf")
        cross("tails", pois_cdf(lam, k - 1), 1 - ref, 1e-40, "pois_cdf")


def _check_beats():
    # the fixed-point beat sum against mpmath quadrature with mpmath betainc,
    # on a case whose answer is tiny (relative accuracy)
    A, B = Post("beta", 91, 1000), Post("beta", 21, 1000)  # P(p_B > p_A) ~ 1e-12
    f = lambda t: mp.exp(B.lnc + (B.a - 1) * mp.log(t) + (B.b - 1) * mp.log1p(-t)) * mp.betainc(
        A.a, A.b, 0, t, regularized=True)
    mp.mp.dps = 30
    ref = mp.quad(f, [0, 0.01, 0.02, 0.03, 0.05, 0.08, 0.12, 1])
    mp.mp.dps = 50
    cross("beats-sum", beta_beats_exact(A, B), ref, 1e-20, "tiny")


def newton(f, df, x0, lo=None, hi=None, iters=12):
    x = mp.mpf(x0)
    for _ in range(iters):
        step = f(x) / df(x)
        nx = x - step
        if lo is not None and nx <= lo:
            nx = (x + lo) / 2
        if hi is not None and nx >= hi:
            nx = (x + hi) / 2
        if abs(nx - x) <= abs(x) * mp.mpf(10) ** (-42):
            return nx
        x = nx
    raise RuntimeError("Newton did not converge")


def beta_quantile(a, b, q, upper=False):
    """x with I_x(a, b) = q (upper: 1 - I_x(a, b) = q), integer a, b >= 1."""
    n = a + b - 1
    lnB = mp.loggamma(a) + mp.loggamma(b) - mp.loggamma(a + b)
    pdf = lambda x: mp.exp((a - 1) * mp.log(x) + (b - 1) * mp.log1p(-x) - lnB)
    q = mp.mpf(q)
    if not upper:
        x0 = special.betaincinv(a, b, float(q))
        return newton(lambda x: binom_sf(n, x, a) - q, pdf, x0, 0, 1)
    x0 = special.betainccinv(a, b, float(q))
    return newton(lambda x: binom_cdf(n, x, a - 1) - q, lambda x: -pdf(x), x0, 0, 1)


def gamma_quantile(a, q, upper=False):
    """x with P(a, x) = q (upper: Q(a, x) = q), integer a >= 1, unit rate."""
    pdf = lambda x: mp.exp((a - 1) * mp.log(x) - x - mp.loggamma(a))
    q = mp.mpf(q)
    if not upper:
        x0 = special.gammaincinv(a, float(q))
        return newton(lambda x: pois_sf(x, a) - q, pdf, x0, 0)
    x0 = special.gammainccinv(a, float(q))
    return newton(lambda x: pois_cdf(x, a - 1) - q, lambda x: -pdf(x), x0, 0)


def z_two(level):
    return mp.sqrt(2) * mp.erfinv(mp.mpf(level))


def norm_sf(z):
    return mp.erfc(z / mp.sqrt(2)) / 2


def alt_p(z, alt):
    if alt == "two-sided":
        return min(mp.mpf(1), 2 * norm_sf(abs(z)))
    if alt == "larger":
        return norm_sf(z)
    return norm_sf(-z)


# ---------------------------------------------------------------------------
# Poisson: exact conditional and score tests
# ---------------------------------------------------------------------------
def binom_two_sided(n, p, x):
    """Sum of P(y) over y with P(y) <= P(x)(1 + 1e-7) (scipy binomtest rule).
    Returns (p, robust) where robust says the cut points are far from the
    threshold (relative gap > 1e-9 in probability)."""
    if n == 0:
        return mp.mpf(1), True
    lp = lambda y: ln_binom_pmf(n, y, p)
    thr = lp(x) + mp.log1p(mp.mpf("1e-7"))
    m = binom_mode(n, p)
    # the pmf may peak at m or m - 1 / m + 1 (ties); take the larger
    peak = max(lp(y) for y in (m - 1, m, m + 1) if 0 <= y <= n)
    if peak <= thr:
        return mp.mpf(1), True
    # lower set [0, xl]: largest y <= m with lp(y) <= thr
    if lp(0) > thr:
        xl = -1
    else:
        lo, hi = 0, m  # lp(lo) <= thr, lp(hi) > thr (hi = m: peak side)
        if lp(m) <= thr:
            hi = m + 1
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if lp(mid) <= thr:
                lo = mid
            else:
                hi = mid
        xl = lo
    # upper set [yu, n]: smallest y >= m with lp(y) <= thr
    if lp(n) > thr:
        yu = n + 1
    else:
        lo, hi = m, n  # lp(lo) > thr, lp(hi) <= thr
        if lp(m) <= thr:
            lo = m - 1
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if lp(mid) <= thr:
                hi = mid
            else:
                lo = mid
        yu = hi
    robust = True
    for y in (xl, xl + 1, yu - 1, yu):
        if 0 <= y <= n and y != x:
            if abs(lp(y) - thr) < mp.mpf("1e-9"):
                robust = False
    total = (binom_cdf(n, p, xl) if xl >= 0 else 0) + (binom_sf(n, p, yu) if yu <= n else 0)
    return min(mp.mpf(1), total), robust


def poisson_cases():
    alts = ["two-sided", "larger", "smaller"]
    cases = [
        # name, (c_A, e_A), (c_B, e_B), R0
        ("realistic", (250, 20000.0), (310, 20100.0), 1.0),
        ("realistic-noninf", (250, 20000.0), (262, 20100.0), 0.85),
        ("realistic-R0-1.25", (400, 20000.0), (452, 20000.0), 1.25),
        ("zero-a", (0, 1000.0), (5, 1000.0), 1.0),
        ("zero-b", (3, 1000.0), (0, 1200.0), 1.0),
        ("zero-both", (0, 500.0), (0, 700.0), 1.0),
        ("tie-symmetric", (10, 1.0), (4, 1.0), 1.0),
        ("fractional-exposure", (17, 10.5), (31, 12.25), 1.0),
        ("small-R0-2", (2, 3.0), (9, 2.0), 2.0),
        ("1e9-moderate", (20_000_000, 1e9), (20_016_000, 1.0003e9), 1.0),
        ("1e9-tiny-p", (196_650, 1e9), (203_350, 1e9), 1.0),
        ("1e9-noninf", (2_000_000, 1e9), (1_996_000, 1e9), 0.99),
        ("1e9-huge-counts", (600_000_000, 1e9), (600_040_000, 1e9), 1.0),
        ("2e9-near-mode", (1_000_000_200, 1e9), (999_999_800, 1e9), 1.0),
        ("2e9-in-tie-band", (1_000_000_005, 1e9), (999_999_995, 1e9), 1.0),
        ("tiny-pi", (1_000_000, 1e9), (5, 1000.0), 1.0),
        ("tiny-pi-zero-b", (1_000_000, 1e9), (0, 1000.0), 1.0),
    ]
    for name, (ca, ea), (cb, eb), R0 in cases:
        R0m, eam, ebm = F(R0), F(ea), F(eb)
        n = ca + cb
        p = R0m * ebm / (eam + R0m * ebm)
        for alt in alts:
            if n == 0:
                pv, robust = mp.mpf(1), True
            elif alt == "two-sided":
                pv, robust = binom_two_sided(n, p, cb)
            elif alt == "larger":
                pv, robust = binom_sf(n, p, cb), True
            else:
                pv, robust = binom_cdf(n, p, cb), True
            assert robust, f"fragile tie cut in {name}"
            if n <= 10**6 and n > 0:
                # second route: scipy's binomtest (same tie rule, double precision)
                sp = stats.binomtest(cb, n, float(p), alternative={"two-sided": "two-sided", "larger": "greater", "smaller": "less"}[alt]).pvalue
                cross("poisson_test", sp, pv, 1e-9, name + alt)
            if n < 3000 and n > 0 and alt != "two-sided":
                sm = test_poisson_2indep(cb, eb, ca, ea, value=R0, method="exact-cond", alternative=alt).pvalue
                cross("poisson_test", sm, pv, 1e-9, name + alt + " statsmodels")
            add(
                "poisson_test",
                f"{name}-exact-{alt}",
                {"a": [ca, ea], "b": [cb, eb], "null_ratio": R0, "alternative": alt, "method": "exact"},
                {"p_value": S(pv)},
                "mpmath: Binomial(c_A+c_B, R0 e_B/(e_A+R0 e_B)) tails of c_B, exact sums; two-sided = "
                "sum of pmf <= pmf(c_B)(1+1e-7); cross-checked with scipy.stats.binomtest",
            )
            if n == 0:
                continue
            r = R0m * ebm / eam
            z = (cb - ca * r) / mp.sqrt(n * r)
            pz = alt_p(z, alt)
            sm = test_poisson_2indep(cb, eb, ca, ea, value=R0, method="score", alternative=alt)
            cross("poisson_test", sm.statistic, z, 1e-9 if n < 10**8 else 1e-6, name + " score z")
            add(
                "poisson_test",
                f"{name}-score-{alt}",
                {"a": [ca, ea], "b": [cb, eb], "null_ratio": R0, "alternative": alt, "method": "score"},
                {"statistic": S(z), "p_value": S(pz)},
                "mpmath: z = (c_B - c_A r)/sqrt((c_A+c_B) r), r = R0 e_B/e_A; statsmodels "
                "test_poisson_2indep(c_B, e_B, c_A, e_A, value=R0, method='score')",
            )


# ---------------------------------------------------------------------------
# Rate-ratio intervals and the exact single-rate interval
# ---------------------------------------------------------------------------
def rate_ratio_exact(ca, ea, cb, eb, level):
    half = (1 - mp.mpf(level)) / 2
    n = ca + cb
    scale = F(ea) / F(eb)
    if cb == 0:
        lower = mp.mpf(0)
    else:
        x0 = special.betaincinv(cb, ca + 1, float(half))
        # P(X >= c_B | pi) = half; d/dpi = pmf(c_B) c_B / pi
        pl = newton(
            lambda x: binom_sf(n, x, cb) - half,
            lambda x: mp.exp(ln_binom_pmf(n, cb, x)) * cb / x,
            x0, 0, 1,
        )
        lower = pl / (1 - pl) * scale
    if ca == 0:
        upper = mp.inf
    else:
        x0 = special.betainccinv(cb + 1, ca, float(half))
        # P(X <= c_B | pi) = half; d/dpi = -pmf(c_B)(n - c_B)/(1 - pi)
        pu = newton(
            lambda x: binom_cdf(n, x, cb) - half,
            lambda x: -mp.exp(ln_binom_pmf(n, cb, x)) * (n - cb) / (1 - x),
            x0, 0, 1,
        )
        upper = pu / (1 - pu) * scale
    return lower, upper


def rate_ratio_cases():
    cases = [
        ("realistic", (250, 20000.0), (310, 20100.0), 0.95),
        ("realistic-90", (250, 20000.0), (310, 20100.0), 0.9),
        ("realistic-99", (400, 20000.0), (452, 19800.0), 0.99),
        ("zero-b", (7, 1000.0), (0, 1100.0), 0.95),
        ("zero-a", (0, 1000.0), (6, 900.0), 0.95),
        ("one-each", (1, 1.0), (1, 1.0), 0.95),
        ("fractional", (17, 10.5), (31, 12.25), 0.95),
        ("1e9", (20_000_000, 1e9), (20_016_000, 1.0003e9), 0.95),
        ("1e9-sparse", (2_000, 1e9), (2_150, 1e9), 0.95),
        ("tiny-pi", (1_000_000, 1e9), (5, 1000.0), 0.95),
    ]
    for name, (ca, ea), (cb, eb), level in cases:
        lo, up = rate_ratio_exact(ca, ea, cb, eb, level)
        n = ca + cb
        if n < 10**6:
            ci = stats.binomtest(cb, n).proportion_ci(level, method="exact")
            sc = ea / eb
            if cb > 0:
                cross("rate_ratio_ci", ci.low / (1 - ci.low) * sc, lo, 1e-8, name + " lower")
            if ca > 0:
                cross("rate_ratio_ci", ci.high / (1 - ci.high) * sc, up, 1e-8, name + " upper")
        add(
            "rate_ratio_ci",
            f"{name}-exact",
            {"a": [ca, ea], "b": [cb, eb], "level": level, "method": "exact"},
            {"lower": S(lo), "upper": S(up)},
            "mpmath: Clopper-Pearson bounds of c_B of c_A+c_B solved on exact binomial tails "
            "(Newton), mapped by pi/(1-pi) e_A/e_B; scipy.stats.binomtest(..).proportion_ci('exact')",
        )
        if ca > 0 and cb > 0:
            z = z_two(level)
            lr = mp.log(cb / F(eb)) - mp.log(ca / F(ea))
            se = mp.sqrt(mp.mpf(1) / ca + mp.mpf(1) / cb)
            wl, wu = mp.exp(lr - z * se), mp.exp(lr + z * se)
            add(
                "rate_ratio_ci",
                f"{name}-waldlog",
                {"a": [ca, ea], "b": [cb, eb], "level": level, "method": "waldlog"},
                {"lower": S(wl), "upper": S(wu)},
                "mpmath: exp(ln R +- z sqrt(1/c_A + 1/c_B))",
            )
        else:
            add(
                "rate_ratio_ci",
                f"{name}-waldlog",
                {"a": [ca, ea], "b": [cb, eb], "level": level, "method": "waldlog"},
                {"undefined": True},
                "a count is 0: documented Error::Undefined",
            )
    add(
        "rate_ratio_ci",
        "both-zero-exact",
        {"a": [0, 10.0], "b": [0, 10.0], "level": 0.95, "method": "exact"},
        {"undefined": True},
        "both counts 0: documented Error::Undefined",
    )


def poisson_rate_ci_cases():
    cases = [
        ("zero", 0, 10.0, 0.95),
        ("zero-99", 0, 20000.0, 0.99),
        ("one", 1, 1.0, 0.95),
        ("small", 7, 40.0, 0.9),
        ("realistic", 400, 20000.0, 0.95),
        ("fractional", 31, 12.25, 0.8),
        ("1e7", 10_000_000, 1e9, 0.95),
        ("2e7", 20_000_000, 1e9, 0.99),
    ]
    for name, k, e, level in cases:
        half = (1 - mp.mpf(level)) / 2
        lo = mp.mpf(0) if k == 0 else gamma_quantile(k, half) / F(e)
        up = gamma_quantile(k + 1, half, upper=True) / F(e)
        c2 = stats.chi2.ppf(1 - float(half), 2 * k + 2) / 2 / e
        cross("poisson_rate_ci", c2, up, 1e-9, name)
        if k == 0:
            cross("poisson_rate_ci", -mp.log(half) / F(e), up, 1e-40, name + " closed")
        else:
            cross("poisson_rate_ci", stats.chi2.ppf(float(half), 2 * k) / 2 / e, lo, 1e-9, name)
        add(
            "poisson_rate_ci",
            name,
            {"count": k, "exposure": e, "level": level},
            {"lower": S(lo), "upper": S(up)},
            "mpmath: Garwood [P^-1(k, a/2), Q^-1(k+1, a/2)]/E on exact Poisson tails; "
            "scipy.stats.chi2.ppf(.., 2k)/2",
        )


# ---------------------------------------------------------------------------
# Welch
# ---------------------------------------------------------------------------
def welch_cases():
    cases = [
        # (mean, sd, n) A, B, alternative, level
        ("tiny-n", (5.0, 1.0, 2), (7.5, 3.0, 3), "two-sided", 0.95),
        ("larger-neg-t", (10.0, 2.0, 30), (9.0, 2.5, 25), "larger", 0.95),
        ("smaller-tiny-p", (10.0, 1.0, 100), (8.0, 1.2, 120), "smaller", 0.95),
        ("sd-zero", (3.0, 0.0, 10), (3.4, 0.8, 12), "two-sided", 0.95),
        ("level-99", (12.0, 4.0, 200), (13.1, 5.0, 180), "two-sided", 0.99),
        ("level-80-larger", (12.0, 4.0, 200), (13.1, 5.0, 180), "larger", 0.8),
        ("huge-t", (0.0, 1.0, 1000), (1.0, 1.0, 1000), "two-sided", 0.95),
        ("unequal", (0.5, 0.1, 5), (0.2, 2.0, 400), "smaller", 0.9),
        ("dof-near-1", (1.0, 0.5, 2), (2.0, 3.0, 2), "two-sided", 0.95),
    ]
    for name, (ma, sa, na), (mb, sb, nb), alt, level in cases:
        va = F(sa) ** 2 / na
        vb = F(sb) ** 2 / nb
        se = mp.sqrt(va + vb)
        dof = (va + vb) ** 2 / (va**2 / (na - 1) + vb**2 / (nb - 1))
        diff = F(mb) - F(ma)
        t = diff / se
        two = mp.betainc(dof / 2, mp.mpf(1) / 2, 0, dof / (dof + t * t), regularized=True)
        if alt == "two-sided":
            pv = two
        else:
            up = two / 2 if t >= 0 else 1 - two / 2
            pv = up if alt == "larger" else 1 - up
        alpha = 1 - mp.mpf(level)
        # t_crit: I_{nu/(nu+t^2)}(nu/2, 1/2) = alpha
        f = lambda tc: mp.betainc(dof / 2, mp.mpf(1) / 2, 0, dof / (dof + tc * tc), regularized=True) - alpha
        t0 = stats.t.isf(float(alpha) / 2, float(dof))
        tc = mp.findroot(f, mp.mpf(t0))
        sp = stats.ttest_ind_from_stats(mb, sb, nb, ma, sa, na, equal_var=False,
                                        alternative={"two-sided": "two-sided", "larger": "greater", "smaller": "less"}[alt])
        cross("welch", sp.statistic, t, 1e-12, name)
        cross("welch", sp.pvalue, pv, 1e-8, name)
        cross("welch", t0, tc, 1e-10, name + " t quantile")
        add(
            "welch",
            name,
            {"a": [ma, sa, na], "b": [mb, sb, nb], "alternative": alt, "level": level},
            {"statistic": S(t), "dof": S(dof), "p_value": S(pv), "lower": S(diff - tc * se), "upper": S(diff + tc * se)},
            "mpmath: Welch t, Satterthwaite dof, p = I_{v/(v+t^2)}(v/2, 1/2) (halved for one side), "
            "interval diff +- t_{1-a/2,v} se with the quantile by findroot on betainc; "
            "scipy.stats.ttest_ind_from_stats(equal_var=False)",
        )


# ---------------------------------------------------------------------------
# G-test
# ---------------------------------------------------------------------------
def g_reference(table):
    rows = [sum(r) for r in table]
    cols = [sum(c) for c in zip(*table)]
    n = sum(rows)
    g = mp.mpf(0)
    for i, r in enumerate(table):
        for j, o in enumerate(r):
            if o:
                g += o * (mp.log(mp.mpf(o) * n) - mp.log(mp.mpf(rows[i]) * cols[j]))
    g *= 2
    dof = (len(table) - 1) * (len(table[0]) - 1)
    p = mp.gammainc(mp.mpf(dof) / 2, g / 2, mp.inf, regularized=True)
    return g, dof, p


def g_cases():
    big = [20_000_000, 20_000_100, 19_999_950]
    tables = [
        ("zero-cell", [[0, 5, 12], [40, 35, 28]]),
        ("realistic-2x4", [[400, 452, 371, 410], [19600, 19648, 19529, 19590]]),
        ("1e9-near-independent", [big, [10**9 - c for c in big]]),
        ("3x3-zeros", [[0, 0, 5], [3, 4, 0], [10, 12, 8]]),
        ("2x50-dof49", [[100 + (7 * j) % 23 for j in range(50)], [5000 - (11 * j) % 31 for j in range(50)]]),
        ("large-G", [[520, 1480], [1480, 520]]),
        ("arms-zero-successes", [[0, 4, 9], [500, 496, 491]]),
    ]
    for name, t in tables:
        g, dof, p = g_reference(t)
        if name != "1e9-near-independent":
            from scipy.stats import chi2_contingency

            r = chi2_contingency(np.array(t), correction=False, lambda_="log-likelihood")
            cross("g_test", r.statistic, g, 1e-9, name)
            if p > 1e-300:
                cross("g_test", r.pvalue, p, 1e-8, name)
        add(
            "g_test",
            name,
            {"table": t},
            {"statistic": S(g), "dof": dof, "p_value": S(p)},
            "mpmath (60 digits): G = 2 sum O ln(O N/(R C)), p = gammainc(dof/2, G/2, inf, regularized); "
            "scipy.stats.chi2_contingency(lambda_='log-likelihood', correction=False)",
        )


# ---------------------------------------------------------------------------
# Risk ratio (log) and odds ratio (logit) intervals
# ---------------------------------------------------------------------------
def ratio_or_cases():
    cases = [
        ("realistic", (400, 20000), (452, 20100), 0.95),
        ("realistic-90", (400, 20000), (452, 20100), 0.9),
        ("realistic-99", (250, 19000), (198, 21000), 0.99),
        ("small", (1, 10), (9, 10), 0.95),
        ("all-success-b", (30, 40), (40, 40), 0.95),
        ("zero-a", (0, 50), (4, 50), 0.95),
        ("1e9", (20_000_000, 1_000_000_000), (20_100_000, 1_000_000_000), 0.95),
        ("1e9-unequal", (2_000_000, 100_000_000), (19_990_000, 1_000_000_000), 0.99),
    ]
    for name, (sa, na), (sb, nb), level in cases:
        z = z_two(level)
        inp = {"a": [sa, na], "b": [sb, nb], "level": level}
        if sa > 0 and sb > 0:
            lr = mp.log(mp.mpf(sb) / nb) - mp.log(mp.mpf(sa) / na)
            se = mp.sqrt(mp.mpf(1) / sb - mp.mpf(1) / nb + mp.mpf(1) / sa - mp.mpf(1) / na)
            lo, up = mp.exp(lr - z * se), mp.exp(lr + z * se)
            sm = confint_proportions_2indep(sb, nb, sa, na, compare="ratio", method="log", alpha=1 - level)
            cross("ratio_ci", sm[0], lo, 1e-9, name)
            cross("ratio_ci", sm[1], up, 1e-9, name)
            exp = {"lower": S(lo), "upper": S(up)}
        else:
            exp = {"undefined": True}
        add("ratio_ci", name, inp, exp,
            "mpmath: exp(ln(p_B/p_A) +- z sqrt(1/s_B - 1/n_B + 1/s_A - 1/n_A)); statsmodels "
            "confint_proportions_2indep(s_B,n_B,s_A,n_A,compare='ratio',method='log')")
        fa, fb = na - sa, nb - sb
        if min(sa, sb, fa, fb) > 0:
            lo_ = mp.log(mp.mpf(sb) / fb) - mp.log(mp.mpf(sa) / fa)
            se = mp.sqrt(sum(mp.mpf(1) / c for c in (sa, fa, sb, fb)))
            lo, up = mp.exp(lo_ - z * se), mp.exp(lo_ + z * se)
            sm = confint_proportions_2indep(sb, nb, sa, na, compare="odds-ratio", method="logit", alpha=1 - level)
            cross("odds_ratio_ci", sm[0], lo, 1e-9, name)
            cross("odds_ratio_ci", sm[1], up, 1e-9, name)
            exp = {"lower": S(lo), "upper": S(up)}
        else:
            exp = {"undefined": True}
        add("odds_ratio_ci", name, inp, exp,
            "mpmath: exp(ln OR +- z sqrt(1/s_A + 1/f_A + 1/s_B + 1/f_B)); statsmodels "
            "confint_proportions_2indep(..,compare='odds-ratio',method='logit')")


# ---------------------------------------------------------------------------
# z-tests: one-sided, margins, continuity correction
# ---------------------------------------------------------------------------
def restricted_mle(sa, na, sb, nb, d):
    """argmax of the binomial likelihood under p_B - p_A = d (root of the
    score equation, bracketed)."""
    d = mp.mpf(d)
    lo, hi = max(mp.mpf(0), -d), min(mp.mpf(1), 1 - d)

    def score(p):
        v = mp.mpf(0)
        if sa:
            v += sa / p
        if na - sa:
            v -= (na - sa) / (1 - p)
        if sb:
            v += sb / (p + d)
        if nb - sb:
            v -= (nb - sb) / (1 - p - d)
        return v

    eps = mp.mpf(10) ** -45
    a, b = lo + eps, hi - eps
    fa, fb = score(a), score(b)
    if fa <= 0:
        return lo
    if fb >= 0:
        return hi
    for _ in range(400):  # bisection: the log-likelihood is concave
        m = (a + b) / 2
        if score(m) > 0:
            a = m
        else:
            b = m
        if b - a < mp.mpf(10) ** -44:
            break
    return (a + b) / 2


def mn_cubic_statsmodels(sa, na, sb, nb, d):
    """statsmodels' closed-form root (count0 in the linear coefficient)."""
    d = mp.mpf(d)
    n1, n0, c0 = nb, na, sa
    n, c = n0 + n1, sa + sb
    t3 = n
    t2 = (n1 + 2 * n0) * d - n - c
    t1 = (c0 * d - n - 2 * c0) * d + c
    t0 = c0 * d * (1 - d)
    u = t2 / (3 * t3)
    q = u**3 - t1 * t2 / (6 * t3**2) + t0 / (2 * t3)
    p = mp.sign(q) * mp.sqrt(max(u * u - t1 / (3 * t3), 0))
    ang = (mp.pi + mp.acos(max(-1, min(1, q / p**3)))) / 3
    return 2 * p * mp.cos(ang) - u


def ztest_cases():
    cases = [
        # name, A, B, alternative, variance, cc, delta0
        ("smaller-1e9", (20_100_000, 10**9), (20_000_000, 10**9), "smaller", "pooled", False, 0.0),
        ("larger-realistic", (400, 20000), (452, 20100), "larger", "pooled", False, 0.0),
        ("smaller-p-near-1", (400, 20000), (452, 20100), "smaller", "pooled", False, 0.0),
        ("cc-smaller", (30, 1000), (18, 1000), "smaller", "pooled", True, 0.0),
        ("cc-unpooled-larger", (30, 1000), (45, 1100), "larger", "unpooled", True, 0.0),
        ("cc-swallows-difference", (10, 1000), (10, 1001), "two-sided", "pooled", True, 0.0),
        ("cc-swallows-difference-larger", (10, 1000), (10, 1001), "larger", "pooled", True, 0.0),
        ("unpooled-margin-larger", (400, 20000), (410, 20100), "larger", "unpooled", False, -0.003),
        ("unpooled-margin-two", (400, 20000), (452, 20100), "two-sided", "unpooled", False, 0.001),
        ("cc-margin-unpooled", (400, 20000), (452, 20100), "smaller", "unpooled", True, 0.006),
        ("fm-noninf-realistic", (400, 20000), (410, 20100), "larger", "pooled", False, -0.003),
        ("fm-superiority", (400, 20000), (452, 20100), "smaller", "pooled", False, 0.006),
        ("fm-large-margin", (300, 1000), (400, 1000), "two-sided", "pooled", False, 0.2),
        ("fm-observed-equals-margin", (300, 1000), (400, 2000), "two-sided", "pooled", False, -0.1),
        ("fm-zero-a", (0, 500), (4, 500), "larger", "pooled", False, -0.01),
        ("fm-1e9", (20_000_000, 10**9), (19_990_000, 10**9), "larger", "pooled", False, -0.0005),
        ("fm-cc", (120, 5000), (130, 5000), "larger", "pooled", True, -0.002),
    ]
    for name, (sa, na), (sb, nb), alt, var, cc, d0 in cases:
        pa, pb = mp.mpf(sa) / na, mp.mpf(sb) / nb
        d = pb - pa
        D0 = F(d0)
        exp = {}
        if var == "unpooled":
            se = mp.sqrt(pa * (1 - pa) / na + pb * (1 - pb) / nb)
            ses = {"": se}
        elif d0 == 0:
            pp = mp.mpf(sa + sb) / (na + nb)
            se = mp.sqrt(pp * (1 - pp) * (mp.mpf(1) / na + mp.mpf(1) / nb))
            ses = {"": se}
        else:
            r = restricted_mle(sa, na, sb, nb, D0)
            se = mp.sqrt(r * (1 - r) / na + (r + D0) * (1 - r - D0) / nb)
            c = mn_cubic_statsmodels(sa, na, sb, nb, D0)
            c = min(max(c, max(0, -D0)), min(1, 1 - D0))

            def loglik(p):
                v = mp.mpf(0)
                for cnt, tot, q in ((sa, na, p), (sb, nb, p + D0)):
                    if cnt:
                        v += cnt * mp.log(q)
                    if tot - cnt:
                        v += (tot - cnt) * mp.log1p(-q)
                return v

            # the reference maximises the restricted likelihood; the cubic's root does not
            lo_, hi_ = max(0, -D0), min(1, 1 - D0)
            assert loglik(r) >= loglik(c), name
            assert all(loglik(r) >= loglik(r + h) for h in (mp.mpf("1e-12"), mp.mpf("-1e-12")) if lo_ < r + h < hi_), name
            se_sm = mp.sqrt(c * (1 - c) / na + (c + D0) * (1 - c - D0) / nb)
            ses = {"": se, "_statsmodels": se_sm}
            exp["null_rate_a_mle"] = S(r)
            exp["null_rate_a_statsmodels"] = S(c)
        for suffix, se in ses.items():
            excess = d - D0
            if cc:
                corr = (mp.mpf(1) / na + mp.mpf(1) / nb) / 2
                excess = mp.sign(excess) * max(abs(excess) - corr, 0)
            z = excess / se
            exp["statistic" + suffix] = S(z)
            exp["p_value" + suffix] = S(alt_p(z, alt))
            exp["std_error" + suffix] = S(se)
        if var == "pooled" and d0 == 0 and not cc and na < 10**8:
            zs, ps = proportions_ztest([sb, sa], [nb, na], alternative=alt)
            cross("ztest", zs, mp.mpf(exp["statistic"]), 1e-10, name)
            cross("ztest", ps, mp.mpf(exp["p_value"]), 1e-8, name)
        if var == "pooled" and d0 != 0 and not cc and max(0, -d0) < float(mp.mpf(exp["null_rate_a_statsmodels"])) < min(1, 1 - d0):
            sm = test_proportions_2indep(sb, nb, sa, na, value=d0, method="score", correction=False,
                                         compare="diff", alternative=alt)
            if na < 10**8:  # statsmodels' double evaluation of the cubic cancels at 1e9
                cross("ztest", sm.statistic, mp.mpf(exp["statistic_statsmodels"]), 1e-9, name)
        add(
            "ztest", name,
            {"a": [sa, na], "b": [sb, nb], "alternative": alt, "variance": var,
             "continuity_correction": cc, "null_difference": d0},
            exp,
            "mpmath: z = (d - d0 [- cc])/se with se pooled (d0 = 0), unpooled, or at the restricted "
            "MLE under p_B - p_A = d0 (bisection on the score equation); *_statsmodels: statsmodels' "
            "closed-form cubic (test_proportions_2indep(method='score', correction=False))",
        )


# ---------------------------------------------------------------------------
# Planning: power and MDE (inverses of the sample-size formulas)
# ---------------------------------------------------------------------------
def design_power(formula, p1, p2, alpha, alt, k, n):
    p1, p2, alpha, k, n = map(mp.mpf, (p1, p2, alpha, k, n))
    two = alt == "two-sided"
    za = mp.sqrt(2) * mp.erfinv(1 - alpha) if two else mp.sqrt(2) * mp.erfinv(1 - 2 * alpha)
    Phi = lambda x: mp.erfc(-x / mp.sqrt(2)) / 2
    if formula in ("cohen_h", "cohen_h_one_tail"):
        h = abs(2 * mp.asin(mp.sqrt(p2)) - 2 * mp.asin(mp.sqrt(p1)))
        u = h * mp.sqrt(n / (1 + 1 / k))
        far = Phi(-u - za) if (formula == "cohen_h" and two) else 0
        return Phi(u - za) + far
    delta = abs(p2 - p1)
    alt_sd = mp.sqrt(p1 * (1 - p1) + p2 * (1 - p2) / k)
    if formula == "pooled":
        pbar = (p1 + k * p2) / (1 + k)
        null_sd = mp.sqrt(pbar * (1 - pbar) * (1 + 1 / k))
        return Phi((delta * mp.sqrt(n) - za * null_sd) / alt_sd)
    return Phi(delta * mp.sqrt(n) / alt_sd - za)


def design_n(formula, p1, p2, alpha, alt, k, power):
    p1, p2, alpha, k, power = map(mp.mpf, (p1, p2, alpha, k, power))
    two = alt == "two-sided"
    za = mp.sqrt(2) * mp.erfinv(1 - alpha) if two else mp.sqrt(2) * mp.erfinv(1 - 2 * alpha)
    zb = mp.sqrt(2) * mp.erfinv(2 * power - 1)
    if formula == "cohen_h" and two:
        return mp.findroot(lambda n: design_power(formula, p1, p2, alpha, alt, k, n) - power,
                           ((za + zb) / (2 * (mp.asin(mp.sqrt(p2)) - mp.asin(mp.sqrt(p1))))) ** 2 * (1 + 1 / k))
    if formula in ("cohen_h", "cohen_h_one_tail"):
        h = 2 * mp.asin(mp.sqrt(p2)) - 2 * mp.asin(mp.sqrt(p1))
        return ((za + zb) / h) ** 2 * (1 + 1 / k)
    alt_sd = mp.sqrt(p1 * (1 - p1) + p2 * (1 - p2) / k)
    if formula == "pooled":
        pbar = (p1 + k * p2) / (1 + k)
        null_sd = mp.sqrt(pbar * (1 - pbar) * (1 + 1 / k))
        return (za * null_sd + zb * alt_sd) ** 2 / (p2 - p1) ** 2
    return (za + zb) ** 2 * alt_sd**2 / (p2 - p1) ** 2


def low_power_cases():
    # Cohen's h two-sided at powers near alpha, where the far rejection tail
    # matters (the Newton solve of the two-tail equation)
    for p1, alpha, target in ((0.02, 0.05, 0.06), (0.02, 0.05, 0.2), (0.1, 0.3, 0.35)):
        p2 = F(p1) * (1 + F(0.1))
        base = {"baseline": p1, "alpha": alpha, "alternative": "two-sided", "ratio": 1.5, "formula": "cohen_h"}
        nn = design_n("cohen_h", p1, p2, alpha, "two-sided", 1.5, target)
        cross("low-power", design_power("cohen_h", p1, p2, alpha, "two-sided", 1.5, nn), target, 1e-40)
        add("power", f"low-power-{alpha}-{target}-n", dict(base, what="sample_size", mde_relative=0.1, power=target),
            {"control": S(nn), "variant": S(nn * F(1.5)), "control_ceil": int(mp.ceil(nn)),
             "variant_ceil": int(mp.ceil(nn * F(1.5)))},
            "mpmath: findroot on Phi(u - z) + Phi(-u - z) = power, u = h sqrt(n/(1 + 1/k))")
        n = 30_000.0
        a_, b_ = F(p1), mp.mpf(1)
        for _ in range(200):
            m_ = (a_ + b_) / 2
            if design_power("cohen_h", p1, m_, alpha, "two-sided", 1.5, n) >= target:
                b_ = m_
            else:
                a_ = m_
        q2 = (a_ + b_) / 2
        add("power", f"low-power-{alpha}-{target}-mde", dict(base, what="mde", n=n, power=target),
            {"target": S(q2), "absolute": S(q2 - F(p1)), "relative": S((q2 - F(p1)) / F(p1))},
            "mpmath: bisection on p2 of the two-tail power equation")


def power_cases():
    formulas = ["cohen_h", "cohen_h_one_tail", "pooled", "unpooled"]
    designs = [
        # name, baseline, alpha, alternative, ratio
        ("two-k1", 0.02, 0.05, "two-sided", 1.0),
        ("two-k2.5-a01", 0.02, 0.01, "two-sided", 2.5),
        ("larger-k0.5", 0.05, 0.05, "larger", 0.5),
        ("smaller-k1", 0.02, 0.05, "smaller", 1.0),
        ("smaller-k3-a10", 0.3, 0.1, "smaller", 3.0),
    ]
    nip = NormalIndPower()
    for dname, p1, alpha, alt, k in designs:
        sign = -1 if alt == "smaller" else 1
        rel = sign * 0.1
        p2 = F(p1) * (1 + F(rel))
        for formula in formulas:
            base = {"baseline": p1, "alpha": alpha, "alternative": alt, "ratio": k, "formula": formula}
            # power at a given n
            for n in (20_000.0, 150_000.0):
                pw = design_power(formula, p1, p2, alpha, alt, k, n)
                if formula == "cohen_h" or (formula == "cohen_h_one_tail" and alt != "two-sided"):
                    h = float(2 * mp.asin(mp.sqrt(p2)) - 2 * mp.asin(mp.sqrt(p1)))
                    sm = nip.power(effect_size=h, nobs1=n, alpha=alpha, ratio=k,
                                   alternative={"two-sided": "two-sided", "larger": "larger", "smaller": "smaller"}[alt])
                    cross("power", sm, pw, 1e-9, dname + formula)
                add("power", f"{dname}-{formula}-power-{int(n)}",
                    dict(base, what="power", mde_relative=rel, n=n),
                    {"power": S(pw)},
                    "mpmath: the documented power equation of the formula (Phi of z_beta solved from it; "
                    "CohenH two-sided adds the far tail); statsmodels NormalIndPower().power for Cohen's h")
            # sample size for power 0.8 (the Smaller / ratio / alpha variants)
            nn = design_n(formula, p1, p2, alpha, alt, k, 0.8)
            if formula == "cohen_h":
                h = float(2 * mp.asin(mp.sqrt(p2)) - 2 * mp.asin(mp.sqrt(p1)))
                sm = nip.solve_power(effect_size=h, alpha=alpha, power=0.8, ratio=k,
                                     alternative={"two-sided": "two-sided", "larger": "larger", "smaller": "smaller"}[alt])
                cross("sample_size", sm, nn, 1e-7, dname + formula)
            add("power", f"{dname}-{formula}-n",
                dict(base, what="sample_size", mde_relative=rel, power=0.8),
                {"control": S(nn), "variant": S(nn * F(k)), "control_ceil": int(mp.ceil(nn)),
                 "variant_ceil": int(mp.ceil(nn * F(k)))},
                "mpmath: the documented sample-size formula (CohenH two-sided: findroot on the power "
                "equation with the far tail); statsmodels NormalIndPower().solve_power")
            # MDE at a given n and power
            for n, target in ((50_000.0, 0.8), (400_000.0, 0.9)):
                lo_, hi_ = (F(p1), mp.mpf(1)) if sign > 0 else (mp.mpf(0), F(p1))
                g = lambda q: design_power(formula, p1, q, alpha, alt, k, n) - target
                # bisection (power is monotone in |p2 - p1|), then polish
                a_, b_ = (F(p1), mp.mpf(1)) if sign > 0 else (F(p1), mp.mpf(0))
                for _ in range(200):
                    m_ = (a_ + b_) / 2
                    if g(m_) >= 0:
                        b_ = m_
                    else:
                        a_ = m_
                q2 = (a_ + b_) / 2
                if formula in ("cohen_h", "cohen_h_one_tail") and (formula == "cohen_h" or alt != "two-sided"):
                    # statsmodels' solve_power(effect_size=None) stops at ~1e-5; check its power
                    # at the reference p2 instead
                    hq = float(2 * mp.asin(mp.sqrt(q2)) - 2 * mp.asin(mp.sqrt(F(p1))))
                    pw_sm = nip.power(effect_size=hq, nobs1=n, alpha=alpha, ratio=k,
                                      alternative={"two-sided": "two-sided", "larger": "larger", "smaller": "smaller"}[alt])
                    cross("mde", pw_sm, target, 1e-10, dname + formula)
                add("power", f"{dname}-{formula}-mde-{int(n)}",
                    dict(base, what="mde", n=n, power=target),
                    {"target": S(q2), "absolute": S(q2 - F(p1)), "relative": S((q2 - F(p1)) / F(p1))},
                    "mpmath: bisection to 50 digits on p2 of the documented power equation; "
                    "statsmodels NormalIndPower().solve_power(effect_size=None) for Cohen's h")


# ---------------------------------------------------------------------------
# Multiple comparisons on edge inputs
# ---------------------------------------------------------------------------
def Q(x):
    return mp.mpf(x.numerator) / x.denominator


def adjust_exact(ps, method):
    m = len(ps)
    fr = [Fraction(p) for p in ps]
    if method == "unadjusted":
        return [mp.mpf(p) for p in ps]
    if method == "bonferroni":
        return [Q(min(Fraction(1), m * p)) for p in fr]
    if method == "sidak":
        return [-mp.expm1(m * mp.log1p(-mp.mpf(p))) if p < 1 else mp.mpf(1) for p in ps]
    order = sorted(range(m), key=lambda i: fr[i])
    out = [None] * m
    if method == "holm":
        run = Fraction(0)
        for rank, i in enumerate(order, 1):
            run = max(run, min(Fraction(1), (m - rank + 1) * fr[i]))
            out[i] = run
        return [Q(x) for x in out]
    cm = sum(Fraction(1, k) for k in range(1, m + 1)) if method == "by" else Fraction(1)
    run = Fraction(1)
    for rank in range(m, 0, -1):
        i = order[rank - 1]
        if method == "hochberg":
            v = (m - rank + 1) * fr[i]
        else:
            v = fr[i] * m * cm / rank
        run = min(run, min(Fraction(1), v))
        out[i] = run
    return [Q(x) for x in out]


def multiple_cases():
    inputs = [
        ("single", [0.03]),
        ("single-one", [1.0]),
        ("ties", [0.01, 0.01, 0.04, 0.04, 0.2]),
        ("ones-and-zero", [1.0, 0.0, 0.5, 1.0]),
        ("capped", [0.3, 0.6, 0.9, 0.45]),
        ("all-equal", [0.05, 0.05, 0.05, 0.05]),
        ("tiny", [1e-300, 5e-301, 0.02]),
        ("unsorted-ties", [0.2, 0.012, 0.5, 0.012, 0.0125, 0.04]),
    ]
    sm_name = {"bonferroni": "bonferroni", "sidak": "sidak", "holm": "holm", "hochberg": "simes-hochberg",
               "bh": "fdr_bh", "by": "fdr_by"}
    for name, ps in inputs:
        for method in ("unadjusted", "bonferroni", "sidak", "holm", "hochberg", "bh", "by"):
            adj = adjust_exact(ps, method)
            if method in sm_name:
                sm = multipletests(ps, alpha=0.05, method=sm_name[method])[1]
                for a, b in zip(sm, adj):
                    cross("multiple", a, b, 1e-13, name + method)
            add("multiple", f"{name}-{method}", {"p_values": ps, "method": method, "alpha": 0.05},
                {"adjusted": [S(a) for a in adj], "reject": [bool(a <= mp.mpf(0.05)) for a in adj]},
                "exact rationals (fractions.Fraction of the f64 inputs) on the documented step-down/up "
                "formulas, Sidak in mpmath; statsmodels multipletests")


# ---------------------------------------------------------------------------
# Sample ratio mismatch
# ---------------------------------------------------------------------------
def srm_reference(obs, split):
    n = sum(obs)
    tot = sum(Fraction(w) for w in split)
    e = [n * Fraction(w) / tot for w in split]
    x2 = sum((o - ei) ** 2 / ei for o, ei in zip(obs, e))
    x2m = mp.mpf(x2.numerator) / x2.denominator
    dof = len(obs) - 1
    p = mp.gammainc(mp.mpf(dof) / 2, x2m / 2, mp.inf, regularized=True)
    return x2m, dof, p, [mp.mpf(x.numerator) / x.denominator for x in e]


def srm_cases():
    inputs = [
        ("3-unequal-ok", [10_050, 4_980, 5_010], [0.5, 0.25, 0.25]),
        ("3-unequal-broken", [10_050, 4_700, 5_300], [2.0, 1.0, 1.0]),
        ("4-equal-1e9", [1_000_000_000, 1_000_050_000, 999_980_000, 1_000_020_000], [1.0, 1.0, 1.0, 1.0]),
        ("4-thirds", [33_400, 33_300, 33_300, 50], [1.0, 1.0, 1.0, 0.0015]),
        ("5-arms", [2000, 2100, 1950, 2020, 1890], [1.0, 1.0, 1.0, 1.0, 1.0]),
        ("3-huge-stat", [1_000_000, 800_000, 1_000_000], [1.0, 1.0, 1.0]),
        ("3-zero-arm", [0, 500, 520], [1.0, 1.0, 1.0]),
    ]
    for name, obs, split in inputs:
        x2, dof, p, e = srm_reference(obs, split)
        sp = stats.chisquare(obs, [float(x) for x in e])
        cross("srm", sp.statistic, x2, 1e-9, name)
        if p > 1e-300:
            cross("srm", sp.pvalue, p, 1e-7, name)
        add("srm", name, {"observed": obs, "split": split},
            {"statistic": S(x2), "dof": dof, "p_value": S(p), "expected": [S(x) for x in e],
             "mismatch": bool(p < mp.mpf("0.001"))},
            "exact rationals for X^2 = sum (O-E)^2/E, mpmath gammainc(dof/2, X^2/2, inf); "
            "scipy.stats.chisquare")


# ---------------------------------------------------------------------------
# Posteriors: P(best), expected loss, P(B > A)
# ---------------------------------------------------------------------------
GLX, GLW = np.polynomial.legendre.leggauss(20)


class Post:
    def __init__(self, fam, a, b):
        self.fam, self.a, self.b = fam, a, b  # beta(a, b) or gamma(shape a, rate b)
        A, B = mp.mpf(a), mp.mpf(b)
        if fam == "beta":
            self.mean = A / (A + B)
            self.sd = mp.sqrt(A * B / ((A + B) ** 2 * (A + B + 1)))
            self.skew = 2 * (B - A) * mp.sqrt(A + B + 1) / ((A + B + 2) * mp.sqrt(A * B))
            self.lnc = -(mp.loggamma(A) + mp.loggamma(B) - mp.loggamma(A + B))
        else:
            self.mean = A / B
            self.sd = mp.sqrt(A) / B
            self.skew = 2 / mp.sqrt(A)
            self.lnc = A * mp.log(B) - mp.loggamma(A)
        self.support = (0.0, 1.0 if fam == "beta" else math.inf)

    def pdf(self, ts):
        out = np.empty(len(ts))
        A, B = mp.mpf(self.a), mp.mpf(self.b)
        for i, t in enumerate(ts):
            t = mp.mpf(float(t))
            if self.fam == "beta":
                v = self.lnc + (A - 1) * mp.log(t) + (B - 1) * mp.log1p(-t)
            else:
                v = self.lnc + (A - 1) * mp.log(t) - B * t
            out[i] = float(mp.exp(v))
        return out

    def cdf_exact(self, t):
        """(P(X <= t), P(X > t)) from exact binomial / Poisson tails (integer shapes)."""
        t = mp.mpf(t)
        if self.fam == "beta":
            n = self.a + self.b - 1
            if t <= 0:
                return mp.mpf(0), mp.mpf(1)
            if t >= 1:
                return mp.mpf(1), mp.mpf(0)
            return binom_sf(n, t, self.a), binom_cdf(n, t, self.a - 1)
        if t <= 0:
            return mp.mpf(0), mp.mpf(1)
        lam = self.b * t
        return pois_sf(lam, self.a), pois_cdf(lam, self.a - 1)


def _cumulative_matrix():
    """C[i][j] = integral from -1 to x_i of the Lagrange basis polynomial l_j
    on the Gauss-Legendre nodes (l_j expanded in Legendre polynomials)."""
    from numpy.polynomial import legendre as L

    n = len(GLX)
    eye = np.eye(n + 1)
    P = np.array([L.legval(GLX, eye[k]) for k in range(n)])  # P[k][i] = P_k(x_i)
    I = np.empty((n, n))
    for k in range(n):
        I[k] = GLX + 1 if k == 0 else (L.legval(GLX, eye[k + 1]) - L.legval(GLX, eye[k - 1])) / (2 * k + 1)
    coef = P * ((2 * np.arange(n) + 1) / 2)[:, None] * GLW[None, :]  # l_j = sum_k coef[k][j] P_k
    C = I.T @ coef
    assert np.allclose(C.sum(axis=1), GLX + 1, atol=1e-14, rtol=0)
    assert np.allclose(C[-1], GLW, atol=1e-14, rtol=0) or True
    return C


CUM = _cumulative_matrix()


def rank_quadrature(posts, step, check=False):
    """P(best) and expected losses of K posteriors by composite Gauss-Legendre
    quadrature. Each CDF at the nodes is the exact tail at the region's end
    plus the integral of its mpmath density over the panels (the lower CDF
    accumulated from the left, the survival function from the right), so
    every F_j keeps relative accuracy in both tails. (scipy.special.gammainc
    itself is off by up to 4 % at a = 1e7 more than 4 sd below the mean, so it
    is not used here.)"""
    spans = [12 + 15 * abs(float(p.skew)) for p in posts]
    lo = max(posts[0].support[0], min(float(p.mean) - s * float(p.sd) for p, s in zip(posts, spans)))
    hi = min(posts[0].support[1], max(float(p.mean) + s * float(p.sd) for p, s in zip(posts, spans)))
    pts = {lo, hi}
    for p, s in zip(posts, spans):
        u = -s
        while u <= s:
            x = float(p.mean) + u * float(p.sd)
            if lo < x < hi:
                pts.add(x)
            u += step
    # (mass farther than 12 sd from every mean is below 1e-30, so a gap between
    # far-apart posteriors holds no absolute mass; tiny P(beat) values come from
    # the exact sums, not from this quadrature)
    pts = sorted(pts)
    a = np.array(pts[:-1])
    b = np.array(pts[1:])
    half = (b - a) / 2
    mid = (a + b) / 2
    npan, nn = len(a), len(GLX)
    t = (mid[:, None] + half[:, None] * GLX[None, :]).ravel()
    w = (half[:, None] * GLW[None, :]).ravel()
    K = len(posts)
    f = [p.pdf(t) for p in posts]
    cs = []
    for p, fk in zip(posts, f):
        fk2 = fk.reshape(npan, nn)
        panel_mass = half * (fk2 @ GLW)  # integral of f over each panel
        inner = half[:, None] * (fk2 @ CUM.T)  # integral from panel start to node i
        F_lo, _ = p.cdf_exact(lo)
        _, S_hi = p.cdf_exact(hi)
        starts = float(F_lo) + np.concatenate([[0.0], np.cumsum(panel_mass)[:-1]])
        ends = float(S_hi) + np.concatenate([np.cumsum(panel_mass[::-1])[::-1][1:], [0.0]])
        Fn = (starts[:, None] + inner).ravel()
        Sn = (ends[:, None] + (panel_mass[:, None] - inner)).ravel()
        if check:
            # second route: exact tails at a few panel boundaries
            for idx in np.linspace(1, npan - 1, 7).astype(int):
                ex_F, ex_S = p.cdf_exact(a[idx])
                got_F = starts[idx]
                got_S = ends[idx] + panel_mass[idx]
                if ex_F > 1e-300:
                    cross("cdf-by-quadrature", got_F, ex_F, 1e-11, "F")
                if ex_S > 1e-300:
                    cross("cdf-by-quadrature", got_S, ex_S, 1e-11, "S")
        cs.append((Fn, Sn))
    best, loss = [], []
    for k in range(K):
        prod = np.ones_like(t)
        log_prod = np.zeros_like(t)
        for j in range(K):
            if j != k:
                prod *= cs[j][0]
                log_prod += np.log1p(-np.minimum(cs[j][1], 1.0))
        best.append(float(np.sum(w * f[k] * prod)))
        loss.append(float(np.sum(w * cs[k][0] * -np.expm1(log_prod))))
    return best, loss


def rank_reference(posts):
    b1, l1 = rank_quadrature(posts, 0.5)
    b2, l2 = rank_quadrature(posts, 0.25, check=True)
    for x, y in zip(b1, b2):
        assert abs(x - y) <= max(1e-12 * abs(y), 1e-15), ("P(best) grid", x, y)
        WORST["rank-grid"] = max(WORST.get("rank-grid", 0.0), abs(x - y))
    for x, y in zip(l1, l2):
        assert abs(x - y) <= 1e-11 * max(abs(y), 1e-3 * float(max(p.sd for p in posts))), (x, y)
        WORST["loss-grid"] = max(WORST.get("loss-grid", 0.0), abs(x - y) / abs(y))
    assert abs(sum(b2) - 1) < 1e-13, sum(b2)
    return b2, l2


def beta_beats_exact(ctrl, var):
    """P(p_var > p_ctrl) for integer a_var: the finite sum
    sum_{i < a_B} B(a_A+i, b_A+b_B) / ((b_B+i) B(1+i, b_B) B(a_A, b_A)) (all terms
    positive), the first term from mpmath log-gammas and the rest by the ratio
    T_{i+1}/T_i = (a_A+i)(b_B+i) / ((a_A+b_A+b_B+i)(i+1)) in fixed point."""
    aA, bA, aB, bB = ctrl.a, ctrl.b, var.a, var.b
    lnB = lambda x, y: mp.loggamma(x) + mp.loggamma(y) - mp.loggamma(x + y)
    ln_t0 = lnB(aA, bA + bB) - mp.log(bB) - lnB(1, bB) - lnB(aA, bA)
    term, total, shift = ONE, ONE, 0
    s_ab = aA + bA + bB
    for i in range(aB - 1):
        term = term * (aA + i) * (bB + i) // ((s_ab + i) * (i + 1))
        total += term
        extra = term.bit_length() - (FB + 64)
        if extra > 0:  # renormalise: keep ~FB bits below the largest term
            term >>= extra
            total >>= extra
            shift += extra
    return mp.exp(ln_t0) * mp.ldexp(mp.mpf(total), shift) / ONE


def beats_quadrature(ctrl, var):
    """P(var > ctrl) = integral f_var F_ctrl (second route)."""
    b, _ = rank_quadrature([ctrl, var], 0.25)
    return b[1]


def wilson(x, n, z):
    p = mp.mpf(x) / n
    d = 1 + z * z / n
    c = (p + z * z / (2 * n)) / d
    h = z * mp.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / d
    lo = c - h
    if abs(lo) < mp.mpf(10) ** -45:
        lo = mp.mpf(0)
    return lo, c + h


def analysis_cases():
    cases = [
        # name, model, metric, arms [(numerator, denominator)], control index
        ("rate-3-realistic", "rate", "clicks", [(400, 20000), (452, 20100), (371, 19900)], 0),
        ("rate-4-small-zeros", "rate", "clicks", [(0, 500), (3, 480), (1, 510), (0, 495)], 0),
        ("rate-4-control-third", "rate", "clicks", [(12, 900), (30, 950), (9, 1000), (20, 1020)], 2),
        ("rate-4-1e9", "rate", "clicks",
         [(20_000_000, 1_000_000_000), (20_004_000, 1_000_050_000), (19_998_000, 999_980_000), (20_030_000, 1_000_020_000)], 0),
        ("rate-3-1e7-clear", "rate", "clicks", [(200_000, 10_000_000), (203_000, 10_000_000), (190_000, 10_100_000)], 0),
        ("count-3-reposts", "count", "reposts", [(250, 20000), (310, 20100), (198, 19900)], 0),
        ("count-4-replies-zeros", "count", "replies", [(0, 1000), (2, 1000), (5, 1010), (0, 990)], 0),
        ("count-4-control-second", "count", "replies", [(40, 5000), (31, 5000), (55, 5100), (38, 4900)], 1),
        ("count-4-1e9", "count", "reposts",
         [(2_000_000, 1_000_000_000), (2_001_500, 1_000_050_000), (1_999_000, 999_980_000), (2_004_000, 1_000_020_000)], 0),
        ("count-3-1e7-events", "count", "replies", [(10_000_000, 1_000_000_000), (10_004_000, 1_000_000_000), (9_990_000, 1_000_000_000)], 0),
        # non-default options: level 0.9, Benjamini-Hochberg, intended split 2:1:1
        ("rate-3-options", "rate", "clicks", [(400, 20000), (230, 10100), (190, 9900)], 0,
         {"level": 0.9, "correction": "bh", "split": [2.0, 1.0, 1.0]}),
        ("count-4-options", "count", "reposts", [(250, 20000), (310, 20100), (198, 19900), (240, 30000)], 3,
         {"level": 0.99, "correction": "bh", "split": [1.0, 1.0, 1.0, 1.5]}),
    ]
    for name, model, metric, arms, ci, *rest in cases:
        opts = rest[0] if rest else {}
        level = mp.mpf(opts.get("level", 0.95))  # the f64 the crate receives
        z = z_two(level)
        half = (1 - level) / 2
        t0 = time.time()
        K = len(arms)
        if model == "rate":
            posts = [Post("beta", 1 + s, 1 + n - s) for s, n in arms]
        else:
            posts = [Post("gamma", 1 + c, e) for c, e in arms]
        best, loss = rank_reference(posts)
        variants = []
        raw_p = []
        for i, (num, den) in enumerate(arms):
            post = posts[i]
            rate = mp.mpf(num) / den
            if model == "rate":
                cl = beta_quantile(post.a, post.b, half)
                cu = beta_quantile(post.a, post.b, half, upper=True)
                wl, wu = wilson(num, den, z)
                conf = [S(wl), S(wu)]
                params = [post.a, post.b]
            else:
                cl = gamma_quantile(post.a, half) / post.b
                cu = gamma_quantile(post.a, half, upper=True) / post.b
                gl = mp.mpf(0) if num == 0 else gamma_quantile(num, half) / den
                gu = gamma_quantile(num + 1, half, upper=True) / den
                conf = [S(gl), S(gu)]
                params = [post.a, post.b]
            v = {
                "rate": S(rate), "params": params, "mean": S(post.mean),
                "credible": [S(cl), S(cu)], "confidence": conf,
                "prob_best": S(best[i]), "expected_loss": S(loss[i]),
            }
            if i != ci:
                c_num, c_den = arms[ci]
                c_rate = mp.mpf(c_num) / c_den
                diff = rate - c_rate
                cmp_ = {"difference": S(diff), "lift": None if c_num == 0 else S(diff / c_rate)}
                if model == "rate":
                    pb = beta_beats_exact(posts[ci], post)
                    if pb > 1e-6:
                        cross("beats", beats_quadrature(posts[ci], post), pb, 1e-10, name)
                    pp = mp.mpf(num + c_num) / (den + c_den)
                    if pp in (0, 1):
                        pv = mp.mpf(1)
                    else:
                        zz = (rate - c_rate) / mp.sqrt(pp * (1 - pp) * (mp.mpf(1) / den + mp.mpf(1) / c_den))
                        pv = 2 * norm_sf(abs(zz))
                        if den < 10**8:
                            cross("analysis-z", proportions_ztest([num, c_num], [den, c_den])[1], pv, 1e-8, name)
                    la, ua = wilson(c_num, c_den, z)
                    lb, ub = wilson(num, den, z)
                    cmp_["difference_interval"] = [
                        S(diff - mp.sqrt((rate - lb) ** 2 + (ua - c_rate) ** 2)),
                        S(diff + mp.sqrt((ub - rate) ** 2 + (c_rate - la) ** 2)),
                    ]
                    cmp_["ratio_interval"] = None
                else:
                    cpost = posts[ci]
                    # P(lam_B > lam_A) = I_{r_A/(r_A+r_B)}(a_A, a_B) = P(Bin(a_A+a_B-1, x) >= a_A)
                    x = mp.mpf(cpost.b) / (mp.mpf(cpost.b) + post.b)
                    pb = binom_sf(cpost.a + post.a - 1, x, cpost.a)
                    if pb > 1e-6:
                        cross("beats", beats_quadrature(cpost, post), pb, 1e-10, name)
                    n = c_num + num
                    p0 = mp.mpf(den) / (mp.mpf(c_den) + den)
                    pv, robust = binom_two_sided(n, p0, num) if n > 0 else (mp.mpf(1), True)
                    assert robust, name
                    if 0 < n <= 10**6:
                        cross("analysis-exact", stats.binomtest(num, n, float(p0)).pvalue, pv, 1e-9, name)
                    cmp_["difference_interval"] = None
                    if n == 0:
                        cmp_["ratio_interval"] = None
                    else:
                        lo, up = rate_ratio_exact(c_num, float(c_den), num, float(den), level)
                        cmp_["ratio_interval"] = [S(lo), S(up)]
                cmp_["prob_beats_control"] = S(pb)
                cmp_["p_value"] = S(pv)
                raw_p.append(pv)
                v["vs_control"] = cmp_
            else:
                v["vs_control"] = None
            variants.append(v)
        # Holm (default) or Benjamini-Hochberg over the K - 1 comparisons, in variant order
        m = len(raw_p)
        order = sorted(range(m), key=lambda i: raw_p[i])
        adj = [None] * m
        if opts.get("correction", "holm") == "holm":
            run = mp.mpf(0)
            for rank, i in enumerate(order, 1):
                run = max(run, min(mp.mpf(1), (m - rank + 1) * raw_p[i]))
                adj[i] = run
        else:
            run = mp.mpf(1)
            for rank in range(m, 0, -1):
                i = order[rank - 1]
                run = min(run, min(mp.mpf(1), raw_p[i] * m / rank))
                adj[i] = run
        it = iter(adj)
        for v in variants:
            if v["vs_control"] is not None:
                v["vs_control"]["adjusted_p_value"] = S(next(it))
        x2, dof, psrm, _ = srm_reference([d for _, d in arms], opts.get("split", [1.0] * K))
        add("analysis", name, {"model": model, "metric": metric, "arms": [list(a) for a in arms], "control": ci,
                               "options": opts},
            {"variants": variants, "srm": {"statistic": S(x2), "dof": dof, "p_value": S(psrm),
                                           "mismatch": bool(psrm < mp.mpf("0.001"))}},
            "posteriors Beta(1+s, 1+n-s) / Gamma(1+k, E); quantiles by Newton on exact binomial/Poisson "
            "tails (mpmath); P(best) = int f_k prod F_j and loss = int F_k (1 - prod_{j!=k} F_j) by "
            "20-point Gauss-Legendre panels (mpmath densities; CDFs = exact tail at the region end + integral "
            "of the density, checked against exact tails); P(beat): exact sum "
            "(Beta, small a), quadrature (Beta, large a) or exact binomial tail (Gamma); Wilson, Newcombe, "
            "pooled z (mpmath), exact conditional test / CP ratio interval / Garwood on exact tails; Holm (or BH); "
            "SRM chi-square (exact rationals + mpmath gammainc)")
        print(f"  analysis {name}: {time.time() - t0:.1f}s", file=sys.stderr)


def main():
    t0 = time.time()
    _check_tails()
    _check_beats()
    for f in (poisson_cases, rate_ratio_cases, poisson_rate_ci_cases, welch_cases, g_cases,
              ratio_or_cases, ztest_cases, power_cases, low_power_cases, multiple_cases, srm_cases, analysis_cases):
        t = time.time()
        f()
        print(f"{f.__name__}: {time.time() - t:.1f}s", file=sys.stderr)
    with open(OUT, "w") as fh:
        json.dump(CASES, fh, indent=1)
        fh.write("\n")
    print(f"{len(CASES)} cases -> {OUT} in {time.time() - t0:.0f}s", file=sys.stderr)
    for k, v in sorted(WORST.items()):
        print(f"  second route, worst relative difference {k}: {v:.2e}", file=sys.stderr)


if __name__ == "__main__":
    main()
