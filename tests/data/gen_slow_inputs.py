"""Reference values for the formerly slow inputs of issue 11
(tests/bayes_robustness.rs, "Calls that took over 100 ms").

P(Y > X) for X ~ Beta(a_x, b_x), Y ~ Beta(a_y, b_y) is the exact series
sum_{j>=0} T(a_x + j), T(a) = B(a_y + a, b_y + b_x) / (a B(a, b_x) B(a_y, b_y)),
summed in mpmath (40 digits) with the ratio T(a+1)/T(a); each value is
computed in two orientations (X > Y <=> 1 - Y > 1 - X), which must agree.
Expected losses: E[(A - B)+] = m_A P(A' > B) - m_B P(A > B') with size-biased
A' ~ Beta(a + 1, b), B' likewise; E[(B - A)+] = E[(A - B)+] + m_B - m_A.

Run: python3 tests/data/gen_slow_inputs.py > tests/data/slow-inputs-mpmath.json
"""
import json
from mpmath import mp, mpf, loggamma, exp, log

mp.dps = 40


def lbeta(a, b):
    return loggamma(a) + loggamma(b) - loggamma(a + b)


def p_y_gt_x(ax, bx, ay, by, maxk=5_000_000):
    ax, bx, ay, by = map(mpf, (ax, bx, ay, by))
    c = bx + by
    a = ax
    lt = lbeta(ay + a, by + bx) - log(a) - lbeta(a, bx) - lbeta(ay, by)
    t, s, k = mpf(1), mpf(0), 0
    while k < maxk:
        s += t
        r = (ay + a) * (a + bx) / ((ay + c + a) * (a + 1))
        t *= r
        a += 1
        k += 1
        if r < 1 and t < s * mpf(10) ** -36:
            break
    return s * exp(lt)


def p_gt(A, B):
    """P(A > B), two orientations."""
    (xa, xb), (ya, yb) = A, B
    r1 = p_y_gt_x(ya, yb, xa, xb)
    r2 = p_y_gt_x(xb, xa, yb, ya)
    assert abs(r1 / r2 - 1) < mpf(10) ** -25, (r1, r2)
    return r1


def mean(A):
    return mpf(A[0]) / (mpf(A[0]) + A[1])


out = []
A, B = (5.9e8, 2.2e7), (19477.6, 0.009)
cb = mean(A) * p_gt((A[0] + 1, A[1]), B) - mean(B) * p_gt(A, (B[0] + 1, B[1]))
out.append({"call": "expected_loss", "a": A, "b": B,
            "choose_b": mp.nstr(cb, 20), "choose_a": mp.nstr(cb + mean(B) - mean(A), 20)})
for A, B in [((9.17e8, 1.09e5), (5.99e6, 0.0193)),
             ((310328409.2963589, 78802.14598173863), (2591497.2931235805, 0.04475428534594947))]:
    out.append({"call": "prob_beats", "a": A, "b": B, "a_beats_b": mp.nstr(p_gt(A, B), 20)})
A, B = (85456.36006754443, 26407613.80221619), (0.017695335045168327, 157428.66722531815)
out.append({"call": "prob_beats", "a": A, "b": B, "b_beats_a": mp.nstr(p_gt(B, A), 20)})
print(json.dumps(out, indent=1))
