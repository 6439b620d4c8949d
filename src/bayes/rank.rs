//! `P(best)`, `P(worst)` and `E[max]` over K posteriors, by one sweep of
//! collocation quadrature.
//!
//! # Method
//!
//! `P(k is best) = ∫ f_k(t) Π_{j≠k} F_j(t) dt`. The axis is cut into panels of
//! 2.5 posterior standard deviations of the narrowest posterior active
//! there, over `[min_j(m_j − w_j sd_j), max_j(m_j + w_j sd_j)]` (`w_j = 8.5 + 15·|skewness_j|`) (geometrically
//! refined towards 0 or 1 where a density is singular). On each panel a
//! 12-point Gauss–Legendre rule integrates, and every `F_j` at the nodes is
//! obtained from the densities at the same nodes by the rule's spectral
//! integration matrix, starting from 0 at the left end (the mass outside the
//! region, about 1e-17 per posterior, is neglected at both ends). Densities
//! are evaluated in log space around a common point ([`SharedLnPdf`]: two
//! logarithms per node for all posteriors, then one `exp` each, all
//! branch-free over a panel's nodes), so there is no simulation and no
//! incomplete-beta evaluation per node. Absolute accuracy
//! about 1e-11 (tested to 1e-9 against mpmath). The expected losses are
//! integrals of positive terms (see [`Collocation`]), never a difference
//! `E[max] − E[p_k]`, so a small loss keeps its relative accuracy. A clear
//! leader's small loss is summed again with its exact shortfall
//! `E[(x − p_T)⁺]` at the same nodes ([`Posterior::shortfall`]), where the
//! 12-node panels would interpolate the leader's steep lower tail. Against
//! mpmath (`tests/rank_loss_reference.rs`, 2·10⁴ to 10⁹ trials) a Beta
//! leader's loss is within 1e-12 relative down to losses of 1e-18 (worst
//! 5.2e-13, a leader 8 standard deviations ahead at 2·10⁸ trials), a Gamma
//! leader's within 4.6e-12, the lowest arm's within 1.1e-12.

use super::kernel::{LnPdf, SharedLnPdf};
use super::logit::ZDist;
use super::posterior::Posterior;
use crate::numeric::quad::{PANEL_NODES, panel_rule};

/// Panel width in standard deviations of the narrowest posterior covering
/// the panel. With 12 Gauss–Legendre nodes, 2.5 sd keeps `P(best)` within
/// 6e-12 (absolute) of a grid five times finer on realistic and skewed cases;
/// 3.5 sd would lose 7e-10.
const PANEL_WIDTH: f64 = 2.5;

/// Half-width of the region around a posterior, in standard deviations:
/// 8.5 for a symmetric one (normal tail mass beyond: 1e-17), widened with the
/// skewness because skewed posteriors (few successes) have exponential, not
/// Gaussian, tails: Beta(1, 61) needs 37 sd for a tail below 1e-17.
fn span<P: Posterior>(d: &P) -> f64 {
    8.5 + 15.0 * d.skewness().abs()
}

/// Integrals accumulated per posterior.
pub(crate) struct Sweep {
    pub best: Vec<f64>,
    pub worst: Vec<f64>,
    /// `E[max_j p_j − p_T]` for the posterior `T` with the highest mean.
    pub loss_top: f64,
    /// `E[p_B − min_j p_j]` for the posterior `B` with the lowest mean.
    pub loss_bottom: f64,
}

impl Sweep {
    fn new(k: usize) -> Self {
        Sweep {
            best: vec![0.0; k],
            worst: vec![0.0; k],
            loss_top: 0.0,
            loss_bottom: 0.0,
        }
    }
}

/// The posteriors with the highest and the lowest mean (the first of ties).
pub(crate) fn extremes<P: Posterior>(ds: &[P]) -> (usize, usize) {
    let (mut top, mut bottom) = (0, 0);
    for (j, d) in ds.iter().enumerate() {
        if d.mean() > ds[top].mean() {
            top = j;
        }
        if d.mean() < ds[bottom].mean() {
            bottom = j;
        }
    }
    (top, bottom)
}

/// Where a posterior's mass is: `(mean, sd, half-width of the region)`.
pub(crate) type Bulk = (f64, f64, f64);

/// The bulk of a posterior: mean ± [`span`] standard deviations.
pub(crate) fn bulk<P: Posterior>(d: &P) -> Bulk {
    let sd = d.std_dev();
    (d.mean(), sd, span(d) * sd)
}

fn breakpoints<P: Posterior>(ds: &[P]) -> Vec<f64> {
    let bulks: Vec<Bulk> = ds.iter().map(bulk).collect();
    let singular = (
        ds.iter().any(|d| d.singular_ends().0),
        ds.iter().any(|d| d.singular_ends().1),
    );
    panel_ends(&bulks, ds[0].support(), singular)
}

/// Panel ends covering every bulk: panels of [`PANEL_WIDTH`] standard
/// deviations of the narrowest posterior whose bulk covers the panel's
/// start or begins inside the panel (a gap no bulk covers is one panel), inside
/// `support`, refined geometrically towards an end where a density is
/// singular (`singular` = (at the lower end, at the upper end)).
pub(crate) fn panel_ends(
    bulk: &[Bulk],
    (support_lo, support_hi): (f64, f64),
    singular: (bool, bool),
) -> Vec<f64> {
    let lo = bulk
        .iter()
        .map(|&(m, _, w)| m - w)
        .fold(f64::INFINITY, f64::min)
        .max(support_lo);
    let hi = bulk
        .iter()
        .map(|&(m, _, w)| m + w)
        .fold(f64::NEG_INFINITY, f64::max)
        .min(support_hi);
    // From `lo`, each panel as wide as PANEL_WIDTH sd of the narrowest
    // posterior whose bulk covers its start, or starts inside it: a
    // narrower bulk starting at `s` ends the panel at `s` or PANEL_WIDTH of
    // its own sd on, whichever is further (a stretch no bulk covers is one
    // panel). The bulks are visited in order of their start, so this is
    // O(K log K + panels), not a scan of all K bulks per panel.
    // The loop's bound: the panels of one bulk's width meet its 2w-wide
    // stretch, so there are at most ⌈2w/(PANEL_WIDTH·sd)⌉ + 2 of them, plus
    // one ending at its start; a stretch no bulk covers ends the loop.
    let most: usize = bulk
        .iter()
        .map(|&(_, sd, w)| (2.0 * w / (PANEL_WIDTH * sd)).ceil().min(1e6) as usize + 3)
        .sum();
    let mut covering = Covering::new(bulk);
    let mut kept = Vec::with_capacity(most + 2);
    kept.push(lo);
    let mut x = lo;
    for _ in 0..most {
        let width = covering.panel_width(x);
        let next = x + width;
        if next.is_nan() || next <= x || next >= hi {
            break;
        }
        kept.push(next);
        x = next;
    }
    kept.push(hi);
    // Singular densities at an end (α < 1 or β < 1): refine geometrically.
    if lo == support_lo && singular.0 && kept.len() > 1 {
        let gap = kept[1] - lo;
        kept.extend((1..=60).map(|i| lo + gap * 0.5f64.powi(i)));
    }
    if hi == support_hi && singular.1 && kept.len() > 1 {
        let gap = hi - kept[kept.len() - 2];
        kept.extend((1..=60).map(|i| hi - gap * 0.5f64.powi(i)));
    }
    if kept.len() > 2 && kept.windows(2).any(|w| w[1] <= w[0]) {
        kept.sort_by(f64::total_cmp);
        kept.dedup();
    }
    kept
}

/// The narrowest standard deviation among the bulks covering a point, for
/// points visited in increasing order: bulks enter a min-heap (by sd) when
/// the sweep reaches their start and leave it lazily once it passes their
/// end.
struct Covering {
    /// `(start, end, sd)` of every bulk, by start.
    bulks: Vec<(f64, f64, f64)>,
    next: usize,
    /// `(sd, end)` of the bulks entered, narrowest first.
    active: std::collections::BinaryHeap<std::cmp::Reverse<(Ordered, Ordered)>>,
}

/// An `f64` ordered by [`f64::total_cmp`], for the heap.
#[derive(Clone, Copy, PartialEq)]
struct Ordered(f64);

impl Eq for Ordered {}

impl PartialOrd for Ordered {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Ordered {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&other.0)
    }
}

impl Covering {
    fn new(bulk: &[Bulk]) -> Self {
        let mut bulks: Vec<(f64, f64, f64)> =
            bulk.iter().map(|&(m, sd, w)| (m - w, m + w, sd)).collect();
        bulks.sort_by(|a, b| a.0.total_cmp(&b.0));
        Self {
            bulks,
            next: 0,
            active: std::collections::BinaryHeap::new(),
        }
    }

    /// The width of the panel starting at `x` (see [`panel_ends`]): `x`
    /// must not decrease between calls.
    fn panel_width(&mut self, x: f64) -> f64 {
        let mut width = PANEL_WIDTH * self.narrowest(x);
        for &(start, _, sd) in &self.bulks[self.next..] {
            if start - x >= width {
                break;
            }
            width = width.min((start - x).max(PANEL_WIDTH * sd));
        }
        width
    }

    /// The smallest sd of the bulks with `start ≤ x ≤ end` (∞ if none);
    /// `x` must not decrease between calls.
    fn narrowest(&mut self, x: f64) -> f64 {
        while let Some(&(start, end, sd)) = self.bulks.get(self.next) {
            if start > x {
                break;
            }
            self.active
                .push(std::cmp::Reverse((Ordered(sd), Ordered(end))));
            self.next += 1;
        }
        while let Some(std::cmp::Reverse((sd, end))) = self.active.peek() {
            if end.0 < x {
                self.active.pop();
            } else {
                return sd.0;
            }
        }
        f64::INFINITY
    }
}

/// Whether the sweep in the quantity's own variable would not resolve these
/// posteriors: a density unbounded at an end (a shape below 1), one
/// narrower than 1e-12 (a Beta next to 1, where `f64` has few points per
/// standard deviation), or one more than 1,000 standard deviations from the
/// mean of the means. Those are ranked in `z` instead ([`sweep_z`]).
fn needs_z<P: Posterior>(ds: &[P], kernels: &[LnPdf]) -> bool {
    // The shared log-density is formed around the mean of the means: a
    // posterior more than 1,000 of its standard deviations from it would
    // lose its digits to cancellation (or overflow).
    let reference = ds.iter().map(|d| d.mean()).sum::<f64>() / ds.len() as f64;
    let far = ds.iter().any(|d| {
        let gap = (reference - d.mean()).abs();
        gap.is_nan() || gap > 1e3 * d.std_dev()
    });
    far || ds.iter().zip(kernels).any(|(d, kernel)| {
        let (lo, hi) = d.singular_ends();
        let narrow_rate = matches!(kernel.z, ZDist::Logit { .. }) && d.std_dev() < 1e-12;
        lo || hi || narrow_rate
    })
}

/// Log-density drops at which [`sweep_z`] puts panel ends (one standard
/// deviation apart for a normal shape, out to `e^{−50}`).
const Z_DROPS: [f64; 10] = [0.5, 2.0, 4.5, 8.0, 12.5, 18.0, 24.5, 32.0, 40.5, 50.0];

/// The sweep in the variable `z` where every density is smooth and
/// log-concave (logit of a rate, log of a Poisson rate): panel ends where
/// each density has dropped by [`Z_DROPS`] from its mode, each density
/// `exp(−drop)` normalised by its own integral over the same panels, then
/// the same collocation as [`sweep`].
#[inline(always)]
fn sweep_z<P: Posterior>(ds: &[P], kernels: &[LnPdf]) -> Sweep {
    let k = ds.len();
    let rule = panel_rule();
    let zs: Vec<ZDist> = kernels.iter().map(|kernel| kernel.z).collect();
    let mut pts: Vec<f64> = Vec::new();
    let mut seen: Vec<ZDist> = Vec::new();
    for z in &zs {
        if !seen.contains(z) {
            seen.push(*z);
            pts.extend(z.drop_points(&Z_DROPS));
        }
    }
    pts.retain(|x| x.is_finite());
    pts.sort_unstable_by(f64::total_cmp);
    pts.dedup();
    let mut out = Sweep::new(k);
    if pts.len() < 2 {
        return out;
    }
    let mut f = vec![[0.0; PANEL_NODES]; k];
    let eval = |f: &mut [[f64; PANEL_NODES]], mid: f64, half: f64| {
        for (r, &xi) in rule.nodes.iter().enumerate() {
            let z = mid + half * xi;
            for (row, d) in f.iter_mut().zip(&zs) {
                row[r] = (-d.drop(z)).exp();
            }
        }
    };
    // Pass 1: each density's mass over the panels.
    let mut mass = vec![0.0; k];
    for w in pts.windows(2) {
        let (mid, half) = (0.5 * (w[0] + w[1]), 0.5 * (w[1] - w[0]));
        eval(&mut f, mid, half);
        for (m, row) in mass.iter_mut().zip(&f) {
            *m += half
                * rule
                    .weights
                    .iter()
                    .zip(row)
                    .map(|(w, v)| w * v)
                    .sum::<f64>();
        }
    }
    let inv_mass: Vec<f64> = mass
        .iter()
        .map(|&m| {
            if m > 0.0 && m.is_finite() {
                1.0 / m
            } else {
                0.0
            }
        })
        .collect();
    // Pass 2: the collocation sweep with normalised densities.
    let mut panel = Collocation::new(ds, pts.len() - 1);
    for w in pts.windows(2) {
        let (mid, half) = (0.5 * (w[0] + w[1]), 0.5 * (w[1] - w[0]));
        eval(&mut f, mid, half);
        for (row, &im) in f.iter_mut().zip(&inv_mass) {
            row.iter_mut().for_each(|v| *v *= im);
        }
        panel.add(
            &f,
            half,
            |r| zs[0].value(mid + half * rule.nodes[r]),
            |r| zs[0].value_slope(mid + half * rule.nodes[r]),
            &mut out,
        );
    }
    if let Some(loss) = panel.exact_loss_top(ds, out.loss_top) {
        out.loss_top = loss;
    }
    normalise(&mut out);
    out
}

/// Whether the posterior `top` (highest mean) leads every other by at least
/// two standard deviations of the difference. Its expected loss may then be
/// small enough (below 1e-3 standard deviations) that the sweep's `Ψ_T`,
/// accurate in absolute terms, carries a relative error above 1e-12 (up to
/// 2e-7 for a loss of 1e-13, a leader eight standard deviations ahead at
/// 2·10⁸ trials): the nodes are kept to sum the loss again with the exact
/// `Ψ_T` ([`Collocation::exact_loss_top`]; kept for nothing if the
/// family has no [`Posterior::shortfall`]).
fn clear_leader<P: Posterior>(ds: &[P], top: usize) -> bool {
    let leader = &ds[top];
    ds.iter().enumerate().all(|(j, d)| {
        j == top || {
            let spread = (leader.std_dev().powi(2) + d.std_dev().powi(2)).sqrt();
            leader.mean() - d.mean() >= 2.0 * spread
        }
    })
}

/// The collocation step shared by both sweeps: given the normalised
/// densities `f[j][r]` at a panel's nodes, advances every `F_j` across the
/// panel and adds the panel's contributions to `P(best)`, `P(worst)` and
/// the two expected losses (`slope(r)`: `dp/dz` at node `r`, 1 when the
/// variable is the rate itself).
///
/// The losses are sums of positive terms, so they keep their relative
/// accuracy however small they are (no `E[max] − E[p_T]` cancellation).
/// With `T` the posterior of highest mean and `M` the best of the others,
/// `E[max_j p_j − p_T] = E[(M − p_T)⁺] = ∫ h_M(m) Ψ_T(m) dm`, where `h_M`
/// is `M`'s density (`Σ_{j≠T} f_j Π_{i≠j,T} F_i`) and `Ψ_T(m) = E[(m −
/// p_T)⁺] = ∫_{−∞}^m F_T` is integrated along the sweep. With `B` the
/// posterior of lowest mean and `M′` the lowest of the others, `E[p_B −
/// min_j p_j] = E[(p_B − M′)⁺] = ∫ f_B(x) Ψ_{M′}(x) dx` with `Ψ_{M′}(x) =
/// ∫_{−∞}^x P(M′ ≤ t) dt` and `P(M′ ≤ t) = 1 − Π_{j≠B}(1 − F_j)` summed
/// as `Σ_j F_j Π_{i<j}(1 − F_i)`. Every other posterior's loss follows
/// exactly from the differences of the means.
struct Collocation {
    cdf: Vec<f64>,
    /// Per posterior `j`, node by node: `F_j`, then the products of the
    /// other posteriors' `F` before and after it, `Π_{i<j} F_i` and
    /// `Π_{i>j} F_i`, and the same of `1 − F`: five blocks of K rows in
    /// one allocation.
    rows: Vec<[f64; PANEL_NODES]>,
    /// `T` and `B` (see above).
    top: usize,
    bottom: usize,
    /// `Ψ_T` and `Ψ_{M′}` at the panel's left end.
    psi_top: f64,
    psi_low: f64,
    /// For a clear leader ([`clear_leader`]): every node's rate, weighted
    /// `h_M` and swept `Ψ_T`, to sum the loss again with `T`'s exact `Ψ_T`.
    nodes: Option<Vec<(f64, f64, f64)>>,
}

impl Collocation {
    /// For the posteriors `ds`, swept over `panels` panels.
    fn new<P: Posterior>(ds: &[P], panels: usize) -> Self {
        let (top, bottom) = extremes(ds);
        Self {
            cdf: vec![0.0; ds.len()],
            rows: vec![[0.0; PANEL_NODES]; 5 * ds.len()],
            top,
            bottom,
            psi_top: 0.0,
            psi_low: 0.0,
            nodes: clear_leader(ds, top).then(|| Vec::with_capacity(panels * PANEL_NODES)),
        }
    }

    /// The leader's loss summed again with its exact shortfall, when the
    /// nodes were kept, the swept loss `swept` is below 1e-3 of the
    /// leader's standard deviation (the swept `Ψ_T`'s absolute error, about
    /// 1e-15 of it, would then exceed 1e-12 of the loss) and the family has
    /// one: `Σ w h_M(x) Ψ_T(x)`, the exact `Ψ_T` wherever a node's term can
    /// reach 1e-16 of the loss.
    fn exact_loss_top<P: Posterior>(&self, ds: &[P], swept: f64) -> Option<f64> {
        let nodes = self.nodes.as_ref()?;
        let leader = &ds[self.top];
        let sd = leader.std_dev();
        // (A NaN loss is left as it is.)
        if swept.is_nan() || swept >= 1e-3 * sd {
            return None;
        }
        nodes
            .iter()
            .map(|&(x, h, psi)| {
                if h * (psi.abs() + 1e-13 * sd) < 1e-16 * swept {
                    Some(h * psi)
                } else {
                    leader.shortfall(x).map(|exact| h * exact)
                }
            })
            .sum()
    }

    #[inline(always)]
    fn add(
        &mut self,
        f: &[[f64; PANEL_NODES]],
        half: f64,
        value: impl Fn(usize) -> f64,
        slope: impl Fn(usize) -> f64,
        out: &mut Sweep,
    ) {
        let rule = panel_rule();
        let k = f.len();
        let (big_f, rest) = self.rows.split_at_mut(k);
        let (prefix, rest) = rest.split_at_mut(k);
        let (after, rest) = rest.split_at_mut(k);
        let (prefix_s, after_s) = rest.split_at_mut(k);
        for ((row, cum), start) in f.iter().zip(big_f.iter_mut()).zip(self.cdf.iter_mut()) {
            let (acc, at_start) = (rule.cumulate(row), *start);
            for r in 0..PANEL_NODES {
                cum[r] = (at_start + half * acc[r]).clamp(0.0, 1.0);
            }
            let total: f64 = rule.weights.iter().zip(row).map(|(w, v)| w * v).sum();
            *start = (*start + half * total).clamp(0.0, 1.0);
        }
        let big_f = &*big_f;
        let (top, bottom) = (self.top, self.bottom);
        // The integrands of Ψ_T and Ψ_{M′} (per unit of the sweep's variable).
        let slopes: [f64; PANEL_NODES] = std::array::from_fn(&slope);
        let mut below = [0.0; PANEL_NODES];
        let mut none = [1.0; PANEL_NODES];
        for (j, cum) in big_f.iter().enumerate() {
            if j != bottom {
                for r in 0..PANEL_NODES {
                    below[r] += cum[r] * none[r];
                    none[r] *= 1.0 - cum[r];
                }
            }
        }
        let g_top: [f64; PANEL_NODES] = std::array::from_fn(|r| big_f[top][r] * slopes[r]);
        let g_low: [f64; PANEL_NODES] = std::array::from_fn(|r| below[r] * slopes[r]);
        let psi = |start: f64, g: &[f64; PANEL_NODES]| -> [f64; PANEL_NODES] {
            rule.cumulate(g).map(|acc| (start + half * acc).max(0.0))
        };
        let (psi_top, psi_low) = (psi(self.psi_top, &g_top), psi(self.psi_low, &g_low));
        // Products of the other posteriors' F (and 1 − F) before and after
        // each one, node by node, carried in local lanes.
        let (mut p, mut p_s) = ([1.0; PANEL_NODES], [1.0; PANEL_NODES]);
        for ((cum, pre), pre_s) in big_f.iter().zip(prefix.iter_mut()).zip(prefix_s.iter_mut()) {
            *pre = p;
            *pre_s = p_s;
            for r in 0..PANEL_NODES {
                p[r] *= cum[r];
                p_s[r] *= 1.0 - cum[r];
            }
        }
        let (mut q, mut q_s) = ([1.0; PANEL_NODES], [1.0; PANEL_NODES]);
        for ((cum, post), post_s) in big_f
            .iter()
            .zip(after.iter_mut())
            .zip(after_s.iter_mut())
            .rev()
        {
            *post = q;
            *post_s = q_s;
            for r in 0..PANEL_NODES {
                q[r] *= cum[r];
                q_s[r] *= 1.0 - cum[r];
            }
        }
        let wr: [f64; PANEL_NODES] = std::array::from_fn(|r| half * rule.weights[r]);
        // `Σ_{j≠T}` of the `best` terms: `h_M` times the node's weight and
        // `F_T` (summed apart, not as the total less T's own term, which
        // dominates it near T's mean).
        let mut others = [0.0; PANEL_NODES];
        for j in 0..k {
            let mut best = [0.0; PANEL_NODES];
            let mut worst = [0.0; PANEL_NODES];
            for r in 0..PANEL_NODES {
                let dens = wr[r] * f[j][r];
                best[r] = dens * prefix[j][r] * after[j][r];
                worst[r] = dens * prefix_s[j][r] * after_s[j][r];
            }
            if j != top {
                for r in 0..PANEL_NODES {
                    others[r] += best[r];
                }
            }
            out.best[j] += best.iter().sum::<f64>();
            out.worst[j] += worst.iter().sum::<f64>();
        }
        for r in 0..PANEL_NODES {
            let f_top = big_f[top][r];
            if f_top > 0.0 {
                let others = others[r];
                if others > 0.0 {
                    let h = others / f_top;
                    out.loss_top += psi_top[r] * h;
                    if let Some(nodes) = &mut self.nodes {
                        nodes.push((value(r), h, psi_top[r]));
                    }
                }
            }
            out.loss_bottom += wr[r] * f[bottom][r] * psi_low[r];
        }
        let across = |g: &[f64; PANEL_NODES]| -> f64 {
            half * rule.weights.iter().zip(g).map(|(w, v)| w * v).sum::<f64>()
        };
        self.psi_top += across(&g_top);
        self.psi_low += across(&g_low);
    }
}

/// Clamps the probabilities at 0 and rescales them to sum to 1, removing
/// the quadrature's tiny error in the total mass.
fn normalise(out: &mut Sweep) {
    for probs in [&mut out.best, &mut out.worst] {
        probs.iter_mut().for_each(|p| {
            if p.is_nan() || *p < 0.0 {
                *p = 0.0;
            }
        });
        let total: f64 = probs.iter().sum();
        if total > 0.0 && total.is_finite() {
            probs.iter_mut().for_each(|p| *p /= total);
        }
    }
    for loss in [&mut out.loss_top, &mut out.loss_bottom] {
        if loss.is_nan() || *loss < 0.0 {
            *loss = 0.0;
        }
    }
}

/// The sweep over `ds` (module docs); posteriors it would not resolve in
/// their own variable are swept in `z` ([`sweep_z`]).
///
/// The per-panel work (densities, collocation products) is written in
/// lanes of nodes; where the processor has AVX2 the whole sweep runs in a
/// build for it, with the same IEEE operations in the same order as the
/// baseline build (no fused multiply–add), so the same results.
pub(crate) fn sweep<P: Posterior>(ds: &[P]) -> Sweep {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the processor has AVX2 (checked just above).
            #[allow(unsafe_code)]
            return unsafe { sweep_avx2(ds) };
        }
    }
    sweep_portable(ds)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn sweep_avx2<P: Posterior>(ds: &[P]) -> Sweep {
    sweep_portable(ds)
}

#[inline(always)]
fn sweep_portable<P: Posterior>(ds: &[P]) -> Sweep {
    let kernels: Vec<LnPdf> = ds.iter().map(Posterior::ln_pdf_kernel).collect();
    if needs_z(ds, &kernels) {
        return sweep_z(ds, &kernels);
    }
    let k = ds.len();
    let rule = panel_rule();
    let (support_lo, support_hi) = ds[0].support();
    let pts = breakpoints(ds);
    // Common reference point: the mean of the means (inside the support).
    let reference = ds.iter().map(|d| d.mean()).sum::<f64>() / k as f64;
    let pdfs = SharedLnPdf::new(&kernels, reference);
    // Every posterior's mass below the region's start is beyond its own
    // `span` (or the start is the end of the support): neglected exactly as
    // the mass above the region's end is, so each F_j starts at 0.
    let mut out = Sweep::new(k);
    // Scratch: densities f[j][r].
    let mut f = vec![[0.0; PANEL_NODES]; k];
    let mut panel = Collocation::new(ds, pts.len().saturating_sub(1));
    for w in pts.windows(2) {
        let (x0, x1) = (w[0], w[1]);
        let half = 0.5 * (x1 - x0);
        let mid = 0.5 * (x0 + x1);
        let ts: [f64; PANEL_NODES] = std::array::from_fn(|r| mid + half * rule.nodes[r]);
        pdfs.densities(&ts, (support_lo, support_hi), &mut f);
        panel.add(&f, half, |r| ts[r], |_| 1.0, &mut out);
    }
    if let Some(loss) = panel.exact_loss_top(ds, out.loss_top) {
        out.loss_top = loss;
    }
    // Remove the (tiny) quadrature error in the total mass.
    normalise(&mut out);
    out
}
