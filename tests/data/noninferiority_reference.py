"""Reference values for postab::freq::proportions_null_test (tests/guardrail.rs).

Two-sample proportion tests against a non-zero null (non-inferiority and
superiority margins), as statsmodels 0.15.0 computes them:

    statsmodels.stats.proportion.test_proportions_2indep(
        count1=s_B, nobs1=n_B, count2=s_A, nobs2=n_A,
        value=value, compare=compare, method=method,
        alternative=alternative, correction=correction)

postab orients effects as the variant B relative to the control A, so
statsmodels' first sample is B: diff = p_B - p_A, ratio = p_B / p_A, and
alternative "larger" means B above the null value.

Every case is recomputed with mpmath at 60 digits from the same formulas
("expected"); statsmodels' own value (double precision) is stored beside it
("statsmodels") and cross-checked here. One deliberate departure: for
compare="diff", method="score" statsmodels' closed-form cubic for the
restricted maximum-likelihood rates has count0 where nobs0 belongs in the
linear coefficient (statsmodels issue #10269; the same bug is documented in
src/freq/ztest.rs). "expected" uses the restricted MLE itself, found by
bisection on the score equation of the restricted likelihood and checked to
maximise it; "statsmodels" keeps statsmodels' number, and the script checks
that the two differ by no more than the bug explains (the same mpmath
formula with count0 reproduces statsmodels).

p-values are normal tails computed as tails (erfc), so they keep relative
accuracy below 1e-16.

Run: python3 tests/data/noninferiority_reference.py > tests/data/noninferiority_reference.json
"""
import json
import sys

import mpmath as mp
import numpy as np
import scipy
import statsmodels
from statsmodels.stats.proportion import test_proportions_2indep

mp.mp.dps = 60


def sf(z):
    return mp.erfc(z / mp.sqrt(2)) / 2


def p_value(z, alt):
    if alt == "two-sided":
        return 2 * sf(abs(z))
    if alt == "larger":
        return sf(z)
    return sf(-z)


def restricted_mle_diff(sa, na, sb, nb, d):
    """p_A maximising the binomial likelihood subject to p_B - p_A = d."""
    lo, hi = max(mp.mpf(0), -d), min(mp.mpf(1), 1 - d)

    def score(p):  # derivative of the restricted log-likelihood
        q = p + d
        v = mp.mpf(0)
        for cnt, tot, r in ((sa, na, p), (sb, nb, q)):
            if cnt:
                v += cnt / r
            if tot - cnt:
                v -= (tot - cnt) / (1 - r)
        return v

    a, b = lo, hi
    # the score decreases from +inf to -inf on (lo, hi) (concave likelihood)
    for _ in range(400):
        m = (a + b) / 2
        if score(m) > 0:
            a = m
        else:
            b = m
        if b - a < mp.mpf(10) ** -55:
            break
    return (a + b) / 2


def mn_cubic_statsmodels(sa, na, sb, nb, d):
    """statsmodels' closed-form root (count0 in the linear coefficient)."""
    n1, n0, c0 = nb, na, sa
    n, c = n0 + n1, sa + sb
    t3 = n
    t2 = (n1 + 2 * n0) * d - n - c
    t1 = (c0 * d - n - 2 * c0) * d + c
    t0 = c0 * d * (1 - d)
    u = t2 / (3 * t3)
    q = u**3 - t1 * t2 / (6 * t3**2) + t0 / (2 * t3)
    p = mp.sign(q) * mp.sqrt(u * u - t1 / (3 * t3))
    ang = (mp.pi + mp.acos(q / p**3)) / 3
    return 2 * p * mp.cos(ang) - u


def reference(sa, na, sb, nb, compare, method, value, alt, correction, buggy=False):
    """(statistic, p-value) in mpmath; b = first sample (statsmodels' 1)."""
    c1, n1, c0, n0 = mp.mpf(sb), mp.mpf(nb), mp.mpf(sa), mp.mpf(na)
    v = mp.mpf(value)
    n, c = n1 + n0, c1 + c0
    if compare == "diff" and method in ("wald", "agresti-caffo"):
        k = 1 if method == "agresti-caffo" else 0
        p1, p0 = (c1 + k) / (n1 + 2 * k), (c0 + k) / (n0 + 2 * k)
        var = p1 * (1 - p1) / (n1 + 2 * k) + p0 * (1 - p0) / (n0 + 2 * k)
        z = (p1 - p0 - v) / mp.sqrt(var)
    elif compare == "ratio" and method in ("log", "log-adjusted"):
        h = mp.mpf(1) / 2 if method == "log-adjusted" else 0
        a1, m1, a0, m0 = c1 + h, n1 + h, c0 + h, n0 + h
        var = 1 / a1 - 1 / m1 + 1 / a0 - 1 / m0
        z = (mp.log((a1 / m1) / (a0 / m0)) - mp.log(v)) / mp.sqrt(var)
    elif method == "score" and compare == "diff":
        if v == 0:
            q0 = q1 = c / n
        else:
            if buggy:
                q0 = mn_cubic_statsmodels(sa, na, sb, nb, v)
            else:
                q0 = restricted_mle_diff(sa, na, sb, nb, v)
            q1 = q0 + v
        var = q1 * (1 - q1) / n1 + q0 * (1 - q0) / n0
        if correction:
            var *= n / (n - 1)
        z = (c1 / n1 - c0 / n0 - v) / mp.sqrt(var)
    elif method == "score" and compare == "ratio":
        if v == 1:
            q0 = q1 = c / n
        else:
            a = n * v
            b = -(n1 * v + c1 + n0 + c0 * v)
            q0 = (-b - mp.sqrt(b * b - 4 * a * c)) / (2 * a)
            q1 = q0 * v
        var = q1 * (1 - q1) / n1 + v**2 * q0 * (1 - q0) / n0
        if correction:
            var *= n / (n - 1)
        z = (c1 / n1 - v * c0 / n0) / mp.sqrt(var)
        if not buggy:
            # the constrained MLE maximises the restricted likelihood
            def ll(p):
                t = mp.mpf(0)
                for cnt, tot, r in ((c0, n0, p), (c1, n1, p * v)):
                    if cnt:
                        t += cnt * mp.log(r)
                    if tot - cnt:
                        t += (tot - cnt) * mp.log1p(-r)
                return t
            hi = min(mp.mpf(1), 1 / v)
            for h in (mp.mpf("1e-9") * q0, -mp.mpf("1e-9") * q0):
                if 0 < q0 + h < hi:
                    assert ll(q0) >= ll(q0 + h), (sa, na, sb, nb, value)
    else:
        raise ValueError((compare, method))
    return z, p_value(z, alt)


# (name, (s_A, n_A), (s_B, n_B)): small, realistic (20k impressions), large (1e8)
ARMS = [
    ("small", (9, 160), (12, 150)),
    ("small-zero-b", (3, 120), (0, 130)),
    ("realistic", (410, 20_000), (452, 20_100)),
    ("realistic-worse", (410, 20_000), (371, 19_900)),
    ("unfollows", (41, 20_000), (47, 20_300)),
    ("large", (2_000_000, 100_000_000), (2_010_000, 100_000_000)),
    ("large-rare", (30_000, 100_000_000), (30_400, 100_100_000)),
]
# null values per comparison, scaled to the case's rates
DIFF_NULLS = {
    "small": [-0.05, 0.03],
    "small-zero-b": [-0.03, 0.02],
    "realistic": [-0.002, 0.001],
    "realistic-worse": [-0.002, -0.004],
    "unfollows": [0.0005, 0.001],
    "large": [-0.0005, 0.00012],
    "large-rare": [0.00002, -0.00001],
}
RATIO_NULLS = {
    "small": [0.8, 1.25],
    "small-zero-b": [0.5],
    "realistic": [0.95, 1.05],
    "realistic-worse": [0.9, 1.1],
    "unfollows": [1.1, 1.5],
    "large": [0.99, 1.002],
    "large-rare": [1.05, 0.98],
}
METHODS = {
    "diff": [("wald", True), ("agresti-caffo", True), ("score", True), ("score", False)],
    "ratio": [("log", True), ("log-adjusted", True), ("score", True), ("score", False)],
}
ALTS = ["two-sided", "larger", "smaller"]


def main():
    cases = []
    worst = {}
    for name, (sa, na), (sb, nb) in ARMS:
        for compare, nulls in (("diff", DIFF_NULLS[name]), ("ratio", RATIO_NULLS[name])):
            for value in nulls:
                for method, correction in METHODS[compare]:
                    for alt in ALTS:
                        if compare == "ratio" and method == "log" and min(sa, sb) == 0:
                            continue  # undefined: log of 0 (postab: Error::Undefined)
                        z, p = reference(sa, na, sb, nb, compare, method, value, alt, correction)
                        res = test_proportions_2indep(
                            sb, nb, sa, na, value=value, compare=compare, method=method,
                            alternative=alt, correction=correction)
                        sm_z, sm_p = float(res.statistic), float(res.pvalue)
                        bug = compare == "diff" and method == "score" and value != 0
                        if bug:
                            zb, pb = reference(sa, na, sb, nb, compare, method, value, alt,
                                               correction, buggy=True)
                        else:
                            zb, pb = z, p
                        # statsmodels agrees with its own formula evaluated exactly
                        key = f"{compare} {method}"
                        err_z = abs(sm_z - zb) / max(abs(zb), mp.mpf("1e-300"))
                        err_p = abs(sm_p - pb) / pb
                        worst[key] = max(worst.get(key, 0), float(err_z), float(err_p))
                        tol = 1e-5 if na >= 10**8 else 1e-9
                        assert err_p < tol or abs(sm_p - pb) < 1e-15, (name, key, value, alt, sm_p, pb)
                        cid = f"{name}/{compare}/{method}{'' if correction else '-nocorr'}/{value}/{alt}"
                        cases.append({
                            "id": cid,
                            "a": [sa, na],
                            "b": [sb, nb],
                            "compare": compare,
                            "method": method,
                            "correction": correction,
                            "value": value,
                            "alternative": alt,
                            "expected": {"statistic": mp.nstr(z, 20), "p_value": mp.nstr(p, 20)},
                            "statsmodels": {"statistic": sm_z, "p_value": sm_p},
                            "statsmodels_bug_10269": bug,
                        })
    print(json.dumps({
        "source": "tests/data/noninferiority_reference.py",
        "versions": {
            "statsmodels": statsmodels.__version__,
            "scipy": scipy.__version__,
            "numpy": np.__version__,
            "mpmath": mp.__version__,
        },
        "convention": "a = control A, b = variant B; statsmodels called as "
                      "test_proportions_2indep(s_B, n_B, s_A, n_A, value, compare, method, "
                      "alternative, correction); expected: mpmath (60 digits) of the same "
                      "formula, diff/score with the exact restricted MLE (statsmodels #10269)",
        "cases": cases,
    }, indent=1))
    for k, v in sorted(worst.items()):
        print(f"statsmodels vs its formula in mpmath, {k}: worst relative {v:.2e}", file=sys.stderr)


if __name__ == "__main__":
    main()
