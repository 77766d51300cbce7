//! The choices loom cannot make: loom explores schedules, not data, so the data the runtime
//! chooses — Go's map order, and when each pod's changes land — is enumerated here, outside
//! loom, one loom model per assignment ([`Given`]).
//!
//! - **When pods change** ([`Timing::Anytime`]): for every pod, before which relists' listings
//!   it changed (at most `changes` of them). Pods are interchangeable before the first relist,
//!   so one assignment per way of sorting the pods' sequences is enough: every other is the
//!   same run with the pods renamed, and the map orders below are enumerated in full for it.
//! - **Go's map order**: every order of the changed pods, in every relist in which two or more
//!   can change. Under lockstep, relist 1's order is fixed to pod order — every pod is in the
//!   same state before it, so by symmetry any first order reaches the same verdicts.
//!
//! Beyond [`MAX_ASSIGNMENTS`] the check is refused, pointing at the explicit checker, which
//! branches on these choices itself.

use crate::CheckError;
use pleg_core::{MapOrder, Scenario, Timing};
use pleg_kubelet::Given;

/// The most assignments one loom check enumerates.
pub(crate) const MAX_ASSIGNMENTS: usize = 720;

/// Every assignment of the data choices that can reach a different verdict.
pub(crate) fn assignments(scenario: &Scenario) -> Result<Vec<Given>, CheckError> {
    let landings = landings(scenario)?;
    let mut out = Vec::new();
    for changed in landings {
        let varying = varying_relists(scenario, &changed);
        let orders = orders(
            scenario.pods,
            &varying,
            MAX_ASSIGNMENTS.saturating_sub(out.len()),
        )
        .ok_or_else(|| too_many(scenario, &ordered(&varying)))?;
        out.extend(orders.into_iter().map(|orders| Given {
            orders,
            changed: changed.clone(),
        }));
    }
    Ok(out)
}

/// Why there are too many assignments, when Go's map order is what multiplies them.
fn ordered(varying: &[u32]) -> String {
    format!(
        "{} relists in which two or more pods change, each in any order",
        varying.len()
    )
}

fn too_many(s: &Scenario, why: &str) -> CheckError {
    let timing = match s.timing {
        Timing::Anytime => " and when each pod's changes land",
        Timing::Lockstep => "",
    };
    CheckError::TooLarge(format!(
        "loom runs one exploration per assignment of Go's map order{timing} ({} pods, {why}: \
         more than {MAX_ASSIGNMENTS}); use --checker explicit, which branches on them itself, \
         or fewer pods, relists or changes",
        s.pods,
    ))
}

/// The relists (from 1) in which two or more pods can change, so whose order matters.
fn varying_relists(s: &Scenario, changed: &[Vec<bool>]) -> Vec<u32> {
    if s.map_order == MapOrder::Fixed || s.pods < 2 {
        return Vec::new();
    }
    (1..=s.relists)
        .filter(|&r| match s.timing {
            // Relist 1 by symmetry; a design that records after delivery revisits its
            // discarded pods in every later relist.
            Timing::Lockstep if s.design.records_after_delivery() => r > 1,
            Timing::Lockstep => r > 1 && r <= s.changes_seen(),
            Timing::Anytime => {
                let may_change = |pod: usize| {
                    let now = changed[r as usize - 1][pod];
                    let before = changed[..r as usize - 1].iter().any(|c| c[pod]);
                    now || (s.design.records_after_delivery() && before)
                };
                (0..s.pods as usize).filter(|&p| may_change(p)).count() >= 2
            }
        })
        .collect()
}

/// Under [`Timing::Anytime`], every way the pods can change before the listings, one per
/// sorting of the pods (`changed[r - 1][pod]`); under lockstep, none to choose.
fn landings(s: &Scenario) -> Result<Vec<Vec<Vec<bool>>>, CheckError> {
    if s.timing == Timing::Lockstep {
        return Ok(vec![Vec::new()]);
    }
    let sequences = sequences(s.relists, s.change_limit(), MAX_ASSIGNMENTS + 1);
    let mut out = Vec::new();
    // Each pod's sequence is no larger than the one before it: one per multiset.
    let mut chosen = vec![0usize; s.pods as usize];
    loop {
        out.push(
            (0..s.relists as usize)
                .map(|r| chosen.iter().map(|&q| sequences[q][r]).collect())
                .collect(),
        );
        if out.len() > MAX_ASSIGNMENTS || !next_multiset(&mut chosen, sequences.len()) {
            break;
        }
    }
    if out.len() > MAX_ASSIGNMENTS || sequences.len() > MAX_ASSIGNMENTS {
        let plural = if s.relists == 1 { "" } else { "s" };
        let why = format!(
            "ways each pod's changes can fall among {} relist{plural}",
            s.relists
        );
        return Err(too_many(s, &why));
    }
    Ok(out)
}

/// Every sequence of `relists` yes/no with at most `limit` yeses (at most `cap` of them).
fn sequences(relists: u32, limit: u32, cap: usize) -> Vec<Vec<bool>> {
    let mut out: Vec<Vec<bool>> = vec![Vec::new()];
    for _ in 0..relists {
        out = out
            .into_iter()
            .flat_map(|prefix| {
                let used = prefix.iter().filter(|&&c| c).count() as u32;
                // Changes first: the assignments that generate most events come first, so a
                // stall is found in loom's first explorations.
                let choices: &[bool] = if used < limit {
                    &[true, false]
                } else {
                    &[false]
                };
                choices.iter().map(move |&c| {
                    let mut next = prefix.clone();
                    next.push(c);
                    next
                })
            })
            .take(cap)
            .collect();
    }
    out
}

/// The next non-increasing tuple of indices below `n` (a multiset), in order; `false` after
/// the last.
fn next_multiset(chosen: &mut [usize], n: usize) -> bool {
    for i in (0..chosen.len()).rev() {
        let bound = if i == 0 { n - 1 } else { chosen[i - 1] };
        if chosen[i] < bound {
            chosen[i] += 1;
            chosen[i + 1..].iter_mut().for_each(|c| *c = 0);
            return true;
        }
    }
    false
}

/// Every assignment of orders to relists: pod order in every relist, except the `varying`
/// ones, which take every order. `None` if there are more than `room`.
fn orders(pods: u32, varying: &[u32], room: usize) -> Option<Vec<Vec<Vec<u32>>>> {
    let identity: Vec<u32> = (0..pods).collect();
    let last = varying.iter().copied().max().unwrap_or(0) as usize;
    if varying.is_empty() {
        return (room >= 1).then(|| vec![Vec::new()]);
    }
    if pods > 8 {
        return None;
    }
    let permutations = permutations(pods as usize);
    let count = (permutations.len() as u128).pow(varying.len() as u32);
    if count > room as u128 {
        return None;
    }
    let mut assignments: Vec<Vec<Vec<u32>>> = vec![Vec::new()];
    for r in 1..=last as u32 {
        let choices: &[Vec<u32>] = if varying.contains(&r) {
            &permutations
        } else {
            std::slice::from_ref(&identity)
        };
        assignments = assignments
            .into_iter()
            .flat_map(|prefix| {
                choices.iter().map(move |p| {
                    let mut next = prefix.clone();
                    next.push(p.clone());
                    next
                })
            })
            .collect();
    }
    Some(assignments)
}

/// Every ordering of `0..n`, as ranks, identity first.
fn permutations(n: usize) -> Vec<Vec<u32>> {
    let mut out = vec![Vec::new()];
    for k in 0..n as u32 {
        out = out
            .into_iter()
            .flat_map(|p| {
                (0..=p.len()).map(move |at| {
                    let mut q = p.clone();
                    q.insert(at, k);
                    q
                })
            })
            .collect();
    }
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use pleg_core::Design;

    #[test]
    fn permutations_are_every_order_once_identity_first() {
        let p = permutations(3);
        assert_eq!(p.len(), 6);
        assert_eq!(p[0], vec![0, 1, 2]);
        let mut unique = p.clone();
        unique.dedup();
        assert_eq!(unique.len(), 6);
    }

    /// Under lockstep only relists where two pods can change get orders (relist 1 by
    /// symmetry); a design that records after delivery gets them in every later relist.
    #[test]
    fn lockstep_orders_only_where_two_pods_can_change() {
        let lockstep = |design, changes| Scenario {
            changes,
            timing: Timing::Lockstep,
            ..Scenario::small(design)
        };
        assert_eq!(
            assignments(&lockstep(Design::DropWhenFull, Some(1)))
                .unwrap()
                .len(),
            1
        );
        assert_eq!(
            assignments(&lockstep(Design::DropWhenFull, None))
                .unwrap()
                .len(),
            6
        );
        assert_eq!(
            assignments(&lockstep(Design::RecordAfterSend, Some(1)))
                .unwrap()
                .len(),
            6
        );
        let fixed = Scenario {
            map_order: MapOrder::Fixed,
            ..lockstep(Design::DropWhenFull, None)
        };
        assert_eq!(assignments(&fixed).unwrap(), vec![Given::default()]);
    }

    /// When pods change at any time, one assignment per multiset of the pods' sequences: two
    /// pods over one relist change both, one or neither — and "both" needs both orders.
    #[test]
    fn anytime_landings_are_counted_up_to_renaming_the_pods() {
        let s = Scenario {
            changes: Some(1),
            ..Scenario::smallest(Design::DropWhenFull)
        };
        let changed = landings(&s).unwrap();
        let (yes, no) = (true, false);
        assert_eq!(
            changed,
            [
                vec![vec![yes, yes]],
                vec![vec![no, yes]],
                vec![vec![no, no]]
            ]
        );
        assert_eq!(assignments(&s).unwrap().len(), 1 + 1 + 2);
        let wide = Scenario {
            pods: 9,
            relists: 3,
            ..Scenario::small(Design::DropWhenFull)
        };
        let refused = assignments(&wide).unwrap_err().to_string();
        assert!(refused.contains("use --checker explicit"), "{refused}");
        assert!(refused.contains("9 pods"), "{refused}");
    }
}
