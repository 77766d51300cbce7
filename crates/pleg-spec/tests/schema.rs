//! docs/schema/pleg-spec.schema.json is the machine-checkable form of docs/json.md: every
//! subcommand's `--json` output validates against it, the schema rejects outputs that break
//! what the page promises (so the check can fail), its value lists are the code's own, and
//! the page's annotated example is itself a valid output.

mod common;

use common::{check, json, pleg_spec, schema_errors, SMALLEST};
use pleg_check::CheckerKind;
use pleg_core::{Actor, Counted, Design, Gate, MapOrder, Named, Timing, VerdictKind};
use serde_json::Value;

fn schema() -> Value {
    let text = include_str!("../../../docs/schema/pleg-spec.schema.json");
    serde_json::from_str(text).expect("the schema is JSON")
}

/// The enum a `$defs` entry lists.
fn listed(schema: &Value, pointer: &str) -> Vec<String> {
    let values = schema
        .pointer(pointer)
        .unwrap_or_else(|| panic!("{pointer}"));
    values
        .as_array()
        .unwrap_or_else(|| panic!("{pointer} is a list"))
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect()
}

fn names<T: Named>() -> Vec<String> {
    T::ALL.iter().map(|c| c.name().to_owned()).collect()
}

#[test]
fn the_schemas_value_lists_are_the_codes() {
    let s = schema();
    assert_eq!(listed(&s, "/$defs/design/enum"), names::<Design>());
    assert_eq!(listed(&s, "/$defs/verdict/enum"), names::<VerdictKind>());
    assert_eq!(listed(&s, "/$defs/checker/enum"), names::<CheckerKind>());
    assert_eq!(listed(&s, "/$defs/actor/enum"), names::<Actor>());
    let scenario = "/$defs/scenario/properties";
    assert_eq!(
        listed(&s, &format!("{scenario}/gate/enum")),
        names::<Gate>()
    );
    let order = format!("{scenario}/map_order/enum");
    assert_eq!(listed(&s, &order), names::<MapOrder>());
    assert_eq!(
        listed(&s, &format!("{scenario}/timing/enum")),
        names::<Timing>()
    );
    let counted = "/$defs/witnesses/properties/counted/enum";
    assert_eq!(listed(&s, counted), names::<Counted>());
}

#[test]
fn every_checkers_output_validates() {
    for (design, checker) in [
        ("blocking", "loom"),
        ("drop-when-full", "loom"),
        ("blocking", "shuttle-random"),
        ("blocking", "shuttle-pct"),
        ("blocking", "explicit"),
        ("drop-when-full", "explicit"),
    ] {
        let out = check(design, checker, &SMALLEST);
        json(&out); // panics with the schema's complaint
    }
    let lost = check("drop-when-full", "explicit", &["--no-resync", "--json"]);
    assert_eq!(json(&lost)["results"][0]["verdict"], "lost-update");
    let replay = [
        "replay",
        "--design",
        "blocking",
        "--path",
        "s.v0.v1.t",
        "--json",
    ];
    assert_eq!(json(&pleg_spec(&replay))["results"][0]["checker"], "replay");
}

#[test]
fn scale_designs_and_laws_validate() {
    let scale = [
        "scale",
        "--capacities",
        "1",
        "--events",
        "2",
        "--relists",
        "1",
    ];
    let mut args = scale.to_vec();
    args.extend(["--bounds", "1", "--json"]);
    assert!(json(&pleg_spec(&args))["scale"].is_array());
    assert!(json(&pleg_spec(&["designs", "--json"]))["designs"].is_array());
    let laws = [
        "laws",
        "--capacities",
        "1,2",
        "--pods",
        "1,2",
        "--relists",
        "1",
        "--json",
    ];
    assert!(json(&pleg_spec(&laws))["laws"].is_array());
}

/// A valid output, mutated: the schema must say no to each mutation.
#[test]
fn the_schema_rejects_outputs_that_break_the_page() {
    let good = json(&check("blocking", "explicit", &SMALLEST));
    let result = |f: &dyn Fn(&mut Value)| {
        let mut v = good.clone();
        f(&mut v["results"][0]);
        v
    };
    let broken: [(&str, Value); 6] = [
        (
            "an unknown verdict",
            result(&|r| r["verdict"] = "ok".into()),
        ),
        (
            "a missing field",
            result(&|r| drop(r.as_object_mut().unwrap().remove("judged"))),
        ),
        (
            "a field the page does not name",
            result(&|r| r["extra"] = 1.into()),
        ),
        (
            "a failure without its counterexample",
            result(&|r| {
                r.as_object_mut().unwrap().remove("counterexample");
            }),
        ),
        (
            "holds with a counterexample",
            result(&|r| r["verdict"] = "holds".into()),
        ),
        (
            "a negative count",
            result(&|r| r["witnesses"]["channel_full"] = (-1).into()),
        ),
    ];
    for (what, value) in broken {
        assert!(schema_errors(&value).is_some(), "the schema accepts {what}");
    }
}

/// docs/json.md's example, its `//` comments removed, is an output the schema accepts.
#[test]
fn the_pages_example_validates() {
    let page = include_str!("../../../docs/json.md");
    let example = page
        .split("```json")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("docs/json.md has a json example");
    let plain: String = example
        .lines()
        .map(|line| match line.find(" //") {
            Some(at) => &line[..at],
            None => line,
        })
        .filter(|line| !line.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n");
    let value: Value = serde_json::from_str(&plain).expect("the example is JSON once uncommented");
    assert_eq!(schema_errors(&value), None);
}

/// A refuted theorem's small counterexample, as `prove --json` would print it, validates: the
/// finding names its scenario with the fields every result has.
#[test]
fn a_refutations_finding_validates() {
    use pleg_check::cti::Finding;
    let finding = Finding::Reachable {
        scenario: pleg_core::Scenario::smallest(Design::DropWhenFull),
    };
    let output = serde_json::json!({
        "solvers": ["z3 4.8.12"],
        "theorems": [{
            "statement": "a law moved by one",
            "designs": ["drop-when-full"],
            "law": null,
            "obligations": [{"design": "drop-when-full", "step": "boundary",
                             "answers": [["z3", {"answer": "refuted", "values": [["C", 1]]}]]}],
            "seconds": 0.1,
            "outcome": "refuted",
            "small_counterexample": {"step": "boundary", "values": [["C", 1]], "finding": finding},
        }],
    });
    assert_eq!(schema_errors(&output), None);
}
