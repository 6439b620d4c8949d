"""Reference values for postab's special functions, computed with mpmath at
50 significant digits. Run: python3 tests/data/gen_numeric.py > tests/data/numeric-mpmath.json
Every value is stored as a decimal string with 25 significant digits."""
import json
import mpmath as mp

mp.mp.dps = 50


def s(x):
    return mp.nstr(x, 25, min_fixed=1, max_fixed=0)


def cf_lower(a, b, x):
    """I_x(a, b) by the standard continued fraction (Lentz) at 60 digits,
    valid for x < (a+1)/(a+b+2)."""
    tiny = mp.mpf(10) ** -200
    qab, qap, qam = a + b, a + 1, a - 1
    c, d = mp.mpf(1), 1 - qab * x / qap
    d = 1 / d
    h = d
    m = 1
    while True:
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1 + aa * d
        c = 1 + aa / c
        d = 1 / d
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1 + aa * d
        c = 1 + aa / c
        d = 1 / d
        de = d * c
        h *= de
        if abs(de - 1) < mp.mpf(10) ** -45:
            break
        m += 1
    lnpre = a * mp.log(x) + b * mp.log(1 - x) - (mp.loggamma(a) + mp.loggamma(b) - mp.loggamma(a + b))
    return mp.exp(lnpre) * h / a


def ibeta(a, b, x):
    with mp.workdps(60):
        a, b, x = mp.mpf(a), mp.mpf(b), mp.mpf(x)
        if x < (a + 1) / (a + b + 2):
            lo = cf_lower(a, b, x)
            return lo, 1 - lo
        up = cf_lower(b, a, 1 - x)
        return 1 - up, up


def gamma_p_series(a, x):
    """P(a, x) = x^a e^-x / Gamma(a + 1) * sum_k x^k / ((a+1)...(a+k)) at 80
    digits, until a term is below 1e-60 of the sum."""
    with mp.workdps(80):
        term, total, k = mp.mpf(1), mp.mpf(0), 0
        while term > total * mp.mpf(10) ** -60:
            total += term
            k += 1
            term *= x / (a + k)
        return mp.exp(a * mp.log(x) - x - mp.loggamma(a + 1)) * total


cases = []
# Incomplete beta: small, realistic and extreme parameters, both tails.
for a, b, x in [
    (0.5, 0.5, 0.3), (1, 1, 0.2), (2, 3, 0.999), (0.5, 20.5, 1e-4), (4, 38, 0.3),
    (301, 19701, 0.015), (301, 19701, 0.02), (301, 19701, 0.01),
    (30001, 1970001, 0.0152), (30001, 1970001, 0.0140),
    (1e5, 1e5, 0.5), (1e5, 1e5, 0.502),
    (3000001, 197000001, 0.01502), (3000001, 197000001, 0.0151),
    (1, 1e7 + 1, 1e-7), (1, 1e9 + 1, 3e-9), (0.5, 1e9, 1e-12),
    (3e8, 7e8, 0.30002), (5, 1e6, 1e-4),
    # small a, huge b, x beyond the switch point: the complement of x near 1
    # must not cost b·1e-16 (Welch t tails, Jeffreys prior at 0 successes)
    (0.5, 1e9, 1.9e-9), (0.5, 1e9, 2e-8), (0.5, 1e8, 6e-7), (3.5, 1e9, 2e-8), (1e9, 0.5, 1 - 1.9e-9),
    # around the switch between the continued fraction and Euler–Maclaurin
    # summation (long series: a above ~100, x within a few sd of the mean)
    (150, 5000, 0.0252), (150, 5000, 0.0335), (99.5, 1e4, 0.0085), (2000, 2000, 0.48),
    (1000, 1e9, 9e-7), (1000, 1e9, 1.1e-6), (5e6, 5e6, 0.4999), (1234.5, 98765.25, 0.0118),
    (1234.5, 98765.25, 0.0131), (4e4, 6e4, 0.4), (4e4, 6e4, 0.396),
]:
    if max(a, b) < 1e4:  # independent cross-check of the continued fraction
        q = mp.betainc(a, b, 0, x, regularized=True)  # mpmath's hypergeometric route
        assert abs(q / ibeta(a, b, x)[0] - 1) < 1e-20, (a, b, x)
    lo, up = ibeta(a, b, x)
    cases.append({"kind": "beta_inc", "a": a, "b": b, "x": x, "lower": s(lo), "upper": s(up)})

# Incomplete gamma / chi-square.
for a, x in [(0.5, 0.1), (0.5, 30.0), (1, 1e-3), (4, 40), (10, 3), (100, 150), (1e4, 1e4 + 300),
             (1e6, 1e6 - 5e3), (1e6, 1e6 + 1e3), (2, 500), (0.5, 250),
             # around the switch to Euler–Maclaurin summation of either series
             (150, 130), (150, 175), (1e8, 1e8 - 3e4), (1e8, 1e8 + 5e4), (2000.5, 1900),
             (5e5, 5e5 + 2000), (300, 300)]:
    a_, x_ = mp.mpf(a), mp.mpf(x)
    if a < 1e7:
        p = mp.gammainc(a_, 0, x_, regularized=True)
        q = mp.gammainc(a_, x_, mp.inf, regularized=True)
    else:  # mpmath's hypergeometric sum gives up: sum the series ourselves
        p = gamma_p_series(a_, x_)
        q = 1 - p
    cases.append({"kind": "gamma_inc", "a": a, "x": x, "lower": s(p), "upper": s(q)})

# Normal tails.
for z in [0.0, 0.5, 1.959963984540054, 3.0, 8.0, 20.0, 37.5, -5.0]:
    cases.append({"kind": "normal_sf", "z": z, "sf": s(mp.ncdf(-mp.mpf(z)))})

print(json.dumps(cases, indent=1))
