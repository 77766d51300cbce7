//! Linear integer terms and propositions, written once and read two ways: [`Int::eval`] and
//! [`Prop::holds`] on concrete values (the tests that tie this model to the explicit one), and
//! [`Prop::smt`] as SMT-LIB text (the obligations a solver proves for every size).
//!
//! Multiplication is by a constant only, so every obligation stays in quantifier-free linear
//! integer arithmetic (`QF_LIA`), where solvers answer exactly and fast. The one product the
//! laws need, pods × changes, is a variable of its own (see [`crate::model::Param`]).

use std::collections::BTreeMap;
use std::fmt;

/// A valuation: a value for every variable a term names (booleans as 0 and 1).
pub type Env = BTreeMap<String, i64>;

/// An integer term, its variables named by `V`: by name as the model writes them, or by
/// whatever [`Int::map_vars`] turns the names into (a slot in a slice, for a test that
/// evaluates millions of states).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Int<V = String> {
    Lit(i64),
    Var(V),
    Sum(Vec<Int<V>>),
    /// A constant times a term.
    Scale(i64, Box<Int<V>>),
    Ite(Box<Prop<V>>, Box<Int<V>>, Box<Int<V>>),
}

/// A proposition over integer terms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Prop<V = String> {
    True,
    False,
    Le(Int<V>, Int<V>),
    Eq(Int<V>, Int<V>),
    And(Vec<Prop<V>>),
    Or(Vec<Prop<V>>),
    Not(Box<Prop<V>>),
}

pub fn var(name: impl Into<String>) -> Int {
    Int::Var(name.into())
}

pub fn lit(value: i64) -> Int {
    Int::Lit(value)
}

pub fn all(props: impl IntoIterator<Item = Prop>) -> Prop {
    Prop::And(props.into_iter().collect())
}

pub fn any(props: impl IntoIterator<Item = Prop>) -> Prop {
    Prop::Or(props.into_iter().collect())
}

pub fn not(p: Prop) -> Prop {
    Prop::Not(Box::new(p))
}

pub fn implies(a: Prop, b: Prop) -> Prop {
    any([not(a), b])
}

pub fn ite(c: Prop, t: Int, e: Int) -> Int {
    Int::Ite(Box::new(c), Box::new(t), Box::new(e))
}

impl Int {
    pub fn plus(self, other: impl Into<Int>) -> Int {
        Int::Sum(vec![self, other.into()])
    }
    pub fn minus(self, other: impl Into<Int>) -> Int {
        Int::Sum(vec![self, Int::Scale(-1, Box::new(other.into()))])
    }
    pub fn times(self, k: i64) -> Int {
        Int::Scale(k, Box::new(self))
    }
    pub fn le(self, other: impl Into<Int>) -> Prop {
        Prop::Le(self, other.into())
    }
    pub fn lt(self, other: impl Into<Int>) -> Prop {
        Prop::Le(self.plus(1), other.into())
    }
    pub fn ge(self, other: impl Into<Int>) -> Prop {
        Prop::Le(other.into(), self)
    }
    pub fn gt(self, other: impl Into<Int>) -> Prop {
        other.into().lt(self)
    }
    pub fn eq(self, other: impl Into<Int>) -> Prop {
        Prop::Eq(self, other.into())
    }
    pub fn ne(self, other: impl Into<Int>) -> Prop {
        not(self.eq(other))
    }

    /// Its value under `env`; a variable `env` lacks is a bug of the caller.
    pub fn eval(&self, env: &Env) -> i64 {
        self.value(&|name| lookup(env, name))
    }
}

impl<V> Int<V> {
    /// Its value, each variable's value given by `of`.
    pub fn value(&self, of: &impl Fn(&V) -> i64) -> i64 {
        match self {
            Int::Lit(v) => *v,
            Int::Var(name) => of(name),
            Int::Sum(terms) => terms.iter().map(|t| t.value(of)).sum(),
            Int::Scale(k, t) => k * t.value(of),
            Int::Ite(c, t, e) => {
                if c.is_true(of) {
                    t.value(of)
                } else {
                    e.value(of)
                }
            }
        }
    }

    /// Its value where `of` knows every variable it names; `None` where it does not.
    pub fn partial(&self, of: &impl Fn(&V) -> Option<i64>) -> Option<i64> {
        match self {
            Int::Lit(v) => Some(*v),
            Int::Var(name) => of(name),
            Int::Sum(terms) => terms.iter().map(|t| t.partial(of)).sum(),
            Int::Scale(k, t) => t.partial(of).map(|v| k * v),
            Int::Ite(c, t, e) => match c.partial(of)? {
                true => t.partial(of),
                false => e.partial(of),
            },
        }
    }

    /// It with every variable renamed by `rename`.
    pub fn map_vars<W>(&self, rename: &impl Fn(&V) -> W) -> Int<W> {
        match self {
            Int::Lit(v) => Int::Lit(*v),
            Int::Var(name) => Int::Var(rename(name)),
            Int::Sum(terms) => Int::Sum(terms.iter().map(|t| t.map_vars(rename)).collect()),
            Int::Scale(k, t) => Int::Scale(*k, Box::new(t.map_vars(rename))),
            Int::Ite(c, t, e) => Int::Ite(
                Box::new(c.map_vars(rename)),
                Box::new(t.map_vars(rename)),
                Box::new(e.map_vars(rename)),
            ),
        }
    }

    fn vars(&self, out: &mut Vec<V>)
    where
        V: Clone,
    {
        match self {
            Int::Lit(_) => {}
            Int::Var(name) => out.push(name.clone()),
            Int::Sum(terms) => terms.iter().for_each(|t| t.vars(out)),
            Int::Scale(_, t) => t.vars(out),
            Int::Ite(c, t, e) => {
                c.collect(out);
                t.vars(out);
                e.vars(out);
            }
        }
    }
}

/// A conjunction (`decisive` false) or disjunction (true) of partly known parts: decided by
/// one decisive part, else by all parts known.
fn decided(parts: impl Iterator<Item = Option<bool>>, decisive: bool) -> Option<bool> {
    let mut unknown = false;
    for part in parts {
        match part {
            Some(b) if b == decisive => return Some(decisive),
            Some(_) => {}
            None => unknown = true,
        }
    }
    (!unknown).then_some(!decisive)
}

fn lookup(env: &Env, name: &String) -> i64 {
    *env.get(name)
        .unwrap_or_else(|| panic!("no value for variable {name}"))
}

impl<V> From<i64> for Int<V> {
    fn from(value: i64) -> Int<V> {
        Int::Lit(value)
    }
}

impl Prop {
    /// Whether it holds under `env`.
    pub fn holds(&self, env: &Env) -> bool {
        self.is_true(&|name| lookup(env, name))
    }

    /// Every variable it names, sorted, once each.
    pub fn vars(&self) -> Vec<String> {
        let mut out = Vec::new();
        self.collect(&mut out);
        out.sort();
        out.dedup();
        out
    }

    /// The SMT-LIB text of it.
    pub fn smt(&self) -> String {
        self.to_string()
    }
}

impl<V> Prop<V> {
    /// Whether it holds, each variable's value given by `of`.
    pub fn is_true(&self, of: &impl Fn(&V) -> i64) -> bool {
        match self {
            Prop::True => true,
            Prop::False => false,
            Prop::Le(a, b) => a.value(of) <= b.value(of),
            Prop::Eq(a, b) => a.value(of) == b.value(of),
            Prop::And(ps) => ps.iter().all(|p| p.is_true(of)),
            Prop::Or(ps) => ps.iter().any(|p| p.is_true(of)),
            Prop::Not(p) => !p.is_true(of),
        }
    }

    /// Whether it holds where `of` knows some variables (`None`: it depends on the others) —
    /// so a search that fixes one variable at a time can stop at the first that falsifies it.
    pub fn partial(&self, of: &impl Fn(&V) -> Option<i64>) -> Option<bool> {
        let both = |a: &Int<V>, b: &Int<V>| Some((a.partial(of)?, b.partial(of)?));
        match self {
            Prop::True => Some(true),
            Prop::False => Some(false),
            Prop::Le(a, b) => both(a, b).map(|(a, b)| a <= b),
            Prop::Eq(a, b) => both(a, b).map(|(a, b)| a == b),
            Prop::And(ps) => decided(ps.iter().map(|p| p.partial(of)), false),
            Prop::Or(ps) => decided(ps.iter().map(|p| p.partial(of)), true),
            Prop::Not(p) => p.partial(of).map(|b| !b),
        }
    }

    /// It with every variable renamed by `rename`.
    pub fn map_vars<W>(&self, rename: &impl Fn(&V) -> W) -> Prop<W> {
        let m = |p: &Prop<V>| p.map_vars(rename);
        match self {
            Prop::True => Prop::True,
            Prop::False => Prop::False,
            Prop::Le(a, b) => Prop::Le(a.map_vars(rename), b.map_vars(rename)),
            Prop::Eq(a, b) => Prop::Eq(a.map_vars(rename), b.map_vars(rename)),
            Prop::And(ps) => Prop::And(ps.iter().map(m).collect()),
            Prop::Or(ps) => Prop::Or(ps.iter().map(m).collect()),
            Prop::Not(p) => Prop::Not(Box::new(m(p))),
        }
    }

    fn collect(&self, out: &mut Vec<V>)
    where
        V: Clone,
    {
        match self {
            Prop::True | Prop::False => {}
            Prop::Le(a, b) | Prop::Eq(a, b) => {
                a.vars(out);
                b.vars(out);
            }
            Prop::And(ps) | Prop::Or(ps) => ps.iter().for_each(|p| p.collect(out)),
            Prop::Not(p) => p.collect(out),
        }
    }
}

impl<V: fmt::Display> fmt::Display for Int<V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Int::Lit(v) if *v < 0 => write!(f, "(- {})", v.unsigned_abs()),
            Int::Lit(v) => write!(f, "{v}"),
            Int::Var(name) => write!(f, "{name}"),
            Int::Sum(terms) => list(f, "+", terms),
            Int::Scale(k, t) => write!(f, "(* {} {t})", Int::<V>::Lit(*k)),
            Int::Ite(c, t, e) => write!(f, "(ite {c} {t} {e})"),
        }
    }
}

impl<V: fmt::Display> fmt::Display for Prop<V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Prop::True => f.write_str("true"),
            Prop::False => f.write_str("false"),
            Prop::Le(a, b) => write!(f, "(<= {a} {b})"),
            Prop::Eq(a, b) => write!(f, "(= {a} {b})"),
            Prop::And(ps) if ps.is_empty() => f.write_str("true"),
            Prop::Or(ps) if ps.is_empty() => f.write_str("false"),
            Prop::And(ps) => list(f, "and", ps),
            Prop::Or(ps) => list(f, "or", ps),
            Prop::Not(p) => write!(f, "(not {p})"),
        }
    }
}

fn list<T: fmt::Display>(f: &mut fmt::Formatter<'_>, op: &str, items: &[T]) -> fmt::Result {
    write!(f, "({op}")?;
    for item in items {
        write!(f, " {item}")?;
    }
    f.write_str(")")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_term_evaluates_and_prints_the_same_formula() {
        let p = implies(
            var("q").ge(var("C")),
            var("m")
                .minus(2)
                .times(3)
                .lt(ite(Prop::True, lit(-1), lit(0))),
        );
        assert_eq!(
            p.smt(),
            "(or (not (<= C q)) (<= (+ (* 3 (+ m (* (- 1) 2))) 1) (ite true (- 1) 0)))"
        );
        let env: Env = [("q", 1), ("C", 1), ("m", 1)]
            .map(|(k, v)| (k.to_owned(), v))
            .into();
        assert!(p.holds(&env), "3·(1−2) = −3 is below −1");
        let env: Env = [("q", 1), ("C", 1), ("m", 2)]
            .map(|(k, v)| (k.to_owned(), v))
            .into();
        assert!(!p.holds(&env), "3·(2−2) = 0 is not below −1");
        assert_eq!(p.vars(), ["C", "m", "q"]);
    }

    /// Renamed to slots, a term evaluates over a slice to what it evaluates to by name.
    #[test]
    fn a_term_renamed_to_slots_evaluates_the_same() {
        let names = ["a", "b", "c"];
        let t = ite(
            all([var("a").le(var("b")), not(var("c").eq(0))]),
            var("a").times(-2).plus(var("b")),
            ite(any([Prop::False, var("c").ge(1)]), lit(7), lit(0)),
        );
        let slots = t.map_vars(&|n: &String| names.iter().position(|m| m == n).unwrap());
        let cases = [
            ([1, 2, 3], 0),
            ([2, 1, 3], 7),
            ([1, 2, 0], 0),
            ([0, 0, 1], 0),
            ([-1, 5, -2], 7),
        ];
        for (values, expected) in cases {
            let env: Env = names.iter().map(|n| n.to_string()).zip(values).collect();
            assert_eq!(t.eval(&env), expected, "by name at {values:?}");
            assert_eq!(
                slots.value(&|&i| values[i]),
                expected,
                "by slot at {values:?}"
            );
        }
        assert_eq!(
            (all([]).smt(), any([]).smt()),
            ("true".into(), "false".into())
        );
        assert_eq!(
            slots.to_string(),
            "(ite (and (<= 0 1) (not (= 2 0))) (+ (* (- 2) 0) 1) (ite (or false (<= 1 2)) 7 0))"
        );
    }

    /// Where every variable is known, `partial` is `is_true`; where some are not, it decides
    /// exactly when the known ones do.
    #[test]
    fn a_partly_known_proposition_is_decided_only_by_what_is_known() {
        let p = all([
            var("a").le(1),
            any([var("b").eq(0), var("c").ge(2)]),
            not(ite(var("a").eq(0), var("b"), var("c")).eq(5)),
        ]);
        let of = |known: [Option<i64>; 3]| {
            move |n: &String| known[["a", "b", "c"].iter().position(|m| m == n).unwrap()]
        };
        for values in itertools::iproduct!(-1..=6, -1..=6, -1..=6) {
            let (a, b, c) = values;
            let env: Env = [("a", a), ("b", b), ("c", c)]
                .map(|(k, v)| (k.to_owned(), v))
                .into();
            assert_eq!(
                p.partial(&of([Some(a), Some(b), Some(c)])),
                Some(p.holds(&env))
            );
        }
        assert_eq!(
            p.partial(&of([Some(2), None, None])),
            Some(false),
            "a ≤ 1 fails"
        );
        assert_eq!(
            p.partial(&of([Some(0), None, None])),
            None,
            "b and c decide"
        );
        assert_eq!(
            p.partial(&of([Some(0), Some(0), None])),
            Some(true),
            "b = 0, b ≠ 5"
        );
        assert_eq!(p.partial(&of([Some(0), Some(5), Some(1)])), Some(false));
    }
}
