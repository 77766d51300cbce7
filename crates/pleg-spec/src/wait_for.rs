//! A stall's wait-for cycle, drawn: each party in a ring, an arrow from each to the one it
//! waits for, labelled with why — relist → eventChannel → syncLoop → PLEG health → relist for
//! the circular wait of kubernetes#72482. The cycle is the story module's
//! ([`story::wait_for`]); this only lays it out. One drawing serves `check --svg` (under the
//! counterexample) and the play page (in the verdict card).

use pleg_check::story::{self, WaitsFor};
use pleg_core::VerdictKind;
use std::f64::consts::PI;
use std::fmt::Write;

pub const WIDTH: i64 = 760;
pub const HEIGHT: i64 = 300;
/// The ring's radius, and each party's box.
const RADIUS: f64 = 105.0;
const BOX_W: f64 = 124.0;
const BOX_H: f64 = 32.0;
const RED: &str = "#c62828";

/// The cycle of a stall of this kind as an `<svg>` element to place inside HTML or another SVG
/// (so without a namespace of its own), or `None` for a verdict that is not a cycle.
pub fn drawing(kind: VerdictKind) -> Option<String> {
    story::wait_for(kind).map(ring)
}

fn ring(edges: &[WaitsFor]) -> String {
    let (cx, cy) = (WIDTH as f64 / 2.0, HEIGHT as f64 / 2.0);
    let n = edges.len() as f64;
    // Party i sits at the top and the rest follow clockwise.
    let at = |i: usize| {
        let angle = -PI / 2.0 + 2.0 * PI * i as f64 / n;
        (cx + RADIUS * 1.45 * angle.cos(), cy + RADIUS * angle.sin())
    };
    let mut out = format!(
        r##"<svg class="wait-for" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" font-family="DejaVu Sans, Arial, sans-serif" font-size="12" role="img" aria-label="{}">
<defs><marker id="waits" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="{RED}"/></marker></defs>
"##,
        esc(&summary(edges))
    );
    for (i, edge) in edges.iter().enumerate() {
        let ((x1, y1), (x2, y2)) = (at(i), at((i + 1) % edges.len()));
        let (dx, dy) = (x2 - x1, y2 - y1);
        let len = dx.hypot(dy);
        // Leave each box's edge clear: stop short of both centres.
        let clear = 0.5 * (BOX_W * (dx / len).abs()).max(BOX_H * (dy / len).abs()) + 6.0;
        let (ux, uy) = (dx / len, dy / len);
        let _ = writeln!(
            out,
            r#"<line x1="{:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="{RED}" stroke-width="2" marker-end="url(#waits)"/>"#,
            x1 + ux * clear,
            y1 + uy * clear,
            x2 - ux * clear,
            y2 - uy * clear
        );
        label(&mut out, edge, (x1 + x2) / 2.0, (y1 + y2) / 2.0, (cx, cy));
    }
    for (i, edge) in edges.iter().enumerate() {
        let (x, y) = at(i);
        let _ = writeln!(
            out,
            r##"<rect x="{:.1}" y="{:.1}" width="{BOX_W}" height="{BOX_H}" rx="6" fill="#fdecea" stroke="{RED}" stroke-width="2"/><text x="{x:.1}" y="{:.1}" text-anchor="middle" font-weight="bold">{}</text>"##,
            x - BOX_W / 2.0,
            y - BOX_H / 2.0,
            y + 4.0,
            esc(edge.from)
        );
    }
    out.push_str("</svg>\n");
    out
}

/// An edge's "waits for …, because …" beside its midpoint, on the outside of the ring.
fn label(out: &mut String, edge: &WaitsFor, mx: f64, my: f64, (cx, cy): (f64, f64)) {
    let (ox, oy) = (mx - cx, my - cy);
    let anchor = if ox > 1.0 {
        "start"
    } else if ox < -1.0 {
        "end"
    } else {
        "middle"
    };
    let (x, y) = (mx + ox.signum() * 8.0, my + oy.signum() * 10.0);
    let _ = writeln!(
        out,
        r##"<text x="{x:.1}" y="{y:.1}" text-anchor="{anchor}" fill="#333"><tspan font-weight="bold">waits for {}:</tspan><tspan x="{x:.1}" dy="15">{}</tspan></text>"##,
        esc(edge.to),
        esc(edge.why)
    );
}

/// The cycle in one line, for screen readers.
fn summary(edges: &[WaitsFor]) -> String {
    let ring: Vec<&str> = edges
        .iter()
        .map(|e| e.from)
        .chain(edges.first().map(|e| e.from))
        .collect();
    format!("Wait-for cycle: {}", ring.join(" waits for "))
}

fn esc(text: &str) -> std::borrow::Cow<'_, str> {
    html_escape::encode_text(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The circular wait is drawn as the four-party ring, each party once, each arrow labelled;
    /// a verdict that is no cycle draws nothing.
    #[test]
    fn the_circular_wait_is_a_ring_of_four() {
        let svg = drawing(VerdictKind::Deadlock).expect("a cycle");
        for party in ["relist", "eventChannel", "syncLoop", "PLEG health"] {
            assert_eq!(
                svg.matches(&format!(">{party}</text>")).count(),
                1,
                "{party}"
            );
        }
        assert_eq!(svg.matches("<line").count(), 4);
        assert_eq!(
            svg.matches(r#"<tspan font-weight="bold">waits for "#)
                .count(),
            4
        );
        assert!(svg.contains("relist waits for eventChannel waits for syncLoop"));
        assert_eq!(
            drawing(VerdictKind::GatedStall).map(|s| s.matches("<line").count()),
            Some(3)
        );
        assert_eq!(drawing(VerdictKind::LostUpdate), None);
        assert_eq!(drawing(VerdictKind::Holds), None);
    }
}
