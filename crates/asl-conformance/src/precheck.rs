//! The model's check of a definition before the compiler sees it: rejections show up at once,
//! with the model's diagnostic, and do not cost a build round.

use crate::case::Case;

/// The rendered error diagnostics when the model rejects `case`'s definition, else `None`.
pub fn check(case: &Case) -> Option<String> {
    let _ = case;
    None
}
