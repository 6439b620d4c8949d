"""Reference two-sided Student t quantiles at large degrees of freedom for
tests/robustness_freq_seq_sim.rs: t with P(|T_nu| > t) = alpha, solved with
mpmath (40 digits) from P(|T| > t) = I_{nu/(nu + t^2)}(nu/2, 1/2).
Writes welch_large_dof_quantiles.json."""
import json

import mpmath as mp

mp.mp.dps = 40


def t_two_sided(alpha, nu):
    nu = mp.mpf(nu)
    f = lambda t: mp.betainc(nu / 2, mp.mpf(1) / 2, 0, nu / (nu + t * t), regularized=True) - alpha
    return mp.findroot(f, mp.sqrt(2) * mp.erfinv(1 - alpha))


rows = []
for nu in ["1.5e7", "1e8", "1e12", "18446744073709551614"]:
    # 2^-20: 1 - level is exact for level = 1 - 2^-20.
    for alpha in ["0.05", "9.5367431640625e-7"]:
        rows.append({"nu": float(mp.mpf(nu)), "alpha": float(mp.mpf(alpha)),
                     "t": float(t_two_sided(mp.mpf(alpha), mp.mpf(nu)))})
with open(__file__.replace(".py", ".json"), "w") as f:
    json.dump(rows, f, indent=1)
