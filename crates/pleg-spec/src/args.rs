//! The command line's words for a scenario, both ways.
//!
//! [`ScenarioArgs`] parses the flags into a [`Scenario`]; [`scenario_args`] writes a scenario
//! back as the flags that parse into it. Every command the program prints (a replay, a hint)
//! is built from [`scenario_args`], so a printed command cannot leave an option out: a test
//! round-trips every design and option through both.
//!
//! Named choices (designs, gates, map orders, checkers, verdicts) are parsed by [`ByName`]
//! straight into the model's own types: their names are spelled once, in the model.

use clap::builder::{PossibleValue, TypedValueParser};
use clap::error::ErrorKind;
use pleg_core::{Design, Gate, MapOrder, Named, Scenario, ScenarioError, Timing};
use std::ffi::OsStr;
use std::marker::PhantomData;

/// clap's parser for any [`Named`] set: its possible values are the set's names, but those of
/// `except` (names the model has that this option does not take).
#[derive(Clone)]
pub struct ByName<T: 'static> {
    except: &'static [T],
    kind: PhantomData<T>,
}

/// The parser for `T`'s names.
pub fn by_name<T: Named>() -> ByName<T> {
    by_name_except(&[])
}

/// The parser for `T`'s names but `except`'s.
pub fn by_name_except<T: Named>(except: &'static [T]) -> ByName<T> {
    ByName {
        except,
        kind: PhantomData,
    }
}

impl<T: Named> ByName<T> {
    fn taken(&self) -> impl Iterator<Item = &'static T> + '_ {
        T::ALL.iter().filter(|t| !self.except.contains(t))
    }
}

impl<T: Named> TypedValueParser for ByName<T> {
    type Value = T;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        _arg: Option<&clap::Arg>,
        value: &OsStr,
    ) -> Result<T, clap::Error> {
        let name = value.to_str().unwrap_or_default();
        let taken: Vec<&str> = self.taken().map(|t| t.name()).collect();
        match T::from_name(name) {
            Ok(t) if !self.except.contains(&t) => Ok(t),
            _ => Err(clap::Error::raw(
                ErrorKind::InvalidValue,
                format!(
                    "unknown {} '{name}' (expected one of {})",
                    T::WHAT,
                    taken.join(", ")
                ),
            )
            .with_cmd(cmd)),
        }
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new(self.taken().map(|t| PossibleValue::new(t.name()))))
    }
}

/// The model's bounds, shared by `check`, `replay` and `play`.
#[derive(clap::Args, Debug, Clone)]
pub struct ScenarioArgs {
    /// The design: blocking (kubelet 1.12), drop-when-full (1.14+, PR #72709),
    /// blocking-big-capacity, record-after-send, ungated-drain or evented-health.
    #[arg(long, value_parser = by_name::<Design>())]
    pub design: Option<Design>,
    /// The eventChannel's capacity (kubelet: 1000).
    #[arg(long, default_value_t = 1, value_parser = parse_capacity)]
    pub capacity: usize,
    /// Pods on the node; each relist sends one event per pod that changed since the last.
    #[arg(long, visible_alias = "events", default_value_t = 2, value_parser = parse_pods)]
    pub pods: u32,
    /// Number of relists.
    #[arg(long, default_value_t = 1, value_parser = parse_relists)]
    pub relists: u32,
    /// How many times each pod's state may change [default: once per relist].
    #[arg(long, value_parser = parse_changes)]
    pub changes: Option<u32>,
    /// relistThreshold in clock ticks; the clock ticks threshold+1 times.
    #[arg(long, default_value_t = 0)]
    pub threshold: u32,
    /// Leave out kubelet's periodic resync of every pod from the pod cache.
    #[arg(long)]
    pub no_resync: bool,
    /// syncLoop's gate: `wait` (the abstraction every checker runs) or `retry` (kubelet's own
    /// sleep-and-retry loop; not under loom).
    #[arg(long, default_value = "wait", value_parser = by_name::<Gate>())]
    pub gate: Gate,
    /// The order each relist visits the changed pods in: `go` (Go's map order: any order,
    /// anew every relist) or `fixed` (pod order, to see what a fixed order hides).
    #[arg(long, default_value = "go", value_parser = by_name::<MapOrder>())]
    pub map_order: MapOrder,
    /// When pods change: `anytime` (each pod whenever its containers do, independently of the
    /// others and of the relists, as kubelet sees it) or `lockstep` (every pod once before each
    /// of the first N relists, to see what that hides).
    #[arg(long, default_value = "anytime", value_parser = by_name::<Timing>())]
    pub timing: Timing,
}

impl ScenarioArgs {
    /// The scenario these flags describe; `design` must have been given.
    pub fn scenario(&self, what: &str) -> Result<Scenario, String> {
        let design = self
            .design
            .ok_or_else(|| format!("{what} needs --design"))?;
        let scenario = Scenario {
            design,
            capacity: self.capacity,
            pods: self.pods,
            relists: self.relists,
            changes: self.changes,
            threshold: self.threshold,
            resync: !self.no_resync,
            gate: self.gate,
            map_order: self.map_order,
            timing: self.timing,
        };
        scenario.validate().map_err(|e| e.to_string())?;
        Ok(scenario)
    }
}

/// The flags that describe `scenario` — every one of them, defaults included, so the command
/// means the same thing whatever the defaults become.
pub fn scenario_args(scenario: &Scenario) -> Vec<String> {
    let s = scenario;
    let mut args = vec![
        format!("--design {}", s.design),
        format!("--capacity {}", s.capacity),
        format!("--pods {}", s.pods),
        format!("--relists {}", s.relists),
    ];
    if let Some(changes) = s.changes {
        args.push(format!("--changes {changes}"));
    }
    args.push(format!("--threshold {}", s.threshold));
    if !s.resync {
        args.push("--no-resync".to_owned());
    }
    args.push(format!("--gate {}", s.gate));
    args.push(format!("--map-order {}", s.map_order));
    args.push(format!("--timing {}", s.timing));
    args
}

/// The largest capacity and pod count accepted: a thousand times kubelet's channel. Past it
/// no checker could finish, and a channel's buffer alone would exhaust memory.
pub const MAX_SIZE: u32 = 1_000_000;

/// A capacity; zero is refused with the model's own reason ([`ScenarioError::ZeroCapacity`]).
pub fn parse_capacity(s: &str) -> Result<usize, String> {
    match s.parse::<usize>() {
        Ok(0) => Err(ScenarioError::ZeroCapacity.to_string()),
        Ok(c) if c > MAX_SIZE as usize => Err(too_large("capacity")),
        Ok(c) => Ok(c),
        Err(e) => Err(e.to_string()),
    }
}

/// A number of pods; zero is refused with the model's own reason ([`ScenarioError::ZeroPods`]).
pub fn parse_pods(s: &str) -> Result<u32, String> {
    match s.parse::<u32>() {
        Ok(0) => Err(ScenarioError::ZeroPods.to_string()),
        Ok(p) if p > MAX_SIZE => Err(too_large("pods")),
        Ok(p) => Ok(p),
        Err(e) => Err(e.to_string()),
    }
}

fn too_large(what: &str) -> String {
    format!("{what} must be at most {MAX_SIZE} (kubelet's channel holds 1000)")
}

/// A number of changes per pod; zero is refused ([`ScenarioError::ZeroChanges`]).
pub fn parse_changes(s: &str) -> Result<u32, String> {
    match s.parse::<u32>() {
        Ok(0) => Err(ScenarioError::ZeroChanges.to_string()),
        Ok(k) => Ok(k),
        Err(e) => Err(e.to_string()),
    }
}

/// A number of relists; zero is refused with the model's own reason
/// ([`ScenarioError::ZeroRelists`]).
pub fn parse_relists(s: &str) -> Result<u32, String> {
    match s.parse::<u32>() {
        Ok(0) => Err(ScenarioError::ZeroRelists.to_string()),
        Ok(r) => Ok(r),
        Err(e) => Err(e.to_string()),
    }
}

/// loom's preemption bound: a whole number, or `none` for unbounded.
#[derive(Clone, Copy, Debug)]
pub struct Bound(pub Option<usize>);

pub fn parse_bound(s: &str) -> Result<Bound, String> {
    if s == "none" {
        return Ok(Bound(None));
    }
    s.parse()
        .map(|b| Bound(Some(b)))
        .map_err(|_| "expected a whole number or 'none'".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Probe {
        #[command(flatten)]
        scenario: ScenarioArgs,
    }

    /// Every design and every option, through the flags and back.
    #[test]
    fn every_scenario_round_trips_through_its_flags() {
        let mut tried = 0;
        for &design in Design::ALL {
            for changes in [None, Some(1), Some(2)] {
                for resync in [true, false] {
                    for &gate in Gate::ALL {
                        for (&map_order, &timing) in MapOrder::ALL.iter().zip(Timing::ALL) {
                            let scenario = Scenario {
                                design,
                                capacity: 3,
                                pods: 4,
                                relists: 2,
                                changes,
                                threshold: 2,
                                resync,
                                gate,
                                map_order,
                                timing,
                            };
                            let line = format!("probe {}", scenario_args(&scenario).join(" "));
                            let probe = Probe::try_parse_from(line.split_whitespace())
                                .unwrap_or_else(|e| panic!("{line}: {e}"));
                            assert_eq!(probe.scenario.scenario("probe"), Ok(scenario), "{line}");
                            tried += 1;
                        }
                    }
                }
            }
        }
        assert_eq!(tried, 6 * 3 * 2 * 2 * 2);
    }
}
