"""Reference values for postab::freq::StratifiedTables (tests/freq_stratified.rs).

Each case is a list of blocks [s_A, f_A, s_B, f_B] (successes / failures of the
control A and the variant B in one block). postab orients effects as B
relative to A, so the statsmodels table of a block is [[s_B, f_B], [s_A, f_A]]
(cell a = s_B): its odds ratio is odds_B / odds_A.

statsmodels calls (0.15.0), recorded per case in "calls":
    st = StratifiedTable(np.dstack([np.array([[sB, fB], [sA, fA]], float) ...]))
    st.test_null_odds(correction=False|True)        -> statistic, pvalue
    st.oddsratio_pooled, st.logodds_pooled, st.logodds_pooled_se
    st.oddsratio_pooled_confint(alpha=0.05)         (and alpha=0.01)
    st.test_equal_odds(adjust=False|True)           -> statistic, pvalue
    st.riskratio_pooled

statsmodels computes p-values as 1 - chi2.cdf (no relative accuracy below
~1e-16), so scipy's chi2.sf of statsmodels' statistic is stored beside them.
Every value is also computed independently with mpmath at 100 digits
("mpmath" block): the Breslow-Day fitted cell from the quadratic solved at
high precision, the continuity correction as min(0.5, |sum(a - E a)|) (R's
mantelhaen.test; statsmodels subtracts 0.5 even when |deviation| < 0.5).
Blocks with a zero column (no successes or no failures in the block) carry
no information; statsmodels' Breslow-Day gives NaN with them, mpmath here
drops them (df = informative blocks - 1).

Run: python3 tests/data/stratified_statsmodels.py > tests/data/stratified_statsmodels.json
"""
import json
import numpy as np
import mpmath as mp
import scipy.stats as ss
import statsmodels
from statsmodels.stats.contingency_tables import StratifiedTable

mp.mp.dps = 100
rng = np.random.default_rng(20261201)


def social(k, n_mean, rate_lo, rate_hi, lift=1.0, spread=0.0):
    blocks = []
    for _ in range(k):
        base = rng.uniform(rate_lo, rate_hi)
        na = int(n_mean * np.exp(rng.normal(0, 0.4)))
        nb = int(n_mean * np.exp(rng.normal(0, 0.4)))
        pb = min(base * lift * np.exp(rng.normal(0, spread)), 0.99)
        sa = int(rng.binomial(na, base))
        sb = int(rng.binomial(nb, pb))
        blocks.append([sa, na - sa, sb, nb - sb])
    return blocks


cases = [
    ("small_three_blocks", [[2, 10, 6, 7], [3, 12, 5, 9], [1, 8, 4, 6]]),
    ("small_five_blocks", [[int(x) for x in rng.integers(0, 15, 4) + 1] for _ in range(5)]),
    ("social_12_blocks_aa", social(12, 5000, 0.01, 0.05)),
    ("social_12_blocks_lift30", social(12, 5000, 0.01, 0.05, lift=1.3)),
    ("social_12_blocks_heterogeneous", social(12, 5000, 0.01, 0.05, spread=0.5)),
    ("zero_cell", [[0, 4000, 7, 4100], [31, 5200, 40, 4900], [55, 6100, 48, 5950], [12, 3000, 20, 3300]]),
    ("large_counts_aa", [[int(x * 1e7 * 0.02), int(x * 1e7 * 0.98), int(x * 1e7 * 0.02) + 311, int(x * 1e7 * 0.98) - 177] for x in (1.0, 1.7, 0.6, 2.3)]),
    ("large_counts_lift", [[200_000 + 13 * i, 9_800_000 - 7 * i, 230_000 + 11 * i, 9_770_000 + 5 * i] for i in range(4)]),
    ("two_blocks", [[15, 985, 25, 975], [8, 492, 3, 497]]),
    ("social_50_blocks", social(50, 5000, 0.01, 0.05, lift=1.1, spread=0.3)),
    ("unbalanced_arms", [[40, 1960, 3, 97], [5, 95, 90, 2910], [60, 4940, 70, 4930]]),
    ("odds_ratio_exactly_one", [[10, 90, 10, 90], [20, 80, 20, 80], [5, 195, 5, 195]]),
    ("continuity_small_deviation", [[10, 90, 10, 89], [20, 80, 21, 80]]),
    ("strong_effect_tiny_p", [[100, 9900, 400, 9600], [120, 9880, 450, 9550], [90, 9910, 420, 9580]]),
]

# Extreme blocks (a fitted Breslow-Day cell far below its observed count,
# ~1e-16 against 3): mpmath only (statsmodels' root formula loses every
# digit of such a cell).
extreme_cases = [
    ("tiny_fitted_cell", [[1099511627776, 4611686018427387903, 1, 1099511627776], [1, 1099511627776, 3, 1]]),
    ("tiny_fitted_cell_three_blocks", [[123457, 7, 1, 50], [1099511627776, 123457, 4611686018427387903, 2], [2, 2, 123457, 4611686018427387903]]),
    ("tiny_fitted_cell_moderate", [[1, 1000000000000, 3, 1], [50, 60, 40, 70]]),
]


def sm_values(blocks):
    tables = np.dstack([np.array([[sb, fb], [sa, fa]], dtype=float) for sa, fa, sb, fb in blocks])
    st = StratifiedTable(tables)
    out = {}
    with np.errstate(all="ignore"):
        for corr in (False, True):
            r = st.test_null_odds(correction=corr)
            key = "cmh_corrected" if corr else "cmh"
            out[key] = {"statistic": float(r.statistic), "pvalue": float(r.pvalue),
                        "pvalue_sf": float(ss.chi2.sf(r.statistic, 1))}
        out["oddsratio_pooled"] = float(st.oddsratio_pooled)
        out["logodds_pooled"] = float(st.logodds_pooled)
        out["logodds_pooled_se"] = float(st.logodds_pooled_se)
        out["oddsratio_pooled_confint_95"] = [float(v) for v in st.oddsratio_pooled_confint(alpha=0.05)]
        out["oddsratio_pooled_confint_99"] = [float(v) for v in st.oddsratio_pooled_confint(alpha=0.01)]
        for adj in (False, True):
            r = st.test_equal_odds(adjust=adj)
            key = "breslow_day_tarone" if adj else "breslow_day"
            out[key] = {"statistic": float(r.statistic), "pvalue": float(r.pvalue),
                        "pvalue_sf": float(ss.chi2.sf(r.statistic, len(blocks) - 1))}
        out["riskratio_pooled"] = float(st.riskratio_pooled)
    return out


def mp_values(blocks):
    tab = [[mp.mpf(x) for x in (sb, fb, sa, fa)] for sa, fa, sb, fb in blocks]
    dev = mp.mpf(0)
    var = mp.mpf(0)
    R = S = mp.mpf(0)
    rr_num = rr_den = mp.mpf(0)
    for a, b, c, d in tab:
        n = a + b + c + d
        dev += a - (a + b) * (a + c) / n
        var += (a + b) * (c + d) * (a + c) * (b + d) / (n * n * (n - 1))
        R += a * d / n
        S += b * c / n
        rr_num += a * (c + d) / n
        rr_den += c * (a + b) / n
    out = {}
    stat = dev * dev / var
    cc = min(mp.mpf("0.5"), abs(dev))
    stat_c = (abs(dev) - cc) ** 2 / var
    out["cmh"] = {"statistic": float(stat), "pvalue": float(mp.gammainc(mp.mpf(1) / 2, stat / 2, mp.inf, regularized=True))}
    out["cmh_corrected"] = {"statistic": float(stat_c), "pvalue": float(mp.gammainc(mp.mpf(1) / 2, stat_c / 2, mp.inf, regularized=True))}
    psi = R / S
    out["oddsratio_pooled"] = float(psi)
    out["logodds_pooled"] = float(mp.log(psi))
    t1 = t2 = t3 = mp.mpf(0)
    for a, b, c, d in tab:
        n = a + b + c + d
        P, Q, Ri, Si = (a + d) / n, (b + c) / n, a * d / n, b * c / n
        t1 += P * Ri
        t2 += P * Si + Q * Ri
        t3 += Q * Si
    v = (t1 / R**2 + t2 / (R * S) + t3 / S**2) / 2
    out["logodds_pooled_se"] = float(mp.sqrt(v))
    for level, key in ((mp.mpf("0.95"), "oddsratio_pooled_confint_95"), (mp.mpf("0.99"), "oddsratio_pooled_confint_99")):
        z = -mp.sqrt(2) * mp.erfinv(-level)  # Phi^-1((1+level)/2)
        out[key] = [float(mp.exp(mp.log(psi) - z * mp.sqrt(v))), float(mp.exp(mp.log(psi) + z * mp.sqrt(v)))]
    # Breslow-Day on informative blocks: fitted deviation t with
    # (a+t)(d+t) = psi (b-t)(c-t), t in (-min(a,d), min(b,c)).
    bd = mp.mpf(0)
    sum_t = mp.mpf(0)
    sum_v = mp.mpf(0)
    k = 0
    for a, b, c, d in tab:
        if a + c == 0 or b + d == 0:
            continue
        k += 1
        A = 1 - psi
        B = a + d + psi * (b + c)
        C = a * d - psi * b * c
        if A == 0:
            t = -C / B
        else:
            roots = [(-B + s * mp.sqrt(B * B - 4 * A * C)) / (2 * A) for s in (1, -1)]
            t = [r for r in roots if -min(a, d) <= r <= min(b, c)][0]
        vv = 1 / (1 / (a + t) + 1 / (b - t) + 1 / (c - t) + 1 / (d + t))
        bd += t * t / vv
        sum_t += t
        sum_v += vv
    tarone = bd - sum_t**2 / sum_v
    for key, s in (("breslow_day", bd), ("breslow_day_tarone", tarone)):
        out[key] = {"statistic": float(s), "dof": k - 1,
                    "pvalue": float(mp.gammainc(mp.mpf(k - 1) / 2, s / 2, mp.inf, regularized=True))}
    out["riskratio_pooled"] = float(rr_num / rr_den)
    return out


doc = {
    "generator": "tests/data/stratified_statsmodels.py",
    "statsmodels_version": statsmodels.__version__,
    "orientation": "block = [s_A, f_A, s_B, f_B]; statsmodels table = [[s_B, f_B], [s_A, f_A]]",
    "calls": [
        "StratifiedTable(np.dstack(tables)).test_null_odds(correction=False)",
        "StratifiedTable(...).test_null_odds(correction=True)",
        "StratifiedTable(...).oddsratio_pooled",
        "StratifiedTable(...).logodds_pooled",
        "StratifiedTable(...).logodds_pooled_se",
        "StratifiedTable(...).oddsratio_pooled_confint(alpha=0.05)",
        "StratifiedTable(...).oddsratio_pooled_confint(alpha=0.01)",
        "StratifiedTable(...).test_equal_odds(adjust=False)",
        "StratifiedTable(...).test_equal_odds(adjust=True)",
        "StratifiedTable(...).riskratio_pooled",
    ],
    "cases": [{"name": name, "blocks": blocks, "statsmodels": sm_values(blocks), "mpmath": mp_values(blocks)}
              for name, blocks in cases],
    "mpmath_only_cases": [{"name": name, "blocks": blocks, "mpmath": mp_values(blocks)}
                          for name, blocks in extreme_cases],
}


def no_nan(x):
    """JSON has no NaN: statsmodels' NaN results are written as null."""
    if isinstance(x, float) and x != x:
        return None
    if isinstance(x, dict):
        return {k: no_nan(v) for k, v in x.items()}
    if isinstance(x, list):
        return [no_nan(v) for v in x]
    return x


print(json.dumps(no_nan(doc), indent=1))
