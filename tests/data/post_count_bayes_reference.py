"""Reference P(delta > 0) and posterior mean of delta for postab's
post_count_bayes (tests/per_post.rs), by mpmath quadrature over tau.

Model: post i of variant g has y = ln((count + 1/2)/e) ~ N(theta_g, v + tau^2)
with v = 1/(count + 1/2); flat priors on theta_A, theta_B; tau half-Cauchy
of scale 0.5. Given tau, theta_g | data ~ N(mu_g, 1/W_g) (W_g = sum w_i,
w_i = 1/(v_i + tau^2), mu_g the w-weighted mean), and the marginal
likelihood of group g is prod sqrt(w_i) / sqrt(W_g) * exp(-1/2 sum w_i (y_i - mu_g)^2)
up to constants. Then P(delta > 0) = int p(tau | data) Phi((mu_B - mu_A)/s) dtau
with s^2 = 1/W_A + 1/W_B.

Run: python3 tests/data/post_count_bayes_reference.py > tests/data/post_count_bayes_reference.json
"""
import json

import mpmath as mp

mp.mp.dps = 30

CASES = [
    ([3, 8, 5, 12, 4, 6], None, [9, 25, 14, 40, 11, 17], None),
    ([40, 55, 31, 70], None, [45, 52, 38, 66], None),
    ([2, 0, 5], [1.2, 0.8, 2.0], [4, 1, 7, 3], [1.0, 1.1, 2.2, 0.9]),
    ([120], None, [150], None),
]


def obs(counts, exposure):
    e = exposure or [1.0] * len(counts)
    return [(mp.log((c + mp.mpf(0.5)) / x), 1 / (c + mp.mpf(0.5))) for c, x in zip(counts, e)]


def group(o, tau):
    w = [1 / (v + tau**2) for _, v in o]
    W = mp.fsum(w)
    mu = mp.fsum(wi * y for wi, (y, _) in zip(w, o)) / W
    ll = mp.fsum(mp.log(wi) / 2 for wi in w) - mp.log(W) / 2 - mp.fsum(
        wi * (y - mu) ** 2 for wi, (y, _) in zip(w, o)
    ) / 2
    return mu, W, ll


out = []
for ca, ea, cb, eb in CASES:
    A, B = obs(ca, ea), obs(cb, eb)

    def parts(tau):
        ma, wa, la = group(A, tau)
        mb, wb, lb = group(B, tau)
        prior = 1 / (1 + (tau / mp.mpf(0.5)) ** 2)
        return prior * mp.exp(la + lb), mb - ma, mp.sqrt(1 / wa + 1 / wb)

    pts = [0, 0.01, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 20, 100, mp.inf]
    z = mp.quad(lambda t: parts(t)[0], pts)
    p = mp.quad(lambda t: (lambda q: q[0] * mp.ncdf(q[1] / q[2]))(parts(t)), pts) / z
    m = mp.quad(lambda t: (lambda q: q[0] * q[1])(parts(t)), pts) / z
    out.append({"a": ca, "exposure_a": ea, "b": cb, "exposure_b": eb,
                "prob_b_better": float(p), "mean": float(m)})
print(json.dumps({"cases": out}, indent=1))
