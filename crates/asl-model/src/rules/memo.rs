//! Parsed `Resource` strings shared by the builder and the resource and
//! request rules during one [`analyze_tree`](super::analyze_tree) call.
//!
//! Each of the three reads the same `Resource` text of every Task, and a
//! definition usually names the same few resources many times; parsing each
//! distinct string once saves most of that work. The memo lives in a
//! thread-local that only `analyze_tree` switches on (so the public rule
//! functions keep their signatures and parse directly when called alone).

use crate::hash::FastMap as HashMap;
use std::cell::RefCell;
use std::sync::Arc;

use asl_syntax::SyntaxError;
use asl_syntax::resource::{Resource, parse_resource};

/// Shared, not copied: the model keeps the parse of every Task's `Resource`
/// (`TaskState::resource_uri`), and the model is `Send`.
pub(crate) type Parsed = Result<Arc<Resource>, Arc<SyntaxError>>;

thread_local! {
    static MEMO: RefCell<Option<Memo>> = const { RefCell::new(None) };
}

/// The parsed texts: a short list searched in order while there are few
/// (no hashing; most definitions name a handful of resources), a map beyond.
enum Memo {
    Few(Vec<(String, Parsed)>),
    Many(HashMap<String, Parsed>),
}

/// Distinct texts kept in the list before it becomes a map.
const FEW: usize = 8;

/// Switches the memo on until dropped (also on unwinding).
pub(crate) struct MemoScope(());

impl MemoScope {
    pub(crate) fn enter() -> MemoScope {
        MEMO.with(|m| *m.borrow_mut() = Some(Memo::Few(Vec::new())));
        MemoScope(())
    }
}

impl Drop for MemoScope {
    fn drop(&mut self) {
        MEMO.with(|m| *m.borrow_mut() = None);
    }
}

/// `parse_resource(text)`, answered from the memo when one is active.
pub(crate) fn resource(text: &str) -> Parsed {
    MEMO.with(|m| {
        let mut memo = m.borrow_mut();
        let Some(memo) = memo.as_mut() else {
            return share(parse_resource(text));
        };
        let found = match memo {
            Memo::Few(list) => list.iter().find(|(t, _)| t == text).map(|(_, p)| p),
            Memo::Many(map) => map.get(text),
        };
        if let Some(parsed) = found {
            return parsed.clone();
        }
        let parsed = share(parse_resource(text));
        match memo {
            Memo::Few(list) if list.len() < FEW => list.push((text.to_owned(), parsed.clone())),
            Memo::Few(list) => {
                let mut map: HashMap<String, Parsed> = list.drain(..).collect();
                map.insert(text.to_owned(), parsed.clone());
                *memo = Memo::Many(map);
            }
            Memo::Many(map) => {
                map.insert(text.to_owned(), parsed.clone());
            }
        }
        parsed
    })
}

fn share(parsed: Result<Resource, SyntaxError>) -> Parsed {
    parsed.map(Arc::new).map_err(Arc::new)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_text_is_parsed_once_while_a_scope_is_active() {
        let text = "arn:aws:states:::lambda:invoke";
        let scope = MemoScope::enter();
        let a = resource(text);
        let b = resource(text);
        let (a, b) = (a.unwrap(), b.unwrap());
        assert!(Arc::ptr_eq(&a, &b));
        drop(scope);
        let c = resource(text).unwrap();
        assert!(!Arc::ptr_eq(&a, &c));
        assert_eq!(*a, *c);
    }
}
