"""Reference values for postab's hierarchical log-rate model, calibrated or not
(tests/calibration_reference.rs).

Model (see postab::repeated::HierarchicalPosterior): a post with s successes
in n trials has y = ln((s + 1/2)/(n + 1/2)) and v = 1/(s + 1/2) - 1/(n + 1/2).
tau is the between-post SD of a post's log rate, tau ~ half-Cauchy(0.5).
  * posts:  y_gi ~ N(theta_g, v_gi + tau^2), flat theta_A, theta_B,
            delta = theta_B - theta_A;
  * blocks: d_i = y_Bi - y_Ai ~ N(delta, v_Ai + v_Bi + 2 tau^2), flat delta;
  * history: y_j ~ N(m, v_j + tau^2), flat m; its likelihood in tau (m
            integrated out) multiplies tau's prior.

1-D references (mp.dps = 30): given tau, delta is normal (precision-weighted
means) and tau's density is known in closed form; every quantity is a 1-D
mpmath tanh-sinh integral over t = ln tau, on pieces laid out from a scan of
tau's log density (-inf and +inf ends included). Quantiles (delta's interval
ends, tau's median and interval) are solved by Newton/bisection on those
integrals; the equivalent concentration kappa solves
psi1(mu kappa) - psi1(kappa) = tau^2 (mu = the history's pooled rate), capped
at 1e9 as postab caps it.

Independent 2-D checks of the closed form in delta (mp.dps = 20): for two
cases the joint posterior of (delta, tau) is integrated numerically in both
variables (inner: Gauss-Legendre over delta on pieces of +-40 data scales,
split at 0; outer: tanh-sinh over ln tau). For two groups of posts the
nuisance theta_A is integrated analytically the other way round (one common
location for {y_A} and {y_B - delta}), not by the precision-weighted
difference. The history's closed-form likelihood is checked against a
numerical integral over m at a few tau. The script asserts agreement to
1e-14 and stores the 2-D values too.

Posts and histories are drawn here (numpy, fixed seeds) and stored in the
JSON, so the test reads the same counts.
Run: python3 tests/data/calibration_reference.py > tests/data/calibration-reference.json
"""
import json
import sys
from functools import lru_cache

import mpmath
import numpy as np
from mpmath import mp, mpf

mp.dps = 30
S = mpf("0.5")
MAX_CONCENTRATION = mpf(10) ** 9
LEVEL = mpf("0.95")
HISTORY_LEVEL = mpf("0.9")


def draw(seed, m, mu, kappa, lo, hi):
    """m posts: trials uniform in [lo, hi], rate ~ Beta(mu k, (1 - mu) k)
    (binomial with rate mu when kappa is None)."""
    rng = np.random.RandomState(seed)
    out = []
    for _ in range(m):
        n = int(rng.randint(lo, hi + 1))
        p = mu if kappa is None else rng.beta(mu * kappa, (1 - mu) * kappa)
        out.append([int(rng.binomial(n, p)), n])
    return out


def blocks(seed, k, mu, lift, kappa, lo, hi):
    """k blocks: a block effect on the log rate, then each post's rate drawn
    around it with concentration kappa."""
    rng = np.random.RandomState(seed)
    out = []
    for _ in range(k):
        base = mu * np.exp(0.3 * rng.randn())
        row = []
        for r in (base, base * (1 + lift)):
            n = int(rng.randint(lo, hi + 1))
            p = rng.beta(r * kappa, (1 - r) * kappa)
            row += [int(rng.binomial(n, p)), n]
        out.append(row)
    return out


HISTORIES = {
    "moderate": draw(11, 40, 0.03, 150.0, 400, 3000),
    "near_binomial": draw(12, 60, 0.04, None, 1000, 4000),
    "strong": draw(13, 40, 0.05, 5.0, 300, 2000),
    "tiny": draw(14, 15, 0.04, 100.0, 20, 60),
    "large": draw(15, 300, 0.025, 300.0, 500, 5000),
}

paired_doc = json.load(open("tests/data/paired-reference.json"))

CASES = [
    {"name": "one_v_one_history", "a": [[30, 1000]], "b": [[45, 1050]], "history": "moderate"},
    {"name": "one_v_one_bare", "a": [[30, 1000]], "b": [[45, 1050]], "history": None},
    {"name": "several_bare", "a": draw(21, 5, 0.03, 150.0, 400, 3000),
     "b": draw(22, 6, 0.036, 150.0, 400, 3000), "history": None, "check_2d": True},
    {"name": "several_history", "a": draw(21, 5, 0.03, 150.0, 400, 3000),
     "b": draw(22, 6, 0.036, 150.0, 400, 3000), "history": "moderate"},
    {"name": "paired_history", "blocks": blocks(31, 6, 0.03, 0.2, 150.0, 300, 2500),
     "history": "tiny", "check_2d": True},
    {"name": "paired_large_history", "blocks": blocks(32, 12, 0.025, 0.1, 300.0, 500, 5000),
     "history": "large"},
    {"name": "paired_bare", "blocks": paired_doc["cases"][3]["blocks"], "history": None},
    {"name": "near_binomial_history", "a": draw(41, 3, 0.04, None, 1000, 4000),
     "b": draw(42, 3, 0.046, None, 1000, 4000), "history": "near_binomial"},
    {"name": "strong_overdispersion_history", "a": draw(43, 1, 0.05, 5.0, 300, 2000),
     "b": draw(44, 2, 0.06, 5.0, 300, 2000), "history": "strong"},
    {"name": "tiny_counts_history", "a": [[0, 40], [2, 55]], "b": [[3, 50]], "history": "tiny"},
    {"name": "tiny_counts_bare", "a": [[0, 35], [1, 40]], "b": [[3, 41], [2, 30]], "history": None},
    {"name": "one_v_two_bare", "a": [[30, 1000]], "b": [[45, 1000], [38, 900]], "history": None},
    {"name": "one_v_one_large_history", "a": [[20, 1000]], "b": [[31, 980]], "history": "large"},
]


def obs(post):
    s, n = post
    y, t = mpf(s) + mpf(1) / 2, mpf(n) + mpf(1) / 2
    return (mpmath.log(y / t), 1 / y - 1 / t)


def group_fit(group, lam):
    """(ln L, mean, precision) of y_i ~ N(theta, v_i + lam), flat theta."""
    w = [1 / (v + lam) for _, v in group]
    sw = mpmath.fsum(w)
    mean = mpmath.fsum(wi * y for wi, (y, _) in zip(w, group)) / sw
    q = mpmath.fsum(wi * (y - mean) ** 2 for wi, (y, _) in zip(w, group))
    return mpmath.log(mpmath.fprod(w)) / 2 - mpmath.log(sw) / 2 - q / 2, mean, sw


def normal_cdf(z):
    return mpmath.erfc(-z / mpmath.sqrt(2)) / 2


def normal_pdf(z):
    return mpmath.exp(-z * z / 2) / mpmath.sqrt(2 * mpmath.pi)


class Posterior:
    """tau's posterior (density per unit ln tau) and delta | tau."""

    def __init__(self, data, spread, history):
        self.data, self.spread, self.history = data, spread, history

        @lru_cache(maxsize=None)
        def node(t):
            tau = mpmath.exp(t)
            ln = t - mpmath.log(1 + (tau / S) ** 2)
            if self.history is not None:
                ln += group_fit(self.history, tau * tau)[0]
            fits = [group_fit(g, self.spread * tau * tau) for g in self.data]
            for f in fits:
                ln += f[0]
            if len(fits) == 1:
                mu, var = fits[0][1], 1 / fits[0][2]
            elif len(fits) == 2:
                mu, var = fits[1][1] - fits[0][1], 1 / fits[0][2] + 1 / fits[1][2]
            else:
                mu, var = mpf(0), mpf(1)
            return ln, mu, mpmath.sqrt(var)

        self.node = node
        # Scan ln tau for where the density lives.
        ts = [mpf(x) / 20 for x in range(-40 * 20, 30 * 20 + 1)]
        lns = [node(t)[0] for t in ts]
        self.ln_max = max(lns)
        live = [t for t, ln in zip(ts, lns) if ln > self.ln_max - 90]
        lo, hi = live[0], live[-1]
        pieces = 80
        self.breaks = [-mpmath.inf] + [lo + (hi - lo) * i / pieces for i in range(pieces + 1)] + [mpmath.inf]
        self.z = self.integral(lambda t: 1)

    def density(self, t):
        return mpmath.exp(self.node(t)[0] - self.ln_max)

    def integral(self, f, breaks=None):
        value, err = mpmath.quad(lambda t: self.density(t) * f(t), breaks or self.breaks, error=True)
        assert err < mpf(10) ** -24 * max(abs(value), 1), (err, value)
        return value

    def mean_of(self, f):
        return self.integral(f) / self.z

    def delta_cdf(self, x):
        def f(t):
            _, mu, sd = self.node(t)
            return normal_cdf((x - mu) / sd)
        return self.mean_of(f)

    def tau_cdf(self, t_end):
        br = [b for b in self.breaks if b < t_end] + [t_end]
        return self.integral(lambda t: 1, br) / self.z

    def tau_quantile(self, q):
        """Bisection to a bracket of 1e-3 in ln tau, then Newton (the
        derivative is tau's density per unit ln tau)."""
        lo, hi = self.breaks[1], self.breaks[-2]
        for _ in range(200):
            if hi - lo < mpf("1e-3"):
                break
            mid = (lo + hi) / 2
            if self.tau_cdf(mid) < q:
                lo = mid
            else:
                hi = mid
        t = (lo + hi) / 2
        for _ in range(50):
            step = (self.tau_cdf(t) - q) / (self.density(t) / self.z)
            t -= step
            if abs(step) < mpf(10) ** -26:
                break
        return mpmath.exp(t)

    def delta_pdf(self, x):
        def f(t):
            _, mu, sd = self.node(t)
            return normal_pdf((x - mu) / sd) / sd
        return self.mean_of(f)

    def delta_quantile(self, q, guess, scale):
        """Bisection to a bracket of 1e-4 scales, then Newton."""
        lo, hi = guess - scale, guess + scale
        while self.delta_cdf(lo) > q:
            lo -= 2 * (hi - lo)
        while self.delta_cdf(hi) < q:
            hi += 2 * (hi - lo)
        while hi - lo > scale * mpf("1e-4"):
            mid = (lo + hi) / 2
            if self.delta_cdf(mid) < q:
                lo = mid
            else:
                hi = mid
        x = (lo + hi) / 2
        for _ in range(50):
            step = (self.delta_cdf(x) - q) / self.delta_pdf(x)
            x -= step
            if abs(step) < mpf(10) ** -25 * (1 + abs(x)):
                break
        return x


def trigamma(x):
    return mpmath.psi(1, x)


def equivalent_concentration(mu, tau):
    target = tau * tau
    f = lambda lk: trigamma(mu * mpmath.exp(lk)) - trigamma(mpmath.exp(lk))
    lo, hi = mpmath.log(mpf("1e-6")), mpmath.log(MAX_CONCENTRATION)
    if f(hi) >= target:
        return MAX_CONCENTRATION
    for _ in range(200):
        mid = (lo + hi) / 2
        if f(mid) > target:
            lo = mid
        else:
            hi = mid
    return mpmath.exp((lo + hi) / 2)


def history_summary(posts):
    group = [obs(p) for p in posts]
    post = Posterior([], 1, group)
    s = sum(p[0] for p in posts)
    n = sum(p[1] for p in posts)
    rate = mpf(s) / n
    tail = (1 - HISTORY_LEVEL) / 2
    med = post.tau_quantile(mpf(1) / 2)
    lo, hi = post.tau_quantile(tail), post.tau_quantile(1 - tail)
    # The closed-form likelihood of m against a numerical integral over m.
    for tau in (mpf("0.05"), mpf("0.3"), mpf(1)):
        ln, mean, prec = group_fit(group, tau * tau)
        sd = 1 / mpmath.sqrt(prec)
        full = lambda m: mpmath.exp(mpmath.fsum(
            -(y - m) ** 2 / (2 * (v + tau * tau)) - mpmath.log(v + tau * tau) / 2 for y, v in group) - ln)
        num = mpmath.quad(full, [mean - 40 * sd, mean - 5 * sd, mean, mean + 5 * sd, mean + 40 * sd])
        # exp(ln) = sqrt(2 pi) * integral (the flat prior's constant).
        assert abs(num * mpmath.sqrt(2 * mpmath.pi) ** -1 - 1) < mpf(10) ** -20, num
    return {
        "posts": posts,
        "pooled_rate": float(rate),
        "tau_median": float(med),
        "tau_interval": [float(lo), float(hi)],
        "concentration_median": float(equivalent_concentration(rate, med)),
        "concentration_interval": [float(equivalent_concentration(rate, hi)),
                                    float(equivalent_concentration(rate, lo))],
    }


def gl_nodes(degree):
    return mpmath.calculus.quadrature.GaussLegendre(mp).calc_nodes(degree, mp.prec)


def two_dimensional(data, spread, history, tau_breaks):
    """P(delta > 0), E[delta], E[delta+], E[delta-] with delta integrated
    numerically, at mp.dps = 20 (the ln tau pieces of the 1-D reference,
    every fourth kept)."""
    with mp.workdps(20):
        nodes = gl_nodes(5)
        hist = None if history is None else [(mpf(y), mpf(v)) for y, v in history]
        data = [[(mpf(y), mpf(v)) for y, v in g] for g in data]
        if len(data) == 1:
            centre = mpmath.fsum(y for y, _ in data[0]) / len(data[0])
            spread_d = max(abs(y - centre) for y, _ in data[0])
        else:
            centre = (mpmath.fsum(y for y, _ in data[1]) / len(data[1])
                      - mpmath.fsum(y for y, _ in data[0]) / len(data[0]))
            spread_d = max(abs(y - centre) for g in data for y, _ in g)
        vmax = max(v for g in data for _, v in g)

        def log_joint_data(delta, s, const):
            """ln p(data | delta, tau) + const, s the total variances."""
            if len(data) == 1:
                return const - mpmath.fsum((y - delta) ** 2 / (2 * si) for (y, _), si in zip(data[0], s[0]))
            # theta_A integrated analytically with {y_A} and {y_B - delta}
            # as draws around one location.
            z = [y for y, _ in data[0]] + [y - delta for y, _ in data[1]]
            w = [1 / si for si in s[0] + s[1]]
            sw = mpmath.fsum(w)
            m = mpmath.fsum(wi * zi for wi, zi in zip(w, z)) / sw
            return const - mpmath.fsum(wi * (zi - m) ** 2 for wi, zi in zip(w, z)) / 2

        @lru_cache(maxsize=None)
        def inner(t):
            tau = mpmath.exp(t)
            lam = spread * tau * tau
            s = [[v + lam for _, v in g] for g in data]
            const = -mpmath.fsum(mpmath.log(si) for g in s for si in g) / 2
            if len(data) == 2:
                const -= mpmath.log(mpmath.fsum(1 / si for g in s for si in g)) / 2
            width = mpmath.sqrt(vmax + lam) + spread_d
            ends = sorted(set([centre + width * k for k in (-40, -20, -10, -5, -2, -1, 0, 1, 2, 5, 10, 20, 40)]
                              + [mpf(0)]))
            ends = [e for e in ends if centre - 40 * width <= e <= centre + 40 * width]
            acc = [mpf(0)] * 5
            for a, b in zip(ends[:-1], ends[1:]):
                mid, half = (a + b) / 2, (b - a) / 2
                for x, wx in nodes:
                    d = mid + half * x
                    f = mpmath.exp(log_joint_data(d, s, const)) * wx * half
                    acc[0] += f
                    acc[1] += f * (d > 0)
                    acc[2] += f * d
                    acc[3] += f * max(d, 0)
                    acc[4] += f * max(-d, 0)
            ln = t - mpmath.log(1 + (tau / S) ** 2)
            if hist is not None:
                ln += group_fit(hist, tau * tau)[0]
            return [mpmath.exp(ln) * a for a in acc]

        inner_breaks = tau_breaks[1:-1]
        breaks = [-mpmath.inf] + inner_breaks[::4] + ([inner_breaks[-1]] if len(inner_breaks) % 4 != 1 else []) + [mpmath.inf]
        totals = [mpmath.quad(lambda t, j=j: inner(t)[j], breaks) for j in range(5)]
        z = totals[0]
        return {"prob_b_better": totals[1] / z, "mean": totals[2] / z,
                "loss_choose_a": totals[3] / z, "loss_choose_b": totals[4] / z}


def run_case(case):
    history = None if case["history"] is None else [obs(p) for p in HISTORIES[case["history"]]]
    if "blocks" in case:
        d = []
        for ya, na, yb, nb in case["blocks"]:
            (a, va), (b, vb) = obs((ya, na)), obs((yb, nb))
            d.append((b - a, va + vb))
        data, spread, unit = [d], 2, "block"
    else:
        data, spread, unit = [[obs(p) for p in case["a"]], [obs(p) for p in case["b"]]], 1, "post"
    post = Posterior(data, spread, history)
    informative = sum(len(g) - 1 for g in data) + (0 if history is None else len(history) - 1)

    def mu_sd(t):
        _, mu, sd = post.node(t)
        return mu, sd

    prob = post.mean_of(lambda t: normal_cdf(mu_sd(t)[0] / mu_sd(t)[1]))
    out = {"name": case["name"], "unit": unit, "history": case["history"],
           "prob_b_better": float(prob), "prob_a_better": float(1 - prob)}
    if informative == 0:
        # Cauchy-like tails: no mean, infinite losses; the posterior is
        # symmetric about the common centre.
        centre = mu_sd(mpf(0))[0]
        out.update({"mean": float(centre), "loss_choose_a": "inf", "loss_choose_b": "inf"})
        mean = centre
    else:
        mean = post.mean_of(lambda t: mu_sd(t)[0])

        def plus(t):
            mu, sd = mu_sd(t)
            return mu * normal_cdf(mu / sd) + sd * normal_pdf(mu / sd)

        def minus(t):
            mu, sd = mu_sd(t)
            return -mu * normal_cdf(-mu / sd) + sd * normal_pdf(mu / sd)

        out.update({"mean": float(mean), "loss_choose_a": float(post.mean_of(plus)),
                    "loss_choose_b": float(post.mean_of(minus))})
    scale = mu_sd(mpmath.log(post.tau_quantile(mpf(1) / 2)))[1] * 3
    tail = (1 - LEVEL) / 2
    lo = post.delta_quantile(tail, mean, scale)
    hi = post.delta_quantile(1 - tail, mean, scale)
    out["credible_interval"] = [float(lo), float(hi)]
    out["tau_median"] = float(post.tau_quantile(mpf(1) / 2))
    for key in ("a", "b", "blocks"):
        if key in case:
            out[key] = case[key]
    if case.get("check_2d"):
        two = two_dimensional(data, spread, history, post.breaks)
        for k, v in two.items():
            want = mpf(out[k]) if k != "mean" else mean
            assert abs(v - want) < mpf(10) ** -14 * max(abs(want), 1), (case["name"], k, v, want)
        out["two_dimensional"] = {k: float(v) for k, v in two.items()}
    print(case["name"], "done", file=sys.stderr)
    return out


histories = {}
for name, posts in HISTORIES.items():
    histories[name] = history_summary(posts)
    print("history", name, "done", file=sys.stderr)
cases = [run_case(c) for c in CASES]
print(json.dumps({
    "mpmath": mpmath.__version__, "dps": 30, "tau_prior_scale": 0.5,
    "level": float(LEVEL), "history_level": float(HISTORY_LEVEL),
    "histories": histories, "cases": cases,
}, indent=1))
