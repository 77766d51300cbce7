//! The command line, fuzzed: random argument vectors built from the real clap definition —
//! every subcommand, every long option, each option's possible values plus a pool of edge
//! values (zero, negative, overflowing, empty, malformed).
//!
//! Two properties. In-process, for thousands of vectors: parsing and validating as `main` does
//! never panics, and a refusal is one non-empty line. Through the real binary, for hundreds:
//! the exit status is 0, 1 or 2 (never a panic's 101, an abort's 134 or an internal error's
//! 70); a refusal is exactly the line validation predicted, on stderr, with nothing on stdout,
//! and leaves no file behind; and `--json` output validates against
//! docs/schema/pleg-spec.schema.json. The binary runs
//! only the vectors that are refused, ask for help, or check one design at sizes of at most 2
//! — the rest could ask for hours of search, which is the user's right, not a bug.

use clap::{CommandFactory, Parser};
use pleg_core::{Design, Named};
use pleg_spec::cli::{first_line, Cli, Command};
use pleg_spec::validate::plan_check;
use proptest::prelude::*;
use std::path::Path;

mod common;

/// Values every option may be handed, beside its own possible values.
const EDGES: [&str; 16] = [
    "0",
    "1",
    "2",
    "3",
    "none",
    "every",
    "-1",
    "x",
    "",
    "18446744073709551615",
    "99999999999",
    "1,2",
    "1,,2",
    "s.v0.t",
    "[p.c]*2",
    "/nonexistent/dir/f",
];

/// A long option and the values it may take (none for a flag).
type Flag = (String, Vec<String>);

/// Each subcommand's long options.
fn vocabulary() -> Vec<(String, Vec<Flag>)> {
    Cli::command()
        .get_subcommands()
        .map(|sub| {
            let options = sub
                .get_arguments()
                .filter_map(|a| {
                    let long = a.get_long()?;
                    let values = if a.get_action().takes_values() {
                        let own = a.get_possible_values();
                        own.iter()
                            .map(|v| v.get_name().to_owned())
                            .chain(EDGES.iter().map(|e| (*e).to_owned()))
                            .collect()
                    } else {
                        Vec::new()
                    };
                    Some((format!("--{long}"), values))
                })
                .collect();
            (sub.get_name().to_owned(), options)
        })
        .collect()
}

/// Appends the options `picks` chooses (an option and one of its values, each modulo).
fn push_options(argv: &mut Vec<String>, options: &[Flag], picks: &[(usize, usize)]) {
    for &(o, v) in picks {
        let (flag, values) = &options[o % options.len()];
        argv.push(flag.clone());
        if !values.is_empty() {
            argv.push(values[v % values.len()].clone());
        }
    }
}

/// An argument vector: a subcommand and up to six options, each with one of its values.
fn argv() -> impl Strategy<Value = Vec<String>> {
    let vocabulary = vocabulary();
    let subs = vocabulary.len();
    (
        0..subs,
        prop::collection::vec((any::<usize>(), any::<usize>()), 0..7),
    )
        .prop_map(move |(sub, picks)| {
            let (name, options) = &vocabulary[sub];
            let mut argv = vec!["pleg-spec".to_owned(), name.clone()];
            push_options(&mut argv, options, &picks);
            argv
        })
}

/// What `main` would refuse the vector with, if anything, without running a check.
fn refusal(argv: &[String]) -> Option<String> {
    match Cli::try_parse_from(argv) {
        Err(e) if !e.use_stderr() => None,
        Err(e) => Some(first_line(&e.render().to_string())),
        Ok(cli) => match cli.command? {
            Command::Check(args) => plan_check(&args, Some(1)).err(),
            Command::Replay(args) => args.scenario.scenario("replay").err(),
            _ => None,
        },
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(ProptestConfig::default().cases.max(3000)))]

    #[test]
    fn no_argument_vector_panics_and_every_refusal_is_one_line(argv in argv()) {
        let answer = std::panic::catch_unwind(|| refusal(&argv));
        prop_assert!(answer.is_ok(), "a panic on {:?}", argv);
        if let Some(line) = answer.unwrap() {
            prop_assert!(!line.trim().is_empty(), "an empty refusal of {:?}", argv);
            prop_assert_eq!(line.lines().count(), 1, "{:?}: {}", argv, line);
        }
    }
}

/// A vector more likely to be accepted: `check` or `replay` of one design, options with their
/// own values or small sizes only — random vectors are nearly all refused.
fn plausible_argv() -> impl Strategy<Value = Vec<String>> {
    let vocabulary = vocabulary();
    let small = ["1", "2"];
    let plausible = move |sub: &str| -> Vec<Flag> {
        let (_, options) = vocabulary.iter().find(|(name, _)| name == sub).unwrap();
        options
            .iter()
            .filter(|(flag, _)| {
                !["--design", "--checker", "--svg", "--play"].contains(&flag.as_str())
            })
            .map(|(flag, values)| {
                let own: Vec<String> = values
                    .iter()
                    .filter(|v| !EDGES.contains(&v.as_str()))
                    .cloned()
                    .collect();
                let values = match (values.is_empty(), own.is_empty()) {
                    (true, _) => Vec::new(),
                    (false, false) => own,
                    (false, true) => small.iter().map(|v| (*v).to_owned()).collect(),
                };
                (flag.clone(), values)
            })
            .collect()
    };
    let (check, replay) = (plausible("check"), plausible("replay"));
    (
        any::<bool>(),
        0..Design::ALL.len(),
        prop::sample::select(["loom", "shuttle-random", "shuttle-pct", "explicit"].as_slice()),
        prop::collection::vec((any::<usize>(), any::<usize>()), 0..5),
    )
        .prop_map(move |(is_check, design, checker, picks)| {
            let (sub, options) = if is_check {
                ("check", &check)
            } else {
                ("replay", &replay)
            };
            let mut argv = ["pleg-spec", sub, "--design", Design::ALL[design].name()]
                .map(str::to_owned)
                .to_vec();
            let how = if is_check {
                ["--checker", checker]
            } else {
                ["--path", "s.v0.v1.t"]
            };
            argv.extend(how.map(str::to_owned));
            push_options(&mut argv, options, &picks);
            argv
        })
}

/// Whether the binary answers `argv` quickly: a refusal, help, or one design at tiny sizes.
fn quick(argv: &[String], refused: bool) -> bool {
    let has = |word: &str| argv.iter().any(|a| a == word);
    let tiny = argv
        .iter()
        .filter_map(|a| a.parse::<u64>().ok())
        .all(|n| n <= 2);
    let one_design = matches!(argv[1].as_str(), "check" | "replay") && has("--design");
    refused || has("--help") || (one_design && tiny && !has("none") && !has("--unreduced"))
}

/// What one run of the binary showed, for the non-vacuity counts.
#[derive(Debug, Default)]
struct Seen {
    runs: usize,
    refused: usize,
    answered: usize,
    json_validated: usize,
}

/// Runs the binary on `argv` and holds its answer to the properties above.
fn judge(argv: &[String], seen: &mut Seen, dir: &Path) -> Result<(), TestCaseError> {
    let predicted = refusal(argv);
    if !quick(argv, predicted.is_some()) {
        return Ok(());
    }
    let args: Vec<&str> = argv[1..].iter().map(String::as_str).collect();
    let out = common::pleg_spec_in(dir, &args);
    seen.runs += 1;
    let code = out.status.code();
    let stderr = String::from_utf8_lossy(&out.stderr);
    prop_assert!(
        matches!(code, Some(0..=2)),
        "{:?} exited {:?}: {}",
        argv,
        code,
        stderr
    );
    let left: Vec<_> = std::fs::read_dir(dir).unwrap().flatten().collect();
    for entry in &left {
        std::fs::remove_file(entry.path()).unwrap();
    }
    if code == Some(2) {
        seen.refused += 1;
        common::refused(&out, &format!("{argv:?}"));
        prop_assert!(
            left.is_empty(),
            "{:?} was refused and left {:?}",
            argv,
            left
        );
    }
    // An output path is opened first, so its refusal may come before the predicted one.
    let opens_a_file = argv.iter().any(|a| a.starts_with('/'));
    if let (Some(line), false) = (&predicted, opens_a_file) {
        let line = line.strip_prefix("error: ").unwrap_or(line);
        prop_assert_eq!(
            stderr.trim_end(),
            format!("pleg-spec: {line}"),
            "{:?}",
            argv
        );
    }
    if predicted.is_none() && code != Some(2) && !argv.iter().any(|a| a == "--help") {
        seen.answered += 1;
        if argv.iter().any(|a| a == "--json") {
            let value: serde_json::Value = serde_json::from_slice(&out.stdout)
                .map_err(|e| TestCaseError::fail(format!("{argv:?}: not JSON: {e}")))?;
            prop_assert_eq!(common::schema_errors(&value), None, "{:?}", argv);
            seen.json_validated += 1;
        }
    }
    Ok(())
}

#[test]
fn the_binary_answers_every_vector_with_a_true_status() {
    use proptest::test_runner::{Config, TestRunner};
    // CI asks for more with PROPTEST_CASES (ci/fuzz.sh); never fewer than 600.
    let cases = Config::default().cases.max(600);
    let mut runner = TestRunner::new(Config::with_cases(cases));
    let seen = std::cell::RefCell::new(Seen::default());
    let vectors = prop_oneof![argv(), plausible_argv()];
    // Relative output paths (`--svg 0`) land here, not in the source tree.
    let dir = tempfile::tempdir().expect("a scratch directory");
    let result = runner.run(&vectors, |argv| {
        judge(&argv, &mut seen.borrow_mut(), dir.path())
    });
    if let Err(failure) = result {
        panic!("{failure}");
    }
    // The properties were held to real answers, not only to refusals.
    let seen = seen.into_inner();
    assert!(seen.refused >= 100, "{seen:?}");
    assert!(seen.answered >= 50, "{seen:?}");
    assert!(seen.json_validated >= 5, "{seen:?}");
}

/// The vocabulary is the real one: every subcommand, and the options a user reads in `--help`.
#[test]
fn the_vocabulary_is_the_command_lines() {
    let words = vocabulary();
    let names: Vec<&str> = words.iter().map(|(n, _)| n.as_str()).collect();
    for sub in [
        "check", "replay", "scale", "designs", "laws", "prove", "play",
    ] {
        assert!(names.contains(&sub), "{sub} missing from {names:?}");
    }
    let check = &words.iter().find(|(n, _)| n == "check").unwrap().1;
    let checker = check.iter().find(|(f, _)| f == "--checker").unwrap();
    assert!(checker.1.contains(&"explicit".to_owned()));
    assert!(
        !checker.1.contains(&"replay".to_owned()),
        "replay is not a --checker value"
    );
}
