//! Every SVG plot is rasterised with `resvg` and checked for its series'
//! colours.
#![cfg(feature = "plot")]

#[path = "report_fixtures.rs"]
mod fixtures;

use fixtures::Res;
use postab::report::plot;
use resvg::{tiny_skia, usvg};

/// Right edge of the plot area (the legend is to its right and is left out,
/// so a colour counts only if the series itself is drawn).
const PLOT_RIGHT: u32 = 550;

/// Renders `svg` and returns the opaque pixels of its plot area as RGB.
fn rasterise(svg: &str) -> Res<Vec<[u8; 3]>> {
    let tree = usvg::Tree::from_str(svg, &usvg::Options::default())?;
    let size = tree.size().to_int_size();
    let mut pixmap = tiny_skia::Pixmap::new(size.width(), size.height()).ok_or("empty pixmap")?;
    resvg::render(&tree, tiny_skia::Transform::default(), &mut pixmap.as_mut());
    Ok(pixmap
        .pixels()
        .iter()
        .enumerate()
        .filter(|(i, p)| (*i as u32) % size.width() < PLOT_RIGHT && p.alpha() == 255)
        .map(|(_, p)| p)
        .map(|p| [p.red(), p.green(), p.blue()])
        .collect())
}

fn rgb(hex: &str) -> Res<[u8; 3]> {
    let c = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16);
    Ok([c(1)?, c(3)?, c(5)?])
}

/// Pixels within 2 of `colour` in every channel.
fn count(pixels: &[[u8; 3]], colour: &str) -> Res<usize> {
    let want = rgb(colour)?;
    Ok(pixels
        .iter()
        .filter(|p| (0..3).all(|k| p[k].abs_diff(want[k]) <= 2))
        .count())
}

fn assert_visible(pixels: &[[u8; 3]], colour: &str, what: &str) -> Res<()> {
    let n = count(pixels, colour)?;
    assert!(n >= 50, "{what}: only {n} pixels of {colour}");
    Ok(())
}

#[test]
fn posterior_densities_show_every_variant() -> Res<()> {
    for a in [
        fixtures::two_variants()?,
        fixtures::three_variants()?,
        fixtures::replies()?,
    ] {
        let px = rasterise(&plot::posterior_densities(&a)?)?;
        for (i, v) in a.variants.iter().enumerate() {
            assert_visible(&px, plot::colour(i), &v.id)?;
        }
        // Nothing is drawn in the colour of a variant that does not exist.
        assert_eq!(count(&px, plot::colour(a.variants.len()))?, 0);
    }
    Ok(())
}

#[test]
fn lift_density_shows_the_variant() -> Res<()> {
    let a = fixtures::three_variants()?;
    for (i, v) in a.variants.iter().enumerate().skip(1) {
        let svg = plot::lift_density(&a, &v.id)?;
        assert!(svg.contains("P(lift &gt; 0)"));
        assert_visible(&rasterise(&svg)?, plot::colour(i), &v.id)?;
    }
    assert!(plot::lift_density(&a, "plain").is_err());
    assert!(plot::lift_density(&a, "nope").is_err());
    Ok(())
}

#[test]
fn lift_density_of_a_count_metric() -> Res<()> {
    let px = rasterise(&plot::lift_density(&fixtures::replies()?, "ask")?)?;
    assert_visible(&px, plot::colour(1), "ask")
}

#[test]
fn heat_map_spans_the_colour_scale() -> Res<()> {
    let px = rasterise(&plot::slot_heat_map(&fixtures::slots()?)?)?;
    assert_visible(&px, plot::HEAT_HIGH, "highest rate")?;
    assert_visible(&px, plot::HEAT_LOW, "lowest rate")?;
    assert_visible(&px, plot::HEAT_EMPTY, "slots without posts")?;
    Ok(())
}

#[test]
fn stopping_time_histogram_has_bars() -> Res<()> {
    let px = rasterise(&plot::stopping_times(&fixtures::simulation()?)?)?;
    assert_visible(&px, plot::colour(0), "bars")
}

#[test]
fn monitoring_plot_shows_both_series() -> Res<()> {
    let px = rasterise(&plot::monitoring(&fixtures::monitoring()?)?)?;
    assert_visible(&px, plot::colour(0), "P(beat control)")?;
    assert_visible(&px, plot::colour(1), "always-valid p-value")
}

#[test]
fn rejection_by_looks_has_its_series() -> Res<()> {
    let px = rasterise(&plot::rejection_by_looks(&fixtures::peeking()?)?)?;
    assert_visible(&px, plot::colour(1), "false-positive rate")?;
    assert!(plot::rejection_by_looks(&[]).is_err());
    Ok(())
}
