//! The explicit checker's moves, and a path of them written as one short, pasteable token.
//!
//! A move is one atomic step of one actor, at the granularity of kubelet's statements:
//!
//! | token | actor | move |
//! |---|---|---|
//! | `s` | relist | a relist starts: `updateRelistTime`, compare podRecords |
//! | `v7` | relist | visit pod 7: pod cache, `podRecords.update`, send (or discard) its event |
//! | `f` | relist | all relists ran (end of the bounded run); the channel closes |
//! | `t` | clock | one tick |
//! | `p` | syncLoop | the gate is open: pass it |
//! | `r` | syncLoop | the gate is closed: skip, back off, retry (kubelet's retry gate) |
//! | `c` | syncLoop | syncLoopIteration consumes one event and syncs its pod from the pod cache |
//! | `x` | syncLoop | the channel is closed and drained: return |
//!
//! Tokens are joined by `.`; `v3-7` visits pods 3, 4, 5, 6, 7 in turn; `TOKEN*N` repeats a
//! token, `[TOKENS]*N` a group — so a burst of a thousand sends stays a few characters long.

use pleg_core::Actor;
use std::fmt;

/// One atomic step of one actor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Move {
    Start,
    Visit(u32),
    Finish,
    Tick,
    Pass,
    Retry,
    Receive,
    Exit,
}

impl Move {
    pub fn actor(self) -> Actor {
        match self {
            Move::Start | Move::Visit(_) | Move::Finish => Actor::Relist,
            Move::Tick => Actor::Clock,
            Move::Pass | Move::Retry | Move::Receive | Move::Exit => Actor::SyncLoop,
        }
    }

    fn token(self) -> String {
        match self {
            Move::Start => "s".into(),
            Move::Visit(p) => format!("v{p}"),
            Move::Finish => "f".into(),
            Move::Tick => "t".into(),
            Move::Pass => "p".into(),
            Move::Retry => "r".into(),
            Move::Receive => "c".into(),
            Move::Exit => "x".into(),
        }
    }
}

/// A path: the moves from the initial state, in order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Path(pub Vec<Move>);

impl fmt::Display for Path {
    /// The compressed token: runs of consecutive visits, repeated tokens and repeated
    /// pass-consume pairs are folded.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let moves = &self.0;
        let mut items = Vec::new();
        let mut i = 0;
        while i < moves.len() {
            let mv = moves[i];
            let same = moves[i..].iter().take_while(|&&m| m == mv).count();
            if let Move::Visit(first) = mv {
                let run = (1..)
                    .zip(&moves[i + 1..])
                    .take_while(|&(k, &m)| m == Move::Visit(first + k))
                    .count();
                if run >= 2 {
                    items.push(format!("v{first}-{}", first + run as u32));
                    i += run + 1;
                    continue;
                }
            }
            let pairs = moves[i..]
                .chunks_exact(2)
                .take_while(|pair| pair == &[Move::Pass, Move::Receive])
                .count();
            if pairs >= 2 {
                items.push(format!("[p.c]*{pairs}"));
                i += 2 * pairs;
            } else if same >= 3 {
                items.push(format!("{}*{same}", mv.token()));
                i += same;
            } else {
                items.push(mv.token());
                i += 1;
            }
        }
        f.write_str(&items.join("."))
    }
}

impl std::str::FromStr for Path {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let mut moves = Vec::new();
        parse_items(text.trim(), &mut moves)?;
        Ok(Path(moves))
    }
}

/// The longest path a token may unfold to: far beyond any counterexample, far below memory.
const MAX_MOVES: usize = 50_000_000;

fn parse_items(text: &str, out: &mut Vec<Move>) -> Result<(), String> {
    if text.is_empty() {
        return Ok(());
    }
    let mut rest = text;
    while !rest.is_empty() {
        let (item, tail) = split_item(rest)?;
        let repeat = |n: &str| {
            n.parse::<usize>()
                .map_err(|_| format!("malformed path: bad repeat count in '{item}'"))
        };
        let (body, times) = if item.starts_with('[') {
            let close = item.rfind(']').ok_or("malformed path: unbalanced '['")?;
            match item[close + 1..].strip_prefix('*') {
                Some(n) => (&item[..=close], repeat(n)?),
                None if close + 1 == item.len() => (item, 1),
                None => return Err(format!("malformed path: bad group '{item}'")),
            }
        } else {
            match item.split_once('*') {
                Some((body, n)) => (body, repeat(n)?),
                None => (item, 1),
            }
        };
        let mut once = Vec::new();
        if let Some(group) = body.strip_prefix('[').and_then(|b| b.strip_suffix(']')) {
            parse_items(group, &mut once)?;
        } else {
            parse_atom(body, &mut once)?;
        }
        if out.len() + once.len().saturating_mul(times) > MAX_MOVES {
            return Err(format!(
                "malformed path: unfolds to more than {MAX_MOVES} moves"
            ));
        }
        for _ in 0..times {
            out.extend_from_slice(&once);
        }
        rest = tail;
    }
    Ok(())
}

/// The first item of `text` (a group's brackets kept whole) and what follows its `.`.
fn split_item(text: &str) -> Result<(&str, &str), String> {
    let mut depth = 0i32;
    for (i, ch) in text.char_indices() {
        match ch {
            '[' => depth += 1,
            ']' => depth -= 1,
            '.' if depth == 0 => return Ok((&text[..i], &text[i + 1..])),
            _ => {}
        }
        if depth < 0 {
            return Err("malformed path: unbalanced ']'".into());
        }
    }
    if depth != 0 {
        return Err("malformed path: unbalanced '['".into());
    }
    Ok((text, ""))
}

fn parse_atom(atom: &str, out: &mut Vec<Move>) -> Result<(), String> {
    let mv = match atom {
        "s" => Move::Start,
        "f" => Move::Finish,
        "t" => Move::Tick,
        "p" => Move::Pass,
        "r" => Move::Retry,
        "c" => Move::Receive,
        "x" => Move::Exit,
        _ => {
            let pods = atom
                .strip_prefix('v')
                .ok_or_else(|| format!("malformed path: unknown move '{atom}'"))?;
            let number = |s: &str| {
                s.parse::<u32>()
                    .map_err(|_| format!("malformed path: bad pod in '{atom}'"))
            };
            match pods.split_once('-') {
                Some((a, b)) => {
                    let (a, b) = (number(a)?, number(b)?);
                    if b < a || (b - a) as usize > MAX_MOVES {
                        return Err(format!("malformed path: bad range '{atom}'"));
                    }
                    out.extend((a..=b).map(Move::Visit));
                    return Ok(());
                }
                None => Move::Visit(number(pods)?),
            }
        }
    };
    out.push(mv);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_round_trips_through_its_token_and_folds_runs() {
        let mut moves = vec![Move::Start];
        moves.extend((0..1000).map(Move::Visit));
        moves.extend([Move::Tick, Move::Retry, Move::Retry, Move::Retry]);
        for _ in 0..5 {
            moves.extend([Move::Pass, Move::Receive]);
        }
        moves.extend([Move::Visit(3), Move::Visit(1), Move::Finish, Move::Exit]);
        let path = Path(moves);
        let token = path.to_string();
        assert_eq!(token, "s.v0-999.t.r*3.[p.c]*5.v3.v1.f.x");
        assert_eq!(token.parse::<Path>(), Ok(path));
    }

    #[test]
    fn malformed_paths_are_errors() {
        assert_eq!("[c*3]".parse::<Path>(), Ok(Path(vec![Move::Receive; 3])));
        for bad in [
            "q",
            "v",
            "vx",
            "v5-2",
            "[p.c",
            "p.c]",
            "c*x",
            "[c]x",
            "v0-4294967295",
        ] {
            let err = bad.parse::<Path>().unwrap_err();
            assert!(err.starts_with("malformed path"), "{bad}: {err}");
        }
        let huge = "[[c*100000]*100000]*100000".parse::<Path>().unwrap_err();
        assert!(huge.contains("more than"), "{huge}");
    }
}
