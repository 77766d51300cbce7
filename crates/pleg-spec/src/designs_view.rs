//! `pleg-spec designs`: the design-space table and its JSON form.

use pleg_models::designs;
use serde::Serialize;
use std::fmt::Write;

/// The design-space table: one row per design, every cell from an exploration.
pub fn designs_table(rows: &[designs::Row], bound: Option<usize>, iterations: usize) -> String {
    let yes_no = |b: bool| if b { "yes" } else { "no" };
    let maybe = |b: Option<bool>| b.map_or("— (stalls)", yes_no);
    let mut out = String::new();
    for header in [
        [
            "design",
            "circular",
            "other",
            "lost",
            "discards",
            "converges",
            "converges",
            "stalls",
            "shuttle",
        ],
        [
            "", "wait", "stall", "update", "possible", "(no", "(resync)", "from", "agrees",
        ],
        ["", "", "", "(no resync)", "", "resync)", "", "burst", ""],
    ] {
        let _ = writeln!(
            out,
            "{:<22} {:<14} {:<12} {:<12} {:<9} {:<10} {:<10} {:<12} {}",
            header[0],
            header[1],
            header[2],
            header[3],
            header[4],
            header[5],
            header[6],
            header[7],
            header[8]
        );
    }
    for r in rows {
        let _ = writeln!(
            out,
            "{:<22} {:<14} {:<12} {:<12} {:<9} {:<10} {:<10} {:<12} {}",
            r.design.name(),
            yes_no(r.circular_wait()),
            r.other_stall().unwrap_or("no"),
            maybe(r.lost_update()),
            yes_no(r.discards_possible()),
            maybe(r.converges(false)),
            maybe(r.converges(true)),
            r.smallest_stalling_burst
                .map_or(format!("none <= {}", designs::MAX_BURST), |b| b.to_string()),
            match r.shuttle_agrees {
                (true, true) => "yes",
                _ => "NO",
            }
        );
    }
    let s = designs::table_scenario(pleg_model::Design::Blocking, false);
    let _ = write!(
        out,
        "\nEvery cell is an exploration: loom ({}) at capacity {}, {} pods changing once, {} \
         relists, threshold {},\nwithout and with the periodic resync; shuttle PCT ({iterations} \
         iterations, seed {}) must reach the same verdicts.\nstalls-from: the smallest burst of \
         events into capacity 1 that stalls (loom). blocking-big-capacity's channel is {}x larger.\n",
        match bound {
            Some(b) => format!("preemptions<={b}"),
            None => "unbounded".to_owned(),
        },
        s.capacity,
        s.events_per_relist,
        s.relists,
        s.threshold,
        pleg_models::DEFAULT_SHUTTLE_SEED,
        pleg_model::BIG_CAPACITY_FACTOR,
    );
    out.lines().map(|l| format!("{}\n", l.trim_end())).collect()
}

#[derive(Serialize)]
struct JsonDesignRow<'a> {
    design: &'a str,
    circular_wait: bool,
    other_stall: Option<&'a str>,
    lost_update_without_resync: Option<bool>,
    discards_possible: bool,
    converges_without_resync: Option<bool>,
    converges_with_resync: Option<bool>,
    smallest_stalling_burst: Option<u32>,
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
            other_stall: r.other_stall(),
            lost_update_without_resync: r.lost_update(),
            discards_possible: r.discards_possible(),
            converges_without_resync: r.converges(false),
            converges_with_resync: r.converges(true),
            smallest_stalling_burst: r.smallest_stalling_burst,
            shuttle_agrees: r.shuttle_agrees == (true, true),
            verdict_without_resync: r.without_resync.verdict.name(),
            verdict_with_resync: r.with_resync.verdict.name(),
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
