//! The message a panic carries, read in one place: the loom and shuttle drivers read a model's
//! failure from it, the CLI names its own bugs with it, and the tests that show a check can
//! fail read which failure the check reported.

use std::any::Any;

/// The text of a panic's payload, if it is text: `panic!` with a literal carries a `&str`,
/// with arguments a `String`.
pub fn message(payload: &(dyn Any + Send)) -> Option<&str> {
    payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
}

/// The message of the panic `f` must end in (empty if it is not text). For tests: if `f`
/// returns, the check that should have failed did not, and this panics.
pub fn of(f: impl FnOnce() + std::panic::UnwindSafe) -> String {
    let payload = std::panic::catch_unwind(f).expect_err("the check must fail");
    message(payload.as_ref()).unwrap_or_default().to_owned()
}

#[cfg(test)]
mod tests {
    #[test]
    fn both_kinds_of_text_are_read() {
        assert_eq!(super::of(|| panic!("literal")), "literal");
        assert_eq!(super::of(|| panic!("{} {}", "with", 2)), "with 2");
        assert_eq!(super::of(|| std::panic::panic_any(7)), "");
    }
}
