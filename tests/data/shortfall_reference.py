"""Reference expected shortfalls E[(x - X)^+] of Beta(a, b) and Gamma(a, 1)
posteriors, by mpmath.

Psi(x) = int (x - t) f(t) dt over t < x, with f the density, integrated
directly (tanh-sinh on pieces a fraction of the local scale wide, from 45
standard deviations below min(x, mean), or from the support's end) at 40
significant digits, at points z standard deviations from the mean, the
point rounded to f64 first (the tests pass the same double). Run:
python3 tests/data/shortfall_reference.py (writes
tests/data/beta-shortfall-mpmath.json and tests/data/gamma-shortfall-mpmath.json).
"""
import json
import mpmath as mp

mp.mp.dps = 40

BETA_SHAPES = [
    (3_000_001.0, 197_000_001.0),
    (30_001.0, 1_970_001.0),
    (301.0, 19_701.0),
    (3.0, 60.0),
    (60.0, 3.0),
    (1.0, 1_000_000_001.0),
]
GAMMA_SHAPES = [2_000_001.0, 30_001.5, 50.0, 3.5]
ZS = [-14.0, -10.0, -8.0, -5.0, -2.0, -0.5, 0.0, 1.0, 3.0]


def shortfall(ln_density, ln_slope, x, mean, sd, start):
    """int_start^x (x - t) exp(ln_density(t)) dt on pieces that grow away
    from x, the first a quarter of the local scale (1/|ln f'(x)|, at most
    sd) wide."""
    x = mp.mpf(x)
    lo = max(start, min(x, mean) - 45 * sd)
    slope = abs(ln_slope(x))
    scale = min(sd, 1 / slope) if slope > 0 else sd
    pts = [x]
    step = scale / 4
    while pts[-1] - step > lo:
        pts.append(pts[-1] - step)
        step *= 1.15
    pts.append(lo)
    pts.reverse()
    return mp.quad(lambda t: (x - t) * mp.exp(ln_density(t)) if t > start else mp.mpf(0), pts)


def beta_cases():
    cases = []
    for a, b in BETA_SHAPES:
        A, B = mp.mpf(a), mp.mpf(b)
        lnb = mp.log(mp.beta(A, B))
        mean = a / (a + b)
        sd = (a * b / ((a + b) ** 2 * (a + b + 1))) ** 0.5
        for z in ZS:
            x = mean + z * sd
            if not 0.0 < x < 1.0:
                continue
            psi = shortfall(
                lambda t: (A - 1) * mp.log(t) + (B - 1) * mp.log1p(-t) - lnb if t < 1 else mp.mpf("-inf"),
                lambda t: (A - 1) / t - (B - 1) / (1 - t),
                x, A / (A + B), mp.sqrt(A * B / ((A + B) ** 2 * (A + B + 1))), mp.mpf(0))
            cases.append({"a": a, "b": b, "z": z, "x": x, "shortfall": mp.nstr(psi, 25)})
    return cases


def gamma_cases():
    cases = []
    for a in GAMMA_SHAPES:
        A = mp.mpf(a)
        lng = mp.loggamma(A)
        for z in ZS:
            y = a + z * a ** 0.5
            if y <= 0.0:
                continue
            psi = shortfall(
                lambda t: (A - 1) * mp.log(t) - t - lng,
                lambda t: (A - 1) / t - 1,
                y, A, mp.sqrt(A), mp.mpf(0))
            cases.append({"a": a, "z": z, "y": y, "shortfall": mp.nstr(psi, 25)})
    return cases


SOURCE = "mpmath " + mp.__version__ + ", 40 digits, tests/data/shortfall_reference.py"
for name, cases in [("beta", beta_cases()), ("gamma", gamma_cases())]:
    with open(f"tests/data/{name}-shortfall-mpmath.json", "w") as out:
        json.dump({"source": SOURCE, "cases": cases}, out, indent=1)
    print(name, len(cases), "cases")
