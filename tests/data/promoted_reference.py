"""Reference values for tests/promoted.rs: clicks per unit of spend.

Run: python3 tests/data/promoted_reference.py > tests/data/promoted_reference.json
(scipy 1.17.1, statsmodels 0.15.0, mpmath 1.3.0).

Each case: control A and variant B, each `count` promoted clicks over `spend`
currency units (several posts for the fixture case).
* statsmodels `test_poisson_2indep(count_B, spend_B, count_A, spend_A,
  method="exact-cond" | "score")`: two-sided p-values of lambda_B/lambda_A = 1
  (and the score statistic);
* the exact conditional interval of lambda_B/lambda_A: scipy's
  Clopper-Pearson interval of count_B out of count_A + count_B,
  R = pi/(1 - pi) * spend_A/spend_B;
* Bayesian, flat Gamma(1, 0) prior: posteriors Gamma(1 + count, spend);
  P(lambda_B > lambda_A) by the identity
  P = I_{s_A/(s_A + s_B)}(1 + count_A, 1 + count_B), for these integer
  shapes a binomial tail summed term by term in 40-digit mpmath arithmetic, checked against mpmath quadrature of f_B(x) F_A(x) to 1e-15
  where the shapes are at most 1000 (above, mpmath's gammainc does not
  converge),
  credible intervals of lambda (scipy gamma.ppf), of the cost per click
  1/lambda (the reciprocals), and of lambda_B/lambda_A =
  (G_B/G_A) spend_A/spend_B with G_B/G_A ~ BetaPrime(1 + count_B, 1 + count_A)
  (scipy betaprime.ppf);
* post level (the fixture case): scipy ttest_ind (pooled variance) of
  ln((clicks + 1/2)/spend) per post, and its 95 % interval of the ratio of
  geometric means.
"""
import json

import mpmath as mp
import numpy as np
from scipy import stats
from statsmodels.stats.rates import test_poisson_2indep

mp.mp.dps = 40
LEVEL = 0.95

CASES = [
    # the X Ads fixture: per-day rows of two campaigns (question, statement)
    ("x_ads_fixture", [(96, 25.40), (81, 24.95), (88, 25.15)],
     [(121, 25.00), (130, 25.32), (109, 24.88)]),
    ("small", [(3, 12.5)], [(9, 10.25)]),
    ("control_zero", [(0, 5.0)], [(4, 7.5)]),
    ("variant_worse", [(50, 20.0)], [(30, 25.0)]),
    ("fractional_spend", [(17, 0.83)], [(29, 1.17)]),
    ("large", [(120000, 45000.75)], [(123500, 45500.5)]),
]


def beta_inc_integer(a, b, x):
    """I_x(a, b) for integer shapes: P(Binomial(a + b - 1, x) >= a), the
    terms summed with their ratio recurrence in 40-digit arithmetic."""
    n = a + b - 1
    term = mp.exp(mp.loggamma(n + 1) - mp.loggamma(a + 1) - mp.loggamma(n - a + 1)
                  + a * mp.log(x) + (n - a) * mp.log(1 - x))
    total = mp.mpf(0)
    for j in range(a, n + 1):
        total += term
        term *= mp.mpf(n - j) / (j + 1) * x / (1 - x)
    return total


def prob_b_greater(aa, ra, ab, rb):
    identity = beta_inc_integer(aa, ab, mp.mpf(ra) / (ra + rb))
    if max(aa, ab) > 1000:
        return identity
    fb = lambda x: mp.exp(ab * mp.log(rb) + (ab - 1) * mp.log(x) - rb * x - mp.loggamma(ab))
    fa_cdf = lambda x: mp.gammainc(aa, 0, ra * x, regularized=True)
    mean, sd = ab / rb, mp.sqrt(ab) / rb
    pts = [0] + [max(mean + k * sd, 0) for k in (-12, -6, -3, 0, 3, 6, 12)] + [mp.inf]
    pts = sorted(set(pts))
    quad = mp.quad(lambda x: fb(x) * fa_cdf(x), pts)
    assert abs(quad - identity) < mp.mpf(10) ** -15, (quad, identity)
    return identity


out = []
for name, a_posts, b_posts in CASES:
    ka = sum(c for c, _ in a_posts)
    sa = sum(s for _, s in a_posts)
    kb = sum(c for c, _ in b_posts)
    sb = sum(s for _, s in b_posts)
    exact = test_poisson_2indep(kb, sb, ka, sa, method="exact-cond")
    score = test_poisson_2indep(kb, sb, ka, sa, method="score")
    ci = stats.binomtest(kb, ka + kb).proportion_ci(confidence_level=LEVEL, method="exact")
    conv = lambda p: float("inf") if p >= 1 else p / (1 - p) * sa / sb
    aa, ab = 1 + ka, 1 + kb
    tail = (1 - LEVEL) / 2
    lam_a = [stats.gamma.ppf(q, aa, scale=1 / sa) for q in (tail, 1 - tail)]
    lam_b = [stats.gamma.ppf(q, ab, scale=1 / sb) for q in (tail, 1 - tail)]
    ratio = [stats.betaprime.ppf(q, ab, aa) * sa / sb for q in (tail, 1 - tail)]
    case = {
        "name": name,
        "a": [list(p) for p in a_posts],
        "b": [list(p) for p in b_posts],
        "exact_cond_p": float(exact.pvalue),
        "score_p": float(score.pvalue),
        "score_statistic": float(score.statistic),
        "ratio_ci": [conv(ci.low), conv(ci.high)],
        "prob_b_better": float(prob_b_greater(aa, sa, ab, sb)),
        "lambda_a": lam_a,
        "lambda_b": lam_b,
        "cost_a": [1 / lam_a[1], 1 / lam_a[0]],
        "cost_b": [1 / lam_b[1], 1 / lam_b[0]],
        "ratio_interval": ratio,
    }
    if len(a_posts) >= 2 and len(b_posts) >= 2:
        la = np.log([(c + 0.5) / s for c, s in a_posts])
        lb = np.log([(c + 0.5) / s for c, s in b_posts])
        t = stats.ttest_ind(lb, la, equal_var=True)
        ci_t = t.confidence_interval(LEVEL)
        case["post_level"] = {
            "t": float(t.statistic),
            "p": float(t.pvalue),
            "ratio_interval": [float(np.exp(ci_t.low)), float(np.exp(ci_t.high))],
        }
    out.append(case)

def finite_or_text(x):
    if isinstance(x, float) and x == float("inf"):
        return "inf"
    if isinstance(x, list):
        return [finite_or_text(v) for v in x]
    if isinstance(x, dict):
        return {k: finite_or_text(v) for k, v in x.items()}
    return x


print(json.dumps(finite_or_text(out), indent=1))
