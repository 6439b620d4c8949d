//! Every SVG plot is rasterised with `resvg` and checked for its series'
//! colours; every plot's texts are checked to fit its canvas, its series'
//! colours to be distinct, and the density plots to draw no blend of two
//! series' colours.
#![cfg(feature = "plot")]

#[path = "report_fixtures.rs"]
mod fixtures;

use fixtures::Res;
use postab::report::plot;
use resvg::{tiny_skia, usvg};

/// Every plot of the fixtures, named.
fn all_plots() -> Res<Vec<(String, String)>> {
    let mut out = Vec::new();
    let analyses = [
        ("two", fixtures::two_variants()?),
        ("three", fixtures::three_variants()?),
        ("replies", fixtures::replies()?),
        ("long labels", fixtures::long_labels()?),
        ("twelve", fixtures::many_variants(12)?),
        ("thirty", fixtures::many_variants(30)?),
    ];
    for (name, a) in &analyses {
        out.push((
            format!("posterior_densities({name})"),
            plot::posterior_densities(a)?,
        ));
        for v in a.variants.iter().filter(|v| v.vs_control.is_some()) {
            out.push((
                format!("lift_density({name}, {})", v.id),
                plot::lift_density(a, &v.id)?,
            ));
        }
    }
    out.push((
        "slot_heat_map".into(),
        plot::slot_heat_map(&fixtures::slots()?)?,
    ));
    out.push((
        "stopping_times".into(),
        plot::stopping_times(&fixtures::simulation()?)?,
    ));
    out.push((
        "monitoring".into(),
        plot::monitoring(&fixtures::monitoring()?)?,
    ));
    out.push((
        "rejection_by_looks".into(),
        plot::rejection_by_looks(&fixtures::peeking()?)?,
    ));
    Ok(out)
}

/// The value of attribute `name` in the tag `tag` (`None` if absent).
fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let key = format!(" {name}=\"");
    let start = tag.find(&key)? + key.len();
    let len = tag[start..].find('"')?;
    Some(&tag[start..start + len])
}

fn num(tag: &str, name: &str) -> Res<f64> {
    Ok(attr(tag, name)
        .ok_or_else(|| format!("no {name} in {tag}"))?
        .parse()?)
}

/// The opening tags of the elements named `element`, with their text
/// content (up to the next `<`).
fn elements<'a>(svg: &'a str, element: &str) -> Vec<(&'a str, &'a str)> {
    let open = format!("<{element} ");
    svg.match_indices(&open)
        .filter_map(|(i, _)| {
            let rest = &svg[i..];
            let end = rest.find('>')?;
            let content = &rest[end + 1..];
            let content = &content[..content.find('<').unwrap_or(content.len())];
            Some((&rest[..=end], content))
        })
        .collect()
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
}

/// An estimate of the rendered width of `s` (written independently of the
/// library's): 0.6 em per character, 0.35 em for spaces and thin
/// characters, 0.8 em for capitals, `m`, `w` and anything outside ASCII;
/// DejaVu Sans, the widest common sans-serif, averages about 0.55 em on
/// lower case and 0.32 em on a space.
fn estimated_width(s: &str, size: f64) -> f64 {
    s.chars()
        .map(|c| {
            if c.is_ascii_uppercase() || matches!(c, 'm' | 'w') || !c.is_ascii() {
                0.8
            } else if matches!(
                c,
                ' ' | '.' | ',' | ':' | ';' | '\'' | '|' | '!' | 'i' | 'l'
            ) {
                0.35
            } else {
                0.6
            }
        })
        .sum::<f64>()
        * size
}

/// The canvas width, height and font size of a plot.
fn canvas(svg: &str) -> Res<(f64, f64, f64)> {
    let (root, _) = *elements(svg, "svg").first().ok_or("no <svg>")?;
    Ok((
        num(root, "width")?,
        num(root, "height")?,
        num(root, "font-size")?,
    ))
}

#[test]
fn every_label_fits_the_canvas() -> Res<()> {
    for (name, svg) in all_plots()? {
        let (width, height, font) = canvas(&svg)?;
        let texts = elements(&svg, "text");
        assert!(texts.len() >= 3, "{name}: only {} texts", texts.len());
        for (tag, content) in texts {
            let text = unescape(content);
            let size = attr(tag, "font-size").map_or(Ok(font), str::parse)?;
            let w = estimated_width(&text, size);
            let (x, y) = (num(tag, "x")?, num(tag, "y")?);
            // The extent along the text's direction from its anchor.
            let (from, to) = match attr(tag, "text-anchor") {
                Some("middle") => (-w / 2.0, w / 2.0),
                Some("end") => (-w, 0.0),
                _ => (0.0, w),
            };
            if attr(tag, "transform").is_some_and(|t| t.starts_with("rotate(-90")) {
                // Rotated a quarter turn anticlockwise: the text runs upwards.
                assert!(
                    y - to >= 0.0 && y - from <= height,
                    "{name}: vertical {text:?} ({size}px) leaves the canvas"
                );
                assert!(
                    x - size >= 0.0,
                    "{name}: {text:?} too close to the left edge"
                );
            } else {
                assert!(
                    x + from >= 0.0 && x + to <= width,
                    "{name}: {text:?} at x = {x} ({w:.0}px wide, anchor {:?}) leaves the canvas 0..{width}",
                    attr(tag, "text-anchor")
                );
                assert!(
                    y - size >= 0.0 && y <= height,
                    "{name}: {text:?} leaves the canvas vertically"
                );
            }
        }
    }
    Ok(())
}

/// The legend swatches' fills.
fn legend_colours(svg: &str) -> Vec<String> {
    elements(svg, "rect")
        .into_iter()
        .filter(|(tag, _)| attr(tag, "width") == Some("14") && attr(tag, "height") == Some("10"))
        .filter_map(|(tag, _)| attr(tag, "fill").map(str::to_string))
        .collect()
}

/// The left edge of the legend, where the plot area has ended.
fn plot_right(svg: &str) -> Res<u32> {
    let x = elements(svg, "rect")
        .into_iter()
        .filter(|(tag, _)| attr(tag, "width") == Some("14") && attr(tag, "height") == Some("10"))
        .filter_map(|(tag, _)| attr(tag, "x")?.parse::<f64>().ok())
        .fold(f64::INFINITY, f64::min);
    Ok(if x.is_finite() {
        x as u32
    } else {
        canvas(svg)?.0 as u32
    })
}

/// Renders `svg` and returns the opaque pixels of its plot area (the legend
/// to its right is left out, so a colour counts only if the series itself
/// is drawn) as RGB.
fn rasterise(svg: &str) -> Res<Vec<[u8; 3]>> {
    let right = plot_right(svg)?;
    let tree = usvg::Tree::from_str(svg, &usvg::Options::default())?;
    let size = tree.size().to_int_size();
    let mut pixmap = tiny_skia::Pixmap::new(size.width(), size.height()).ok_or("empty pixmap")?;
    resvg::render(&tree, tiny_skia::Transform::default(), &mut pixmap.as_mut());
    Ok(pixmap
        .pixels()
        .iter()
        .enumerate()
        .filter(|(i, p)| (*i as u32) % size.width() < right && p.alpha() == 255)
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
fn no_two_series_share_a_colour() -> Res<()> {
    // The heat map's legend is a colour scale, not series.
    for (name, svg) in all_plots()?
        .into_iter()
        .filter(|(n, _)| n != "slot_heat_map")
    {
        let colours = legend_colours(&svg);
        assert!(!colours.is_empty(), "{name}: no legend");
        for (i, a) in colours.iter().enumerate() {
            for b in &colours[i + 1..] {
                let (x, y) = (rgb(a)?, rgb(b)?);
                let distance = (0..3).map(|k| x[k].abs_diff(y[k])).max().unwrap_or(0);
                // Up to 24 series clearly apart, beyond that at least different.
                let min = if colours.len() <= 24 { 40 } else { 1 };
                assert!(distance >= min, "{name}: legend colours {a} and {b} alike");
            }
        }
    }
    // Past the fixed palette the colours go on: the first 24 clearly
    // apart, the first 990 all different.
    let colours: Vec<[u8; 3]> = (0..990)
        .map(|i| rgb(&plot::colour(i)))
        .collect::<Res<_>>()?;
    let mut seen = std::collections::HashSet::new();
    for (i, a) in colours.iter().enumerate() {
        assert!(seen.insert(*a), "colour {i} ({a:?}) repeats");
        if i < 24 {
            for (j, b) in colours[..i].iter().enumerate() {
                let distance = (0..3).map(|k| a[k].abs_diff(b[k])).max().unwrap_or(0);
                assert!(distance >= 40, "colours {j} {b:?} and {i} {a:?} alike");
            }
        }
    }
    Ok(())
}

/// Whether `p` lies (within 3 per channel) on the line from white to `c`:
/// `c` painted over white at some opacity, or an anti-aliased edge of it.
fn tint_of(p: [u8; 3], c: [u8; 3]) -> bool {
    let k = (0..3).max_by_key(|&k| 255 - c[k]).unwrap_or(0);
    if c[k] == 255 {
        return p.iter().all(|&v| v >= 252);
    }
    let t = f64::from(255 - p[k]) / f64::from(255 - c[k]);
    (0.0..=1.02).contains(&t)
        && (0..3).all(|j| {
            let want = 255.0 - t * f64::from(255 - c[j]);
            (f64::from(p[j]) - want).abs() <= 3.0
        })
}

/// The share of non-white pixels that are no tint of a series or axis
/// colour: where two translucent series overlap their colours blend.
fn blended_share(pixels: &[[u8; 3]], colours: &[String]) -> Res<f64> {
    let mut own: Vec<[u8; 3]> = colours.iter().map(|c| rgb(c)).collect::<Res<_>>()?;
    own.extend([[0x33, 0x33, 0x33], [0x55, 0x55, 0x55], [0xbb, 0xbb, 0xbb]]);
    let ink: Vec<&[u8; 3]> = pixels
        .iter()
        .filter(|p| p.iter().any(|&v| v < 250))
        .collect();
    let blended = ink
        .iter()
        .filter(|p| !own.iter().any(|c| tint_of(***p, *c)))
        .count();
    Ok(blended as f64 / ink.len().max(1) as f64)
}

#[test]
fn overlapping_posteriors_do_not_blend() -> Res<()> {
    for a in [
        fixtures::three_variants()?,
        fixtures::two_variants()?,
        fixtures::many_variants(12)?,
    ] {
        let colours: Vec<String> = (0..a.variants.len()).map(plot::colour).collect();
        let px = rasterise(&plot::posterior_densities(&a)?)?;
        let share = blended_share(&px, &colours)?;
        // Only anti-aliased pixels where two curves cross or run together
        // (1.4-5.4%); translucent credible bands under the curves made 46%.
        assert!(
            share < 0.1,
            "{}: {:.1}% of the drawn pixels blend two series",
            a.experiment,
            100.0 * share
        );
    }
    Ok(())
}

#[test]
fn posterior_densities_show_every_variant() -> Res<()> {
    for a in [
        fixtures::two_variants()?,
        fixtures::three_variants()?,
        fixtures::replies()?,
        fixtures::many_variants(12)?,
    ] {
        let px = rasterise(&plot::posterior_densities(&a)?)?;
        for (i, v) in a.variants.iter().enumerate() {
            assert_visible(&px, &plot::colour(i), &v.id)?;
        }
        // Nothing is drawn in the colour of a variant that does not exist.
        assert_eq!(count(&px, &plot::colour(a.variants.len()))?, 0);
    }
    Ok(())
}

#[test]
fn posterior_densities_label_the_rate() -> Res<()> {
    let svg = plot::posterior_densities(&fixtures::two_variants()?)?;
    assert!(svg.contains("click_through = clicks / impressions"));
    assert!(!svg.contains("per impressions"));
    let svg = plot::posterior_densities(&fixtures::replies()?)?;
    assert!(svg.contains("replies_per_impression = replies / impressions"));
    Ok(())
}

#[test]
fn lift_density_shows_the_variant() -> Res<()> {
    let a = fixtures::three_variants()?;
    for (i, v) in a.variants.iter().enumerate().skip(1) {
        let svg = plot::lift_density(&a, &v.id)?;
        assert_eq!(svg.matches("P(lift &gt; 0)").count(), 1, "{}", v.id);
        assert_visible(&rasterise(&svg)?, &plot::colour(i), &v.id)?;
    }
    assert!(plot::lift_density(&a, "plain").is_err());
    assert!(plot::lift_density(&a, "nope").is_err());
    Ok(())
}

#[test]
fn lift_density_of_a_count_metric() -> Res<()> {
    let svg = plot::lift_density(&fixtures::replies()?, "ask")?;
    assert_eq!(svg.matches("P(lift &gt; 0)").count(), 1);
    assert_visible(&rasterise(&svg)?, &plot::colour(1), "ask")
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
    assert_visible(&px, &plot::colour(0), "bars")
}

#[test]
fn monitoring_plot_shows_both_series() -> Res<()> {
    let px = rasterise(&plot::monitoring(&fixtures::monitoring()?)?)?;
    assert_visible(&px, &plot::colour(0), "P(beat control)")?;
    assert_visible(&px, &plot::colour(1), "always-valid p-value")
}

#[test]
fn rejection_by_looks_has_its_series() -> Res<()> {
    let px = rasterise(&plot::rejection_by_looks(&fixtures::peeking()?)?)?;
    assert_visible(&px, &plot::colour(1), "false-positive rate")?;
    assert!(plot::rejection_by_looks(&[]).is_err());
    Ok(())
}
