"""Reference values for postab's paired (blocked) analysis.

Per-block log rate ratios d_i = ln((yB+.5)/(nB+.5)) - ln((yA+.5)/(nA+.5)) with
v_i = 1/(yB+.5) - 1/(nB+.5) + 1/(yA+.5) - 1/(nA+.5), then
* paired t: scipy.stats.ttest_1samp(d, 0) and its 95 % t interval;
* order-adjusted: statsmodels OLS of d on [1, s] (s = +1 B first, -1 A first);
* random effects: statsmodels.stats.meta_analysis.combine_effects(d, v,
  method_re="dl", use_t=True), row "random effect wls" (the
  Hartung-Knapp-Sidik-Jonkman variance), and its tau2.
Run: python3 tests/data/paired_reference.py > tests/data/paired-reference.json
"""
import json
import numpy as np
import scipy
import statsmodels
import statsmodels.api as sm
from scipy import stats
from statsmodels.stats.meta_analysis import combine_effects

rng = np.random.default_rng(20261201)
cases = []
for case in range(12):
    k = [2, 3, 4, 6, 8, 12, 12, 20, 24, 40, 5, 10][case]
    base = rng.uniform(0.005, 0.08)
    blocks = []
    for i in range(k):
        mu = 1 / (1 + np.exp(-(np.log(base / (1 - base)) + rng.normal(0, 0.6))))
        na, nb = [int(max(1, round(np.exp(rng.normal(np.log([300, 3000, 50000][case % 3]), 1.0))))) for _ in range(2)]
        ya = int(rng.binomial(na, rng.beta(mu * 80, (1 - mu) * 80)))
        lift = 1.0 + 0.3 * (case % 2)
        pb = min(0.9, mu * lift)
        yb = int(rng.binomial(nb, rng.beta(pb * 80, (1 - pb) * 80)))
        blocks.append([ya, na, yb, nb])
    order = None
    if case % 3 != 2 and k >= 3:
        order = ["a_first" if i % 2 == 0 else "b_first" for i in range(k)]
        if case == 4:
            order = ["a_first" if i < 5 else "b_first" for i in range(k)]
    b = np.array(blocks, dtype=float)
    d = np.log((b[:, 2] + .5) / (b[:, 3] + .5)) - np.log((b[:, 0] + .5) / (b[:, 1] + .5))
    v = 1 / (b[:, 2] + .5) - 1 / (b[:, 3] + .5) + 1 / (b[:, 0] + .5) - 1 / (b[:, 1] + .5)
    out = {"blocks": blocks, "order": order}
    if order is None:
        t = stats.ttest_1samp(d, 0.0)
        se = d.std(ddof=1) / np.sqrt(k)
        q = stats.t.ppf(0.975, k - 1)
        out["paired"] = {"estimate": float(d.mean()), "std_error": float(se), "t": float(t.statistic),
                         "p_value": float(t.pvalue), "dof": k - 1,
                         "interval": [float(d.mean() - q * se), float(d.mean() + q * se)]}
    else:
        s = np.array([1.0 if o == "b_first" else -1.0 for o in order])
        fit = sm.OLS(d, sm.add_constant(s)).fit()
        ci = fit.conf_int(0.05)[0]
        out["paired"] = {"estimate": float(fit.params[0]), "std_error": float(fit.bse[0]),
                         "t": float(fit.tvalues[0]), "p_value": float(fit.pvalues[0]), "dof": k - 2,
                         "interval": [float(ci[0]), float(ci[1])], "first_advantage": float(fit.params[1])}
    res = combine_effects(d, v, method_re="dl", use_t=True)
    sf = res.summary_frame(alpha=0.05)
    row = sf.loc["random effect wls"]
    out["random_effects"] = {"estimate": float(row["eff"]), "std_error": float(row["sd_eff"]),
                             "tau_squared": float(res.tau2),
                             "interval": [float(row["ci_low"]), float(row["ci_upp"])]}
    cases.append(out)
print(json.dumps({"scipy": scipy.__version__, "statsmodels": statsmodels.__version__,
                  "level": 0.95, "cases": cases}, indent=1))
