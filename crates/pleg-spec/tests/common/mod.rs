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
