//! The CLI as a user runs it: verdicts on stdout, exit status, one-line errors on bad input.

mod common;

use common::{check, json, pleg_spec, refused, SMALLEST};
use std::process::Command;

#[test]
fn blocking_under_loom_reports_deadlock() {
    let out = check("blocking", "loom", &SMALLEST);
    assert!(out.status.success());
    let result = &json(&out)["results"][0];
    assert_eq!(result["verdict"], "deadlock");
    assert_eq!(result["capacity"], 1);
}

#[test]
fn drop_when_full_under_loom_holds_with_witnesses() {
    let out = check("drop-when-full", "loom", &SMALLEST);
    assert!(out.status.success());
    let result = &json(&out)["results"][0];
    assert_eq!(result["verdict"], "holds");
    for witness in ["channel_full", "discards", "gate_closed"] {
        assert!(
            result["witnesses"][witness].as_u64().unwrap() > 0,
            "{witness}"
        );
    }
}

#[test]
fn blocking_at_kubelet_size_under_pct_reports_deadlock() {
    let out = check(
        "blocking",
        "shuttle-pct",
        &[
            "--capacity",
            "1000",
            "--events",
            "1001",
            "--relists",
            "1",
            "--timing",
            "lockstep",
            "--json",
        ],
    );
    assert!(out.status.success());
    assert_eq!(json(&out)["results"][0]["verdict"], "deadlock");
}

#[test]
fn expect_that_disagrees_exits_1() {
    let mut args = SMALLEST.to_vec();
    args.extend(["--expect", "holds"]);
    let out = check("blocking", "loom", &args);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(json(&out)["results"][0]["confirmed"], false);
}

#[test]
fn the_default_suite_confirms_every_claim() {
    let out = pleg_spec(&["check", "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let results = json(&out)["results"].as_array().unwrap().clone();
    assert_eq!(results.len(), 31);
    assert!(results
        .iter()
        .all(|r| r["confirmed"] == true && r["judged"] == true));
}

/// One configuration without --expect reports its verdict and what the laws expect, as
/// information: no "REFUTED", exit 0, even where the verdict is not the law's (a vacuous
/// "holds" here: the channel never fills).
#[test]
fn one_configuration_without_expect_is_reported_not_judged() {
    let out = check("drop-when-full", "loom", &["--capacity", "10"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains("REFUTED"), "{text}");
    assert!(text.contains("(laws: holds)"), "{text}");
    let out = check(
        "drop-when-full",
        "loom",
        &["--capacity", "10", "--expect", "holds"],
    );
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("REFUTED: holds, but vacuously"), "{text}");
}

/// A size a checker cannot explore is refused in one line that says which limit was hit and
/// which checker can answer — never a verdict of `failed` with exit 0.
#[test]
fn loom_at_kubelet_size_is_refused_in_one_line() {
    let out = check(
        "drop-when-full",
        "loom",
        &["--capacity", "1000", "--events", "1001", "--relists", "1"],
    );
    let stderr = refused(&out, "loom at kubelet's size");
    assert!(stderr.contains("branches"), "{stderr}");
    assert!(stderr.contains("--checker"), "{stderr}");
}

/// Every printed replay command replays: a counterexample for every design and every option
/// (changes, no resync, both gates, a threshold, both map orders), its command taken from the
/// output exactly as printed, pasted, and run to the same verdict and the same story.
#[test]
fn every_printed_replay_command_replays_to_the_same_verdict() {
    let cases = [
        "--design blocking --capacity 2 --events 3 --relists 2",
        "--design blocking-big-capacity --events 3 --map-order fixed",
        "--design drop-when-full --capacity 1 --events 3 --relists 2 --changes 1 --no-resync",
        "--design drop-when-full --capacity 2 --events 2 --relists 2 --threshold 1 --no-resync",
        "--design evented-health --events 1 --threshold 2",
        "--design blocking --events 2 --gate retry",
    ];
    for case in cases {
        let mut args = vec![
            "check",
            "--checker",
            "shuttle-random",
            "--iterations",
            "2000",
        ];
        args.extend(case.split_whitespace());
        let text = String::from_utf8(pleg_spec(&args).stdout).unwrap();
        args.push("--json");
        let found = json(&pleg_spec(&args));
        let result = &found["results"][0];
        let command = result["counterexample"]["replay"]
            .as_str()
            .unwrap_or_else(|| panic!("{case}: no replay command in {result}"));
        let printed = text
            .lines()
            .find_map(|l| l.strip_prefix("Replay it: "))
            .unwrap_or_else(|| panic!("{case}: the text prints no replay command:\n{text}"));
        assert_text_names_the_command(case, printed, command);
        assert_pasted_command_replays(command, result);
    }
}

/// The replay command the text prints is the JSON's, up to the schedule: two runs of a random
/// search may find different ones. A command too long to print (a livelock's schedule) is
/// named by its length instead.
fn assert_text_names_the_command(case: &str, printed: &str, command: &str) {
    let scenario = |c: &str| {
        c.split(" --schedule ")
            .next()
            .unwrap_or_default()
            .to_owned()
    };
    if printed.starts_with("the command is ") {
        assert!(printed.ends_with("--json prints it whole."), "{printed}");
        assert!(
            command.len() > 1000,
            "{case}: a short command went unprinted"
        );
    } else {
        assert_eq!(
            scenario(printed),
            scenario(command),
            "{case}: the text and JSON commands differ"
        );
    }
}

/// `command`, pasted, gives `result`'s verdict and its story step by step.
fn assert_pasted_command_replays(command: &str, result: &serde_json::Value) {
    let pasted: Vec<&str> = command
        .split_whitespace()
        .skip(1)
        .chain(["--json"])
        .collect();
    let out = pleg_spec(&pasted);
    assert!(
        out.status.success(),
        "{command}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let replayed = &json(&out)["results"][0];
    assert_eq!(replayed["verdict"], result["verdict"], "{command}");
    assert_eq!(
        replayed["counterexample"]["steps"], result["counterexample"]["steps"],
        "{command}"
    );
}

/// Bad input: exit 2, exactly one line on stderr, nothing on stdout, no panic.
#[test]
fn bad_input_is_one_line_and_exit_2() {
    let cases: &[&[&str]] = &[
        &[
            "check",
            "--design",
            "blocking",
            "--checker",
            "loom",
            "--capacity",
            "0",
        ],
        &["check", "--design", "sideways", "--checker", "loom"],
        &[
            "check",
            "--design",
            "blocking",
            "--checker",
            "loom",
            "--events",
            "lots",
        ],
        &["check", "--design", "blocking", "--checker", "tla"],
        &["check", "--design", "blocking"],
        &[
            "check",
            "--design",
            "blocking",
            "--checker",
            "loom",
            "--relists",
            "0",
        ],
        &["check", "--preemption-bound", "-1"],
        &["frobnicate"],
    ];
    for args in cases {
        refused(&pleg_spec(args), &format!("{args:?}"));
    }
}

/// A scenario the model cannot run is refused with the model's own reason.
#[test]
fn an_impossible_scenario_is_refused_with_its_reason() {
    for (flag, reason) in [
        ("--capacity", "capacity must be at least 1"),
        ("--relists", "relists must be at least 1"),
    ] {
        let out = pleg_spec(&[
            "check",
            "--design",
            "drop-when-full",
            "--checker",
            "explicit",
            flag,
            "0",
        ]);
        let stderr = refused(&out, &format!("{flag} 0"));
        assert!(stderr.contains(reason), "{flag} 0: {stderr}");
    }
}

#[test]
fn bad_loom_environment_is_one_line_and_exit_2() {
    let out = Command::new(env!("CARGO_BIN_EXE_pleg-spec"))
        .args(["check", "--design", "blocking", "--checker", "loom"])
        .env("LOOM_MAX_BRANCHES", "many")
        .output()
        .unwrap();
    refused(&out, "LOOM_MAX_BRANCHES=many");
}

/// The story a kubelet engineer reads: numbered steps, found at the smallest bound, ending in
/// the circular wait.
#[test]
fn check_tells_the_smallest_counterexample_as_numbered_steps() {
    let out = check("blocking", "loom", &SMALLEST[..6]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("found at preemption bound 0"), "{text}");
    for step in [
        "1. relist    relist #1 starts: updateRelistTime(0) — PLEG last seen active now; 2 pods changed since podRecords last saw them",
        "3. relist    pod cache and podRecords updated for pod 1 (version 1); g.eventChannel <- event 2 of 2 (pod 1, relist #1) blocks: eventChannel is full (1/1)",
        "4. clock     now = 1: relist last started 1 tick ago > relistThreshold 0 ticks — PLEG is now unhealthy",
        "5. syncLoop  skipping pod synchronization - [PLEG is not healthy: pleg was last seen active 1 tick ago; threshold is 0 ticks]",
    ] {
        assert!(text.contains(step), "missing {step:?} in\n{text}");
    }
    assert!(
        text.contains("Circular wait: relist waits for syncLoop"),
        "{text}"
    );
}

#[test]
fn json_carries_the_counterexample_only_when_there_is_one() {
    let stall = json(&check("blocking", "loom", &SMALLEST));
    let cx = &stall["results"][0]["counterexample"];
    assert_eq!(cx["checker"], "loom");
    assert_eq!(cx["preemption_bound"], 0);
    let steps = cx["steps"].as_array().unwrap();
    assert_eq!(steps.len(), 5);
    for key in ["actor", "action", "channel_len", "now", "relist_time"] {
        assert!(steps[0].get(key).is_some(), "{key}");
    }
    assert!(cx["cycle"].as_str().unwrap().starts_with("Circular wait"));
    let holds = json(&check("drop-when-full", "loom", &SMALLEST));
    assert!(holds["results"][0].get("counterexample").is_none());
}

/// A schedule printed by `check` replays to the very same story.
#[test]
fn a_printed_schedule_replays_to_the_same_story() {
    let scenario = [
        "--capacity",
        "2",
        "--events",
        "3",
        "--relists",
        "2",
        "--threshold",
        "1",
    ];
    let mut args = scenario.to_vec();
    args.extend(["--iterations", "500", "--json"]);
    let found = json(&check("blocking", "shuttle-random", &args));
    let cx = &found["results"][0]["counterexample"];
    let schedule = cx["schedule"]
        .as_str()
        .expect("shuttle prints its schedule");
    let mut replay = vec!["replay", "--design", "blocking"];
    replay.extend(scenario);
    replay.extend(["--schedule", schedule, "--json"]);
    let out = pleg_spec(&replay);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let replayed = json(&out);
    assert_eq!(replayed["results"][0]["verdict"], "deadlock");
    assert_eq!(
        replayed["results"][0]["counterexample"]["steps"],
        cx["steps"]
    );
}

#[test]
fn a_garbage_schedule_is_one_line_and_exit_2() {
    let out = pleg_spec(&["replay", "--design", "blocking", "--schedule", "zz-not-hex"]);
    let stderr = refused(&out, "a garbage schedule");
    assert!(stderr.contains("malformed schedule"), "{stderr}");
}

#[test]
fn svg_is_written_for_a_counterexample_and_refused_without_one() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let path = dir.join("cx.svg");
    let mut args = SMALLEST[..6].to_vec();
    let p = path.to_str().unwrap();
    args.extend(["--svg", p]);
    assert!(check("blocking", "loom", &args).status.success());
    let svg = std::fs::read_to_string(&path).unwrap();
    assert!(svg.starts_with("<svg") && svg.contains("eventChannel"));
    // The check ran and printed its verdict; only the drawing is refused.
    let out = check("drop-when-full", "loom", &args);
    assert_eq!(out.status.code(), Some(2));
}

/// The cost of the fix, from the CLI: without the periodic resync the fix loses an update;
/// with it (the default, as in kubelet) it holds.
#[test]
fn no_resync_reports_a_lost_update_with_its_story() {
    let out = check("drop-when-full", "loom", &["--no-resync", "--json"]);
    assert!(out.status.success());
    let result = &json(&out)["results"][0];
    assert_eq!(result["verdict"], "lost-update");
    assert_eq!(result["resync"], false);
    let steps = result["counterexample"]["steps"].as_array().unwrap();
    assert!(steps.iter().any(|s| s["action"]
        .as_str()
        .unwrap()
        .contains("no change — podRecords already holds version 1")));
    let with_resync = check("drop-when-full", "loom", &["--json"]);
    assert_eq!(json(&with_resync)["results"][0]["verdict"], "holds");
}

#[test]
fn designs_prints_every_design_from_explorations() {
    let out = pleg_spec(&[
        "designs",
        "--preemption-bound",
        "2",
        "--iterations",
        "100",
        "--json",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let table = json(&out);
    let rows = table["designs"].as_array().unwrap();
    assert_eq!(rows.len(), 6);
    let row = |name: &str| rows.iter().find(|r| r["design"] == name).unwrap().clone();
    assert_eq!(row("blocking")["circular_wait"], true);
    assert_eq!(row("drop-when-full")["lost_update_without_resync"], true);
    assert_eq!(row("drop-when-full")["converges_with_resync"], true);
    assert_eq!(row("record-after-send")["converges_without_resync"], true);
    assert_eq!(row("evented-health")["other_stall"], "gated-stall");
    assert_eq!(
        row("blocking")["other_stall"],
        "none",
        "the table says no, the JSON too"
    );
    assert!(rows
        .iter()
        .all(|r| r["shuttle_agrees"] == true && r["loom_agrees"] == true));
}

#[test]
fn every_named_choice_lists_its_names_when_misspelt() {
    let out = check("blocking", "loom", &["--gate", "sideways"]);
    let stderr = refused(&out, "--gate sideways");
    assert!(stderr.contains("expected one of wait, retry"), "{stderr}");
    let out = check("blocking", "loom", &["--expect", "stall"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("deadlock, livelock, gated-stall"),
        "{stderr}"
    );
}

#[test]
fn retry_gate_under_loom_is_refused_with_one_line() {
    refused(
        &check("blocking", "loom", &["--gate", "retry"]),
        "--gate retry under loom",
    );
}

/// A valid schedule replayed against another scenario: one short line, exit 2.
#[test]
fn a_schedule_for_another_scenario_is_one_short_line_and_exit_2() {
    let out = pleg_spec(&[
        "replay",
        "--design",
        "drop-when-full",
        "--capacity",
        "5",
        "--events",
        "1",
        "--schedule",
        "91022293dd9af3f89a86ef85010040d9a22552924559b4254912",
    ]);
    let stderr = refused(&out, "a schedule for another scenario");
    assert!(stderr.contains("does not fit this scenario"), "{stderr}");
    assert!(stderr.len() < 300, "{stderr}");
}

/// Every `cargo run --release -- …` command the README and the docs print is one the CLI
/// accepts: each is parsed (with `--help` appended, so nothing long runs), and must not be
/// refused.
#[test]
fn every_command_in_the_docs_is_accepted() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut files = vec![root.join("README.md")];
    for entry in std::fs::read_dir(root.join("docs")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "md") {
            files.push(path);
        }
    }
    let mut commands = 0;
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap().replace("\\\n", " ");
        for (at, _) in text.match_indices("cargo run --release -- ") {
            let rest = &text[at + "cargo run --release -- ".len()..];
            let end = rest.find(['\n', '`', '#']).unwrap_or(rest.len());
            let mut args: Vec<&str> = rest[..end].split_whitespace().collect();
            args.push("--help");
            let out = pleg_spec(&args);
            assert_eq!(
                out.status.code(),
                Some(0),
                "{}: `{}` is refused: {}",
                file.display(),
                &rest[..end],
                String::from_utf8_lossy(&out.stderr)
            );
            commands += 1;
        }
    }
    assert!(commands >= 20, "found only {commands} commands");
}

/// Each edge a user's probing found, pinned: refused in one line, exit 2, before any work.
#[test]
fn the_edges_once_found_are_refused_in_one_line() {
    let cases: [&[&str]; 10] = [
        &["check", "--expect", "holds"],
        &["check", "--unreduced"],
        &[
            "check",
            "--design",
            "blocking",
            "--checker",
            "explicit",
            "--iterations",
            "5",
        ],
        &[
            "check",
            "--design",
            "blocking",
            "--checker",
            "shuttle-random",
            "--preemption-bound",
            "3",
        ],
        &[
            "check",
            "--design",
            "blocking",
            "--checker",
            "loom",
            "--depth",
            "2",
        ],
        &["check", "--design", "blocking", "--checker", "replay"],
        &[
            "check",
            "--design",
            "blocking",
            "--checker",
            "loom",
            "--capacity",
            "18446744073709551615",
        ],
        &["scale", "--capacities", "99999999999"],
        &["replay", "--design", "blocking"],
        &["replay", "--design", "blocking", "--schedule", ""],
    ];
    for args in cases {
        let line = refused(&pleg_spec(args), &args.join(" "));
        assert!(!line.contains("not provided:\n"), "{line}");
    }
}

/// What loom turns away: kubelet's burst, too many map orders to explore one by one.
const LOOM_AT_KUBELETS_BURST: [&str; 9] = [
    "check",
    "--design",
    "drop-when-full",
    "--checker",
    "loom",
    "--capacity",
    "1000",
    "--pods",
    "1001",
];

/// Help that comes from the code: every subcommand's loom default is the code's, and loom's
/// too-large hint names what multiplies the explorations (once it said "0 relists").
#[test]
fn help_and_hints_say_what_the_code_does() {
    let default = format!("else {}]", pleg_check::DEFAULT_LOOM_PREEMPTION_BOUND);
    for sub in ["check", "designs"] {
        let help = String::from_utf8(pleg_spec(&[sub, "--help"]).stdout).unwrap();
        assert!(help.contains(&default), "{sub} --help: {help}");
    }
    let help = String::from_utf8(pleg_spec(&["check", "--help"]).stdout).unwrap();
    assert!(
        help.ends_with(&pleg_spec::cli::legend()),
        "the legend is not in check --help"
    );
    let line = refused(
        &pleg_spec(&LOOM_AT_KUBELETS_BURST),
        "loom at kubelet's burst",
    );
    assert!(
        line.contains("1001 pods") && line.contains("among 1 relist:"),
        "{line}"
    );
    assert!(!line.contains(" 0 relists"), "{line}");
}

/// An output that cannot be written is refused before the check runs (kubelet's size would
/// take seconds), and a file made for a counterexample that never came is removed.
#[test]
fn outputs_are_opened_before_the_work() {
    let args = [
        "check",
        "--design",
        "blocking",
        "--checker",
        "explicit",
        "--capacity",
        "1000",
        "--events",
        "1001",
        "--svg",
        "/nonexistent/dir/cx.svg",
    ];
    let line = refused(&pleg_spec(&args), "--svg to a missing directory");
    assert!(line.contains("--svg: cannot write"), "{line}");
    let dir = tempfile::tempdir().unwrap();
    let svg = dir.path().join("none.svg");
    let args = [
        "check",
        "--design",
        "drop-when-full",
        "--checker",
        "explicit",
        "--svg",
        svg.to_str().unwrap(),
    ];
    let out = pleg_spec(&args);
    assert_eq!(out.status.code(), Some(2), "--svg without a counterexample");
    assert!(
        !svg.exists(),
        "the empty file made before the check is left behind"
    );
    // Refused after the path was tried (loom turns kubelet's burst away): nothing is left
    // behind, and a file the user had is not touched.
    let kept = dir.path().join("kept.svg");
    std::fs::write(&kept, "mine").unwrap();
    for path in [&svg, &kept] {
        let mut loom = LOOM_AT_KUBELETS_BURST.to_vec();
        loom.extend(["--svg", path.to_str().unwrap()]);
        refused(&pleg_spec(&loom), "loom at kubelet's burst, with --svg");
    }
    assert!(!svg.exists(), "a refusal left a file behind");
    assert_eq!(std::fs::read_to_string(&kept).unwrap(), "mine");
}

/// loom's counterexamples print a replay too: their trace walked through the explicit machine,
/// pasted, replays to the same verdict.
#[test]
fn a_loom_counterexample_prints_a_replay_that_replays_to_its_verdict() {
    let cases: [&[&str]; 3] = [
        &["--design", "blocking", "--capacity", "1", "--events", "2"],
        &["--design", "evented-health", "--events", "1"],
        &[
            "--design",
            "drop-when-full",
            "--capacity",
            "1",
            "--events",
            "3",
            "--relists",
            "2",
            "--changes",
            "1",
            "--no-resync",
        ],
    ];
    for case in cases {
        let mut args = vec!["check", "--checker", "loom"];
        args.extend_from_slice(case);
        let text = String::from_utf8(pleg_spec(&args).stdout).unwrap();
        args.push("--json");
        let result = json(&pleg_spec(&args))["results"][0].clone();
        let command = result["counterexample"]["replay"]
            .as_str()
            .unwrap_or_else(|| panic!("{case:?}: no replay in {result}"))
            .to_owned();
        assert!(
            text.contains(&format!("Replay it: {command}")),
            "{case:?}: {text}"
        );
        let pasted: Vec<&str> = command
            .split_whitespace()
            .skip(1)
            .chain(["--json"])
            .collect();
        let replayed = json(&pleg_spec(&pasted))["results"][0].clone();
        assert_eq!(replayed["verdict"], result["verdict"], "{command}");
    }
}

/// A loom counterexample, replayed on the explicit model by the command it prints, tells the
/// same story step by step — not only the same verdict.
#[test]
fn a_loom_counterexample_replays_to_the_same_story() {
    let found = json(&check(
        "blocking",
        "loom",
        &["--capacity", "1", "--events", "2", "--json"],
    ));
    let cx = &found["results"][0]["counterexample"];
    let command = cx["replay"].as_str().expect("loom prints its replay");
    let pasted: Vec<&str> = command
        .split_whitespace()
        .skip(1)
        .chain(["--json"])
        .collect();
    let replayed = json(&pleg_spec(&pasted));
    let story = |cx: &serde_json::Value| -> Vec<String> {
        cx["steps"]
            .as_array()
            .expect("steps")
            .iter()
            .map(|s| format!("{} {}", s["actor"], s["action"]))
            .collect()
    };
    let again = &replayed["results"][0]["counterexample"];
    assert_eq!(story(again), story(cx), "{command}");
    assert!(story(cx).len() >= 4);
}

/// `laws` on a grid that starts above capacity 1 tells one story: every boundary row agrees
/// and the closing line says every law holds (once, boundary rows said DIFFERS above "Every law
/// holds", exit 0); with one threshold the threshold law is reported untested, not "agree".
#[test]
fn laws_reports_agree_with_themselves() {
    let grid = [
        "laws",
        "--capacities",
        "5,6",
        "--pods",
        "3",
        "--relists",
        "2",
        "--changes",
        "2",
        "--thresholds",
        "0",
    ];
    let out = pleg_spec(&grid);
    let table = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{table}");
    assert!(
        !table.contains("DIFFERS") && table.contains("Every law holds"),
        "{table}"
    );
    assert!(table.contains("untested: one threshold"), "{table}");
    let mut args = grid.to_vec();
    args.push("--json");
    let report = json(&pleg_spec(&args));
    assert_eq!(report["all_confirmed"], true);
    assert_eq!(report["threshold"], serde_json::Value::Null);
    for law in report["laws"].as_array().unwrap() {
        for b in law["boundaries"].as_array().unwrap() {
            assert_eq!(b["found"], b["predicted"], "{b}");
        }
    }
}
