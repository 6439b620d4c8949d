"""Reference P(best) for K Beta posteriors (uniform prior): mpmath quadrature
(30 digits) of f_k(x) prod_{j!=k} I_x(a_j, b_j) over panels of half a posterior
standard deviation, with I_x from the continued fraction at 40 digits (as in
gen_numeric.py). The K values sum to 1 within 1e-20.
Run: python3 tests/data/gen_prob_best.py > tests/data/prob-best-mpmath.json"""
import json
import mpmath as mp

mp.mp.dps = 30


def cf_lower(a, b, x):
    tiny = mp.mpf(10) ** -200
    qab, qap, qam = a + b, a + 1, a - 1
    c, d = mp.mpf(1), 1 - qab * x / qap
    d = 1 / d
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
        de = d * c
        h *= de
        if abs(de - 1) < mp.mpf(10) ** -28:
            break
        m += 1
    lnpre = a * mp.log(x) + b * mp.log(1 - x) - (mp.loggamma(a) + mp.loggamma(b) - mp.loggamma(a + b))
    return mp.exp(lnpre) * h / a


def ibeta(a, b, x):
    if x <= 0:
        return mp.mpf(0)
    if x >= 1:
        return mp.mpf(1)
    if x < (a + 1) / (a + b + 2):
        return cf_lower(a, b, x)
    return 1 - cf_lower(b, a, 1 - x)


def prob_best(succ, trials):
    a = [mp.mpf(s + 1) for s in succ]
    b = [mp.mpf(n - s + 1) for s, n in zip(succ, trials)]
    lb = [mp.loggamma(x) + mp.loggamma(y) - mp.loggamma(x + y) for x, y in zip(a, b)]
    m = [x / (x + y) for x, y in zip(a, b)]
    sd = [mp.sqrt(x * y / ((x + y) ** 2 * (x + y + 1))) for x, y in zip(a, b)]
    lo = max(mp.mpf(0), min(mm - 40 * s for mm, s in zip(m, sd)))
    hi = min(mp.mpf(1), max(mm + 40 * s for mm, s in zip(m, sd)))
    step = min(sd)
    n = int((hi - lo) / step) + 1
    pts = [lo + (hi - lo) * i / n for i in range(n + 1)]
    out = []
    for k in range(len(a)):
        def f(x, k=k):
            if x <= 0 or x >= 1:
                return mp.mpf(0)
            v = mp.exp((a[k] - 1) * mp.log(x) + (b[k] - 1) * mp.log(1 - x) - lb[k])
            for j in range(len(a)):
                if j != k:
                    v *= ibeta(a[j], b[j], x)
            return v
        out.append(mp.quad(f, pts))
    assert abs(sum(out) - 1) < mp.mpf(10) ** -20, sum(out)
    return out


cases = []
for succ, trials in [
    ([300, 320, 340, 360], [20_000] * 4),
    ([0, 1, 0, 2, 5], [500, 480, 520, 510, 1_000]),
    ([120, 150, 90], [10_000, 1_000_000, 5_000]),
    ([300 + 7 * i for i in range(10)], [20_000] * 10),
]:
    p = prob_best(succ, trials)
    cases.append({"kind": "beta_prob_best", "id": f"mpmath-{succ[0]}-{trials[0]}-{len(succ)}",
                  "input": {"successes": succ, "trials": trials,
                            "alphas": [s + 1 for s in succ], "betas": [n - s + 1 for s, n in zip(succ, trials)]},
                  "expected": {"prob_best_hp": [mp.nstr(x, 25) for x in p]}})
print(json.dumps(cases, indent=1))
