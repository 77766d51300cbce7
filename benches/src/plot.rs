//! The report's plot: median throughput against capacity, one line per implementation (Go
//! dashed), for blocking send and for select/default — an SVG written by hand because it is
//! two small panels of lines and dots.

use crate::report::{median, rate, Runs};
use crate::{Workload, CAPACITIES, GO, RUST_CHANNELS};
use std::fmt::Write as _;

const WIDTH: i32 = 980;
const HEIGHT: i32 = 460;
const LEFT: i32 = 70;
const TOP: i32 = 50;
const PANEL_W: i32 = 380;
const PANEL_H: i32 = 320;
const GAP: i32 = 110;

fn colour(channel: &str) -> &'static str {
    match channel {
        "pleg-std" => "#1f5fbf",
        "pleg-parking_lot" => "#6a3fb5",
        "std-sync_channel" => "#9aa1ad",
        "crossbeam-bounded" => "#1e7d32",
        _ => "#c0392b",
    }
}

/// A power of ten as a tick label: `0.001`, `1`, `100`, `1e-05`.
fn tick(e: i32) -> String {
    match e {
        -4.. if e < 0 => format!("{}", 10f64.powi(e)),
        0.. => 10u64.pow(e as u32).to_string(),
        _ => format!("1e-{:02}", -e),
    }
}

/// The SVG, from the medians of `runs`.
pub fn plot(runs: &Runs) -> String {
    let channels: Vec<&str> = RUST_CHANNELS.into_iter().chain([GO]).collect();
    let workloads = [
        (Workload::Send, "blocking send"),
        (Workload::TrySendDrop, "select/default (drop when full)"),
    ];
    let med = |w, ch, c| median(&runs.each(&rate(w, ch, c))).filter(|&r| r > 0.0);
    let top_rate = workloads
        .iter()
        .flat_map(|&(w, _)| {
            channels
                .iter()
                .flat_map(move |&ch| CAPACITIES.map(move |c| (w, ch, c)))
        })
        .filter_map(|(w, ch, c)| med(w, ch, c))
        .fold(f64::MIN_POSITIVE, f64::max)
        / 1e6;
    let (e_max, e_min) = (
        top_rate.log10().ceil() as i32,
        top_rate.log10().ceil() as i32 - 5,
    );
    let y = |r: f64| {
        let v = (r / 1e6)
            .clamp(10f64.powi(e_min), 10f64.powi(e_max))
            .log10();
        f64::from(TOP)
            + f64::from(PANEL_H) * (1.0 - (v - f64::from(e_min)) / f64::from(e_max - e_min))
    };
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH}\" height=\"{HEIGHT}\" \
         viewBox=\"0 0 {WIDTH} {HEIGHT}\" font-family=\"DejaVu Sans, Arial, sans-serif\" font-size=\"12\">\n\
         <rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>\n"
    );
    for (p, &(workload, title)) in workloads.iter().enumerate() {
        let x0 = LEFT + p as i32 * (PANEL_W + GAP);
        let x = |i: usize| {
            f64::from(x0 + 30) + i as f64 * f64::from(PANEL_W - 60) / (CAPACITIES.len() - 1) as f64
        };
        let mid = f64::from(x0) + f64::from(PANEL_W) / 2.0;
        let _ = writeln!(svg, "<text x=\"{mid:.1}\" y=\"{}\" text-anchor=\"middle\" font-weight=\"bold\">{title}</text>", TOP - 18);
        let _ = writeln!(svg, "<rect x=\"{x0}\" y=\"{TOP}\" width=\"{PANEL_W}\" height=\"{PANEL_H}\" fill=\"none\" stroke=\"#999\"/>");
        for e in e_min..=e_max {
            let yy = y(10f64.powi(e) * 1e6);
            let _ = writeln!(
                svg,
                "<line x1=\"{x0}\" y1=\"{yy:.1}\" x2=\"{}\" y2=\"{yy:.1}\" stroke=\"#eee\"/>",
                x0 + PANEL_W
            );
            let _ = writeln!(
                svg,
                "<text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\" fill=\"#555\">{} M/s</text>",
                x0 - 6,
                yy + 4.0,
                tick(e)
            );
        }
        for (i, c) in CAPACITIES.iter().enumerate() {
            let _ = writeln!(
                svg,
                "<text x=\"{:.1}\" y=\"{}\" text-anchor=\"middle\" fill=\"#555\">{c}</text>",
                x(i),
                TOP + PANEL_H + 18
            );
        }
        let _ = writeln!(
            svg,
            "<text x=\"{mid:.1}\" y=\"{}\" text-anchor=\"middle\">capacity</text>",
            TOP + PANEL_H + 36
        );
        for &ch in &channels {
            let points: Vec<(f64, f64)> = CAPACITIES
                .iter()
                .enumerate()
                .filter_map(|(i, &c)| Some((x(i), y(med(workload, ch, c)?))))
                .collect();
            if points.len() > 1 {
                let d: Vec<String> = points
                    .iter()
                    .map(|(px, py)| format!("{px:.1},{py:.1}"))
                    .collect();
                let dash = if ch == GO {
                    " stroke-dasharray=\"6 4\""
                } else {
                    ""
                };
                let _ = writeln!(svg, "<polyline points=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"2.5\"{dash}/>", d.join(" "), colour(ch));
                for (px, py) in points {
                    let _ = writeln!(
                        svg,
                        "<circle cx=\"{px:.1}\" cy=\"{py:.1}\" r=\"3.5\" fill=\"{}\"/>",
                        colour(ch)
                    );
                }
            }
        }
    }
    for (n, ch) in channels.iter().enumerate() {
        let (lx, ly) = (LEFT + n as i32 * 180, HEIGHT - 12);
        let _ = writeln!(
            svg,
            "<line x1=\"{lx}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{}\" stroke-width=\"3\"/>",
            ly - 4,
            lx + 26,
            ly - 4,
            colour(ch)
        );
        let _ = writeln!(svg, "<text x=\"{}\" y=\"{ly}\">{ch}</text>", lx + 32);
    }
    svg + "</svg>\n"
}
