//! `pleg-spec play` and `--play`: the page's data, a counterexample opened at its trace, the
//! refusal of a page too large to embed, and serving. (The page itself is played in a real
//! browser by ci/play-check.sh.)

mod common;

use common::{check, pleg_spec};
use std::process::Command;

/// The page's embedded data: the levels, and where it opens.
fn page_data(html: &str) -> serde_json::Value {
    let start = html
        .find(r#"<script id="pleg-data" type="application/json">"#)
        .expect("the data element");
    let rest = &html[start..];
    let json = &rest[rest.find('>').unwrap() + 1..rest.find("</script>").unwrap()];
    serde_json::from_str(json).expect("the embedded data is JSON")
}

#[test]
fn play_writes_one_self_contained_page_with_every_level() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let path = dir.join("play.html");
    let out = pleg_spec(&["play", "--out", path.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let html = std::fs::read_to_string(&path).unwrap();
    assert!(
        !html.contains("<script src") && !html.contains("<link"),
        "nothing to fetch"
    );
    assert!(!html.contains("https://") && !html.contains("http://"));
    let data = page_data(&html);
    let levels = data["levels"].as_array().unwrap();
    let titles: Vec<&str> = levels
        .iter()
        .map(|l| l["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles,
        [
            "Hang kubelet 1.12",
            "Find the discarded event (kubelet 1.14)",
            "Lose an update with the fix",
            "Evented PLEG's stall",
            "One pod, kubelet's own retry gate"
        ]
    );
    // Each level says what sets it off in a real kubelet, with the version it holds for.
    for level in levels {
        let trigger = level["trigger"].as_str().unwrap_or_default();
        assert!(
            trigger.contains("kubelet") && trigger.len() > 100,
            "{trigger}"
        );
    }
    // From the exhaustive search: how far each goal is from the start.
    let start_distance: Vec<serde_json::Value> = levels
        .iter()
        .map(|l| l["states"][0]["distance"].clone())
        .collect();
    let expected: Vec<serde_json::Value> = [4, LEVEL_2, 18, 6, 9].map(Into::into).to_vec();
    assert_eq!(start_distance, expected);
}

/// The data of a page `pleg-spec play` writes.
fn written_page_data() -> serde_json::Value {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("play.html");
    assert!(pleg_spec(&["play", "--out", path.to_str().unwrap()])
        .status
        .success());
    page_data(&std::fs::read_to_string(&path).unwrap())
}

/// A shortest way to win `level`: from the start, always a move one step closer to the goal.
fn shortest_win(level: &serde_json::Value) -> Vec<String> {
    let states = level["states"].as_array().unwrap();
    let (mut at, mut path) = (0, Vec::new());
    while states[at]["won"].is_null() {
        let d = states[at]["distance"]
            .as_u64()
            .expect("the goal is reachable");
        let moves = states[at]["actors"].as_array().unwrap().iter();
        let step = moves
            .flat_map(|a| a["moves"].as_array().unwrap())
            .find(|m| states[m["to"].as_u64().unwrap() as usize]["distance"] == d - 1)
            .expect("a move towards the goal");
        path.push(step["token"].as_str().unwrap().to_owned());
        at = step["to"].as_u64().unwrap() as usize;
    }
    path
}

/// Whether `path` is a way through `level` that ends in a state winning it.
fn wins(level: &serde_json::Value, path: &[String]) -> bool {
    let states = level["states"].as_array().unwrap();
    let mut at = 0;
    for token in path {
        let mut moves = states[at]["actors"].as_array().unwrap().iter();
        let Some(m) = moves.find_map(|a| {
            let list = a["moves"].as_array().unwrap();
            list.iter().find(|m| m["token"] == token.as_str())
        }) else {
            return false;
        };
        at = m["to"].as_u64().unwrap() as usize;
    }
    !states[at]["won"].is_null()
}

/// No two levels are won the same way: a shortest win of one level does not win another.
#[test]
fn no_level_is_won_by_another_levels_moves() {
    let data = written_page_data();
    let levels = data["levels"].as_array().unwrap();
    for (i, a) in levels.iter().enumerate() {
        let win = shortest_win(a);
        assert!(wins(a, &win), "level {}: {win:?}", i + 1);
        for (j, b) in levels.iter().enumerate().filter(|&(j, _)| j != i) {
            let same = wins(b, &win);
            assert!(!same, "level {}'s win {win:?} wins level {}", i + 1, j + 1);
        }
    }
}

/// Level 2's goal (a discarded event, repaired by the resync): start the relist, visit both pods
/// (the second is discarded), let syncLoop pass the gate, receive, return, and the clock run out.
const LEVEL_2: u64 = 10;

/// Every level teaches with its own win: no two levels' goals are alike, level 2 has no stall
/// anywhere, and each stall level draws its wait-for cycle.
#[test]
fn each_level_has_its_own_goal_and_the_stalls_draw_their_cycle() {
    let data = written_page_data();
    let levels = data["levels"].as_array().unwrap();
    let goals: Vec<&str> = levels.iter().map(|l| l["goal"].as_str().unwrap()).collect();
    let mut unique = goals.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), goals.len(), "{goals:?}");
    assert_eq!(levels[1]["stalls"], 0, "kubelet 1.14's level has no stall");
    for (level, cycle) in [(0, "deadlock"), (3, "gated-stall"), (4, "livelock")] {
        let svg = levels[level]["cycles"][cycle].as_str().unwrap_or_default();
        assert!(
            svg.contains("class=\"wait-for\""),
            "level {}: {cycle}",
            level + 1
        );
    }
    // Each state marks one line per goroutine, inside its listing.
    for level in levels {
        let code = level["code"].as_array().unwrap();
        for state in level["states"].as_array().unwrap() {
            for (actor, listing) in state["actors"].as_array().unwrap().iter().zip(code) {
                assert_eq!(actor["name"], listing["actor"]);
                let line = actor["line"].as_u64().unwrap() as usize;
                assert!(line < listing["lines"].as_array().unwrap().len());
            }
        }
    }
}

/// A counterexample of any checker opens in the page at its own trace.
#[test]
fn check_play_opens_the_page_at_the_counterexample() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    for (checker, path) in [
        ("explicit", "s.v0.v1.t"),
        ("loom", "s.v0.v1.t"),
        ("shuttle-pct", ""),
    ] {
        let file = dir.join(format!("{checker}.html"));
        let out = check(
            "blocking",
            checker,
            &[
                "--capacity",
                "1",
                "--events",
                "2",
                "--play",
                file.to_str().unwrap(),
            ],
        );
        assert!(
            out.status.success(),
            "{checker}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let data = page_data(&std::fs::read_to_string(&file).unwrap());
        let level = &data["levels"][0];
        assert_eq!(level["goal"], "deadlock", "{checker}");
        let start = data["start"]["path"].as_str().unwrap();
        if !path.is_empty() {
            assert_eq!(start, path, "{checker}");
        }
        // The start path leads to a state showing the counterexample's verdict.
        let mut at = 0;
        for token in start.split('.').filter(|t| !t.is_empty()) {
            let moves: Vec<&serde_json::Value> = level["states"][at]["actors"]
                .as_array()
                .unwrap()
                .iter()
                .flat_map(|a| a["moves"].as_array().unwrap())
                .collect();
            let m = moves
                .iter()
                .find(|m| m["token"] == token)
                .expect("the move exists");
            at = m["to"].as_u64().unwrap() as usize;
        }
        assert_eq!(level["states"][at]["verdict"], "deadlock", "{checker}");
    }
}

#[test]
fn a_page_too_large_to_embed_is_refused_in_one_line() {
    let out = check(
        "blocking",
        "explicit",
        &[
            "--capacity",
            "1000",
            "--events",
            "1001",
            "--play",
            "/dev/null",
        ],
    );
    // The check ran and printed its verdict; only the page is refused.
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    // It says why in the page's terms: the user never asked for --unreduced.
    assert!(
        stderr.contains("a play page embeds every state"),
        "{stderr}"
    );
    assert!(!stderr.contains("--unreduced"), "{stderr}");
}

/// `play --serve` serves the page at the address it prints (read from its output, then
/// fetched; no sleeping).
/// A served page's server, stopped however the test ends: a failed assertion must not leave it
/// running (it would hold the test's output open).
struct Stopped(std::process::Child);

impl Drop for Stopped {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn play_serve_serves_the_page_it_wrote() {
    use std::io::{BufRead, BufReader, Read, Write};
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let file = dir.join("served.html");
    let mut server = Stopped(
        Command::new(env!("CARGO_BIN_EXE_pleg-spec"))
            .args(["play", "--serve", "--out", file.to_str().unwrap()])
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let mut lines = BufReader::new(server.0.stdout.take().unwrap()).lines();
    let address = lines
        .find_map(|l| {
            let l = l.ok()?;
            let start = l.find("http://")?;
            Some(
                l[start..]
                    .split_whitespace()
                    .next()?
                    .trim_end_matches('/')
                    .to_owned(),
            )
        })
        .expect("the server prints its address");
    let host = address.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(host).unwrap();
    write!(
        stream,
        "GET / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    drop(server);
    assert!(
        response.starts_with("HTTP/1.1 200 OK"),
        "{}",
        &response[..80]
    );
    let served = &response[response.find("\r\n\r\n").unwrap() + 4..];
    assert_eq!(served, std::fs::read_to_string(&file).unwrap());
}

/// Every solved link in the guide's table of levels wins its level.
#[test]
fn the_guides_solved_links_win_their_levels() {
    let data = written_page_data();
    let guide = include_str!("../../../docs/guide.md");
    let links: Vec<&str> = guide
        .split('`')
        .filter(|s| s.starts_with("#level="))
        .collect();
    let levels = data["levels"].as_array().unwrap();
    assert_eq!(links.len(), levels.len(), "one per level: {links:?}");
    for link in links {
        let (level, moves) = link
            .trim_start_matches("#level=")
            .split_once("&path=")
            .expect("level and path");
        let level = &levels[level.parse::<usize>().unwrap() - 1];
        let path: Vec<String> = moves.split('.').map(str::to_owned).collect();
        assert!(wins(level, &path), "{link} does not win");
    }
}

/// Every sentence the page can show, from every state of every level, is free of the slips a
/// learner once met: a singular count with a plural noun, a doubled word, two words run together,
/// a missing value. (The screens are built from these strings alone.)
#[test]
fn no_sentence_on_the_page_has_a_slip() {
    fn strings<'a>(value: &'a serde_json::Value, out: &mut Vec<&'a str>) {
        match value {
            serde_json::Value::String(s) => out.push(s),
            serde_json::Value::Array(items) => items.iter().for_each(|v| strings(v, out)),
            serde_json::Value::Object(map) => map.values().for_each(|v| strings(v, out)),
            _ => {}
        }
    }
    let data = written_page_data();
    let mut all = Vec::new();
    strings(&data, &mut all);
    let slips = [
        " 1 ticks",
        " 1 events",
        " 1 pods",
        " 1 moves",
        " 1 states",
        " 1 slots",
        "relist relist",
        "syncLoop syncLoop",
        "syncLooppasses",
        "syncLoopskips",
        "the the ",
        "null",
        "undefined",
        "NaN",
        "  ",
    ];
    let mut checked = 0;
    for text in all.iter().filter(|s| !s.trim_start().starts_with('<')) {
        // Code listings are indented; the rest of a line is a sentence.
        let text = text.trim_start();
        for slip in slips {
            assert!(!text.contains(slip), "{slip:?} in {text:?}");
        }
        checked += 1;
    }
    assert!(checked > 1000, "only {checked} sentences checked");
}
