"""Reference expected losses of the K-arm ranking (K >= 3), by mpmath.

Posteriors Beta(1 + s, 1 + n - s) (uniform prior), and Gamma(shape, rate)
for the cases named gamma_*. For the arm with the
highest mean T:  loss_T = E[max_j p_j - p_T] = int F_T(x) (1 - prod_{j!=T} F_j(x)) dx,
and for the arm with the lowest mean B (lower is better):
loss_low_B = E[p_B - min_j p_j] = int S_B(x) (1 - prod_{j!=B} S_j(x)) dx,
with every F_j and S_j = 1 - F_j integrated from its own far tail (so both are
accurate in relative terms), at 30 significant digits, on panels half the
narrowest posterior standard deviation wide (24-node Gauss-Legendre). Run: python3 tests/data/rank_loss_reference.py
(writes tests/data/rank-loss-mpmath.json).
"""
import json
import mpmath as mp

mp.mp.dps = 30

CASES = [
    # (name, [(successes, trials), ...])
    ("k3_2e8_close", [(3_000_000, 200_000_000), (2_999_000, 200_000_000), (3_002_000, 200_000_000)]),
    ("k3_2e8_ahead", [(3_000_000, 200_000_000), (2_999_000, 200_000_000), (3_008_000, 200_000_000)]),
    ("k4_2e8_far", [(3_000_000, 200_000_000), (2_999_000, 200_000_000), (3_001_000, 200_000_000), (3_014_000, 200_000_000)]),
    ("k3_2e6", [(30_000, 2_000_000), (30_400, 2_000_000), (30_900, 2_000_000)]),
    ("k5_2e4", [(300, 20_000), (310, 20_000), (320, 20_000), (330, 20_000), (420, 20_000)]),
    ("k3_1e9_zero", [(0, 1_000_000_000), (3, 1_000_000_000), (40, 1_000_000_000)]),
]

# (name, [(shape, rate), ...]): Gamma posteriors of events per unit of
# exposure (30,000 events per 10^6 units; leaders 3.3 and 8 standard
# deviations ahead).
GAMMA_CASES = [
    ("gamma_k3_ahead", [(30_001.0, 1e6), (29_901.0, 1e6), (30_801.0, 1e6)]),
    ("gamma_k3_far", [(30_001.0, 1e6), (29_951.0, 1e6), (31_401.0, 1e6)]),
]


GL = [(mp.mpf(x), mp.mpf(w)) for x, w in
      mp.calculus.quadrature.GaussLegendre(mp.mp).calc_nodes(4, mp.mp.prec + 20)]  # 24 nodes


def arm(s, n):
    a, b = mp.mpf(1 + s), mp.mpf(1 + n - s)
    lnb = mp.loggamma(a) + mp.loggamma(b) - mp.loggamma(a + b)
    mean = a / (a + b)
    sd = mp.sqrt(a * b / ((a + b) ** 2 * (a + b + 1)))

    def pdf(x):
        if x <= 0 or x >= 1:
            return mp.mpf(0)
        return mp.exp((a - 1) * mp.log(x) + (b - 1) * mp.log1p(-x) - lnb)

    return dict(mean=mean, sd=sd, pdf=pdf,
                lo=max(mp.mpf(0), mean - 60 * sd), hi=min(mp.mpf(1), mean + 60 * sd))


def gamma_arm(shape, rate):
    a, r = mp.mpf(shape), mp.mpf(rate)
    lng = mp.loggamma(a)
    mean, sd = a / r, mp.sqrt(a) / r

    def pdf(x):
        if x <= 0:
            return mp.mpf(0)
        return r * mp.exp((a - 1) * mp.log(r * x) - r * x - lng)

    return dict(mean=mean, sd=sd, pdf=pdf, lo=max(mp.mpf(0), mean - 60 * sd), hi=mean + 60 * sd)


def gl(f, u, v):
    h = (v - u) / 2
    return h * mp.fsum(w * f(u + h * (x + 1)) for x, w in GL)


def losses(arms, top, bottom):
    """Both losses on one grid: panels half the narrowest sd wide, 24-node
    Gauss-Legendre; every F_j and S_j at every node by Gauss-Legendre
    increments between consecutive nodes, summed from its own side."""
    lo = min(a["lo"] for a in arms)
    hi = max(a["hi"] for a in arms)
    width = min(a["sd"] for a in arms) / 2
    k = int(mp.ceil((hi - lo) / width))
    edges = [lo + (hi - lo) * i / k for i in range(k + 1)]
    xs, ws = [], []
    for u, v in zip(edges, edges[1:]):
        h = (v - u) / 2
        for x, w in sorted(GL):
            xs.append(u + h * (x + 1))
            ws.append(h * w)
    pts = [lo] + xs + [hi]
    cdf, sf = [], []
    for a in arms:
        inc = [gl(a["pdf"], u, v) for u, v in zip(pts, pts[1:])]
        c, run = [], mp.mpf(0)
        for d in inc[:-1]:
            run += d
            c.append(run)
        s_, run = [], mp.mpf(0)
        for d in reversed(inc[1:]):
            run += d
            s_.append(run)
        cdf.append(c)
        sf.append(list(reversed(s_)))
    up = mp.mpf(0)
    down = mp.mpf(0)
    for i, w in enumerate(ws):
        keep = mp.fprod(1 - sf[j][i] for j in range(len(arms)) if j != top)
        up += w * cdf[top][i] * (1 - keep)
        keep = mp.fprod(1 - cdf[j][i] for j in range(len(arms)) if j != bottom)
        down += w * sf[bottom][i] * (1 - keep)
    return up, down


out = []
for name, counts in CASES + GAMMA_CASES:
    gamma = name.startswith("gamma_")
    arms = [gamma_arm(s, n) if gamma else arm(s, n) for s, n in counts]
    means = [a["mean"] for a in arms]
    top = max(range(len(arms)), key=lambda i: means[i])
    bottom = min(range(len(arms)), key=lambda i: means[i])
    up, down = losses(arms, top, bottom)
    rec = dict(
        name=name,
        **({"gamma": [[s, n] for s, n in counts]} if gamma else {"counts": [[s, n] for s, n in counts]}),
        top=top,
        loss_top=mp.nstr(up, 20),
        bottom=bottom,
        loss_bottom_lower_better=mp.nstr(down, 20),
    )
    print(rec, flush=True)
    out.append(rec)
json.dump(dict(generator="tests/data/rank_loss_reference.py", mpmath=mp.__version__, dps=mp.mp.dps, cases=out),
          open("tests/data/rank-loss-mpmath.json", "w"), indent=1)
