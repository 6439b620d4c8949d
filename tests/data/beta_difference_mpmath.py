"""Reference values for postab::bayes::prob_difference_above / _below
(tests/guardrail.rs): P(p_B - p_A > d) and P(p_B - p_A <= d) for
independent p_A ~ Beta(a_A, b_A), p_B ~ Beta(a_B, b_B).

    P(p_B - p_A > d) = int_0^1 f_A(x) (1 - I_{x + d}(a_B, b_B)) dx

(I_x = 1 for x >= 1, 0 for x <= 0), and the lower tail with I in place of
1 - I, each integrated as it stands (a tail is never formed as 1 - the
other). mpmath: the regularised incomplete beta of integer shapes as
the binomial tail I_x(a, b) = P(Bin(a + b - 1, x) >= a), the smaller side
summed term by term from its boundary outward, tanh-sinh quadrature (mp.quad) on the
segments between A's mean +- k standard deviations (k = 0, 1, ..., 12,
16, 24, 40), the density of A from log-gamma (mp.loggamma). Each value is
computed twice, at 25 and 35 digits, and the two must agree to 1e-15
relative; the two tails must sum to 1 within 1e-20.

Posteriors are Beta(1 + s, 1 + n - s) (uniform prior) of the counts listed.

Run: python3 tests/data/beta_difference_mpmath.py > tests/data/beta_difference_mpmath.json
"""
import json

import mpmath as mp

CASES = [
    # name, (s_A, n_A), (s_B, n_B), d
    ("unfollows-0.05pp", (41, 20_000), (47, 20_300), 0.0005),
    ("ctr-minus-0.2pp", (410, 20_000), (452, 20_100), -0.002),
    ("small-tail", (9, 160), (12, 150), 0.2),
    ("tiny-tail", (9, 160), (12, 150), 0.35),
    ("zero-a", (0, 130), (3, 120), 0.05),
    ("worse-by-0.5pp", (410, 20_000), (371, 19_900), 0.005),
    ("large-1e6", (20_000, 1_000_000), (20_300, 1_000_000), 0.0005),
    ("lower-tail-tiny", (410, 20_000), (452, 20_100), -0.004),
]


def tails(sa, na, sb, nb, d):
    aa, ba = mp.mpf(1 + sa), mp.mpf(1 + na - sa)
    ab, bb = mp.mpf(1 + sb), mp.mpf(1 + nb - sb)
    d = mp.mpf(d)
    lnb = mp.loggamma(aa) + mp.loggamma(ba) - mp.loggamma(aa + ba)

    def fa(x):
        if x <= 0 or x >= 1:
            return mp.mpf(0)
        return mp.exp((aa - 1) * mp.log(x) + (ba - 1) * mp.log1p(-x) - lnb)

    big_n = int(ab + bb - 1)  # I_x(a, b) = P(Bin(a + b - 1, x) >= a) for integer shapes
    k0 = int(ab)

    def binom_tails(x):
        """(P(Bin(N, x) < k0), P(Bin(N, x) >= k0)), the smaller side summed
        from the boundary outward, the other as 1 minus it."""
        lnx, ln1x = mp.log(x), mp.log1p(-x)

        def term(k):
            return mp.exp(mp.loggamma(big_n + 1) - mp.loggamma(k + 1)
                          - mp.loggamma(big_n - k + 1) + k * lnx + (big_n - k) * ln1x)

        eps = mp.mpf(10) ** (-mp.mp.dps - 5)
        if x * big_n >= k0:  # lower side (k < k0) is the smaller: sum k0-1 down
            t, k, acc = term(k0 - 1), k0 - 1, mp.mpf(0)
            while k >= 0:
                acc += t
                if t < eps * acc:
                    break
                t *= k / (big_n - k + 1) * (1 - x) / x
                k -= 1
            return acc, 1 - acc
        t, k, acc = term(k0), k0, mp.mpf(0)
        while k <= big_n:
            acc += t
            if t < eps * acc:
                break
            t *= (big_n - k) / (k + 1) * x / (1 - x)
            k += 1
        return 1 - acc, acc

    def upper_b(x):  # 1 - I_x(a_B, b_B)
        if x <= 0:
            return mp.mpf(1)
        if x >= 1:
            return mp.mpf(0)
        return binom_tails(x)[0]

    def lower_b(x):  # I_x(a_B, b_B)
        if x <= 0:
            return mp.mpf(0)
        if x >= 1:
            return mp.mpf(1)
        return binom_tails(x)[1]

    mean = aa / (aa + ba)
    sd = mp.sqrt(aa * ba / ((aa + ba) ** 2 * (aa + ba + 1)))
    pts = {mp.mpf(0), mp.mpf(1)}
    for k in list(range(0, 13)) + [16, 24, 40]:
        for s in (-1, 1):
            x = mean + s * k * sd
            if 0 < x < 1:
                pts.add(x)
    # B's bulk, moved into A's variable, and the kinks at x = -d, 1 - d
    mb = ab / (ab + bb)
    sdb = mp.sqrt(ab * bb / ((ab + bb) ** 2 * (ab + bb + 1)))
    for k in range(-12, 13):
        x = mb + k * sdb - d
        if 0 < x < 1:
            pts.add(x)
    for x in (-d, 1 - d):
        if 0 < x < 1:
            pts.add(x)
    pts = sorted(pts)
    up = mp.quad(lambda x: fa(x) * upper_b(x + d), pts)
    lo = mp.quad(lambda x: fa(x) * lower_b(x + d), pts)
    return up, lo


def main():
    out = []
    for name, (sa, na), (sb, nb), d in CASES:
        mp.mp.dps = 25
        up, lo = tails(sa, na, sb, nb, d)
        mp.mp.dps = 35
        up2, lo2 = tails(sa, na, sb, nb, d)
        for x, y in ((up, up2), (lo, lo2)):
            assert abs(x - y) <= mp.mpf("1e-15") * abs(y), (name, x, y)
        assert abs(up2 + lo2 - 1) < mp.mpf("1e-20"), (name, up2 + lo2)
        out.append({
            "id": name,
            "a": [sa, na],
            "b": [sb, nb],
            "prior": [1, 1],
            "d": d,
            "above": mp.nstr(up2, 25),
            "below": mp.nstr(lo2, 25),
        })
    print(json.dumps({
        "source": "tests/data/beta_difference_mpmath.py",
        "mpmath": mp.__version__,
        "definition": "above = P(p_B - p_A > d), below = P(p_B - p_A <= d), "
                      "p ~ Beta(1 + s, 1 + n - s)",
        "cases": out,
    }, indent=1))


if __name__ == "__main__":
    main()
