//! A counterexample as a self-contained SVG sequence diagram.
//!
//! Four lanes — relist, eventChannel (with its fill level at every step), syncLoop and the
//! clock — one row per step, arrows for sends and receives, and the final circular wait boxed
//! in red. Plain SVG 1.1: no scripts, no fonts or images to fetch, so it opens offline in any
//! browser. The rows and their labels are the text story's ([`story::rows`], [`story::narrate`]),
//! so the picture and the story cannot drift apart.

use crate::wait_for;
use pleg_check::story::{self, Line, Row};
use pleg_check::{Report, Verdict};
use pleg_core::{Action, Actor, Execution, Step};
use std::fmt::Write;

const ROW: i64 = 24;
const TOP: i64 = 96;
const WIDTH: i64 = 1120;
const BAR: i64 = 120;

fn lane_x(actor: Lane) -> i64 {
    match actor {
        Lane::Relist => 300,
        Lane::Channel => 540,
        Lane::SyncLoop => 760,
        Lane::Clock => 950,
    }
}

#[derive(Clone, Copy)]
enum Lane {
    Relist,
    Channel,
    SyncLoop,
    Clock,
}

/// Renders `report`'s counterexample (an empty diagram if it has none).
pub fn render(report: &Report) -> String {
    let empty = Execution::default();
    let execution = report.counterexample.as_ref().unwrap_or(&empty);
    let rows = story::rows(&execution.steps);
    let lines = story::narrate(execution);
    let cycle = wait_for::drawing(report.verdict.kind());
    let conclusion = story::conclusion(&report.verdict);
    let box_height = conclusion
        .as_ref()
        .map_or(0, |c| 54 + 20 * textwrap::wrap(c, 118).len() as i64);
    let ring_height = cycle.as_ref().map_or(0, |_| wait_for::HEIGHT + 10);
    let below_rows = TOP + ROW * rows.len() as i64 + 4;
    let height = (below_rows + box_height + ring_height).max(TOP + 120);
    let mut out = String::new();
    header(&mut out, report, height);
    lanes(&mut out, height);
    for (i, row) in rows.iter().enumerate() {
        let y = TOP + ROW * i as i64;
        match row {
            Row::Elided(n) => {
                let _ = writeln!(
                    out,
                    r##"<text x="{}" y="{y}" text-anchor="middle" fill="#777">… {n} more steps like these …</text>"##,
                    WIDTH / 2
                );
            }
            Row::Step(n) => draw_step(&mut out, *n, &lines[*n], y, execution, &report.verdict),
        }
    }
    if let Some(conclusion) = conclusion {
        conclusion_box(&mut out, &conclusion, below_rows);
    }
    if let Some(ring) = cycle {
        // The cycle the box names, drawn under it (a nested <svg> keeps its own coordinates).
        let x = (WIDTH - wait_for::WIDTH) / 2;
        let nested = format!(r#"<svg x="{x}" y="{}" "#, below_rows + box_height);
        out.push_str(&ring.replacen("<svg ", &nested, 1));
    }
    out.push_str("</svg>\n");
    out
}

/// The drawing's frame, the arrowhead every message uses, and the title naming the scenario
/// and what found the counterexample.
fn header(out: &mut String, report: &Report, height: i64) {
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" font-family="DejaVu Sans, Arial, sans-serif" font-size="12">"#
    );
    let _ = writeln!(
        out,
        r##"<rect width="100%" height="100%" fill="#ffffff"/>
<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#444"/></marker></defs>"##
    );
    let found = match (report.counterexample_bound, &report.schedule) {
        (Some(b), _) => format!("{}, preemption bound {b}", report.checker),
        _ => report.checker.to_string(),
    };
    let _ = writeln!(
        out,
        r#"<text x="20" y="28" font-size="14" font-weight="bold">{}</text>"#,
        esc(&format!(
            "pleg-spec counterexample: {} (C/P/R/T), found by {found}",
            report.scenario
        ))
    );
}

/// One titled, dashed lifeline per goroutine, the channel and the clock.
fn lanes(out: &mut String, height: i64) {
    for (lane, title) in [
        (Lane::Relist, "relist"),
        (Lane::Channel, "eventChannel"),
        (Lane::SyncLoop, "syncLoop"),
        (Lane::Clock, "clock"),
    ] {
        let x = lane_x(lane);
        let _ = writeln!(
            out,
            r##"<g class="lane"><text x="{x}" y="66" text-anchor="middle" font-size="14" font-weight="bold">{title}</text><line x1="{x}" y1="76" x2="{x}" y2="{}" stroke="#bbb" stroke-dasharray="4 3"/></g>"##,
            height - 110
        );
    }
}

/// The verdict's conclusion in a red box at `y`: "Circular wait: relist waits …" becomes a
/// bold title and the rest, wrapped.
fn conclusion_box(out: &mut String, conclusion: &str, y: i64) {
    let (title, body) = conclusion
        .split_once(": ")
        .unwrap_or(("Counterexample", conclusion));
    let lines = textwrap::wrap(body, 118);
    let _ = writeln!(
        out,
        r##"<g class="cycle"><rect x="16" y="{y}" width="{}" height="{}" fill="#fdecea" stroke="#c62828" stroke-width="2" rx="6"/>
<text x="30" y="{}" font-weight="bold" fill="#c62828">{}</text>"##,
        WIDTH - 32,
        34 + 20 * lines.len() as i64,
        y + 22,
        esc(title)
    );
    for (i, line) in lines.iter().enumerate() {
        let _ = writeln!(
            out,
            r#"<text x="30" y="{}">{}</text>"#,
            y + 44 + 20 * i as i64,
            esc(line)
        );
    }
    out.push_str("</g>\n");
}

fn draw_step(
    out: &mut String,
    n: usize,
    line: &Line,
    y: i64,
    execution: &Execution,
    verdict: &Verdict,
) {
    let step = &execution.steps[n];
    let last = execution.steps.len();
    let stuck = highlighted(step, verdict);
    let color = if stuck { "#c62828" } else { "#222" };
    let _ = writeln!(
        out,
        r##"<text x="8" y="{}" fill="#999" font-size="10">{}</text>"##,
        y + 4,
        n + 1
    );
    let x = draw_channel_level(out, step.channel_len, execution.capacity, y);
    let lane = match line.actor {
        Actor::Relist => Lane::Relist,
        Actor::SyncLoop => Lane::SyncLoop,
        Actor::Clock => Lane::Clock,
    };
    let ax = lane_x(lane);
    match step.action {
        Action::Sent { .. } => arrow(out, lane_x(Lane::Relist), x, y),
        Action::Received { .. } => arrow(out, x + BAR, lane_x(Lane::SyncLoop), y),
        _ => {}
    }
    let _ = writeln!(
        out,
        r#"<circle cx="{ax}" cy="{}" r="4" fill="{color}"/>"#,
        y - 1
    );
    let (anchor, tx) = match lane {
        Lane::Relist => ("end", ax - 10),
        _ => ("start", ax + 10),
    };
    let weight = if stuck || n + 1 == last {
        "bold"
    } else {
        "normal"
    };
    let _ = writeln!(
        out,
        r#"<text x="{tx}" y="{}" text-anchor="{anchor}" fill="{color}" font-weight="{weight}">{}</text>"#,
        y + 3,
        esc(&line.label)
    );
}

/// The channel's fill level after a step, as a bar in the channel's lane with `len/cap` beside
/// it (red when full); returns the bar's left edge. `cap` is the channel's real capacity, as
/// the run built it (twice the scenario's for blocking-big-capacity).
fn draw_channel_level(out: &mut String, len: usize, cap: usize, y: i64) -> i64 {
    let x = lane_x(Lane::Channel) - BAR / 2;
    let fill = BAR * len as i64 / cap.max(1) as i64;
    let colour = if len == cap { "#e57373" } else { "#64b5f6" };
    let _ = writeln!(
        out,
        r##"<rect x="{x}" y="{}" width="{BAR}" height="10" fill="#f3f3f3" stroke="#999"/><rect x="{x}" y="{}" width="{fill}" height="10" fill="{colour}"/><text x="{}" y="{}" font-size="10" fill="#555">{len}/{cap}</text>"##,
        y - 6,
        y - 6,
        x + BAR + 6,
        y + 3,
    );
    x
}

/// The steps that make the failure: the blocked send and the closed gate of a stall, the
/// discard and the "no change" of a lost pod.
fn highlighted(step: &Step, verdict: &Verdict) -> bool {
    match verdict {
        Verdict::Deadlock(_) | Verdict::Livelock(_) => matches!(
            step.action,
            Action::BlockedInSend { .. } | Action::SkippedUnhealthy { .. }
        ),
        Verdict::GatedStall(_) => matches!(step.action, Action::SkippedUnhealthy { .. }),
        Verdict::LostUpdate(lost) => match step.action {
            Action::Discarded { event, .. } => event.pod == lost.pod,
            Action::NoChange { pod, .. } | Action::LostUpdate { pod, .. } => pod == lost.pod,
            _ => false,
        },
        _ => false,
    }
}

fn arrow(out: &mut String, from: i64, to: i64, y: i64) {
    let _ = writeln!(
        out,
        r##"<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#444" marker-end="url(#arrow)"/>"##,
        from + 6,
        y - 1,
        to - 4,
        y - 1
    );
}

fn esc(text: &str) -> std::borrow::Cow<'_, str> {
    html_escape::encode_text(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use pleg_check::{check, Checker};
    use pleg_core::{Design, Scenario};

    fn loom(scenario: &Scenario) -> Report {
        let checker = Checker::Loom {
            preemption_bound: Some(3),
        };
        check(scenario, &checker).unwrap()
    }

    fn blocking_report() -> Report {
        loom(&Scenario::smallest(Design::Blocking))
    }

    #[test]
    fn svg_has_four_lanes_the_cycle_and_nothing_to_fetch() {
        let svg = render(&blocking_report());
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assert!(svg.trim_end().ends_with("</svg>"));
        assert_eq!(svg.matches("<g class=\"lane\">").count(), 4);
        for lane in ["relist", "eventChannel", "syncLoop", "clock"] {
            assert!(svg.contains(&format!(">{lane}</text>")), "{lane}");
        }
        assert!(svg.contains("<g class=\"cycle\">"));
        assert!(svg.contains("BLOCKED: ch &lt;- event 2 of 2"));
        assert!(svg.contains(">Circular wait</text>"));
        assert!(
            svg.contains("class=\"wait-for\""),
            "the cycle drawn under its box"
        );
        assert!(!svg.contains("<script"));
        assert!(!svg.contains("href"));
        assert_eq!(svg.matches("http").count(), 1, "only the xmlns namespace");
    }

    #[test]
    fn every_open_tag_of_the_svg_is_balanced() {
        let svg = render(&blocking_report());
        for tag in ["g", "text", "defs", "marker"] {
            let opens =
                svg.matches(&format!("<{tag} ")).count() + svg.matches(&format!("<{tag}>")).count();
            assert_eq!(opens, svg.matches(&format!("</{tag}>")).count(), "{tag}");
        }
    }

    /// The fill bar is drawn against the channel the run really built: twice the scenario's
    /// capacity for blocking-big-capacity.
    #[test]
    fn the_fill_bar_is_drawn_against_the_real_capacity() {
        let report = loom(&Scenario {
            pods: 3,
            ..Scenario::smallest(Design::BlockingBigCapacity)
        });
        let svg = render(&report);
        assert!(svg.contains(">2/2</text>"), "the full channel reads 2/2");
        assert!(
            !svg.contains("/1</text>"),
            "no bar is drawn against capacity 1"
        );
    }

    #[test]
    fn the_story_it_draws_is_the_story_it_tells() {
        let report = blocking_report();
        let execution = report.counterexample.as_ref().unwrap();
        let svg = render(&report);
        let lines = story::narrate(execution);
        for row in story::rows(&execution.steps) {
            if let Row::Step(n) = row {
                let words = esc(&lines[n].label);
                assert!(svg.contains(&*words), "step {n} is not drawn: {words}");
            }
        }
    }
}
