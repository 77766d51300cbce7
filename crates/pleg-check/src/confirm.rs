//! Confirming the laws ([`pleg_core::laws`]) on a grid of scenarios, each cell searched
//! exhaustively by the explicit checker.

use crate::VerdictKind;
use pleg_core::laws::{expected, LAWS};
use pleg_core::{Design, Gate, MapOrder, Scenario};
/// A grid of scenarios: every combination of these values, for every design, with and without
/// the resync, under Go's map order. The laws are confirmed on one; the tests search others.
#[derive(Debug, Clone)]
pub struct Grid {
    pub capacities: Vec<usize>,
    pub pods: Vec<u32>,
    pub relists: Vec<u32>,
    /// `None`: every relist changes every pod.
    pub changes: Vec<Option<u32>>,
    pub thresholds: Vec<u32>,
    pub gates: Vec<Gate>,
}

impl Default for Grid {
    /// Capacity 1–7, pods 1–4, relists 1–4, changes every relist / once / twice, thresholds 0
    /// and 2: 16,128 cells, explored in seconds — wide enough that pods changing up to four
    /// times cross every boundary of the lost-update law for up to three other pods.
    fn default() -> Self {
        Grid {
            capacities: (1..=7).collect(),
            pods: (1..=4).collect(),
            relists: (1..=4).collect(),
            changes: vec![None, Some(1), Some(2)],
            thresholds: vec![0, 2],
            gates: <Gate as pleg_core::Named>::ALL.to_vec(),
        }
    }
}

impl Grid {
    /// Every scenario of the grid, under Go's map order.
    pub fn scenarios(&self) -> Vec<Scenario> {
        let mut out = Vec::new();
        for &design in <Design as pleg_core::Named>::ALL {
            for &capacity in &self.capacities {
                for &pods in &self.pods {
                    for &relists in &self.relists {
                        for &changes in &self.changes {
                            for resync in [false, true] {
                                for &gate in &self.gates {
                                    for &threshold in &self.thresholds {
                                        out.push(Scenario {
                                            design,
                                            capacity,
                                            events_per_relist: pods,
                                            relists,
                                            changes,
                                            threshold,
                                            resync,
                                            gate,
                                            map_order: MapOrder::Go,
                                        });
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        out
    }
}

/// One cell the laws got wrong: what they predict, and what the search reached.
#[derive(Debug, Clone)]
pub struct Disagreement {
    pub scenario: Scenario,
    pub expected: VerdictKind,
    pub reached: Vec<VerdictKind>,
}

/// How one law fared on a grid.
#[derive(Debug, Clone)]
pub struct Tally {
    pub name: &'static str,
    pub statement: &'static str,
    pub cells: u64,
    pub agree: u64,
    /// For each design, pods and changes: the largest capacity at which the failure was
    /// reached (0: at none of the grid's), by exploration, and the closed form's boundary.
    pub boundaries: Vec<Boundary>,
}

/// Where one verdict's boundary lies, found and predicted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Boundary {
    pub design: Design,
    pub pods: u32,
    pub changes: u32,
    /// The largest capacity of the grid at which the failure was reached (0: none).
    pub found: u64,
    /// The closed form's boundary, capped at the grid's largest capacity.
    pub predicted: u64,
}

/// What confirming the laws on a grid found.
#[derive(Debug, Clone)]
pub struct Confirmation {
    pub tallies: Vec<Tally>,
    pub disagreements: Vec<Disagreement>,
    /// Cells compared across thresholds, and how many showed the same failures at every one.
    pub threshold_cells: u64,
    pub threshold_agree: u64,
    /// drop-when-full without the resync: cells where Go's map order loses an update and a
    /// fixed pod order does not (searched unreduced), of those compared.
    pub fixed_order_hides: Vec<Scenario>,
    pub fixed_order_compared: u64,
}

/// "Everything else holds", as a tally alongside the closed forms.
const EVERYTHING_ELSE: (&str, &str) = (
    "everything else holds",
    "ungated-drain, record-after-send, the resync, small bursts: holds",
);

/// Explores every cell of `grid` exhaustively (the reduced search) and confirms every law on
/// it; `progress` is bumped once per cell.
pub fn confirm(grid: &Grid, progress: &crate::Progress) -> Result<Confirmation, crate::CheckError> {
    use std::collections::BTreeMap;
    let mut tallies: Vec<Tally> = LAWS
        .iter()
        .map(|law| (law.name, law.statement))
        .chain([EVERYTHING_ELSE])
        .map(|(name, statement)| Tally {
            name,
            statement,
            cells: 0,
            agree: 0,
            boundaries: Vec::new(),
        })
        .collect();
    let largest = grid.capacities.iter().copied().max().unwrap_or(0) as u64;
    let mut boundaries: Vec<BTreeMap<(Design, u32, u32), Boundary>> =
        vec![BTreeMap::new(); tallies.len()];
    let mut disagreements = Vec::new();
    let mut by_threshold: BTreeMap<String, Vec<std::collections::BTreeSet<VerdictKind>>> =
        BTreeMap::new();
    let mut fixed_order_hides = Vec::new();
    let mut fixed_order_compared = 0;
    for scenario in grid.scenarios() {
        let reached = crate::explicit::reachable(&scenario, true)?;
        if let Some(counter) = progress {
            counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
        let found = reached.iter().next().copied().unwrap_or(VerdictKind::Holds);
        let expected = expected(&scenario).expect("the grid is under Go's map order");
        let which = LAWS
            .iter()
            .position(|law| (law.applies)(&scenario))
            .unwrap_or(LAWS.len());
        let tally = &mut tallies[which];
        tally.cells += 1;
        // A cell agrees when the most severe failure reached is the predicted verdict.
        if found == expected {
            tally.agree += 1;
        } else {
            disagreements.push(Disagreement {
                scenario,
                expected,
                reached: reached.iter().copied().collect(),
            });
        }
        if let Some(law) = LAWS.get(which) {
            let key = (scenario.design, scenario.pods(), scenario.changes());
            let boundary = boundaries[which].entry(key).or_insert(Boundary {
                design: key.0,
                pods: key.1,
                changes: key.2,
                found: 0,
                predicted: (law.boundary)(&scenario).min(largest),
            });
            if found != VerdictKind::Holds {
                boundary.found = boundary.found.max(scenario.capacity as u64);
            }
        }
        let mut without_threshold = scenario;
        without_threshold.threshold = 0;
        by_threshold
            .entry(format!("{without_threshold:?}"))
            .or_default()
            .push(reached);
        let lossy = scenario.design == Design::DropWhenFull
            && !scenario.resync
            && scenario.gate == Gate::Wait
            && scenario.threshold == 0;
        if lossy {
            let fixed = Scenario {
                map_order: MapOrder::Fixed,
                ..scenario
            };
            let fixed_reached = crate::explicit::reachable(&fixed, false)?;
            fixed_order_compared += 1;
            if found == VerdictKind::LostUpdate && fixed_reached.is_empty() {
                fixed_order_hides.push(scenario);
            }
        }
    }
    for (tally, found) in tallies.iter_mut().zip(boundaries) {
        tally.boundaries = found.into_values().collect();
    }
    let threshold_cells = by_threshold.len() as u64;
    let threshold_agree = by_threshold
        .values()
        .filter(|sets| sets.windows(2).all(|w| w[0] == w[1]))
        .count() as u64;
    Ok(Confirmation {
        tallies,
        disagreements,
        threshold_cells,
        threshold_agree,
        fixed_order_hides,
        fixed_order_compared,
    })
}

impl Confirmation {
    /// Every law held on every cell, and no threshold changed a verdict.
    pub fn all_confirmed(&self) -> bool {
        self.disagreements.is_empty() && self.threshold_agree == self.threshold_cells
    }
}
