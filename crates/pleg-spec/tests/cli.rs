//! The CLI as a user runs it: verdicts on stdout, exit status, one-line errors on bad input.

use std::process::{Command, Output};

fn pleg_spec(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pleg-spec"))
        .args(args)
        .env_remove("LOOM_MAX_PREEMPTIONS")
        .output()
        .expect("the binary runs")
}

fn json(output: &Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout).expect("stdout is JSON")
}

const SMALLEST: [&str; 7] = [
    "--capacity",
    "1",
    "--events",
    "2",
    "--relists",
    "1",
    "--json",
];

fn check(design: &str, checker: &str, rest: &[&str]) -> Output {
    let mut args = vec!["check", "--design", design, "--checker", checker];
    args.extend_from_slice(rest);
    pleg_spec(&args)
}

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
    assert_eq!(results.len(), 8);
    assert!(results.iter().all(|r| r["confirmed"] == true));
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
        let out = pleg_spec(args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
        assert!(stderr.starts_with("pleg-spec: "), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert!(out.stdout.is_empty(), "{args:?}");
    }
}

#[test]
fn bad_loom_environment_is_one_line_and_exit_2() {
    let out = Command::new(env!("CARGO_BIN_EXE_pleg-spec"))
        .args(["check", "--design", "blocking", "--checker", "loom"])
        .env("LOOM_MAX_BRANCHES", "many")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(String::from_utf8_lossy(&out.stderr).lines().count(), 1);
}
