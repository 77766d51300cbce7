//! `pleg-spec laws`: every closed form confirmed cell by cell, the boundaries the explorations
//! found, and what a fixed pod order hides — as a table or as JSON.

use crate::render;
use pleg_check::confirm::{Boundary, Confirmation, Grid};
use pleg_core::{Named, Scenario};
use serde::Serialize;
use std::fmt::Write;

pub fn table(confirmation: &Confirmation, grid: &Grid) -> String {
    let mut laws = render::new_table(&["law", "closed form", "cells", "agree"]);
    for t in &confirmation.tallies {
        laws.add_row(vec![
            t.name.to_owned(),
            t.statement.to_owned(),
            t.cells.to_string(),
            t.agree.to_string(),
        ]);
    }
    laws.add_row(vec![
        "the threshold changes no verdict".to_owned(),
        "every threshold reaches the failures threshold 0 does".to_owned(),
        confirmation.threshold_cells.to_string(),
        confirmation.threshold_agree.to_string(),
    ]);
    render::align_right(&mut laws, &[2, 3]);
    let mut out = render::lines(&laws);
    let _ = writeln!(
        out,
        "\nP: pods, K: changes per pod (min(changes, relists)), C: the channel's capacity \
         (doubled for blocking-big-capacity).\nEvery cell is an exhaustive search (the reduced \
         explicit checker), under both gates, with and without the resync, at thresholds {}.",
        join(&grid.thresholds)
    );
    out.push_str(
        "\nBoundaries found by exploration: the largest capacity at which the failure is \
         reached, for each pod count P\n(\"-\": at none; \">=N\": at the grid's largest); the \
         closed form's boundary must be the same.\n\n",
    );
    let pods: Vec<u32> = grid.pods.clone();
    let largest = grid.capacities.iter().copied().max().unwrap_or(0) as u64;
    let mut header = vec!["failure".to_owned(), "design".to_owned(), "K".to_owned()];
    header.extend(pods.iter().map(|p| format!("P={p}")));
    header.push("closed form".to_owned());
    let mut bounds = render::new_table(&header.iter().map(String::as_str).collect::<Vec<_>>());
    for tally in confirmation
        .tallies
        .iter()
        .filter(|t| !t.boundaries.is_empty())
    {
        let rows: std::collections::BTreeSet<(String, u32)> = tally
            .boundaries
            .iter()
            .map(|b| (b.design.name().to_owned(), b.changes))
            .collect();
        for (design, changes) in rows {
            let cells: Vec<&Boundary> = tally
                .boundaries
                .iter()
                .filter(|b| b.design.name() == design && b.changes == changes)
                .collect();
            let mut row = vec![short(tally.name), design.clone(), changes.to_string()];
            row.extend(pods.iter().map(|&p| {
                cells
                    .iter()
                    .find(|b| b.pods == p)
                    .map_or(String::new(), |b| shown(b.found, largest))
            }));
            let same = cells.iter().all(|b| b.found == b.predicted);
            row.push(if same { "agrees" } else { "DIFFERS" }.to_owned());
            bounds.add_row(row);
        }
    }
    out.push_str(&render::lines(&bounds));
    let hides = &confirmation.fixed_order_hides;
    let _ = writeln!(
        out,
        "\nWhat a fixed pod order hides: of {} drop-when-full cells without the resync, {} lose \
         an update under Go's map order and hold under pod order (searched unreduced){}.",
        confirmation.fixed_order_compared,
        hides.len(),
        hides
            .first()
            .map_or(String::new(), |s| format!(", the smallest: {}", label(s)))
    );
    if confirmation.disagreements.is_empty() {
        out.push_str("\nEvery law holds on every cell.\n");
    } else {
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
                label(&d.scenario),
                d.expected,
                reached.join(", ")
            );
        }
    }
    out
}

fn shown(found: u64, largest: u64) -> String {
    match found {
        0 => "-".to_owned(),
        n if n >= largest => format!(">={n}"),
        n => n.to_string(),
    }
}

fn short(name: &str) -> String {
    match name {
        n if n.starts_with("a blocking") => "stall".to_owned(),
        n if n.starts_with("Evented") => "gated-stall".to_owned(),
        n if n.starts_with("the fix") => "lost-update".to_owned(),
        n => n.to_owned(),
    }
}

fn join<T: ToString>(values: &[T]) -> String {
    values
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

fn label(s: &Scenario) -> String {
    format!(
        "{} C={} P={} R={} K={}{}",
        s.design,
        s.capacity,
        s.pods(),
        s.relists,
        s.changes(),
        if s.resync { "" } else { " no-resync" }
    )
}

#[derive(Serialize)]
struct JsonLaw<'a> {
    name: &'a str,
    statement: &'a str,
    cells: u64,
    agree: u64,
    boundaries: Vec<JsonBoundary<'a>>,
}

#[derive(Serialize)]
struct JsonBoundary<'a> {
    design: &'a str,
    pods: u32,
    changes: u32,
    found: u64,
    predicted: u64,
}

pub fn json(confirmation: &Confirmation) -> String {
    let laws: Vec<JsonLaw<'_>> = confirmation
        .tallies
        .iter()
        .map(|t| JsonLaw {
            name: t.name,
            statement: t.statement,
            cells: t.cells,
            agree: t.agree,
            boundaries: t
                .boundaries
                .iter()
                .map(|b| JsonBoundary {
                    design: b.design.name(),
                    pods: b.pods,
                    changes: b.changes,
                    found: b.found,
                    predicted: b.predicted,
                })
                .collect(),
        })
        .collect();
    let disagreements: Vec<String> = confirmation
        .disagreements
        .iter()
        .map(|d| format!("{}: expected {}", label(&d.scenario), d.expected))
        .collect();
    let hides: Vec<String> = confirmation.fixed_order_hides.iter().map(label).collect();
    serde_json::to_string_pretty(&serde_json::json!({
        "laws": laws,
        "threshold": {
            "cells": confirmation.threshold_cells,
            "agree": confirmation.threshold_agree,
        },
        "fixed_order_hides": hides,
        "fixed_order_compared": confirmation.fixed_order_compared,
        "disagreements": disagreements,
        "all_confirmed": confirmation.all_confirmed(),
    }))
    .expect("plain data")
}
