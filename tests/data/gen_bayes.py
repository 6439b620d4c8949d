"""Reference P(B > A) and expected losses for Beta posteriors at 10^6-10^9
trials and at zero successes, by Evan Miller's closed-form sum at 60 digits
(mpmath); expected losses by the size-biasing identity at 90 digits.
Run: python3 tests/data/gen_bayes.py > tests/data/bayes-mpmath.json
Uniform prior: alpha = 1 + s, beta = 1 + n - s."""
import json
import mpmath as mp

mp.mp.dps = 60


def s25(x):
    return mp.nstr(x, 25, min_fixed=1, max_fixed=0)


def prob_b_beats_a(aA, bA, aB, bB):
    aA, bA, aB, bB = map(mp.mpf, (aA, bA, aB, bB))
    t = mp.exp(mp.loggamma(aA) + mp.loggamma(bA + bB) - mp.loggamma(aA + bA + bB)
               - (mp.loggamma(aA) + mp.loggamma(bA) - mp.loggamma(aA + bA)))
    total = mp.mpf(0)
    c = aA + bA + bB
    i = 0
    n = int(aB)
    while i < n:
        total += t
        t *= (aA + i) * (bB + i) / ((c + i) * (i + 1))
        i += 1
    return total


def p_greater(aA, bA, aB, bB):
    """P(A > B) = sum_{i >= aB} T(i) for integer aB: the terms beyond Evan
    Miller's sum, summed from the boundary at the working precision until a
    term is below 1e-50 of the sum."""
    aA, bA, aB, bB = map(mp.mpf, (aA, bA, aB, bB))
    i = aB
    t = mp.exp(mp.loggamma(aA + i) + mp.loggamma(bA + bB) - mp.loggamma(aA + bA + bB + i)
               - mp.log(bB + i) - (mp.loggamma(1 + i) + mp.loggamma(bB) - mp.loggamma(1 + i + bB))
               - (mp.loggamma(aA) + mp.loggamma(bA) - mp.loggamma(aA + bA)))
    total = mp.mpf(0)
    c = aA + bA + bB
    while t > total * mp.mpf(10) ** -50:
        total += t
        t *= (aA + i) * (bB + i) / ((c + i) * (i + 1))
        i += 1
    return total


def main():
    cases = []
    for (sa, na, sb, nb) in [
        (30_000_000, 100_000_000, 30_003_000, 100_000_000),       # 30 % at 10^8
        (300_000_000, 1_000_000_000, 300_030_000, 1_000_000_000),  # 30 % at 10^9
    ]:
        aA, bA, aB, bB = 1 + sa, 1 + na - sa, 1 + sb, 1 + nb - sb
        q = p_greater(aA, bA, aB, bB)
        cases.append({
            "id": f"mpmath-{sa}-{na}-{sb}-{nb}", "kind": "beta_prob_b_beats_a",
            "input": {"s_a": sa, "n_a": na, "s_b": sb, "n_b": nb, "alpha_a": aA, "beta_a": bA, "alpha_b": aB, "beta_b": bB},
            "expected": {"prob_b_beats_a_hp": s25(1 - q), "prob_a_beats_b_hp": s25(q)},
            "source": "mpmath 60 digits, terms beyond Evan Miller's sum from the boundary",
        })
    for (sa, na, sb, nb) in [
        (10_000, 100_000_000, 10_150, 100_000_000),      # 0.01 % at 10^8
        (100_000, 1_000_000_000, 100_600, 1_000_000_000),  # 0.01 % at 10^9
        (100_000, 1_000_000_000, 99_000, 1_000_000_000),   # B worse, tail
        (1_000_000, 100_000_000, 1_003_000, 100_000_000),  # 1 % at 10^8
        (0, 1_000_000_000, 3, 1_000_000_000),               # zero successes
        (0, 1_000_000_000, 0, 1_000_000_000),               # both zero: 1/2
        (0, 100_000_000, 40, 100_000_000),                  # far tail
        (300_000, 1_000_000, 300_900, 1_000_000),           # 30 % at 10^6
        (5, 1_000_000_000, 0, 200),                         # lopsided
    ]:
        aA, bA, aB, bB = 1 + sa, 1 + na - sa, 1 + sb, 1 + nb - sb
        p = prob_b_beats_a(aA, bA, aB, bB)
        cases.append({
            "id": f"mpmath-{sa}-{na}-{sb}-{nb}", "kind": "beta_prob_b_beats_a",
            "input": {"s_a": sa, "n_a": na, "s_b": sb, "n_b": nb, "alpha_a": aA, "beta_a": bA, "alpha_b": aB, "beta_b": bB},
            "expected": {"prob_b_beats_a_hp": s25(p), "prob_a_beats_b_hp": s25(1 - p)},
            "source": "mpmath 60 digits, Evan Miller sum",
        })



    # Expected losses at 2·10^6-10^9 trials (the benchmark sizes among them), zero
    # successes, and a lopsided pair whose P(B > A) is 1e-270:
    # choose_b = E[(A - B)+] = m_A P(A' > B) - m_B P(A > B'), A' = Beta(aA + 1, bA),
    # each P(. > .) by p_greater at 90 digits, so the difference keeps 25 digits.
    mp.mp.dps = 90
    for (sa, na, sb, nb) in [
        (30_000, 2_000_000, 30_500, 2_000_000),                # benchmark, 2M
        (3_000_000, 200_000_000, 3_020_000, 200_000_000),      # benchmark, 200M
        (1_000_000, 100_000_000, 1_000_100, 100_000_000),      # 1 % at 10^8, close
        (100_000, 1_000_000_000, 100_600, 1_000_000_000),      # 0.01 % at 10^9
        (30_000_000, 100_000_000, 30_003_000, 100_000_000),    # 30 % at 10^8
        (0, 1_000_000_000, 3, 1_000_000_000),                  # zero successes
        (3_488_894, 797_059_951, 116, 120),                    # lopsided, 1e-270 tail
    ]:
        aA, bA, aB, bB = 1 + sa, 1 + na - sa, 1 + sb, 1 + nb - sb
        mA, mB = mp.mpf(aA) / (aA + bA), mp.mpf(aB) / (aB + bB)
        a_gt_b = p_greater(aA, bA, aB, bB)
        choose_b = mA * p_greater(aA + 1, bA, aB, bB) - mB * p_greater(aA, bA, aB + 1, bB)
        choose_a = choose_b + mB - mA
        common = {"s_a": sa, "n_a": na, "s_b": sb, "n_b": nb, "alpha_a": aA, "beta_a": bA, "alpha_b": aB, "beta_b": bB}
        cases.append({
            "id": f"mpmath-loss-{sa}-{na}-{sb}-{nb}", "kind": "beta_expected_loss",
            "input": common,
            "expected": {"loss_choose_b_hp": s25(choose_b), "loss_choose_a_hp": s25(choose_a)},
            "source": "mpmath 90 digits, m_A P(A' > B) - m_B P(A > B') with tail sums beyond Evan Miller's",
        })
        cases.append({
            "id": f"mpmath-tail-{sa}-{na}-{sb}-{nb}", "kind": "beta_prob_b_beats_a",
            "input": common,
            "expected": {"prob_b_beats_a_hp": s25(1 - a_gt_b), "prob_a_beats_b_hp": s25(a_gt_b)},
            "source": "mpmath 90 digits, terms beyond Evan Miller's sum from the boundary",
        })
    print(json.dumps(cases, indent=1))


if __name__ == "__main__":
    main()
