//! The verdict table, the counterexample's story with its replay command, and their JSON form.

use crate::args::scenario_args;
use comfy_table::{presets, CellAlignment, ContentArrangement, Table};
use pleg_check::explicit::Search;
use pleg_check::{story, Checker, CheckerKind, Report, Schedule, Verdict, VerdictKind};
use pleg_core::scenario::LABEL_HEADER;
use pleg_core::{Actor, Named, Scenario, Witness, Witnesses};
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

/// The human table, then one line per stall saying what froze, then the first story.
pub fn table(results: &[Judged<'_>]) -> String {
    let mut header = vec![
        "design",
        "checker",
        LABEL_HEADER,
        "bounds",
        "verdict",
        "explored",
    ];
    header.extend(Witness::ALL.iter().map(|w| w.name()));
    header.extend(["seconds", "claim"]);
    let mut table = new_table(&header);
    for judged in results {
        let report = judged.report;
        let s = &report.scenario;
        let mut row = vec![
            s.design.to_string(),
            report.checker.to_string(),
            s.label(),
            report.checker.bounds(),
            report.verdict.to_string(),
            report.explored.to_string(),
        ];
        row.extend(report.witnesses.iter().map(|(_, n)| n.to_string()));
        row.extend([format!("{:.2}", report.seconds), judged.claim()]);
        table.add_row(row);
    }
    let numbers = 5..6 + Witness::ALL.len() + 1;
    align_right(&mut table, &numbers.collect::<Vec<_>>());
    let mut out = lines(&table);
    out.push('\n');
    out.push_str(&pleg_spec::cli::legend());
    out.push_str(&searches(results));
    out.push_str(&stall_lines(results));
    if let Some(judged) = results.iter().find(|j| j.report.counterexample.is_some()) {
        out.push('\n');
        out.push_str(&story_block(judged.report));
    }
    out
}

/// One line per stall saying what froze.
fn stall_lines(results: &[Judged<'_>]) -> String {
    let stalls: Vec<_> = results
        .iter()
        .filter_map(|j| stall_line(j.report).map(|line| (j.report, line)))
        .collect();
    let mut out = String::new();
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
    if shown.is_empty() {
        return String::new();
    }
    let mut table = new_table(&[
        "design",
        LABEL_HEADER,
        "search",
        "states",
        "transitions",
        "states/s",
        "widest layer",
        "peak MB",
    ]);
    for (report, search) in &shown {
        table.add_row(vec![
            report.scenario.design.to_string(),
            report.scenario.label(),
            report.checker.bounds(),
            search.states.to_string(),
            search.transitions.to_string(),
            format!("{:.0}", search.states as f64 / report.seconds.max(1e-9)),
            search.widest_layer.to_string(),
            search
                .peak_memory_bytes
                .map_or("?".to_owned(), |b| format!("{:.0}", b as f64 / 1e6)),
        ]);
    }
    align_right(&mut table, &[3, 4, 5, 6, 7]);
    let mut out = format!(
        "\nExplicit searches{}: the widest layer is the most states one progress layer held \
         (the search also holds the states found for later layers); peak MB is the process's \
         peak memory during the search.\n",
        if results.len() > 1 {
            format!(" of {LARGE} states or more")
        } else {
            String::new()
        }
    );
    out.push_str(&lines(&table));
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

/// The command that replays `report`'s counterexample, built from the scenario itself. A loom
/// counterexample has no schedule of its own: its trace is walked through the explicit machine,
/// and the path it takes there is the replay.
pub fn replay_command(report: &Report) -> Option<String> {
    let token = match &report.schedule {
        Some(Schedule::Shuttle(schedule)) => format!("--schedule {schedule}"),
        Some(Schedule::Path(path)) => format!("--path {path}"),
        None => format!("--path {}", crate::play::path_of(report).ok()?),
    };
    Some(format!(
        "pleg-spec replay {} {token}",
        scenario_args(&report.scenario).join(" ")
    ))
}

fn stall_line(report: &Report) -> Option<String> {
    match &report.verdict {
        Verdict::Holds => None,
        Verdict::Deadlock(cw) => Some(format!(
            "relist blocked sending event {} of {} ({}) into a full eventChannel ({}/{}); \
             syncLoop skipping pod synchronization - PLEG is not healthy: pleg was last seen \
             active {} ago; threshold is {}. Nobody consumes the channel.",
            cw.index,
            cw.of,
            cw.blocked_event,
            cw.channel_len,
            cw.capacity,
            story::ticks(cw.last_seen_ago),
            story::ticks(cw.threshold)
        )),
        Verdict::Livelock(cw) => Some(format!(
            "relist blocked sending event {} of {} into a full eventChannel ({}/{}); syncLoop \
             retries for ever, PLEG stale for {} (threshold {}): busy, and nothing consumed.",
            cw.index,
            cw.of,
            cw.channel_len,
            cw.capacity,
            story::ticks(cw.last_seen_ago),
            story::ticks(cw.threshold)
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

/// One check in JSON: its scenario's fields, then the report (docs/json.md, and the schema in
/// docs/schema/check.json that every test holds the output to).
#[derive(Serialize)]
struct JsonResult<'a> {
    #[serde(flatten)]
    scenario: &'a Scenario,
    /// `K`: the changes of one pod the relists can tell apart.
    changes_seen: u32,
    checker: CheckerKind,
    bounds: String,
    verdict: VerdictKind,
    explored: u64,
    seconds: f64,
    witnesses: &'a Witnesses,
    expected: Option<VerdictKind>,
    confirmed: bool,
    judged: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    detail: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    search: Option<JsonSearch<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    counterexample: Option<JsonCounterexample<'a>>,
}

/// What an explicit search measured, and its rate.
#[derive(Serialize)]
struct JsonSearch<'a> {
    #[serde(flatten)]
    search: &'a Search,
    states_per_second: f64,
}

#[derive(Serialize)]
struct JsonCounterexample<'a> {
    checker: CheckerKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    preemption_bound: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    schedule: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    replay: Option<String>,
    steps: Vec<JsonStep>,
    cycle: String,
}

#[derive(Serialize)]
struct JsonStep {
    actor: Actor,
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
            actor: step.actor,
            action: line.text,
            channel_len: step.channel_len,
            now: step.now,
            relist_time: step.relist_time,
        })
        .collect();
    Some(JsonCounterexample {
        checker: report.checker.kind(),
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
            JsonResult {
                scenario: &report.scenario,
                changes_seen: report.scenario.changes_seen(),
                checker: report.checker.kind(),
                bounds: report.checker.bounds(),
                verdict: report.verdict.kind(),
                explored: report.explored,
                seconds: report.seconds,
                witnesses: &report.witnesses,
                expected: judged.expect,
                confirmed: judged.judgement.is_ok(),
                judged: judged.judging,
                detail: stall_line(report),
                search: report.search.as_ref().map(|search| JsonSearch {
                    search,
                    states_per_second: search.states as f64 / report.seconds.max(1e-9),
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
        LABEL_HEADER,
        "bound",
        "verdict",
        "executions",
        "seconds",
        "executions/s",
    ]);
    for (bound, r) in rows {
        table.add_row(vec![
            r.scenario.design.to_string(),
            r.scenario.label(),
            bound.to_string(),
            r.verdict.to_string(),
            r.explored.to_string(),
            format!("{:.2}", r.seconds),
            format!("{:.0}", r.explored as f64 / r.seconds.max(1e-9)),
        ]);
    }
    align_right(&mut table, &[4, 5, 6]);
    lines(&table)
}

#[derive(Serialize)]
struct JsonScaleRow<'a> {
    #[serde(flatten)]
    scenario: &'a Scenario,
    preemption_bound: usize,
    verdict: VerdictKind,
    explored: u64,
    seconds: f64,
}

pub fn scale_json(rows: &[(usize, Report)]) -> String {
    let rows: Vec<_> = rows
        .iter()
        .map(|(bound, r)| JsonScaleRow {
            scenario: &r.scenario,
            preemption_bound: *bound,
            verdict: r.verdict.kind(),
            explored: r.explored,
            seconds: r.seconds,
        })
        .collect();
    serde_json::to_string_pretty(&serde_json::json!({ "scale": rows })).expect("plain data")
}
