//! Derivative-free minimisation (Nelder–Mead) for small, smooth problems.

/// Minimises `f` over ℝⁿ from `start` with initial simplex steps `step`
/// (Nelder–Mead with the standard coefficients 1, 2, ½, ½). Stops when the
/// simplex's function values agree to `tol` (absolute) or after `max_evals`
/// evaluations. Deterministic. Returns the best point and its value. With no
/// coordinates (`start` empty) it returns `start` and `f(start)`; missing
/// steps default to 1; a negative or NaN `tol` counts as 0.
///
/// # Example
/// ```
/// use postab::numeric::nelder_mead;
/// let (x, fx) = nelder_mead(|p| (p[0] - 1.0).powi(2) + 10.0 * (p[1] + 2.0).powi(2), &[0.0, 0.0], &[0.5, 0.5], 1e-14, 2_000);
/// assert!((x[0] - 1.0).abs() < 1e-5 && (x[1] + 2.0).abs() < 1e-5 && fx < 1e-10);
/// ```
pub fn nelder_mead(
    mut f: impl FnMut(&[f64]) -> f64,
    start: &[f64],
    step: &[f64],
    tol: f64,
    max_evals: usize,
) -> (Vec<f64>, f64) {
    let n = start.len();
    if n == 0 {
        // Nothing to vary: the start is the minimum.
        let v = f(start);
        return (Vec::new(), v);
    }
    // A negative or NaN tolerance means "until max_evals".
    let tol = if tol >= 0.0 { tol } else { 0.0 };
    let mut simplex: Vec<(Vec<f64>, f64)> = Vec::with_capacity(n + 1);
    simplex.push((start.to_vec(), f(start)));
    for i in 0..n {
        let mut p = start.to_vec();
        p[i] += step.get(i).copied().unwrap_or(1.0);
        let v = f(&p);
        simplex.push((p, v));
    }
    let mut evals = n + 1;
    let value = |v: f64| if v.is_nan() { f64::INFINITY } else { v };
    while evals < max_evals {
        simplex.sort_by(|a, b| value(a.1).total_cmp(&value(b.1)));
        let (best, worst) = (value(simplex[0].1), value(simplex[n].1));
        if (worst - best).abs() <= tol {
            break;
        }
        let centroid: Vec<f64> = (0..n)
            .map(|j| simplex[..n].iter().map(|p| p.0[j]).sum::<f64>() / n as f64)
            .collect();
        let towards = |t: f64| -> Vec<f64> {
            (0..n)
                .map(|j| centroid[j] + t * (simplex[n].0[j] - centroid[j]))
                .collect()
        };
        let reflected = towards(-1.0);
        let fr = value(f(&reflected));
        evals += 1;
        if fr < best {
            let expanded = towards(-2.0);
            let fe = value(f(&expanded));
            evals += 1;
            simplex[n] = if fe < fr {
                (expanded, fe)
            } else {
                (reflected, fr)
            };
        } else if fr < value(simplex[n - 1].1) {
            simplex[n] = (reflected, fr);
        } else {
            let contracted = if fr < worst {
                towards(-0.5)
            } else {
                towards(0.5)
            };
            let fc = value(f(&contracted));
            evals += 1;
            if fc < fr.min(worst) {
                simplex[n] = (contracted, fc);
            } else {
                // Shrink towards the best point.
                let b = simplex[0].0.clone();
                for p in simplex.iter_mut().skip(1) {
                    for (x, &bj) in p.0.iter_mut().zip(&b) {
                        *x = bj + 0.5 * (*x - bj);
                    }
                    p.1 = value(f(&p.0));
                    evals += 1;
                }
            }
        }
    }
    simplex.sort_by(|a, b| value(a.1).total_cmp(&value(b.1)));
    let (x, v) = simplex.swap_remove(0);
    (x, v)
}

/// Golden-section search for the maximum of `f` on `[lo, hi]`; returns the
/// best point and value. Non-finite values count as −∞.
pub(crate) fn golden_max(
    mut lo: f64,
    mut hi: f64,
    steps: usize,
    mut f: impl FnMut(f64) -> f64,
) -> (f64, f64) {
    const INV_PHI: f64 = 0.618_033_988_749_894_9;
    let mut eval = |x: f64| {
        let v = f(x);
        if v.is_finite() { v } else { f64::NEG_INFINITY }
    };
    let mut x1 = hi - INV_PHI * (hi - lo);
    let mut x2 = lo + INV_PHI * (hi - lo);
    let (mut f1, mut f2) = (eval(x1), eval(x2));
    for _ in 0..steps {
        if f1 >= f2 {
            hi = x2;
            x2 = x1;
            f2 = f1;
            x1 = hi - INV_PHI * (hi - lo);
            f1 = eval(x1);
        } else {
            lo = x1;
            x1 = x2;
            f1 = f2;
            x2 = lo + INV_PHI * (hi - lo);
            f2 = eval(x2);
        }
    }
    // The ends are candidates too: the maximum may sit on the bracket edge.
    let mut best = if f1 >= f2 { (x1, f1) } else { (x2, f2) };
    for x in [lo, hi] {
        let v = eval(x);
        if v > best.1 {
            best = (x, v);
        }
    }
    best
}
