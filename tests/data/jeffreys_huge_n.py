"""Reference Jeffreys and Clopper-Pearson bounds at huge n for
tests/robustness_freq_seq_sim.rs (mpmath, 50 digits): the upper quantile of
Beta(a, b) with b ~ 4.5e15, where the inverse incomplete beta function has
returned 0. Writes jeffreys_huge_n.json."""
import json

import mpmath as mp

mp.mp.dps = 50


def upper_quantile(a, b, p):
    # x with 1 - I_x(a, b) = p, solved on t = ln x.
    f = lambda t: mp.betainc(a, b, mp.exp(t), 1, regularized=True) - p
    guess = mp.log(mp.gammaincinv(a, p, tail="upper") / b) if hasattr(mp, "gammaincinv") else mp.log(a / b)
    return mp.exp(mp.findroot(f, guess, tol=mp.mpf(10) ** -40))


def lower_quantile(a, b, p):
    f = lambda t: mp.betainc(a, b, 0, mp.exp(t), regularized=True) - p
    return mp.exp(mp.findroot(f, mp.log(a / b) - 3, tol=mp.mpf(10) ** -40))


rows = []
n = 4505494246999134
for level in ["0.95", "0.5"]:
    half = (1 - mp.mpf(level)) / 2
    a, b = mp.mpf("0.5"), mp.mpf(n) + mp.mpf("0.5")
    rows.append({"method": "Jeffreys", "successes": 0, "trials": n, "level": float(mp.mpf(level)),
                 "lower": float(lower_quantile(a, b, half)), "upper": float(upper_quantile(a, b, half))})
    rows.append({"method": "ClopperPearson", "successes": 0, "trials": n, "level": float(mp.mpf(level)),
                 "lower": 0.0, "upper": float(upper_quantile(mp.mpf(1), mp.mpf(n), half))})
with open(__file__.replace(".py", ".json"), "w") as f:
    json.dump(rows, f, indent=1)
