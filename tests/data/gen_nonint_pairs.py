"""Reference P(B > A) for non-integer Beta pairs (issue 11, item 1).

Shapes are log-uniform in [0.01, 1e9] (seeded). For each pair both
P(X > Y) and P(Y > X) are computed directly as integrals over the logit
z = ln(t/(1-t)) of X's density (X the narrower of the two in z),
    P(X > Y) = ∫ g_X(z) I_{σ(z)}(a_Y, b_Y) dz,  P(Y > X) = ∫ g_X(z) (1 - I) dz,
by mpmath tanh-sinh quadrature at 25 digits on breakpoints one standard
deviation apart within 12 of X's mode and wider out to 45 (in z), plus Y's, the density g_X in mpmath and the incomplete
beta from scipy.special.betainc / betaincc (Boost, relative ~1e-15; beyond
|z| = 640 its leading power term in mpmath). Each is normalised by their sum.
Pairs whose smaller probability is below 1e-290 are skipped.

Known limit: scipy's incomplete beta (double precision) is unreliable in far
tails, so the reference is trusted only where the smaller probability is at
least 1e-20 (there it agrees with postab to ~1e-15); tests/bayes_robustness.rs
checks the other pairs against postab's independent quadrature route. A
reference good in the far tails needs the incomplete beta in mpmath there
(its power series converges fast in the tails).
Output: tests/data/nonint-pairs-mpmath.json, a list of
{a_alpha, a_beta, b_alpha, b_beta, b_beats_a, a_beats_b}.
Run: python3 tests/data/gen_nonint_pairs.py  (needs mpmath, scipy).
"""
import json
import random

import mpmath as mp
from scipy import special as sp

mp.mp.dps = 25
N = 210


def g(a, b):
    lnB = mp.log(mp.beta(a, b))

    def dens(z):
        return mp.exp(-a * mp.log1p(mp.exp(-z)) - b * mp.log1p(mp.exp(z)) - lnB)

    return dens


def inc_pair(a, b, z):
    """(I_t(a, b), 1 - I_t(a, b)) at t = σ(z)."""
    if z < -640:
        ln_t = -mp.log1p(mp.exp(-z))
        lo = mp.exp(a * ln_t - mp.log(a) - mp.log(mp.beta(a, b)))
        return lo, 1 - lo
    if z > 640:
        ln_tc = -mp.log1p(mp.exp(z))
        up = mp.exp(b * ln_tc - mp.log(b) - mp.log(mp.beta(a, b)))
        return 1 - up, up
    t = float(1 / (1 + mp.exp(-z)))
    tc = float(1 / (1 + mp.exp(z)))
    if t <= 0.5:
        return mp.mpf(sp.betainc(a, b, t)), mp.mpf(sp.betaincc(a, b, t))
    # by symmetry at the complement, exact near 1
    return mp.mpf(sp.betaincc(b, a, tc)), mp.mpf(sp.betainc(b, a, tc))


def pts(a, b):
    mode = mp.log(a) - mp.log(b)
    sd = mp.sqrt(mp.psi(1, a) + mp.psi(1, b))
    ks = tuple(range(-12, 13)) + (-45, -35, -28, -22, -17, -14, 14, 17, 22, 28, 35, 45)
    return [mode + k * sd for k in ks]


def probs(x, y):
    """(P(X > Y), P(Y > X))."""
    dens = g(*x)
    px = pts(*x)
    lo, hi = min(px), max(px)
    br = sorted(set([p for p in px + pts(*y) if lo <= p <= hi]))
    q = dict(method="tanh-sinh", maxdegree=6)
    gt = mp.quad(lambda z: dens(z) * inc_pair(y[0], y[1], z)[0], br, **q)
    lt = mp.quad(lambda z: dens(z) * inc_pair(y[0], y[1], z)[1], br, **q)
    s = gt + lt
    return gt / s, lt / s


def main():
    rng = random.Random(20261201)
    out = []
    while len(out) < N:
        sh = [10 ** rng.uniform(-2, 9) for _ in range(4)]
        a, b = (sh[0], sh[1]), (sh[2], sh[3])
        sda = mp.psi(1, a[0]) + mp.psi(1, a[1])
        sdb = mp.psi(1, b[0]) + mp.psi(1, b[1])
        if sda <= sdb:
            a_gt, b_gt = probs(a, b)
        else:
            b_gt, a_gt = probs(b, a)
        if min(a_gt, b_gt) < mp.mpf("1e-290"):
            continue
        out.append({
            "a_alpha": a[0], "a_beta": a[1], "b_alpha": b[0], "b_beta": b[1],
            "b_beats_a": float(b_gt), "a_beats_b": float(a_gt),
        })
        print(len(out), flush=True)
    with open("tests/data/nonint-pairs-mpmath.json", "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
