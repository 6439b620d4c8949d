"""Brute-force reference for postab's threshold tails of the hierarchical
posterior, P(delta > t) (postab::repeated::post_prob_above and
paired_prob_above; tests/hierarchy_tail.rs).

Model (see postab::repeated::HierarchicalPosterior): a post with s successes
in n trials has y = ln((s + 1/2)/(n + 1/2)) and v = 1/(s + 1/2) - 1/(n + 1/2)
(at least 1e-12); tau ~ half-Cauchy(0.5), the between-post SD of a post's
log rate.
  * posts:  y_gi ~ N(theta_g, v_gi + tau^2), flat theta_A, theta_B,
            delta = theta_B - theta_A;
  * blocks: d_i = y_Bi - y_Ai ~ N(delta, v_Ai + v_Bi + 2 tau^2), flat delta;
  * history: y_j ~ N(m, v_j + tau^2), flat m; its likelihood in tau (m
            integrated out) multiplies tau's prior.

Nothing of postab's closed form in delta is used: the joint density of
(delta, tau) is evaluated from the data at every point -- for posts with
theta_A integrated out as the common location of {y_A} and {y_B - delta}
(a Gaussian integral), for blocks as the product of the blocks' normal
densities -- and integrated numerically in both variables by nested
scipy.integrate.quad (QUADPACK, epsabs 0, epsrel 1e-12): outer over
u = ln tau on pieces 0.5 wide across the significant range, to u = -80
and 80 beyond, inner over delta on pieces of +-40 conditional SDs
(located by a parabola through three values of the log density, which is
exactly quadratic in delta). The tail P(delta > t) is integrated over
[t, inf) itself (never 1 - P(delta < t)); the script checks that the two
tails add up to the normaliser (1e-11), and at t = 0 reproduces the 30-digit
mpmath values of tests/data/calibration-reference.json (1e-10), whose counts
it reuses.
Run: python3 tests/data/hierarchy_tail_reference.py > tests/data/hierarchy-tail-reference.json
"""
import json
import math
import re
import sys
import warnings

import numpy as np
import scipy
from scipy import integrate

S = 0.5
# QUADPACK warns of roundoff near its tolerance; the tails are checked below.
warnings.simplefilter("ignore", integrate.IntegrationWarning)
EPS = 1e-12
CAL = json.load(open("tests/data/calibration-reference.json"))


def log_rates(posts):
    p = np.array([q for q in posts if q[1] > 0], dtype=float) + 0.5
    return np.log(p[:, 0] / p[:, 1]), np.maximum(1 / p[:, 0] - 1 / p[:, 1], 1e-12)


def flat_mean_loglike(y, s2):
    """ln of the integral over a flat mean of prod N(y_i; m, s2_i), up to a
    constant (2 pi)^(-(n-1)/2)."""
    w = 1 / s2
    sw = w.sum()
    m = (w * y).sum() / sw
    return 0.5 * np.log(w).sum() - 0.5 * np.log(sw) - 0.5 * (w * (y - m) ** 2).sum()


class Case:
    def __init__(self, spec):
        self.spec = spec
        hist = spec.get("history")
        self.hist = log_rates(hist) if hist else None
        if "blocks" in spec:
            b = np.array(spec["blocks"], dtype=float) + 0.5
            self.d = np.log(b[:, 2] / b[:, 3]) - np.log(b[:, 0] / b[:, 1])
            self.v = np.maximum(1 / b[:, 0] - 1 / b[:, 1] + 1 / b[:, 2] - 1 / b[:, 3], 1e-12)
            self.blocks = True
        else:
            self.ya, self.va = log_rates(spec["a"])
            self.yb, self.vb = log_rates(spec["b"])
            self.blocks = False

    def log_tau(self, tau):
        """ln(prior(tau) * L_history(tau)), up to a constant."""
        lp = -math.log1p((tau / S) ** 2)
        if self.hist is not None:
            lp += flat_mean_loglike(self.hist[0], self.hist[1] + tau * tau)
        return lp

    def log_data(self, delta, tau):
        """ln p(data | delta, tau), up to a constant."""
        t2 = tau * tau
        if self.blocks:
            s2 = self.v + 2 * t2
            return (-0.5 * np.log(s2) - 0.5 * (self.d - delta) ** 2 / s2).sum()
        y = np.concatenate([self.ya, self.yb - delta])
        s2 = np.concatenate([self.va, self.vb]) + t2
        return flat_mean_loglike(y, s2)

    def centre(self, tau):
        """(m, sd, ln p at m): the log density is a parabola in delta."""
        vmax = self.v.max() if self.blocks else max(self.va.max(), self.vb.max())
        h = math.sqrt(vmax + 2 * tau * tau)
        f0, f1, f2 = (self.log_data(x, tau) for x in (-h, 0.0, h))
        a = (0.5 * (f2 + f0) - f1) / (h * h)
        b = 0.5 * (f2 - f0) / h
        m = -b / (2 * a)
        return m, math.sqrt(-0.5 / a), self.log_data(m, tau)

    def layout(self):
        us = np.arange(-25.0, 80.0001, 0.5)
        g = []
        for u in us:
            tau = math.exp(u)
            m, sd, top = self.centre(tau)
            g.append(top + math.log(sd) + self.log_tau(tau) + u)
        g = np.array(g)
        self.ref = g.max()
        sig = np.nonzero(g > self.ref - 60)[0]
        lo, hi = us[sig[0]] - 1.0, us[sig[-1]] + 1.0
        self.breaks = list(np.arange(lo, hi + 1e-9, 0.5))

    def inner(self, tau, lower):
        m, sd, _ = self.centre(tau)
        c = self.log_tau(tau) + math.log(tau) - self.ref
        ks = [-40, -20, -10, -5, -3, -1.5, -0.5, 0.5, 1.5, 3, 5, 10, 20, 40]
        pts = [m + k * sd for k in ks]
        if lower is not None:
            if lower >= pts[-1]:
                return 0.0
            pts = [lower] + [p for p in pts if p > lower]
        f = lambda x: math.exp(self.log_data(x, tau) + c)
        total = 0.0
        for a, b in zip(pts[:-1], pts[1:]):
            r, _ = integrate.quad(f, a, b, epsabs=0, epsrel=EPS, limit=200)
            total += r
        return total

    def below(self, tau, t):
        """The mass below t (for the check that both tails add up)."""
        m, sd, _ = self.centre(tau)
        c = self.log_tau(tau) + math.log(tau) - self.ref
        ks = [-40, -20, -10, -5, -3, -1.5, -0.5, 0.5, 1.5, 3, 5, 10, 20, 40]
        pts = [m + k * sd for k in ks]
        if t <= pts[0]:
            return 0.0
        pts = [p for p in pts if p < t] + [t]
        f = lambda x: math.exp(self.log_data(x, tau) + c)
        return sum(integrate.quad(f, a, b, epsabs=0, epsrel=EPS, limit=200)[0]
                   for a, b in zip(pts[:-1], pts[1:]))

    def outer(self, g):
        def h(u):
            # Below, the density is e^u times at most its peak; above, it
            # falls at least like e^-u (the half-Cauchy's tail): less than
            # 1e-34 of the mass beyond these.
            if u > 80 or u < -80:
                return 0.0
            return g(math.exp(u))
        ends = [-np.inf] + self.breaks + [np.inf]
        return sum(integrate.quad(h, a, b, epsabs=0, epsrel=EPS, limit=200)[0]
                   for a, b in zip(ends[:-1], ends[1:]))


def cal_case(name):
    c = next(c for c in CAL["cases"] if c["name"] == name)
    spec = {k: c[k] for k in ("a", "b", "blocks") if k in c}
    if c["history"]:
        spec["history"] = CAL["histories"][c["history"]]["posts"]
    return spec, c["prob_b_better"]


def bench_posts(salt):
    """benches/repeated.rs's counts."""
    out = []
    for i in range(20):
        n = 1000 + (i * 7919 + salt * 104729) % 4000
        out.append([n // 50 + (i * 31 + salt * 17) % 23, n])
    return out


GUARD = math.log(1 - 0.05)
CASES = [
    # (name, calibration case or spec, thresholds)
    ("several_bare", "several_bare", [0.0, GUARD, 0.3]),
    ("several_history", "several_history", [0.0, GUARD, 2.0]),
    ("one_v_one_history", "one_v_one_history", [0.0, GUARD, 3.0]),
    ("one_v_one_bare", "one_v_one_bare", [0.0, GUARD, 3.0]),
    ("paired_bare", "paired_bare", [0.0, GUARD, 1.0]),
    ("paired_large_history", "paired_large_history", [0.0, GUARD, 1.0, 1.5]),
    ("near_binomial_history", "near_binomial_history", [0.0, GUARD, 0.6, 0.8]),
    ("bench_2x20", {"a": bench_posts(1), "b": bench_posts(2)}, [GUARD, 0.0, 0.25]),
]


def main():
    wanted = set(sys.argv[1:])
    out = []
    for name, src, thresholds in CASES:
        if wanted and name not in wanted:
            continue
        if isinstance(src, str):
            spec, mp_b = cal_case(src)
        else:
            spec, mp_b = src, None
        case = Case(spec)
        case.layout()
        z = case.outer(lambda tau: case.inner(tau, None))
        rows = []
        for t in thresholds:
            above = case.outer(lambda tau: case.inner(tau, t))
            below = case.outer(lambda tau: case.below(tau, t))
            assert abs(above + below - z) <= 1e-11 * z, (name, t, above + below, z)
            p = above / z
            if t == 0.0 and mp_b is not None:
                assert abs(p - mp_b) <= 1e-10, (name, p, mp_b)
            rows.append({"threshold": t, "prob_above": p})
            print(name, t, p, file=sys.stderr)
        entry = {"name": name, "unit": "block" if case.blocks else "post"}
        entry.update(spec)
        entry["tails"] = rows
        out.append(entry)
    text = json.dumps({
        "scipy": scipy.__version__,
        "numpy": np.__version__,
        "tau_prior_scale": S,
        "epsrel": EPS,
        "cases": out,
    }, indent=1)
    # One line per post or block.
    print(re.sub(r"\[\s+(\d+),\s+(\d+)(?:,\s+(\d+),\s+(\d+))?\s+\]",
                 lambda m: "[" + ", ".join(g for g in m.groups() if g) + "]", text))


if __name__ == "__main__":
    main()
