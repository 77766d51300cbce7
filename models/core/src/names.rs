//! One spelling for every named choice.
//!
//! Designs, gates, map orders, actors, checkers and verdicts each have exactly one name, and
//! the CLI's flags, the tables, the stories and the JSON all read it from here: a choice cannot
//! be spelled one way on the command line and another in the output. [`named!`] declares such a
//! closed set once — the variants, their names, their docs — and derives the rest, JSON
//! included (a choice serialises as its name).

use std::fmt;

#[doc(hidden)]
pub use serde;

/// A closed set of choices, each with the one name it goes by everywhere.
pub trait Named: Copy + Eq + fmt::Debug + Send + Sync + 'static {
    /// What the set is called in an error message ("design", "checker").
    const WHAT: &'static str;
    /// Every choice, in the order they are listed.
    const ALL: &'static [Self];

    fn name(self) -> &'static str;

    /// Where this choice stands in [`Named::ALL`]: an index for arrays kept per choice.
    fn index(self) -> usize {
        Self::ALL
            .iter()
            .position(|&c| c == self)
            .expect("every choice is in ALL")
    }

    /// The choice called `name`; the error lists every name it could have been.
    fn from_name(name: &str) -> Result<Self, UnknownName> {
        Self::ALL
            .iter()
            .copied()
            .find(|c| c.name() == name)
            .ok_or_else(|| UnknownName {
                what: Self::WHAT,
                given: name.to_owned(),
                expected: Self::ALL.iter().map(|c| c.name()).collect(),
            })
    }
}

/// A name that is not one of a [`Named`] set's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownName {
    pub what: &'static str,
    pub given: String,
    pub expected: Vec<&'static str>,
}

impl fmt::Display for UnknownName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown {} '{}' (expected one of {})",
            self.what,
            self.given,
            self.expected.join(", ")
        )
    }
}

impl std::error::Error for UnknownName {}

/// Declares a fieldless enum whose variants each carry their one name:
///
/// ```
/// pleg_core::named! {
///     /// How a door is.
///     pub enum Door: "door" {
///         /// Shut.
///         Closed = "closed",
///         Open = "open",
///     }
/// }
/// assert_eq!(Door::Open.to_string(), "open");
/// assert_eq!("closed".parse::<Door>(), Ok(Door::Closed));
/// ```
#[macro_export]
macro_rules! named {
    (
        $(#[$meta:meta])*
        $vis:vis enum $ty:ident: $what:literal {
            $( $(#[$vmeta:meta])* $variant:ident = $name:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        $vis enum $ty {
            $( $(#[$vmeta])* $variant ),+
        }

        impl $crate::names::Named for $ty {
            const WHAT: &'static str = $what;
            const ALL: &'static [Self] = &[$($ty::$variant),+];
            fn name(self) -> &'static str {
                match self {
                    $($ty::$variant => $name),+
                }
            }
            fn index(self) -> usize {
                // Declared in the order of ALL, with no explicit discriminants.
                self as usize
            }
        }

        impl ::std::fmt::Display for $ty {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str($crate::names::Named::name(*self))
            }
        }

        impl ::std::str::FromStr for $ty {
            type Err = $crate::names::UnknownName;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                <$ty as $crate::names::Named>::from_name(s)
            }
        }

        impl $crate::names::serde::Serialize for $ty {
            fn serialize<S: $crate::names::serde::Serializer>(
                &self,
                serializer: S,
            ) -> Result<S::Ok, S::Error> {
                serializer.serialize_str($crate::names::Named::name(*self))
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::Named;

    crate::named! {
        enum Colour: "colour" {
            Red = "red",
            DeepBlue = "deep-blue",
        }
    }

    #[test]
    fn every_name_round_trips_and_an_unknown_one_lists_the_choices() {
        for &c in Colour::ALL {
            assert_eq!(c.name().parse::<Colour>(), Ok(c));
        }
        let err = "green".parse::<Colour>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown colour 'green' (expected one of red, deep-blue)"
        );
    }
}
