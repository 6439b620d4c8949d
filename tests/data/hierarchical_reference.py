"""Brute-force reference for postab's hierarchical model of paired blocks.

d_i ~ N(delta, v_i + 2 tau^2), flat prior on delta, half-Cauchy(0, 0.5) on tau:
tau is the between-post SD of a post's log rate, so the difference of a
block's two log rates varies by 2 tau^2 between blocks.
The joint posterior is integrated in two dimensions by scipy's dblquad
(QUADPACK, relative tolerance 1e-12), without postab's closed-form
integration over delta: the normaliser, P(delta > 0), E[delta] and
E[max(delta, 0)]. The inner integral over delta runs over +-40 conditional
standard deviations around the data, split at 0. (Case 0 was also
cross-checked against tests/data/calibration_reference.py's mpmath integrals.)
Blocks: cases of tests/data/paired-reference.json with at most 12 blocks.
Run: python3 tests/data/hierarchical_reference.py > tests/data/hierarchical-reference.json
"""
import json
import numpy as np
import scipy
from scipy import integrate

S = 0.5
doc = json.load(open("tests/data/paired-reference.json"))
out = []
for idx, case in enumerate(doc["cases"]):
    b = np.array(case["blocks"], dtype=float)
    if len(b) > 12:
        continue
    b = b + 0.5
    d = np.log(b[:, 2] / b[:, 3]) - np.log(b[:, 0] / b[:, 1])
    v = 1 / b[:, 2] - 1 / b[:, 3] + 1 / b[:, 0] - 1 / b[:, 1]
    m = d.mean()
    spread = np.abs(d - m).max()
    # Scale the joint by its value near the mode so QUADPACK sees O(1) numbers.
    def log_joint(delta, tau):
        s2 = v + 2 * tau * tau
        return (np.log(2 / (np.pi * S * (1 + (tau / S) ** 2)))
                + np.sum(-0.5 * np.log(2 * np.pi * s2) - (d - delta) ** 2 / (2 * s2)))
    taus = np.concatenate([[0.0], np.geomspace(1e-4, 1e4, 400)])
    ref = max(log_joint(m, t) for t in taus)

    def joint(delta, tau):
        return np.exp(log_joint(delta, tau) - ref)

    def width(tau):
        return np.sqrt(v.max() + 2 * tau * tau) + spread

    def integral(g, positive):
        total = 0.0
        tpts = [0.0, 1e-3, 1e-2, 1e-1, 1.0, 10.0, 100.0, np.inf]
        for t0, t1 in zip(tpts[:-1], tpts[1:]):
            lo = (lambda tau: 0.0) if positive else (lambda tau: m - 40 * width(tau))
            hi = lambda tau: max(m + 40 * width(tau), 1e-300)
            r, _ = integrate.dblquad(lambda delta, tau: g(delta) * joint(delta, tau), t0, t1, lo, hi,
                                     epsabs=0, epsrel=1e-12)
            total += r
        return total

    z = integral(lambda x: 1.0, False)
    pos = integral(lambda x: 1.0, True)
    mean = integral(lambda x: x, False)
    plus = integral(lambda x: x, True)
    out.append({"case": idx, "prob_b_better": pos / z, "mean": mean / z, "loss_choose_a": plus / z})
print(json.dumps({"scipy": scipy.__version__, "tau_prior_scale": S, "cases": out}, indent=1))
