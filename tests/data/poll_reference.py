"""Reference values for postab's poll analysis (tests/poll.rs).

P(option i is the most chosen) under the Dirichlet posterior
Dirichlet(votes + prior): with independent G_j ~ Gamma(a_j, 1), the shares
G_j / sum(G) are Dirichlet(a), so
    P_i = integral_0^inf g(x; a_i) * prod_{j != i} P(a_j, x) dx
(P the regularized lower incomplete gamma), computed with mpmath at 40
digits. Goodman (1965) simultaneous intervals from statsmodels
`multinomial_proportions_confint(counts, alpha, method="goodman")`.

Run: python3 tests/data/poll_reference.py > tests/data/poll_reference.json
"""
import json

import mpmath as mp
import numpy as np
from statsmodels.stats.proportion import multinomial_proportions_confint

mp.mp.dps = 40

CASES = [
    ([10, 7], 1.0),
    ([12, 12, 5], 1.0),
    ([0, 3, 8, 9], 1.0),
    ([400, 380, 390, 120, 10], 1.0),
    ([1, 2, 3, 4, 5, 6], 0.5),
    ([56, 72, 73, 59, 62, 87, 58], 1.0),
    ([0, 0, 1], 1.0),
    ([5000, 5100], 1.0),
]


def prob_most(a):
    a = [mp.mpf(x) for x in a]
    out = []
    for i, ai in enumerate(a):
        def f(x, i=i, ai=ai):
            dens = mp.exp((ai - 1) * mp.log(x) - x - mp.loggamma(ai))
            prod = mp.mpf(1)
            for j, aj in enumerate(a):
                if j != i:
                    prod *= mp.gammainc(aj, 0, x, regularized=True)
            return dens * prod
        # 120 equal panels up to far past the largest mode, then the tail:
        # the product peaks between the modes (a lopsided loser's at
        # x ~ 326 for shapes 121 and ~400), where a coarse split misses it.
        top = max(a) + 20 * mp.sqrt(max(a)) + 50
        pts = [top * k / 120 for k in range(121)] + [mp.inf]
        out.append(mp.quad(f, pts))
    return out


cases = []
for votes, prior in CASES:
    a = [v + prior for v in votes]
    p = prob_most(a)
    ci = multinomial_proportions_confint(np.array(votes), alpha=0.05, method="goodman")
    cases.append(
        {
            "votes": votes,
            "prior": prior,
            "prob_most_chosen": [float(x) for x in p],
            "sum_minus_one": float(mp.fsum(p) - 1),
            "goodman_95": [[float(lo), float(hi)] for lo, hi in ci],
        }
    )
print(json.dumps({"cases": cases}, indent=1))
