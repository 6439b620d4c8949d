"""Reference expected shortfalls E[(y - Y)^+] of Gamma(a, 1), by mpmath.

Psi(y) = int_0^y (y - t) f(t) dt with f the Gamma(a, 1) density, integrated
directly (tanh-sinh on pieces a fraction of the local scale wide, from 45
standard deviations below min(y, mean), or from 0) at 40 significant digits,
at points z standard deviations from the mean, the point rounded to f64
first (the test passes the same double). Run:
python3 tests/data/gamma_shortfall_reference.py (writes
tests/data/gamma-shortfall-mpmath.json).
"""
import json
import mpmath as mp

mp.mp.dps = 40

SHAPES = [2_000_001.0, 30_001.5, 50.0, 3.5]
ZS = [-14.0, -10.0, -8.0, -5.0, -2.0, -0.5, 0.0, 1.0, 3.0]


def shortfall(a, y):
    a, y = mp.mpf(a), mp.mpf(y)
    lng = mp.loggamma(a)
    sd = mp.sqrt(a)

    def f(t):
        if t <= 0:
            return mp.mpf(0)
        return (y - t) * mp.exp((a - 1) * mp.log(t) - t - lng)

    lo = max(mp.mpf(0), min(y, a) - 45 * sd)
    slope = abs((a - 1) / y - 1)
    scale = min(sd, 1 / slope) if slope > 0 else sd
    pts = [y]
    step = scale / 4
    while pts[-1] - step > lo:
        pts.append(pts[-1] - step)
        step *= 1.15
    pts.append(lo)
    pts.reverse()
    return mp.quad(f, pts)


def main():
    cases = []
    for a in SHAPES:
        for z in ZS:
            y = a + z * a ** 0.5
            if y <= 0.0:
                continue
            psi = shortfall(a, y)
            cases.append({"a": a, "z": z, "y": y, "shortfall": mp.nstr(psi, 25)})
    with open("tests/data/gamma-shortfall-mpmath.json", "w") as out:
        json.dump({"source": "mpmath " + mp.__version__ + ", 40 digits, tests/data/gamma_shortfall_reference.py", "cases": cases}, out, indent=1)
    print(len(cases), "cases")


main()
