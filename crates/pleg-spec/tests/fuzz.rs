//! The command line, fuzzed: random argument vectors built from the real clap definition —
//! every subcommand, every long option, each option's possible values plus a pool of edge
//! values (zero, negative, overflowing, empty, malformed) — parsed and validated as `main` does.
//! For every one: no panic, and a refusal is one non-empty line. (That a refusal then exits 2
//! with nothing on stdout is `main`'s one path for every refusal, pinned in `tests/cli.rs`.)

use clap::{CommandFactory, Parser};
use pleg_spec::cli::{first_line, Cli, Command};
use pleg_spec::validate::plan_check;
use proptest::prelude::*;

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
            for (o, v) in picks {
                let (flag, values) = &options[o % options.len()];
                argv.push(flag.clone());
                if !values.is_empty() {
                    argv.push(values[v % values.len()].clone());
                }
            }
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
    #![proptest_config(ProptestConfig::with_cases(3000))]

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
