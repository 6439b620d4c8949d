"""The regularized incomplete beta over a sweep of sizes and of both tails,
for the accuracy figure the crate documents: 14 shapes `a` from 1.5 to 3e8,
`b = a`, `65.67 a` and `999 a` (while `b < 2e10`), and `x` every 1.12
standard deviations from -37 to +37 around the mean, keeping tails down to
1e-300. The smaller tail is computed by the continued fraction in 60
digits (as in gen_numeric.py, cross-checked there against mpmath's
hypergeometric route) at the exact binary values of a, b and x.
Run: python3 tests/data/gen_beta_sweep.py > tests/data/beta-sweep-mpmath.json"""
import json
import mpmath as mp

mp.mp.dps = 60


def s(x):
    return mp.nstr(x, 25, min_fixed=1, max_fixed=0)


def cf_lower(a, b, x):
    """I_x(a, b) by the continued fraction (modified Lentz) for x < (a+1)/(a+b+2)."""
    qab, qap, qam = a + b, a + 1, a - 1
    c, d = mp.mpf(1), 1 / (1 - qab * x / qap)
    h = d
    m = 1
    while True:
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1 / (1 + aa * d)
        c = 1 + aa / c
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1 / (1 + aa * d)
        c = 1 + aa / c
        h *= d * c
        if abs(d * c - 1) < mp.mpf(10) ** -50:
            return mp.exp(a * mp.log(x) + b * mp.log(1 - x) - mp.log(mp.beta(a, b))) * h / a
        m += 1


def smaller_tail(a, b, x):
    """("lower" | "upper", value) of the smaller of I_x(a, b) and 1 - I_x(a, b)."""
    a, b, x = mp.mpf(a), mp.mpf(b), mp.mpf(x)
    if x < (a + 1) / (a + b + 2):
        lo = cf_lower(a, b, x)
        return ("lower", lo) if lo < 0.5 else ("upper", 1 - lo)
    up = cf_lower(b, a, 1 - x)
    return ("upper", up) if up < 0.5 else ("lower", 1 - up)


cases = []
for a in [1.5, 7.0, 31.0, 101.0, 301.0, 1001.0, 3001.0, 10001.0, 30001.0, 100001.0, 1e6,
          3000001.0, 3e7, 3e8]:
    for ratio in [1.0, 65.6667, 999.0]:
        b = a * ratio
        if b >= 2e10:
            continue
        n = a + b
        mean = a / n
        sd = (mean * (1 - mean) / (n + 1)) ** 0.5
        for k in range(-99, 100, 3):
            x = mean + 0.3734567 * k * sd
            if not 0 < x < 1:
                continue
            tail, value = smaller_tail(a, b, x)
            if value < mp.mpf(10) ** -300:
                continue
            cases.append({"kind": "beta_sweep", "a": a, "b": b, "x": x, "tail": tail, "value": s(value)})

print(json.dumps(cases, indent=0))
