"""Reference P(B > A) for non-integer Beta pairs (issue 11, item 1).

Shapes are log-uniform in [0.01, 1e9] (seeded). For each pair the smaller of
P(B > A), P(A > B) is computed by mpmath at 40 digits as
    P(X > Y) = ∫ f_X(t) I_t(a_Y, b_Y) dt,
integrated in the logit variable z = ln(t/(1-t)) over breakpoints around both
densities' modes, and the larger one as 1 minus it. Output:
tests/data/nonint-pairs-mpmath.json, a list of
{a_alpha, a_beta, b_alpha, b_beta, b_beats_a, a_beats_b}.
Run: python3 tests/data/gen_nonint_pairs.py  (needs mpmath).
"""
import json
import random
import mpmath as mp

mp.mp.dps = 30
N = 210
PER_PAIR_SECONDS = 30


def logit_density(a, b):
    lnB = mp.log(mp.beta(a, b))
    def g(z):
        # ln t = -log1p(e^-z), ln(1-t) = -log1p(e^z)
        return mp.exp(-a * mp.log1p(mp.exp(-z)) - b * mp.log1p(mp.exp(z)) - lnB)
    return g


def breaks(a, b):
    # mode and ±k standard deviations of z (trigamma), plus far points
    mode = mp.log(a) - mp.log(b)
    sd = mp.sqrt(mp.psi(1, a) + mp.psi(1, b))
    pts = [mode + k * sd for k in (-60, -40, -25, -15, -10, -6, -3, -1.5, 0, 1.5, 3, 6, 10, 15, 25, 40, 60)]
    return pts


def inc(a, b, t):
    """(I_t(a, b), 1 - I_t(a, b)), the smaller side by its power series
    x^a (1-x)^b / (a B(a, b)) 2F1(a+b, 1; a+1; x) (enough terms for 1e9)."""
    a, b, t = mp.mpf(a), mp.mpf(b), mp.mpf(t)
    def lower(a, b, x):
        if x <= 0:
            return mp.mpf(0)
        pre = mp.exp(a * mp.log(x) + b * mp.log1p(-x) - mp.log(a) - mp.log(mp.beta(a, b)))
        return pre * mp.hyp2f1(a + b, 1, a + 1, x, maxterms=10**7)
    if t * (a + b + 2) < a + 1:
        lo = lower(a, b, t)
        return lo, 1 - lo
    up = lower(b, a, 1 - t)
    return 1 - up, up


def p_greater(x, y):
    """P(X > Y) = ∫ g_X(z) P(Y < σ(z)) dz."""
    gx = logit_density(*x)
    def integrand(z):
        t = 1 / (1 + mp.exp(-z))
        return gx(z) * inc(y[0], y[1], t)[0]
    pts = sorted(set(breaks(*x) + [p for p in breaks(*y)]))
    lo, hi = min(breaks(*x)), max(breaks(*x))
    pts = [p for p in pts if lo <= p <= hi]
    return mp.quad(integrand, pts)


def main():
    import signal
    def timeout(*_):
        raise TimeoutError
    signal.signal(signal.SIGALRM, timeout)
    rng = random.Random(20261201)
    out = []
    tried = 0
    while len(out) < N:
        sh = [10 ** rng.uniform(-2, 9) for _ in range(4)]
        tried += 1
        a = (sh[0], sh[1])
        b = (sh[2], sh[3])
        # pairs mpmath cannot do within the time limit are skipped (and
        # counted); pairs whose P is 0/1 beyond 1e-290 too
        signal.alarm(PER_PAIR_SECONDS)
        try:
            p_ba = p_greater(b, a)
            p_ab = p_greater(a, b)
        except (TimeoutError, mp.libmp.NoConvergence):
            continue
        finally:
            signal.alarm(0)
        tot = p_ba + p_ab
        if abs(tot - 1) > mp.mpf('1e-25'):
            # quadrature not trusted; skip
            continue
        if min(p_ba, p_ab) < mp.mpf('1e-290'):
            continue
        out.append({
            "a_alpha": a[0], "a_beta": a[1], "b_alpha": b[0], "b_beta": b[1],
            "b_beats_a": float(p_ba), "a_beats_b": float(p_ab),
        })
        print(len(out), tried, flush=True)
    with open("tests/data/nonint-pairs-mpmath.json", "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
