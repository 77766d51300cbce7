//! The explicit machines' moves — one table — and a path of them as one short, pasteable token.
//!
//! A move is one atomic step of one actor, at the granularity of kubelet's statements. The
//! table below ([`Kind`]) is the one place a move is named: its token, its actor, its label on
//! the play page and its key there. `Display` and `FromStr` of a path, the play page's buttons
//! and its key map all read it, so adding a move is one row here (and its rule in the machines).
//!
//! | token | actor | move |
//! |---|---|---|
//! | `s` | relist | a relist starts: list the pods, `updateRelistTime` |
//! | `v7` | relist | visit pod 7, which changed since it was last listed: pod cache, `podRecords.update`, send (or discard) its event |
//! | `v7+0` | relist | visit pod 7, which did not change again but whose record still lags (a design that records only what was delivered) |
//! | `w` | relist | the send relist was blocked in goes through |
//! | `e` | relist | no more changed pods this relist: `cache.UpdateTime` |
//! | `f` | relist | all relists ran (end of the bounded run); the channel closes |
//! | `t` | clock | one tick |
//! | `p` | syncLoop | the gate is open: pass it |
//! | `r` | syncLoop | the gate is closed: skip, back off, retry (kubelet's retry gate) |
//! | `c` | syncLoop | syncLoopIteration consumes one event and syncs its pod from the pod cache |
//! | `x` | syncLoop | the channel is closed and drained: return |
//!
//! Tokens are joined by `.`; `v3-7` visits pods 3, 4, 5, 6, 7 in turn (one change each);
//! `TOKEN*N` repeats a token, `[TOKENS]*N` a group — so a burst of a thousand sends stays a few
//! characters long.

use pleg_core::{Actor, Named};
use std::fmt;

pleg_core::named! {
    /// What a move does, by its token: the move table.
    pub enum Kind: "move" {
        Start = "s",
        Visit = "v",
        Send = "w",
        EndRelist = "e",
        Finish = "f",
        Tick = "t",
        Pass = "p",
        Retry = "r",
        Receive = "c",
        Exit = "x",
    }
}

impl Kind {
    /// The actor that takes it.
    pub fn actor(self) -> Actor {
        match self {
            Kind::Start | Kind::Visit | Kind::Send | Kind::EndRelist | Kind::Finish => {
                Actor::Relist
            }
            Kind::Tick => Actor::Clock,
            Kind::Pass | Kind::Retry | Kind::Receive | Kind::Exit => Actor::SyncLoop,
        }
    }

    /// Its label on a Step button (`{pod}` stands for a visit's pod).
    pub fn label(self) -> &'static str {
        match self {
            Kind::Start => "start the relist",
            Kind::Visit => "visit pod {pod}",
            Kind::Send => "the blocked send goes through",
            Kind::EndRelist => "no more changed pods: end the relist",
            Kind::Finish => "finish",
            Kind::Tick => "tick",
            Kind::Pass => "pass the gate",
            Kind::Retry => "skip, sleep, retry",
            Kind::Receive => "take one event",
            Kind::Exit => "return",
        }
    }

    /// The key that takes it on the play page: its actor's key, a digit for a visit's pod, and
    /// its own key where one actor has two moves a learner must tell apart.
    pub fn key(self) -> &'static str {
        match self {
            Kind::Visit => "0-9",
            Kind::EndRelist => "e",
            _ => actor_key(self.actor()),
        }
    }
}

/// The key that takes an actor's first move on the play page.
pub fn actor_key(actor: Actor) -> &'static str {
    match actor {
        Actor::Relist => "r",
        Actor::SyncLoop => "s",
        Actor::Clock => "c",
    }
}

/// One atomic step of one actor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Move {
    Start,
    /// Visit `pod`, which changed (`landed` 1) or not (`landed` 0) since the pod cache last saw
    /// it: the relist lists it at its cache's version plus `landed`.
    Visit {
        pod: u32,
        landed: u32,
    },
    Send,
    EndRelist,
    Finish,
    Tick,
    Pass,
    Retry,
    Receive,
    Exit,
}

impl Move {
    /// Visit `pod`, which changed.
    pub fn visit(pod: u32) -> Move {
        Move::Visit { pod, landed: 1 }
    }

    pub fn kind(self) -> Kind {
        match self {
            Move::Start => Kind::Start,
            Move::Visit { .. } => Kind::Visit,
            Move::Send => Kind::Send,
            Move::EndRelist => Kind::EndRelist,
            Move::Finish => Kind::Finish,
            Move::Tick => Kind::Tick,
            Move::Pass => Kind::Pass,
            Move::Retry => Kind::Retry,
            Move::Receive => Kind::Receive,
            Move::Exit => Kind::Exit,
        }
    }

    pub fn actor(self) -> Actor {
        self.kind().actor()
    }

    /// Its label on a Step button.
    /// The key that takes it on the play page, if one does: [`Kind::key`], with a visit's
    /// `0-9` narrowed to its pod's digit (pods above 9 have none).
    pub fn key(self) -> Option<String> {
        match self {
            Move::Visit { pod, .. } => (pod < 10).then(|| pod.to_string()),
            _ => Some(self.kind().key().to_owned()),
        }
    }

    pub fn label(self) -> String {
        match self {
            Move::Visit { pod, landed } => {
                let label = self.kind().label().replace("{pod}", &pod.to_string());
                match landed {
                    0 => format!("{label} (its record still lags)"),
                    _ => label,
                }
            }
            _ => self.kind().label().to_owned(),
        }
    }

    /// Every move whose kind is not a visit, in the table's order.
    pub fn fixed() -> impl Iterator<Item = Move> {
        Self::RELIST.into_iter().chain(Self::OTHERS)
    }

    /// relist's moves other than visits.
    pub const RELIST: [Move; 4] = [Move::Start, Move::Send, Move::EndRelist, Move::Finish];
    /// The clock's and syncLoop's moves.
    pub const OTHERS: [Move; 5] = [
        Move::Tick,
        Move::Pass,
        Move::Retry,
        Move::Receive,
        Move::Exit,
    ];
}

impl fmt::Display for Move {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.kind().name())?;
        match *self {
            Move::Visit { pod, landed: 1 } => write!(f, "{pod}"),
            Move::Visit { pod, landed } => write!(f, "{pod}+{landed}"),
            _ => Ok(()),
        }
    }
}

/// A path: the moves from the initial state, in order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Path(pub Vec<Move>);

impl fmt::Display for Path {
    /// The compressed token: runs of consecutive one-change visits, repeated tokens and
    /// repeated pass-consume pairs are folded.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let moves = &self.0;
        let mut items = Vec::new();
        let mut i = 0;
        while i < moves.len() {
            let mv = moves[i];
            let same = moves[i..].iter().take_while(|&&m| m == mv).count();
            if let Move::Visit {
                pod: first,
                landed: 1,
            } = mv
            {
                let run = (1..)
                    .zip(&moves[i + 1..])
                    .take_while(|&(k, &m)| m == Move::visit(first + k))
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
                items.push(format!("{mv}*{same}"));
                i += same;
            } else {
                items.push(mv.to_string());
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
pub const MAX_MOVES: usize = 50_000_000;

fn parse_items(text: &str, out: &mut Vec<Move>) -> Result<(), String> {
    if text.is_empty() {
        return Ok(());
    }
    let mut rest = text;
    while !rest.is_empty() {
        let (item, tail) = split_item(rest)?;
        let (body, times) = repetition(item)?;
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

/// An item's body and how many times it repeats (`body*N`, `[group]*N`).
fn repetition(item: &str) -> Result<(&str, usize), String> {
    let repeat = |n: &str| {
        n.parse::<usize>()
            .map_err(|_| format!("malformed path: bad repeat count in '{item}'"))
    };
    if item.starts_with('[') {
        let close = item.rfind(']').ok_or("malformed path: unbalanced '['")?;
        return match item[close + 1..].strip_prefix('*') {
            Some(n) => Ok((&item[..=close], repeat(n)?)),
            None if close + 1 == item.len() => Ok((item, 1)),
            None => Err(format!("malformed path: bad group '{item}'")),
        };
    }
    match item.split_once('*') {
        Some((body, n)) => Ok((body, repeat(n)?)),
        None => Ok((item, 1)),
    }
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

/// One token: a move of the table, or a visit (`v7`, `v7+2`, `v3-7`).
fn parse_atom(atom: &str, out: &mut Vec<Move>) -> Result<(), String> {
    let unknown = || format!("malformed path: unknown move '{atom}'");
    let first = atom.char_indices().nth(1).map_or(atom.len(), |(i, _)| i);
    let (name, argument) = atom.split_at(first);
    let kind: Kind = name.parse().map_err(|_| unknown())?;
    if kind != Kind::Visit {
        let mv = Move::fixed()
            .find(|m| m.kind() == kind)
            .ok_or_else(unknown)?;
        if !argument.is_empty() {
            return Err(unknown());
        }
        out.push(mv);
        return Ok(());
    }
    let number = |s: &str, what: &str| {
        s.parse::<u32>()
            .map_err(|_| format!("malformed path: bad {what} in '{atom}'"))
    };
    if let Some((a, b)) = argument.split_once('-') {
        let (a, b) = (number(a, "pod")?, number(b, "pod")?);
        if b < a || (b - a) as usize > MAX_MOVES {
            return Err(format!("malformed path: bad range '{atom}'"));
        }
        out.extend((a..=b).map(Move::visit));
        return Ok(());
    }
    let (pod, landed) = match argument.split_once('+') {
        Some((pod, landed)) => (number(pod, "pod")?, number(landed, "change count")?),
        None => (number(argument, "pod")?, 1),
    };
    out.push(Move::Visit { pod, landed });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_round_trips_through_its_token_and_folds_runs() {
        let mut moves = vec![Move::Start];
        moves.extend((0..1000).map(Move::visit));
        moves.extend([Move::Tick, Move::Retry, Move::Retry, Move::Retry]);
        for _ in 0..5 {
            moves.extend([Move::Pass, Move::Receive]);
        }
        moves.extend([
            Move::visit(3),
            Move::Visit { pod: 1, landed: 2 },
            Move::Visit { pod: 4, landed: 0 },
            Move::Send,
            Move::EndRelist,
            Move::Finish,
            Move::Exit,
        ]);
        let path = Path(moves);
        let token = path.to_string();
        assert_eq!(token, "s.v0-999.t.r*3.[p.c]*5.v3.v1+2.v4+0.w.e.f.x");
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
            "v1+",
            "v1+x",
            "sx",
            "é",
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

    /// Every kind's token parses back to that kind, and every kind has a label and a key.
    #[test]
    fn the_table_is_whole() {
        for &kind in Kind::ALL {
            let mv = Move::fixed()
                .find(|m| m.kind() == kind)
                .unwrap_or(Move::visit(7));
            assert_eq!(mv.to_string().parse::<Path>(), Ok(Path(vec![mv])));
            assert!(!kind.label().is_empty() && !kind.key().is_empty());
        }
        assert_eq!(Move::visit(7).label(), "visit pod 7");
    }
}
