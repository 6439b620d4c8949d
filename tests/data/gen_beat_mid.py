"""Reference P(B > A) for Beta posteriors in the middle band of sizes
(10^2.5 to 10^6 trials per arm), where the sum from the boundary once ran
term by term over hundreds to thousands of terms: rates 50 %, 10 %, 3 %,
1 % and 0.1 %, B's successes 0, 1 and 3 standard deviations of the
difference above A's. Both tails by the terms beyond Evan Miller's sum,
summed from the boundary at 60 digits until a term is below 1e-50 of the
sum (gen_bayes.py's p_greater).
Run: python3 tests/data/gen_beat_mid.py > tests/data/beat-mid-mpmath.json
Uniform prior: alpha = 1 + s, beta = 1 + n - s."""
import json
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gen_bayes import p_greater, s25  # noqa: E402 (60 digits, to 1e-50 of the sum)


cases = []
for rate in [0.5, 0.1, 0.03, 0.01, 0.001]:
    for n in [300, 1_000, 3_000, 10_000, 30_000, 100_000, 300_000, 1_000_000]:
        sa = round(rate * n)
        if sa < 2:
            continue
        for sep in [0, 1, 3]:
            sb = min(n, sa + math.ceil(sep * math.sqrt(2 * sa * (1 - rate))))
            aA, bA, aB, bB = 1 + sa, 1 + n - sa, 1 + sb, 1 + n - sb
            q = p_greater(aA, bA, aB, bB)
            cases.append({
                "id": f"mid-{sa}-{n}-{sb}-{n}", "kind": "beta_prob_b_beats_a",
                "input": {"s_a": sa, "n_a": n, "s_b": sb, "n_b": n,
                          "alpha_a": aA, "beta_a": bA, "alpha_b": aB, "beta_b": bB},
                "expected": {"prob_b_beats_a_hp": s25(1 - q), "prob_a_beats_b_hp": s25(q)},
                "source": "mpmath 60 digits, terms beyond Evan Miller's sum from the boundary",
            })
print(json.dumps(cases, indent=1))
