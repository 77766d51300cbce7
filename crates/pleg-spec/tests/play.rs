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
            "Try to hang kubelet 1.14",
            "Lose an update with the fix",
            "Evented PLEG's stall",
            "kubelet's own retry gate"
        ]
    );
    // From the exhaustive search: how far each goal is from the start (level 2's: nowhere).
    let start_distance: Vec<serde_json::Value> = levels
        .iter()
        .map(|l| l["states"][0]["distance"].clone())
        .collect();
    assert_eq!(
        start_distance,
        [
            4.into(),
            serde_json::Value::Null,
            18.into(),
            6.into(),
            4.into()
        ]
    );
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
        assert_eq!(level["goal"][0], "deadlock", "{checker}");
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
