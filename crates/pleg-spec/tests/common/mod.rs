//! Running the CLI as a user would, for the CLI's test files.

#![allow(dead_code)] // each test file uses its own subset

use std::path::Path;
use std::process::{Command, Output};
use std::sync::OnceLock;

pub fn pleg_spec(args: &[&str]) -> Output {
    pleg_spec_in(Path::new("."), args)
}

/// The binary run in `dir`, where any file a relative path names lands.
pub fn pleg_spec_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pleg-spec"))
        .args(args)
        .current_dir(dir)
        .env_remove("LOOM_MAX_PREEMPTIONS")
        .output()
        .expect("the binary runs")
}

/// The JSON a command printed, held to docs/schema/pleg-spec.schema.json: every test that
/// reads the CLI's JSON checks it against the schema users are given.
pub fn json(output: &Output) -> serde_json::Value {
    let value = serde_json::from_slice(&output.stdout).expect("stdout is JSON");
    if let Some(error) = schema_errors(&value) {
        panic!("the output breaks the schema: {error}");
    }
    value
}

/// The schema's first complaint about `value`, if it has one.
pub fn schema_errors(value: &serde_json::Value) -> Option<String> {
    static SCHEMA: OnceLock<jsonschema::Validator> = OnceLock::new();
    let validator = SCHEMA.get_or_init(|| {
        let text = include_str!("../../../../docs/schema/pleg-spec.schema.json");
        let schema = serde_json::from_str(text).expect("the schema is JSON");
        jsonschema::draft202012::new(&schema).expect("the schema is a valid 2020-12 schema")
    });
    validator
        .iter_errors(value)
        .next()
        .map(|e| format!("{e} at {}", e.instance_path()))
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
