//! The verdict table and its JSON form.

use pleg_models::story::{self, Line};
use pleg_models::suite::Claim;
use pleg_models::{Checker, Report, Verdict};
use serde::Serialize;
use std::fmt::Write;

/// One judged check: the claim, what the checker found, and whether that confirms the claim.
pub type Judged<'a> = (&'a Claim, &'a Report, Result<(), String>);

/// `C/E/R/T`, plus what differs from kubelet's defaults.
fn scenario_label(s: &pleg_model::Scenario) -> String {
    let mut label = format!(
        "{}/{}/{}/{}",
        s.capacity, s.events_per_relist, s.relists, s.threshold
    );
    if let Some(k) = s.changes {
        label.push_str(&format!(" changes={k}"));
    }
    if !s.resync {
        label.push_str(" no-resync");
    }
    if s.gate == pleg_model::Gate::Retry {
        label.push_str(" retry-gate");
    }
    label
}

/// The human table, then one line per stall saying what froze.
pub fn table(results: &[Judged<'_>]) -> String {
    let header = [
        "design", "checker", "C/E/R/T", "bounds", "verdict", "explored", "full", "discard",
        "gated", "seconds", "claim",
    ];
    let rows: Vec<[String; 11]> = results
        .iter()
        .map(|(claim, report, judgement)| {
            let s = &report.scenario;
            let w = &report.witnesses;
            [
                s.design.to_string(),
                report.checker.to_string(),
                scenario_label(s),
                report.checker.bounds(),
                report.verdict.to_string(),
                report.explored.to_string(),
                w.channel_full.to_string(),
                w.discards.to_string(),
                w.gate_closed.to_string(),
                format!("{:.2}", report.seconds),
                match judgement {
                    Ok(()) => format!("{} confirmed", claim.expect.name()),
                    Err(why) => format!("REFUTED: {why}"),
                },
            ]
        })
        .collect();
    let widths: Vec<usize> = (0..header.len())
        .map(|c| {
            rows.iter()
                .map(|r| r[c].len())
                .chain([header[c].len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    let mut line = |cells: &[&str]| {
        let cells: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|(cell, w)| format!("{cell:<w$}"))
            .collect();
        let _ = writeln!(out, "{}", cells.join("  ").trim_end());
    };
    line(&header);
    for row in &rows {
        line(&row.iter().map(String::as_str).collect::<Vec<_>>());
    }
    out.push_str(
        "\nC/E/R/T: capacity / events per relist / relists / relistThreshold in ticks.\n\
         full, discard, gated: executions that reached a full eventChannel, a discarded event,\n\
         a closed PLEG health gate.\n",
    );
    for (_, report, _) in results {
        if let Some(line) = stall_line(report) {
            let _ = write!(
                out,
                "\n{} under {}: {line}",
                report.scenario.design, report.checker
            );
        }
    }
    if results.iter().any(|(_, r, _)| stall_line(r).is_some()) {
        out.push('\n');
    }
    if let Some((_, report, _)) = results.iter().find(|(_, r, _)| r.counterexample.is_some()) {
        out.push('\n');
        out.push_str(&story_block(report));
    }
    out
}

/// The first counterexample as numbered steps, where it was found, and how to replay it.
/// Long runs of alike steps (a thousand sends) are shortened to their ends.
pub fn story_block(report: &Report) -> String {
    let Some(execution) = &report.counterexample else {
        return String::new();
    };
    let s = &report.scenario;
    let mut out = format!(
        "Counterexample: {} under {}{}:\n",
        s.design,
        report.checker,
        match report.counterexample_bound {
            Some(b) =>
                format!(", found at preemption bound {b} (the fewest preemptions that fail)"),
            None => String::new(),
        }
    );
    let lines = story::narrate(execution);
    let kinds: Vec<_> = execution
        .steps
        .iter()
        .map(|st| (st.actor, std::mem::discriminant(&st.action)))
        .collect();
    let mut i = 0;
    while i < lines.len() {
        let run = kinds[i..].iter().take_while(|k| **k == kinds[i]).count();
        const KEEP: usize = 2;
        if run > 2 * KEEP + 1 {
            push_lines(&mut out, &lines, i, i + KEEP);
            let _ = writeln!(out, "      … {} more steps like these …", run - 2 * KEEP);
            push_lines(&mut out, &lines, i + run - KEEP, i + run);
        } else {
            push_lines(&mut out, &lines, i, i + run);
        }
        i += run;
    }
    if let Some(end) = story::conclusion(&report.verdict) {
        let _ = writeln!(out, "      {end}");
    }
    if let Some(schedule) = report.schedule.as_ref().filter(|s| s.len() > 400) {
        let _ = writeln!(
            out,
            "\nReplay it: the schedule is {} characters long (a livelock runs to the step bound); \
             --json prints it for `pleg-spec replay --schedule`.",
            schedule.len()
        );
    } else if let Some(schedule) = &report.schedule {
        let _ = writeln!(
            out,
            "\nReplay it: pleg-spec replay --design {} --capacity {} --events {} --relists {} \
             --threshold {} --schedule {schedule}",
            s.design, s.capacity, s.events_per_relist, s.relists, s.threshold
        );
    }
    out
}

fn push_lines(out: &mut String, lines: &[Line], from: usize, to: usize) {
    for (n, line) in lines.iter().enumerate().take(to).skip(from) {
        let _ = writeln!(out, "{:>6}. {:<9} {}", n + 1, line.actor.name(), line.text);
    }
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
             retried through the step bound, PLEG stale for {} ticks (threshold {}): busy, and \
             nothing consumed.",
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
    bounds: String,
    verdict: &'a str,
    explored: u64,
    seconds: f64,
    witnesses: JsonWitnesses,
    expected: &'a str,
    confirmed: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    detail: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    counterexample: Option<JsonCounterexample<'a>>,
}

#[derive(Serialize)]
struct JsonCounterexample<'a> {
    checker: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    preemption_bound: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    schedule: Option<&'a str>,
    steps: Vec<JsonStep>,
    cycle: String,
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
        schedule: report.schedule.as_deref(),
        steps,
        cycle: story::conclusion(&report.verdict).unwrap_or_default(),
    })
}

#[derive(Serialize)]
struct JsonWitnesses {
    channel_full: u64,
    discards: u64,
    gate_closed: u64,
}

pub fn json(results: &[Judged<'_>]) -> String {
    let results = results
        .iter()
        .map(|(claim, report, judgement)| {
            let s = &report.scenario;
            let w = report.witnesses;
            JsonResult {
                design: s.design.name(),
                checker: report.checker.name(),
                capacity: s.capacity,
                events_per_relist: s.events_per_relist,
                relists: s.relists,
                changes: s.changes(),
                threshold: s.threshold,
                resync: s.resync,
                gate: match s.gate {
                    pleg_model::Gate::Wait => "wait",
                    pleg_model::Gate::Retry => "retry",
                },
                bounds: report.checker.bounds(),
                verdict: report.verdict.name(),
                explored: report.explored,
                seconds: report.seconds,
                witnesses: JsonWitnesses {
                    channel_full: w.channel_full,
                    discards: w.discards,
                    gate_closed: w.gate_closed,
                },
                expected: claim.expect.name(),
                confirmed: judgement.is_ok(),
                detail: stall_line(report),
                counterexample: json_counterexample(report),
            }
        })
        .collect();
    serde_json::to_string_pretty(&JsonResults { results }).expect("plain data serialises")
}

/// The scaling grid: one row per (scenario, preemption bound).
pub fn scale_table(rows: &[(usize, Report)]) -> String {
    let mut out = String::from(
        "design          C     E     R     T  bound  verdict  executions  seconds  executions/s\n",
    );
    for (bound, r) in rows {
        let s = &r.scenario;
        let _ = writeln!(
            out,
            "{:<14}  {:<4}  {:<4}  {:<4}  {:<1}  {:<5}  {:<7}  {:>10}  {:>7.2}  {:>12.0}",
            s.design.name(),
            s.capacity,
            s.events_per_relist,
            s.relists,
            s.threshold,
            bound,
            r.verdict.name(),
            r.explored,
            r.seconds,
            r.explored as f64 / r.seconds.max(1e-9)
        );
    }
    out
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
            verdict: r.verdict.name(),
            explored: r.explored,
            seconds: r.seconds,
        })
        .collect();
    serde_json::to_string_pretty(&serde_json::json!({ "scale": rows })).expect("plain data")
}
