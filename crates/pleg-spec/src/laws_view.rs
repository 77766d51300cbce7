//! `pleg-spec laws`: every closed form confirmed cell by cell, the boundaries the explorations
//! found, and what a fixed pod order and lockstep changes hide — as tables or as JSON.

use crate::render;
use pleg_check::confirm::{Boundary, Confirmation, Grid, Hidden, Tally};
use pleg_core::{Named, Scenario};
use serde::Serialize;
use std::fmt::Write;

pub fn table(confirmation: &Confirmation, grid: &Grid) -> String {
    let mut out = tallies_table(confirmation);
    let _ = writeln!(
        out,
        "\nP: pods, K: the changes of a pod the relists can tell apart (min(changes, relists)), \
         C: the channel's capacity (doubled for blocking-big-capacity).\nEvery cell is an \
         exhaustive search (the reduced explicit checker), under both gates, with and without \
         the resync, at thresholds {}.",
        join(&grid.thresholds)
    );
    out.push_str(
        "\nBoundaries found by exploration: the largest capacity of the grid at which the \
         failure is reached, for each pod count P\n(\"-\": at none); the closed form must say \
         the same of the grid's capacities.\n\n",
    );
    out.push_str(&boundaries_table(confirmation, grid));
    out.push_str(&hidden_lines(confirmation));
    out.push_str(&summary(confirmation));
    out
}

/// One row per law: its closed form, the cells it speaks of, how many agree.
fn tallies_table(confirmation: &Confirmation) -> String {
    let mut laws = render::new_table(&["law", "closed form", "cells", "agree"]);
    for t in &confirmation.tallies {
        laws.add_row(vec![
            t.name().to_owned(),
            t.statement().to_owned(),
            t.cells.to_string(),
            t.agree.to_string(),
        ]);
    }
    let (cells, agree) = match confirmation.thresholds {
        Some(t) => (t.cells.to_string(), t.agree.to_string()),
        None => ("-".to_owned(), "untested: one threshold".to_owned()),
    };
    laws.add_row(vec![
        "the threshold changes no verdict".to_owned(),
        "every threshold reaches the failures threshold 0 does".to_owned(),
        cells,
        agree,
    ]);
    render::align_right(&mut laws, &[2, 3]);
    render::lines(&laws)
}

/// For each law's failure, design and K: the boundary found at each pod count.
fn boundaries_table(confirmation: &Confirmation, grid: &Grid) -> String {
    let mut header = vec!["failure".to_owned(), "design".to_owned(), "K".to_owned()];
    header.extend(grid.pods.iter().map(|p| format!("P={p}")));
    header.push("closed form".to_owned());
    let mut bounds = render::new_table(&header.iter().map(String::as_str).collect::<Vec<_>>());
    for tally in &confirmation.tallies {
        let Some(law) = tally.law else { continue };
        for (design, changes) in rows(tally) {
            let cells: Vec<&Boundary> = tally
                .boundaries
                .iter()
                .filter(|b| b.design == design && b.changes == changes)
                .collect();
            let mut row = vec![
                law.kind.name().to_owned(),
                design.name().to_owned(),
                changes.to_string(),
            ];
            row.extend(grid.pods.iter().map(|&p| {
                cells
                    .iter()
                    .find(|b| b.pods == p)
                    .map_or(String::new(), |b| shown(b.found))
            }));
            let same = cells.iter().all(|b| b.found == b.predicted);
            row.push(if same { "agrees" } else { "DIFFERS" }.to_owned());
            bounds.add_row(row);
        }
    }
    render::lines(&bounds)
}

/// The (design, K) rows of a law's boundaries, in order.
fn rows(tally: &Tally) -> std::collections::BTreeSet<(pleg_core::Design, u32)> {
    tally
        .boundaries
        .iter()
        .map(|b| (b.design, b.changes))
        .collect()
}

/// What a fixed pod order and lockstep changes hide on this grid.
fn hidden_lines(confirmation: &Confirmation) -> String {
    let line = |hidden: &Hidden, what: &str, under: &str| {
        format!(
            "\nWhat {what} hides: of {} cells compared, {} reach a failure {under} and not \
             with it{}.",
            hidden.compared,
            hidden.cells.len(),
            hidden
                .cells
                .first()
                .map_or(String::new(), |s| format!(", the smallest: {}", s))
        )
    };
    let mut out = line(
        &confirmation.fixed_order_hides,
        "a fixed pod order",
        "under Go's map order (drop-when-full without the resync, searched unreduced)",
    );
    out.push_str(&line(
        &confirmation.lockstep_hides,
        "changing every pod in lockstep",
        "when pods change at any time",
    ));
    out.push('\n');
    out
}

/// The verdict on the grid, and the first cells that disagree.
fn summary(confirmation: &Confirmation) -> String {
    let mut out = String::new();
    if let Some(t) = confirmation.thresholds.filter(|t| t.agree != t.cells) {
        let _ = writeln!(
            out,
            "\nThe threshold CHANGES a verdict on {} of {} cells.",
            t.cells - t.agree,
            t.cells
        );
    }
    if confirmation.disagreements.is_empty() {
        if confirmation.all_confirmed() {
            out.push_str("\nEvery law holds on every cell.\n");
        }
        return out;
    }
    let _ = writeln!(
        out,
        "\n{} cells DISAGREE with the laws:",
        confirmation.disagreements.len()
    );
    for d in confirmation.disagreements.iter().take(20) {
        let reached: Vec<&str> = d.reached.iter().map(|k| k.name()).collect();
        let _ = writeln!(
            out,
            "  {}: the laws say {}, the search reached [{}]",
            d.scenario,
            d.expected,
            reached.join(", ")
        );
    }
    out
}

fn shown(found: u64) -> String {
    match found {
        0 => "-".to_owned(),
        n => n.to_string(),
    }
}

fn join<T: ToString>(values: &[T]) -> String {
    values
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

#[derive(Serialize)]
struct JsonLaw<'a> {
    kind: Option<pleg_core::VerdictKind>,
    name: &'a str,
    statement: &'a str,
    cells: u64,
    agree: u64,
    boundaries: Vec<JsonBoundary>,
}

#[derive(Serialize)]
struct JsonBoundary {
    design: pleg_core::Design,
    pods: u32,
    changes: u32,
    found: u64,
    predicted: u64,
}

#[derive(Serialize)]
struct JsonHidden<'a> {
    compared: u64,
    cells: &'a [Scenario],
}

pub fn json(confirmation: &Confirmation) -> String {
    let laws: Vec<JsonLaw<'_>> = confirmation
        .tallies
        .iter()
        .map(|t| JsonLaw {
            kind: t.law.map(|l| l.kind),
            name: t.name(),
            statement: t.statement(),
            cells: t.cells,
            agree: t.agree,
            boundaries: t
                .boundaries
                .iter()
                .map(|b| JsonBoundary {
                    design: b.design,
                    pods: b.pods,
                    changes: b.changes,
                    found: b.found,
                    predicted: b.predicted,
                })
                .collect(),
        })
        .collect();
    let disagreements: Vec<serde_json::Value> = confirmation
        .disagreements
        .iter()
        .map(|d| {
            serde_json::json!({
                "scenario": d.scenario,
                "expected": d.expected,
                "reached": d.reached,
            })
        })
        .collect();
    fn hidden(h: &Hidden) -> JsonHidden<'_> {
        JsonHidden {
            compared: h.compared,
            cells: &h.cells,
        }
    }
    serde_json::to_string_pretty(&serde_json::json!({
        "laws": laws,
        "threshold": confirmation.thresholds.map(|t| serde_json::json!({
            "cells": t.cells,
            "agree": t.agree,
        })),
        "fixed_order_hides": hidden(&confirmation.fixed_order_hides),
        "lockstep_hides": hidden(&confirmation.lockstep_hides),
        "disagreements": disagreements,
        "all_confirmed": confirmation.all_confirmed(),
    }))
    .expect("plain data")
}
