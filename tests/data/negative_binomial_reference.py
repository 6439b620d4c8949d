"""Reference NB2 fits for postab's fit_negative_binomial (tests/per_post.rs).

statsmodels' discrete NegativeBinomial (loglike_method="nb2") with a
constant only and `exposure`, fitted by Newton then refined by BFGS to a
tight gradient; Poisson log-likelihood from statsmodels' Poisson.

Run: python3 tests/data/negative_binomial_reference.py > tests/data/negative_binomial_reference.json
"""
import json
import warnings

import numpy as np
import statsmodels.api as sm

warnings.simplefilter("ignore")

CASES = [
    ([3, 41, 7, 0, 12, 95, 5, 9, 22, 4], None),
    ([0, 1, 0, 2, 5, 0, 1], None),
    ([120, 340, 95, 610, 210, 180, 75, 400, 260, 150, 90, 330], None),
    ([4, 9, 2, 30, 7, 12], [1.2, 2.5, 0.8, 4.0, 1.5, 3.1]),
    ([15, 22, 9, 41, 18, 27, 33, 12], [10.0, 11.0, 10.5, 12.0, 11.5, 12.5, 13.0, 10.2]),
    ([1000, 1200, 900, 1500, 800], None),
]

out = []
for counts, exposure in CASES:
    y = np.array(counts, dtype=float)
    x = np.ones((len(y), 1))
    e = np.ones(len(y)) if exposure is None else np.array(exposure)
    nb = sm.NegativeBinomial(y, x, exposure=e, loglike_method="nb2")
    r = nb.fit(method="newton", maxiter=200, disp=0)
    r = nb.fit(start_params=r.params, method="bfgs", maxiter=2000, gtol=1e-12, disp=0)
    po = sm.Poisson(y, x, exposure=e).fit(disp=0)
    out.append(
        {
            "counts": counts,
            "exposure": list(e),
            "rate": float(np.exp(r.params[0])),
            "dispersion": float(r.params[1]),
            "log_likelihood": float(r.llf),
            "poisson_log_likelihood": float(po.llf),
        }
    )
print(json.dumps({"cases": out}, indent=1))
