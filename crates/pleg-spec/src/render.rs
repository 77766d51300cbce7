//! The verdict table, the counterexample's story with its replay command, and their JSON form.

use crate::args::scenario_args;
use comfy_table::{presets, CellAlignment, ContentArrangement, Table};
use pleg_check::explicit::Search;
use pleg_check::{story, Checker, Report, Schedule, Verdict, VerdictKind};
use pleg_core::{Gate, MapOrder, Named, Scenario};
use serde::Serialize;
use std::fmt::Write;

/// One check as the user sees it: the report, what the laws (or `--expect`) expect of it,
/// whether the report confirms that, and whether that judgement counts toward the exit status.
pub struct Judged<'a> {
    pub report: &'a Report,
    /// `None`: no law speaks of this scenario and nothing was expected.
    pub expect: Option<VerdictKind>,
    pub judgement: Result<(), String>,
    pub judging: bool,
}

impl Judged<'_> {
    /// The claim column: a judgement when judging, the expectation as information otherwise.
    fn claim(&self) -> String {
        match (self.judging, &self.judgement, self.expect) {
            (true, Ok(()), Some(expect)) => format!("{expect} confirmed"),
            (true, Err(why), _) => format!("REFUTED: {why}"),
            (false, _, Some(expect)) => format!("(laws: {expect})"),
            (_, _, None) => "(no law)".to_owned(),
        }
    }
}

/// A table in the project's one layout: plain columns, two spaces apart, nothing wrapped.
pub fn new_table(header: &[&str]) -> Table {
    let mut table = Table::new();
    table
        .load_preset(presets::NOTHING)
        .set_content_arrangement(ContentArrangement::Disabled)
        .set_header(header.to_vec());
    for column in table.column_iter_mut() {
        column.set_padding((0, 2));
    }
    table
}

/// Right-aligns the columns that hold numbers.
pub fn align_right(table: &mut Table, columns: &[usize]) {
    for &c in columns {
        if let Some(column) = table.column_mut(c) {
            column.set_cell_alignment(CellAlignment::Right);
        }
    }
}

/// Renders a table with no trailing blanks on its lines.
pub fn lines(table: &Table) -> String {
    table
        .lines()
        .map(|line| format!("{}\n", line.trim_end()))
        .collect()
}

/// `C/E/R/T`, plus what differs from kubelet's defaults.
fn scenario_label(s: &Scenario) -> String {
    let mut label = format!(
        "{}/{}/{}/{}",
        s.capacity, s.events_per_relist, s.relists, s.threshold
    );
    if let Some(k) = s.changes {
        let _ = write!(label, " changes={k}");
    }
    if !s.resync {
        label.push_str(" no-resync");
    }
    if s.gate == Gate::Retry {
        label.push_str(" retry-gate");
    }
    if s.map_order == MapOrder::Fixed {
        label.push_str(" fixed-order");
    }
    label
}

/// The human table, then one line per stall saying what froze, then the first story.
pub fn table(results: &[Judged<'_>]) -> String {
    let mut table = new_table(&[
        "design", "checker", "C/E/R/T", "bounds", "verdict", "explored", "full", "blocked",
        "discard", "gated", "mid", "seconds", "claim",
    ]);
    for judged in results {
        let report = judged.report;
        let s = &report.scenario;
        let w = &report.witnesses;
        table.add_row(vec![
            s.design.to_string(),
            report.checker.to_string(),
            scenario_label(s),
            report.checker.bounds(),
            report.verdict.to_string(),
            report.explored.to_string(),
            w.channel_full.to_string(),
            w.relist_blocked.to_string(),
            w.discards.to_string(),
            w.gate_closed.to_string(),
            w.drained_mid_relist.to_string(),
            format!("{:.2}", report.seconds),
            judged.claim(),
        ]);
    }
    align_right(&mut table, &[5, 6, 7, 8, 9, 10, 11]);
    let mut out = lines(&table);
    out.push_str(
        "\nC/E/R/T: capacity / events per relist / relists / relistThreshold in ticks.\n\
         explored: executions (loom), iterations (shuttle), states (explicit).\n\
         full, blocked, discard, gated, mid: executions (explicit: states, and moves for discard\n\
         and mid) that reached a full eventChannel, relist blocked in a send, a discarded event, a\n\
         closed PLEG health gate, syncLoop draining while a relist was mid-batch. A \"holds\" must\n\
         reach the ones its design can.\n",
    );
    out.push_str(&searches(results));
    let stalls: Vec<_> = results
        .iter()
        .filter_map(|j| stall_line(j.report).map(|line| (j.report, line)))
        .collect();
    for (report, line) in &stalls {
        let _ = write!(
            out,
            "\n{} under {}: {line}",
            report.scenario.design, report.checker
        );
    }
    if !stalls.is_empty() {
        out.push('\n');
    }
    if let Some(judged) = results.iter().find(|j| j.report.counterexample.is_some()) {
        out.push('\n');
        out.push_str(&story_block(judged.report));
    }
    out
}

/// The explicit searches' figures: all of them for one check, the large ones for a suite.
fn searches(results: &[Judged<'_>]) -> String {
    const LARGE: u64 = 10_000;
    let shown: Vec<(&Report, &Search)> = results
        .iter()
        .filter_map(|j| j.report.search.as_ref().map(|s| (j.report, s)))
        .filter(|(_, s)| results.len() == 1 || s.states >= LARGE)
        .collect();
    let Some(peak) = shown.iter().filter_map(|(_, s)| s.peak_memory_bytes).max() else {
        return String::new();
    };
    let mut table = new_table(&[
        "design",
        "C/E/R/T",
        "search",
        "states",
        "transitions",
        "states/s",
        "widest layer",
    ]);
    for (report, search) in &shown {
        table.add_row(vec![
            report.scenario.design.to_string(),
            scenario_label(&report.scenario),
            report.checker.bounds(),
            search.states.to_string(),
            search.transitions.to_string(),
            format!("{:.0}", search.states as f64 / report.seconds.max(1e-9)),
            search.widest_layer.to_string(),
        ]);
    }
    align_right(&mut table, &[3, 4, 5, 6]);
    let mut out = format!(
        "\nExplicit searches{}: the widest layer is the most states held in memory at once.\n",
        if results.len() > 1 {
            format!(" of {LARGE} states or more")
        } else {
            String::new()
        }
    );
    out.push_str(&lines(&table));
    let _ = writeln!(
        out,
        "Peak memory of this process: {:.0} MB.",
        peak as f64 / 1e6
    );
    out
}

/// The first counterexample as numbered steps, where it was found, and how to replay it.
pub fn story_block(report: &Report) -> String {
    let Some(execution) = &report.counterexample else {
        return String::new();
    };
    let mut out = format!(
        "Counterexample: {} under {}{}:\n",
        report.scenario.design,
        report.checker,
        match report.counterexample_bound {
            Some(b) => format!(
                ", found at preemption bound {b} (the fewest preemptions with which the model \
                 fails)"
            ),
            None => String::new(),
        }
    );
    out.push_str(&story::render(execution, &report.verdict));
    match replay_command(report) {
        Some(command) if command.len() > 600 => {
            let _ = writeln!(
                out,
                "\nReplay it: the command is {} characters long (a livelock runs shuttle to its \
                 step bound); --json prints it whole.",
                command.len()
            );
        }
        Some(command) => {
            let _ = writeln!(out, "\nReplay it: {command}");
        }
        None => {}
    }
    out
}

/// The command that replays `report`'s counterexample, built from the scenario itself.
pub fn replay_command(report: &Report) -> Option<String> {
    let token = match report.schedule.as_ref()? {
        Schedule::Shuttle(schedule) => format!("--schedule {schedule}"),
        Schedule::Path(path) => format!("--path {path}"),
    };
    Some(format!(
        "pleg-spec replay {} {token}",
        scenario_args(&report.scenario).join(" ")
    ))
}

fn stall_line(report: &Report) -> Option<String> {
    match &report.verdict {
        Verdict::Holds => None,
        Verdict::CircularWait(cw) => Some(format!(
            "relist blocked sending event {} of {} ({}) into a full eventChannel ({}/{}); \
             syncLoop skipping pod synchronization - PLEG is not healthy: pleg was last seen \
             active {} ticks ago; threshold is {} ticks. Nobody consumes the channel.",
            cw.index,
            cw.of,
            cw.blocked_event,
            cw.channel_len,
            cw.capacity,
            cw.last_seen_ago,
            cw.threshold
        )),
        Verdict::Livelock(cw) => Some(format!(
            "relist blocked sending event {} of {} into a full eventChannel ({}/{}); syncLoop \
             retries for ever, PLEG stale for {} ticks (threshold {}): busy, and nothing \
             consumed.",
            cw.index, cw.of, cw.channel_len, cw.capacity, cw.last_seen_ago, cw.threshold
        )),
        Verdict::GatedStall(g) => Some(format!(
            "eventChannel full ({}/{}) makes EventedPLEG unhealthy; syncLoop, its only reader, \
             skips; no thread is blocked in a send.",
            g.channel_len, g.capacity
        )),
        Verdict::LostUpdate(l) => Some(format!(
            "pod {} ends synced at version {}, the runtime is at version {}{}; no later relist \
             re-sent it.",
            l.pod,
            l.synced,
            l.latest,
            match l.discarded {
                Some(e) => format!(": its event of relist #{} was discarded", e.relist),
                None => String::new(),
            }
        )),
        Verdict::OtherDeadlock(m) | Verdict::Failed(m) => Some(m.clone()),
    }
}

#[derive(Serialize)]
struct JsonResults<'a> {
    results: Vec<JsonResult<'a>>,
}

#[derive(Serialize)]
struct JsonResult<'a> {
    design: &'a str,
    checker: &'a str,
    capacity: usize,
    events_per_relist: u32,
    relists: u32,
    changes: u32,
    threshold: u32,
    resync: bool,
    gate: &'a str,
    map_order: &'a str,
    bounds: String,
    verdict: &'a str,
    explored: u64,
    seconds: f64,
    witnesses: JsonWitnesses,
    expected: Option<&'a str>,
    confirmed: bool,
    judged: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    detail: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    search: Option<JsonSearch>,
    #[serde(skip_serializing_if = "Option::is_none")]
    counterexample: Option<JsonCounterexample<'a>>,
}

/// What an explicit search measured.
#[derive(Serialize)]
struct JsonSearch {
    reduced: bool,
    states: u64,
    transitions: u64,
    states_per_second: f64,
    widest_layer: usize,
    peak_memory_bytes: Option<u64>,
}

#[derive(Serialize)]
struct JsonCounterexample<'a> {
    checker: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    preemption_bound: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    schedule: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    replay: Option<String>,
    steps: Vec<JsonStep>,
    cycle: String,
}

/// Executions (loom, shuttle) that reached each interesting state.
#[derive(Serialize)]
struct JsonWitnesses {
    channel_full: u64,
    relist_blocked: u64,
    discards: u64,
    gate_closed: u64,
    drained_mid_relist: u64,
}

impl From<&pleg_core::Witnesses> for JsonWitnesses {
    fn from(w: &pleg_core::Witnesses) -> Self {
        JsonWitnesses {
            channel_full: w.channel_full,
            relist_blocked: w.relist_blocked,
            discards: w.discards,
            gate_closed: w.gate_closed,
            drained_mid_relist: w.drained_mid_relist,
        }
    }
}

#[derive(Serialize)]
struct JsonStep {
    actor: &'static str,
    action: String,
    channel_len: usize,
    now: u32,
    relist_time: Option<u32>,
}

fn json_counterexample(report: &Report) -> Option<JsonCounterexample<'_>> {
    let execution = report.counterexample.as_ref()?;
    let steps = execution
        .steps
        .iter()
        .zip(story::narrate(execution))
        .map(|(step, line)| JsonStep {
            actor: step.actor.name(),
            action: line.text,
            channel_len: step.channel_len,
            now: step.now,
            relist_time: step.relist_time,
        })
        .collect();
    Some(JsonCounterexample {
        checker: report.checker.name(),
        preemption_bound: match report.checker {
            Checker::Loom { .. } => report.counterexample_bound,
            _ => None,
        },
        schedule: report.schedule.as_ref().map(|s| match s {
            Schedule::Shuttle(s) | Schedule::Path(s) => s.as_str(),
        }),
        replay: replay_command(report),
        steps,
        cycle: story::conclusion(&report.verdict).unwrap_or_default(),
    })
}

pub fn json(results: &[Judged<'_>]) -> String {
    let results = results
        .iter()
        .map(|judged| {
            let report = judged.report;
            let s = &report.scenario;
            JsonResult {
                design: s.design.name(),
                checker: report.checker.name(),
                capacity: s.capacity,
                events_per_relist: s.events_per_relist,
                relists: s.relists,
                changes: s.changes(),
                threshold: s.threshold,
                resync: s.resync,
                gate: s.gate.name(),
                map_order: s.map_order.name(),
                bounds: report.checker.bounds(),
                verdict: report.verdict.kind().name(),
                explored: report.explored,
                seconds: report.seconds,
                witnesses: (&report.witnesses).into(),
                expected: judged.expect.map(VerdictKind::name),
                confirmed: judged.judgement.is_ok(),
                judged: judged.judging,
                detail: stall_line(report),
                search: report.search.map(|search| JsonSearch {
                    reduced: search.reduced,
                    states: search.states,
                    transitions: search.transitions,
                    states_per_second: search.states as f64 / report.seconds.max(1e-9),
                    widest_layer: search.widest_layer,
                    peak_memory_bytes: search.peak_memory_bytes,
                }),
                counterexample: json_counterexample(report),
            }
        })
        .collect();
    serde_json::to_string_pretty(&JsonResults { results }).expect("plain data serialises")
}

/// The scaling grid: one row per (scenario, preemption bound).
pub fn scale_table(rows: &[(usize, Report)]) -> String {
    let mut table = new_table(&[
        "design",
        "C",
        "E",
        "R",
        "T",
        "bound",
        "verdict",
        "executions",
        "seconds",
        "executions/s",
    ]);
    for (bound, r) in rows {
        let s = &r.scenario;
        table.add_row(vec![
            s.design.to_string(),
            s.capacity.to_string(),
            s.events_per_relist.to_string(),
            s.relists.to_string(),
            s.threshold.to_string(),
            bound.to_string(),
            r.verdict.to_string(),
            r.explored.to_string(),
            format!("{:.2}", r.seconds),
            format!("{:.0}", r.explored as f64 / r.seconds.max(1e-9)),
        ]);
    }
    align_right(&mut table, &[7, 8, 9]);
    lines(&table)
}

#[derive(Serialize)]
struct JsonScaleRow<'a> {
    design: &'a str,
    capacity: usize,
    events_per_relist: u32,
    relists: u32,
    threshold: u32,
    preemption_bound: usize,
    verdict: &'a str,
    explored: u64,
    seconds: f64,
}

pub fn scale_json(rows: &[(usize, Report)]) -> String {
    let rows: Vec<_> = rows
        .iter()
        .map(|(bound, r)| JsonScaleRow {
            design: r.scenario.design.name(),
            capacity: r.scenario.capacity,
            events_per_relist: r.scenario.events_per_relist,
            relists: r.scenario.relists,
            threshold: r.scenario.threshold,
            preemption_bound: *bound,
            verdict: r.verdict.kind().name(),
            explored: r.explored,
            seconds: r.seconds,
        })
        .collect();
    serde_json::to_string_pretty(&serde_json::json!({ "scale": rows })).expect("plain data")
}
