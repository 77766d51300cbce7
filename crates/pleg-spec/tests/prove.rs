//! `pleg-spec prove` as a user runs it: every theorem proved, each obligation a file a solver
//! answers alone, one line and exit 2 without a solver.
//!
//! Without z3 on the PATH these tests say how many obligations they did not run, and pass: the
//! README's test command stays green on any machine. CI installs the solvers and runs
//! `ci/prove-check.sh`, which fails when they are missing.

mod common;

use common::{json, pleg_spec, refused};
use pleg_symbolic::theorems::all_theorems;
use std::process::Command;

/// Whether `solver` answers `--version`; if not, says what was not run.
fn present(solver: &str, what: &str) -> bool {
    let ok = Command::new(solver).arg("--version").output().is_ok();
    if !ok {
        eprintln!("NOT RUN: {what} — {solver} is not on the PATH (apt-get install {solver})");
    }
    ok
}

#[test]
fn every_theorem_is_proved_by_z3_and_cvc5() {
    if !(present("z3", "the obligations") && present("cvc5", "the obligations")) {
        return;
    }
    let out = pleg_spec(&["prove", "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let report = json(&out);
    let theorems = report["theorems"].as_array().unwrap();
    assert_eq!(theorems.len(), all_theorems().len());
    for t in theorems {
        assert_eq!(t["outcome"], "proved", "{}", t["statement"]);
        for ob in t["obligations"].as_array().unwrap() {
            assert_eq!(ob["answers"].as_array().unwrap().len(), 2);
        }
    }
}

/// The printed `z3 FILE` answers `unsat` when pasted, and every file is answered alone.
#[test]
fn each_obligation_is_a_standalone_file_z3_proves() {
    if !present("z3", "the standalone .smt2 files") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let out = pleg_spec(&[
        "prove",
        "--solver",
        "z3",
        "--smt2",
        dir.path().to_str().unwrap(),
    ]);
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    let printed = stdout
        .lines()
        .find_map(|l| l.split_once("e.g.: ").map(|(_, cmd)| cmd.to_owned()))
        .expect("a printed command");
    let words: Vec<&str> = printed.split_whitespace().collect();
    let answer = Command::new(words[0]).args(&words[1..]).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&answer.stdout).trim(), "unsat");
    let files: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    let obligations: usize = all_theorems().iter().map(|t| t.obligations().len()).sum();
    assert_eq!(files.len(), obligations);
    for file in files {
        let path = file.unwrap().path();
        let answer = Command::new("z3").arg(&path).output().unwrap();
        let text = String::from_utf8_lossy(&answer.stdout);
        assert_eq!(text.trim(), "unsat", "{}", path.display());
    }
}

#[test]
fn prove_without_a_solver_is_one_line_and_exit_2() {
    let empty = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_pleg-spec"))
        .args(["prove"])
        .env("PATH", empty.path())
        .output()
        .unwrap();
    let line = refused(&out, "prove without z3");
    assert!(line.contains("z3 is not on the PATH") && line.contains("apt-get install z3"));
}

#[test]
fn prove_refuses_a_solver_it_does_not_know() {
    let out = pleg_spec(&["prove", "--solver", "yices"]);
    refused(&out, "--solver yices");
}
