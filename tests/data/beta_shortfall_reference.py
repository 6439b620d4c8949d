"""Reference expected shortfalls E[(x - X)^+] of Beta(a, b), by mpmath.

Psi(x) = int_0^x (x - t) f(t) dt with f the Beta(a, b) density, integrated
directly (tanh-sinh on pieces a fraction of the local scale wide, from 45
standard deviations below min(x, mean), or from 0) at 40 significant digits,
at points z standard deviations from the mean, the point rounded to f64
first (the test passes the same double). Run:
python3 tests/data/beta_shortfall_reference.py (writes
tests/data/beta-shortfall-mpmath.json).
"""
import json
import mpmath as mp

mp.mp.dps = 40

SHAPES = [
    (3_000_001.0, 197_000_001.0),
    (30_001.0, 1_970_001.0),
    (301.0, 19_701.0),
    (3.0, 60.0),
    (60.0, 3.0),
    (1.0, 1_000_000_001.0),
]
ZS = [-14.0, -10.0, -8.0, -5.0, -2.0, -0.5, 0.0, 1.0, 3.0]


def shortfall(a, b, x):
    a, b, x = mp.mpf(a), mp.mpf(b), mp.mpf(x)
    lnb = mp.log(mp.beta(a, b))
    mean = a / (a + b)
    sd = mp.sqrt(a * b / ((a + b) ** 2 * (a + b + 1)))

    def f(t):
        if t <= 0 or t >= 1:
            return mp.mpf(0)
        return (x - t) * mp.exp((a - 1) * mp.log(t) + (b - 1) * mp.log1p(-t) - lnb)

    lo = max(mp.mpf(0), min(x, mean) - 45 * sd)
    # The density's log-slope at x sets the scale of the integrand's decay
    # below x in the lower tail.
    slope = abs((a - 1) / x - (b - 1) / (1 - x)) if 0 < x < 1 else mp.mpf(0)
    scale = min(sd, 1 / slope) if slope > 0 else sd
    pts = [x]
    step = scale / 4
    while pts[-1] - step > lo:
        pts.append(pts[-1] - step)
        step *= 1.15
    pts.append(lo)
    pts.reverse()
    return mp.quad(f, pts)


def main():
    cases = []
    for a, b in SHAPES:
        mean = a / (a + b)
        sd = (a * b / ((a + b) ** 2 * (a + b + 1))) ** 0.5
        for z in ZS:
            x = mean + z * sd
            if not 0.0 < x < 1.0:
                continue
            psi = shortfall(a, b, x)
            cases.append({"a": a, "b": b, "z": z, "x": x, "shortfall": mp.nstr(psi, 25)})
            print(a, b, z, mp.nstr(psi, 18), flush=True)
    with open("tests/data/beta-shortfall-mpmath.json", "w") as out:
        json.dump({"source": "mpmath " + mp.__version__ + ", 40 digits, tests/data/beta_shortfall_reference.py", "cases": cases}, out, indent=1)


main()
