//! Confirming the laws ([`pleg_core::laws`]) on a grid of scenarios, each cell searched
//! exhaustively by the explicit checker.
//!
//! Every cell is explored once; what is said of the grid is a fold over those explorations:
//! how each law fared ([`tallies`]), the cells it got wrong ([`disagreements`]), whether the
//! threshold changed a verdict ([`threshold_agreement`]), and what a fixed pod order and a
//! lockstep timing hide ([`hidden`]).

use crate::{explicit, CheckError, Progress, VerdictKind};
use itertools::iproduct;
use pleg_core::laws::{self, fix_without_resync, Law, LAWS};
use pleg_core::{Design, Gate, MapOrder, Named, Scenario, Timing};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::atomic::Ordering;

/// A grid of scenarios: every combination of these values, for every design, with and without
/// the resync, under Go's map order. The laws are confirmed on one; the tests search others.
#[derive(Debug, Clone)]
pub struct Grid {
    pub capacities: Vec<usize>,
    pub pods: Vec<u32>,
    pub relists: Vec<u32>,
    /// `None`: each pod may change once per relist.
    pub changes: Vec<Option<u32>>,
    pub thresholds: Vec<u32>,
    pub gates: Vec<Gate>,
    pub timings: Vec<Timing>,
}

impl Default for Grid {
    /// Capacity 1–6, pods 1–4, relists 1–3, pods changing up to once per relist / once /
    /// twice, thresholds 0 and 2, both gates, when each pod's containers change: 10,368 cells,
    /// wide enough to cross every boundary at K ≤ 3 for up to four pods.
    fn default() -> Self {
        Grid {
            capacities: (1..=6).collect(),
            pods: (1..=4).collect(),
            relists: (1..=3).collect(),
            changes: vec![None, Some(1), Some(2)],
            thresholds: vec![0, 2],
            gates: Gate::ALL.to_vec(),
            timings: vec![Timing::Anytime],
        }
    }
}

impl Grid {
    /// Every scenario of the grid, under Go's map order.
    pub fn scenarios(&self) -> impl Iterator<Item = Scenario> + '_ {
        iproduct!(
            Design::ALL.iter(),
            &self.capacities,
            &self.pods,
            &self.relists,
            &self.changes,
            [false, true],
            &self.gates,
            &self.thresholds,
            &self.timings
        )
        .map(
            |(
                &design,
                &capacity,
                &pods,
                &relists,
                &changes,
                resync,
                &gate,
                &threshold,
                &timing,
            )| {
                Scenario {
                    design,
                    capacity,
                    pods,
                    relists,
                    changes,
                    threshold,
                    resync,
                    gate,
                    map_order: MapOrder::Go,
                    timing,
                }
            },
        )
    }

    /// How many cells it has.
    pub fn len(&self) -> usize {
        Design::ALL.len()
            * self.capacities.len()
            * self.pods.len()
            * self.relists.len()
            * self.changes.len()
            * 2
            * self.gates.len()
            * self.thresholds.len()
            * self.timings.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// One explored cell: its scenario and every failure the exhaustive search reached.
#[derive(Debug, Clone)]
pub struct Cell {
    pub scenario: Scenario,
    pub reached: BTreeSet<VerdictKind>,
}

impl Cell {
    /// The most severe failure reached, or "holds".
    pub fn verdict(&self) -> VerdictKind {
        self.reached.first().copied().unwrap_or(VerdictKind::Holds)
    }
}

/// One cell the laws got wrong: what they predict, and what the search reached.
#[derive(Debug, Clone)]
pub struct Disagreement {
    pub scenario: Scenario,
    pub expected: VerdictKind,
    pub reached: Vec<VerdictKind>,
}

/// How one law (or "everything else holds") fared on a grid.
#[derive(Debug, Clone)]
pub struct Tally {
    /// The law; `None` for every scenario no law speaks of.
    pub law: Option<&'static Law>,
    pub cells: u64,
    pub agree: u64,
    /// For each design, pods and changes: the largest capacity of the grid at which the failure
    /// was reached, and the one the closed form predicts.
    pub boundaries: Vec<Boundary>,
}

impl Tally {
    pub fn name(&self) -> &'static str {
        self.law.map_or(EVERYTHING_ELSE.0, |law| law.name)
    }

    pub fn statement(&self) -> &'static str {
        self.law.map_or(EVERYTHING_ELSE.1, |law| law.statement)
    }
}

/// Where one verdict's boundary lies within the grid, found and predicted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Boundary {
    pub design: Design,
    pub pods: u32,
    pub changes: u32,
    /// The largest capacity of the grid at which the failure was reached (0: none).
    pub found: u64,
    /// The largest capacity of the grid at which the closed form says it is (0: none).
    pub predicted: u64,
}

/// Cells of a grid searched at several thresholds, and how many showed the same failures at
/// every one. `None` when the grid has only one threshold: nothing was compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThresholdAgreement {
    pub cells: u64,
    pub agree: u64,
}

/// Cells whose failures a simplification of kubelet hides: the failure is reached as kubelet
/// behaves and not under the simplification.
#[derive(Debug, Clone, Default)]
pub struct Hidden {
    pub compared: u64,
    pub cells: Vec<Scenario>,
}

/// What confirming the laws on a grid found.
#[derive(Debug, Clone)]
pub struct Confirmation {
    pub tallies: Vec<Tally>,
    pub disagreements: Vec<Disagreement>,
    pub thresholds: Option<ThresholdAgreement>,
    /// drop-when-full without the resync: cells that lose an update under Go's map order and
    /// not under a fixed pod order (searched unreduced).
    pub fixed_order_hides: Hidden,
    /// Cells that reach a failure when pods change at any time and not in lockstep.
    pub lockstep_hides: Hidden,
}

impl Confirmation {
    /// Every law held on every cell, and no threshold changed a verdict.
    pub fn all_confirmed(&self) -> bool {
        self.disagreements.is_empty() && self.thresholds.is_none_or(|t| t.agree == t.cells)
    }
}

/// "Everything else holds", as a tally alongside the closed forms.
const EVERYTHING_ELSE: (&str, &str) = (
    "everything else holds",
    "ungated-drain, record-after-send, the resync, small bursts: holds",
);

/// Explores every cell of `grid` exhaustively (the reduced search) and confirms every law on
/// it; `progress` is bumped once per cell.
pub fn confirm(grid: &Grid, progress: &Progress) -> Result<Confirmation, CheckError> {
    let cells = explore(grid, progress)?;
    Ok(Confirmation {
        tallies: tallies(grid, &cells),
        disagreements: disagreements(&cells),
        thresholds: threshold_agreement(grid, &cells),
        fixed_order_hides: hidden(&cells, fixed_order_loses, fixed_order)?,
        lockstep_hides: hidden(&cells, |_| true, lockstep)?,
    })
}

/// Every cell of the grid, searched.
pub fn explore(grid: &Grid, progress: &Progress) -> Result<Vec<Cell>, CheckError> {
    grid.scenarios()
        .map(|scenario| {
            let reached = explicit::reachable(&scenario, true)?;
            if let Some(counter) = progress {
                counter.fetch_add(1, Ordering::Relaxed);
            }
            Ok(Cell { scenario, reached })
        })
        .collect()
}

/// What the laws expect of a grid cell (always a law's answer: the grid is under Go's order).
fn expected(scenario: &Scenario) -> VerdictKind {
    laws::expected(scenario).expect("a grid cell has Go's map order, so a law's answer")
}

/// A cell agrees when the most severe failure reached is the one the laws predict.
fn agrees(cell: &Cell) -> bool {
    cell.verdict() == expected(&cell.scenario)
}

/// Each law's cells, agreements and boundaries, then "everything else".
fn tallies(grid: &Grid, cells: &[Cell]) -> Vec<Tally> {
    let laws = LAWS.iter().map(Some).chain([None]);
    laws.map(|law| {
        let mine: Vec<&Cell> = cells
            .iter()
            .filter(|c| same_law(laws::law_for(&c.scenario), law))
            .collect();
        Tally {
            law,
            cells: mine.len() as u64,
            agree: mine.iter().filter(|c| agrees(c)).count() as u64,
            boundaries: law.map_or_else(Vec::new, |law| boundaries(grid, law, &mine)),
        }
    })
    .collect()
}

/// Whether two "which law speaks" answers are the same law (or both none).
fn same_law(a: Option<&Law>, b: Option<&Law>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => (a.kind, a.name) == (b.kind, b.name),
        (None, None) => true,
        _ => false,
    }
}

/// For each design, pods and changes a law speaks of: the largest grid capacity at which the
/// failure was found, and the largest at which the closed form says it is.
fn boundaries(grid: &Grid, law: &Law, cells: &[&Cell]) -> Vec<Boundary> {
    let mut found: BTreeMap<(Design, u32, u32), Boundary> = BTreeMap::new();
    for cell in cells {
        let s = &cell.scenario;
        let key = (s.design, s.pods, s.changes_seen());
        let predicted = grid
            .capacities
            .iter()
            .filter(|&&capacity| law.fails(&Scenario { capacity, ..*s }))
            .map(|&c| c as u64)
            .max()
            .unwrap_or(0);
        let b = found.entry(key).or_insert(Boundary {
            design: s.design,
            pods: s.pods,
            changes: s.changes_seen(),
            found: 0,
            predicted,
        });
        if cell.reached.contains(&law.kind) {
            b.found = b.found.max(s.capacity as u64);
        }
    }
    found.into_values().collect()
}

fn disagreements(cells: &[Cell]) -> Vec<Disagreement> {
    cells
        .iter()
        .filter(|c| !agrees(c))
        .map(|c| Disagreement {
            scenario: c.scenario,
            expected: expected(&c.scenario),
            reached: c.reached.iter().copied().collect(),
        })
        .collect()
}

/// Cells that differ only in the threshold must reach the same failures.
fn threshold_agreement(grid: &Grid, cells: &[Cell]) -> Option<ThresholdAgreement> {
    let distinct: BTreeSet<u32> = grid.thresholds.iter().copied().collect();
    if distinct.len() < 2 {
        return None;
    }
    let mut by_rest: HashMap<Scenario, Vec<&BTreeSet<VerdictKind>>> = HashMap::new();
    for cell in cells {
        let rest = Scenario {
            threshold: 0,
            ..cell.scenario
        };
        by_rest.entry(rest).or_default().push(&cell.reached);
    }
    let agree = by_rest
        .values()
        .filter(|sets| sets.windows(2).all(|w| w[0] == w[1]));
    Some(ThresholdAgreement {
        cells: by_rest.len() as u64,
        agree: agree.count() as u64,
    })
}

/// The cells where a fixed pod order might hide a lost update: the fix without the resync
/// (one threshold and gate: neither changes it).
fn fixed_order_loses(s: &Scenario) -> bool {
    fix_without_resync(s) && s.gate == Gate::Wait && s.threshold == 0
}

fn fixed_order(s: &Scenario) -> Scenario {
    Scenario {
        map_order: MapOrder::Fixed,
        ..*s
    }
}

fn lockstep(s: &Scenario) -> Scenario {
    Scenario {
        timing: Timing::Lockstep,
        ..*s
    }
}

/// Among the cells `compare` picks, those that reach a failure the simplified scenario
/// (`simplify`) does not: searched unreduced when the simplification needs it (a fixed order).
fn hidden(
    cells: &[Cell],
    compare: impl Fn(&Scenario) -> bool,
    simplify: impl Fn(&Scenario) -> Scenario,
) -> Result<Hidden, CheckError> {
    let mut hidden = Hidden::default();
    for cell in cells.iter().filter(|c| compare(&c.scenario)) {
        let simple = simplify(&cell.scenario);
        if simple == cell.scenario {
            continue;
        }
        let reduced = simple.map_order == MapOrder::Go;
        let simple_reached = explicit::reachable(&simple, reduced)?;
        hidden.compared += 1;
        if !cell.reached.is_subset(&simple_reached) {
            hidden.cells.push(cell.scenario);
        }
    }
    Ok(hidden)
}
