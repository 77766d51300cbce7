//! The Go the page shows in each goroutine's lane, and the line each goroutine is at: relist
//! (the 1.12 blocking send, 1.14's select/default, or a design's variant), syncLoop's gate and
//! receive, and the health check the clock drives. The next statement a Step runs is the marked
//! line, visible before it runs.
//!
//! The listings are abridged by hand from kubelet's `pkg/kubelet/pleg/generic.go` and
//! `pkg/kubelet/kubelet.go` (kubelet 1.12; the select/default of PR #72709, kubelet 1.14; Evented
//! PLEG's health check of kubelet 1.26) — the statements the model has a move for, with `…` where
//! kubelet does more. Which line a state is at is read from the explicit model's program
//! counters and health, here and nowhere else.

use pleg_check::explicit::pods::{Pods, State};
use pleg_check::explicit::{RelistAt, SyncLoopAt};
use pleg_core::{Actor, Design, Gate, Named, Scenario};
use pleg_explicit::Shape;
use serde::Serialize;

/// One goroutine's listing.
#[derive(Serialize)]
pub(super) struct Listing {
    pub(super) actor: &'static str,
    /// What the listing is and where it comes from.
    pub(super) title: &'static str,
    pub(super) lines: Vec<&'static str>,
}

/// The listings of a scenario, one per actor, in the lanes' order.
pub(super) fn listings(s: &Scenario) -> Vec<Listing> {
    vec![
        relist(s.design),
        sync_loop(s.design, s.gate),
        health(s.design),
    ]
}

/// The line of `actor`'s listing (`code`, from [`listings`]) it is at in `st`.
pub(super) fn line(code: &[Listing], pods: &Pods, st: &State, actor: Actor) -> usize {
    let last = |actor: Actor| {
        let listing = code.iter().find(|l| l.actor == actor.name());
        listing.map_or(0, |l| l.lines.len() - 1)
    };
    match actor {
        Actor::Relist => match st.relist {
            RelistAt::Start(_) => relist_line::START,
            RelistAt::Visiting(_) if !pods.relist_blocked(st) => relist_line::VISIT,
            RelistAt::Visiting(_) | RelistAt::Sending(_) => relist_line::SEND,
            RelistAt::Finish | RelistAt::Done => last(Actor::Relist),
        },
        Actor::SyncLoop => match st.sync {
            SyncLoopAt::Gate => sync_line::GATE,
            SyncLoopAt::Receive => sync_line::RECEIVE,
            SyncLoopAt::Exited => last(Actor::SyncLoop),
        },
        // The clock's lane shows the health check the clock drives: the answer it gives now.
        Actor::Clock => match pods.health(st) {
            Ok(()) => health_line::HEALTHY,
            Err(pleg_core::Unhealthy::ChannelFull) => health_line::FULL,
            Err(_) => health_line::STALE,
        },
    }
}

/// Where relist's statements are, in every variant of its listing; the end is its last line.
mod relist_line {
    pub const START: usize = 3;
    pub const VISIT: usize = 4;
    pub const SEND: usize = 7;
}

fn relist(design: Design) -> Listing {
    let head = [
        "func (g *GenericPLEG) relist() {",
        "  timestamp := g.clock.Now()",
        "  pods, err := g.runtime.GetPods(true)",
        "  g.updateRelistTime(timestamp)",
        "  for pid := range eventsByPodID { // any order",
        "    g.updateCache(pod, pid)",
    ];
    let (title, body): (_, &[&str]) = if design.blocking_send() {
        (
            "relist — generic.go, kubelet 1.12 (abridged)",
            &[
                "    g.podRecords.update(pid)",
                "    g.eventChannel <- e // waits while full",
            ],
        )
    } else if design.records_after_delivery() {
        (
            "relist — podRecords updated on delivery (PR #136408's proposal, abridged)",
            &[
                "    // podRecords waits for delivery:",
                "    select { case g.eventChannel <- e:",
                "      g.podRecords.update(pid)",
                "    default: // full: the record lags, so the",
                "    } // next relist finds the change again",
            ],
        )
    } else {
        (
            "relist — generic.go, kubelet 1.14, PR #72709 (abridged)",
            &[
                "    g.podRecords.update(pid)",
                "    select { case g.eventChannel <- e:",
                "    default: // full: discard, and count it",
                "      metrics.PLEGDiscardEvents.Inc() }",
            ],
        )
    };
    let tail = ["  }", "} // the next relist starts 1 s later"];
    Listing {
        actor: Actor::Relist.name(),
        title,
        lines: head.iter().chain(body).chain(&tail).copied().collect(),
    }
}

/// Where syncLoop's statements are; the return is its last line.
mod sync_line {
    pub const GATE: usize = 1;
    pub const RECEIVE: usize = 8;
}

fn sync_loop(design: Design, gate: Gate) -> Listing {
    let check = if !design.gated() {
        "  // this design reads plegCh in any health"
    } else {
        "  if rs := runtimeErrors(); len(rs) != 0 {"
    };
    let wait = match gate {
        Gate::Retry => "    time.Sleep(duration) // up to 5 s",
        Gate::Wait => "    // (the model: waits until healthy)",
    };
    Listing {
        actor: Actor::SyncLoop.name(),
        title: "syncLoop — kubelet.go, kubelet 1.12 (abridged)",
        lines: vec![
            "for {",
            check,
            "    glog.Infof(\"skipping pod synchro… %v\", rs)",
            wait,
            "    continue",
            "  }",
            "  kl.syncLoopIteration(…, plegCh)",
            "}",
            "case e := <-plegCh: // syncLoopIteration",
            "  HandlePodSyncs(pod) // from the pod cache",
            "// the bounded run ends: return",
        ],
    }
}

/// Where the health check's answers are.
mod health_line {
    pub const STALE: usize = 3;
    pub const FULL: usize = 5;
    pub const HEALTHY: usize = 7;
}

fn health(design: Design) -> Listing {
    let full = if design.full_channel_is_unhealthy() {
        "  if len(ch) == cap(ch) { return false }"
    } else {
        "  // (the channel's length is not checked)"
    };
    // Evented PLEG's own Healthy() (kubelet 1.26 up to PR #139262) is one more health check
    // syncLoop's gate reads; the listing shows both checks as one.
    let title = if design.full_channel_is_unhealthy() {
        "Healthy() — generic.go 1.12, plus EventedPLEG's full-channel check (1.26 up to \
         PR #139262), abridged; one tick is 3 minutes"
    } else {
        "Healthy() — generic.go, kubelet 1.12 (abridged); one tick is 3 minutes"
    };
    Listing {
        actor: Actor::Clock.name(),
        title,
        lines: vec![
            "func (g *GenericPLEG) Healthy() (bool, error) {",
            "  elapsed := clock.Since(g.getRelistTime())",
            "  if elapsed > relistThreshold { // 3 minutes",
            "    return false, \"pleg was last seen active…\"",
            "  }",
            full,
            "  // every check passed:",
            "  return true, nil",
            "}",
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pleg_check::explicit::graph::Graph;

    /// Every pointer of every state of every design lands on the statement it names, and every
    /// line fits a lane (48 columns): a listing edited without its line constants fails here.
    #[test]
    fn each_pointer_is_on_its_statement() {
        for &design in Design::ALL {
            for gate in [Gate::Wait, Gate::Retry] {
                let s = Scenario {
                    gate,
                    ..Scenario::small(design)
                };
                let code = listings(&s);
                for line in code.iter().flat_map(|l| &l.lines) {
                    assert!(line.chars().count() <= 48, "too wide for a lane: {line}");
                }
                let graph = Graph::explore(&s, 100_000).expect("small");
                for st in &graph.states {
                    let at = |actor| code_at(&code, &graph.model, st, actor);
                    let relist = at(Actor::Relist);
                    assert!(
                        [
                            "updateRelistTime",
                            "range",
                            "eventChannel <-",
                            "next relist starts"
                        ]
                        .iter()
                        .any(|w| relist.contains(w)),
                        "{design:?}: relist at {relist:?}"
                    );
                    let sync = at(Actor::SyncLoop);
                    assert!(
                        ["runtimeErrors", "in any health", "<-plegCh", "return"]
                            .iter()
                            .any(|w| sync.contains(w)),
                        "{design:?}: syncLoop at {sync:?}"
                    );
                    assert!(at(Actor::Clock).contains("return"), "{design:?}");
                }
            }
        }
    }

    fn code_at<'a>(code: &'a [Listing], pods: &Pods, st: &State, actor: Actor) -> &'a str {
        let listing = code
            .iter()
            .find(|l| l.actor == actor.name())
            .expect("listed");
        listing.lines[line(code, pods, st, actor)]
    }
}
