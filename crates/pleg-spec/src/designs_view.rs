//! `pleg-spec designs`: the design-space table and its JSON form.

use crate::render;
use pleg_check::designs;
use pleg_core::{Design, Named, Scenario};
use serde::Serialize;
use std::fmt::Write;

/// The design-space table: one row per design, every cell from an exploration.
pub fn designs_table(rows: &[designs::Row], bound: Option<usize>, iterations: usize) -> String {
    let yes_no = |b: bool| if b { "yes" } else { "no" };
    let maybe = |b: Option<bool>| b.map_or("— (stalls)", yes_no);
    let mut table = render::new_table(&[
        "design",
        "circular\nwait",
        "other\nstall",
        "lost\nupdate\n(no resync)",
        "discards\npossible",
        "converges\n(no\nresync)",
        "converges\n(resync)",
        "stalls\nfrom\nburst",
        "loom\nagrees",
        "shuttle\nagrees",
    ]);
    for r in rows {
        table.add_row(vec![
            r.design.name().to_owned(),
            yes_no(r.circular_wait()).to_owned(),
            r.other_stall().unwrap_or("no").to_owned(),
            maybe(r.lost_update()).to_owned(),
            yes_no(r.discards_possible()).to_owned(),
            maybe(r.converges(false)).to_owned(),
            maybe(r.converges(true)).to_owned(),
            r.smallest_stalling_burst
                .map_or(format!("none <= {}", designs::MAX_BURST), |b| b.to_string()),
            agrees(r.loom_agrees).to_owned(),
            agrees(r.shuttle_agrees).to_owned(),
        ]);
    }
    let mut out = render::lines(&table);
    let s = Scenario::table(Design::Blocking, false);
    let _ = write!(
        out,
        "\nEvery cell is an exhaustive search (the explicit checker, every map order) at capacity \
         {}, {} pods changing once, {} relists,\nthreshold {}, without and with the periodic \
         resync; loom ({}) and shuttle PCT ({iterations} iterations, seed {}) must reach the\n\
         same verdicts. stalls-from: the smallest burst of events into capacity 1 that stalls. \
         blocking-big-capacity's channel is {}x larger.\n",
        s.capacity,
        s.pods,
        s.relists,
        s.threshold,
        match bound {
            Some(b) => format!("preemptions<={b}"),
            None => "unbounded".to_owned(),
        },
        pleg_check::DEFAULT_SHUTTLE_SEED,
        pleg_core::BIG_CAPACITY_FACTOR,
    );
    out
}

fn agrees(both: (bool, bool)) -> &'static str {
    match both {
        (true, true) => "yes",
        _ => "NO",
    }
}

#[derive(Serialize)]
struct JsonDesignRow<'a> {
    design: &'a str,
    circular_wait: bool,
    other_stall: &'a str,
    lost_update_without_resync: Option<bool>,
    discards_possible: bool,
    converges_without_resync: Option<bool>,
    converges_with_resync: Option<bool>,
    smallest_stalling_burst: Option<u32>,
    loom_agrees: bool,
    shuttle_agrees: bool,
    verdict_without_resync: &'a str,
    verdict_with_resync: &'a str,
    explored: [u64; 2],
}

pub fn designs_json(rows: &[designs::Row], bound: Option<usize>, iterations: usize) -> String {
    let rows: Vec<_> = rows
        .iter()
        .map(|r| JsonDesignRow {
            design: r.design.name(),
            circular_wait: r.circular_wait(),
            other_stall: r.other_stall().unwrap_or("none"),
            lost_update_without_resync: r.lost_update(),
            discards_possible: r.discards_possible(),
            converges_without_resync: r.converges(false),
            converges_with_resync: r.converges(true),
            smallest_stalling_burst: r.smallest_stalling_burst,
            loom_agrees: r.loom_agrees == (true, true),
            shuttle_agrees: r.shuttle_agrees == (true, true),
            verdict_without_resync: r.without_resync.verdict.kind().name(),
            verdict_with_resync: r.with_resync.verdict.kind().name(),
            explored: [r.without_resync.explored, r.with_resync.explored],
        })
        .collect();
    serde_json::to_string_pretty(&serde_json::json!({
        "loom_preemption_bound": bound,
        "pct_iterations": iterations,
        "designs": rows,
    }))
    .expect("plain data")
}
