"""Reference P(best) among K Gamma posteriors (mpmath quadrature, 30 digits)
and Gamma log-densities (mpmath). Gamma(shape a, rate r): density
r^a t^(a-1) e^(-r t) / Gamma(a).
Run: python3 tests/data/gen_gamma.py > tests/data/gamma-mpmath.json"""
import json
import mpmath as mp

mp.mp.dps = 30


def s25(x):
    return mp.nstr(x, 25, min_fixed=1, max_fixed=0)


def ln_pdf(a, r, t):
    a, r, t = mp.mpf(a), mp.mpf(r), mp.mpf(t)
    return a * mp.log(r) + (a - 1) * mp.log(t) - r * t - mp.loggamma(a)


def prob_best(arms):
    arms = [(mp.mpf(a), mp.mpf(r)) for a, r in arms]
    lo = min(max(mp.mpf(0), a / r - 40 * mp.sqrt(a) / r) for a, r in arms)
    hi = max(a / r + 40 * mp.sqrt(a) / r for a, r in arms)
    step = min(mp.sqrt(a) / r for a, r in arms) / 2
    pts = [lo + k * step for k in range(int((hi - lo) / step) + 2)]
    out = []
    for k, (a, r) in enumerate(arms):
        def f(t):
            v = mp.exp(ln_pdf(a, r, t))
            for j, (aj, rj) in enumerate(arms):
                if j != k:
                    v *= mp.gammainc(aj, 0, rj * t, regularized=True)
            return v
        out.append(mp.quad(f, pts))
    return out


cases = []
for arms in [
    [(51, 1001), (81, 1001), (56, 1001)],          # 50/80/55 events per 1,000 exposures
    [(12, 40), (20, 55), (9, 30), (15, 44)],       # replies per post, unequal exposure
    [(1, 10), (2, 12), (3, 25)],                   # few events: skewed posteriors
    [(30001, 1000001), (30301, 1000001), (30151, 1000001)],  # reposts per impression at 10^6
]:
    p = prob_best(arms)
    cases.append({
        "id": "gamma-best-" + "-".join(f"{a}_{r}" for a, r in arms),
        "kind": "gamma_prob_best",
        "input": {"shapes": [a for a, _ in arms], "rates": [r for _, r in arms]},
        "expected": {"prob_best_hp": [s25(x) for x in p]},
        "source": "mpmath 30 digits: quad of f_k(t) prod_j P(shape_j, rate_j t) (regularized gammainc)",
    })
for (a, r, ts) in [(51, 1001, [0.04, 0.05, 0.06]), (3.5, 0.7, [1.0, 5.0, 20.0]),
                   (3_000_001, 200_000_001, [0.0149, 0.015, 0.0151])]:
    cases.append({
        "id": f"gamma-lnpdf-{a}-{r}", "kind": "gamma_ln_pdf",
        "input": {"shape": a, "rate": r, "t": ts},
        "expected": {"ln_pdf_hp": [s25(ln_pdf(a, r, t)) for t in ts]},
        "source": "mpmath 30 digits: a ln r + (a - 1) ln t - r t - loggamma(a)",
    })
print(json.dumps(cases, indent=1))
