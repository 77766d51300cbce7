//! Running the CLI as a user would, for the CLI's test files.

#![allow(dead_code)] // each test file uses its own subset

use std::process::{Command, Output};

pub fn pleg_spec(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pleg-spec"))
        .args(args)
        .env_remove("LOOM_MAX_PREEMPTIONS")
        .output()
        .expect("the binary runs")
}

pub fn json(output: &Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout).expect("stdout is JSON")
}

pub const SMALLEST: [&str; 7] = [
    "--capacity",
    "1",
    "--events",
    "2",
    "--relists",
    "1",
    "--json",
];

pub fn check(design: &str, checker: &str, rest: &[&str]) -> Output {
    let mut args = vec!["check", "--design", design, "--checker", checker];
    args.extend_from_slice(rest);
    pleg_spec(&args)
}

/// A refusal as users must get it: exit 2, one line on stderr naming the program, no panic,
/// nothing on stdout. Returns the line; `what` names the case in a failure.
pub fn refused(out: &Output, what: &str) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "{what}: {stderr}");
    assert_eq!(stderr.lines().count(), 1, "{what}: {stderr}");
    assert!(stderr.starts_with("pleg-spec: "), "{what}: {stderr}");
    assert!(!stderr.contains("panicked"), "{what}: {stderr}");
    assert!(out.stdout.is_empty(), "{what}: stdout not empty");
    stderr
}
