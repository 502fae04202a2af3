//! Rust identifiers derived from names in the definition (state names, resources).

use std::collections::HashSet;

const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut",
    "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "try", "typeof", "unsized", "virtual", "yield",
];

/// Splits a name into lower-case words at case changes and non-alphanumeric characters:
/// `ChargeCard` → `charge card`, `sendMessage.waitForTaskToken` → `send message wait for task token`.
fn words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut prev: Option<char> = None;
    let chars: Vec<char> = name.chars().collect();
    for (i, &ch) in chars.iter().enumerate() {
        if !ch.is_alphanumeric() {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            prev = None;
            continue;
        }
        let boundary = match prev {
            Some(p) if ch.is_uppercase() => {
                p.is_lowercase()
                    || p.is_numeric()
                    || (p.is_uppercase() && chars.get(i + 1).is_some_and(|n| n.is_lowercase()))
            }
            _ => false,
        };
        if boundary && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        current.extend(ch.to_lowercase());
        prev = Some(ch);
    }
    if !current.is_empty() {
        words.push(current);
    }
    // Identifiers are ASCII here so the generated code reads well everywhere.
    words
        .into_iter()
        .map(|w| {
            w.chars()
                .filter(char::is_ascii_alphanumeric)
                .collect::<String>()
        })
        .filter(|w| !w.is_empty())
        .collect()
}

/// `snake_case` identifier text (never a keyword, never starting with a digit).
pub fn snake(name: &str, fallback: &str) -> String {
    let mut out = words(name).join("_");
    if out.is_empty() {
        out = fallback.to_owned();
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    if KEYWORDS.contains(&out.as_str()) {
        out.push('_');
    }
    out
}

/// `CamelCase` identifier text (never a keyword, never starting with a digit).
pub fn camel(name: &str, fallback: &str) -> String {
    let mut out: String = words(name)
        .iter()
        .map(|w| {
            let mut cs = w.chars();
            match cs.next() {
                Some(first) => first.to_ascii_uppercase().to_string() + cs.as_str(),
                None => String::new(),
            }
        })
        .collect();
    if out.is_empty() {
        out = fallback.to_owned();
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'S');
    }
    if KEYWORDS.contains(&out.as_str()) {
        out.push('_');
    }
    out
}

/// Hands out identifiers, making later clashes unique with a numeric suffix.
#[derive(Default)]
pub struct Unique {
    taken: HashSet<String>,
}

impl Unique {
    pub fn take(&mut self, wanted: String) -> String {
        if self.taken.insert(wanted.clone()) {
            return wanted;
        }
        let mut n = 2;
        loop {
            let candidate = format!("{wanted}_{n}");
            if self.taken.insert(candidate.clone()) {
                return candidate;
            }
            n += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn camel_case_state_names_become_snake_case() {
        assert_eq!(snake("ChargeCard", "x"), "charge_card");
        assert_eq!(snake("HTTPRequest", "x"), "http_request");
    }

    #[test]
    fn punctuation_and_spaces_separate_words() {
        assert_eq!(camel("wait 5 seconds!", "S"), "Wait5Seconds");
        assert_eq!(
            snake("sqs:sendMessage.waitForTaskToken", "x"),
            "sqs_send_message_wait_for_task_token"
        );
    }

    #[test]
    fn keywords_and_leading_digits_are_avoided() {
        assert_eq!(snake("Type", "x"), "type_");
        assert_eq!(snake("1st", "x"), "_1st");
        assert_eq!(camel("Self", "S"), "Self_");
    }

    #[test]
    fn names_without_ascii_letters_fall_back() {
        assert_eq!(camel("ステップ", "State"), "State");
    }

    #[test]
    fn clashes_get_numbered() {
        let mut unique = Unique::default();
        assert_eq!(unique.take("a".into()), "a");
        assert_eq!(unique.take("a".into()), "a_2");
        assert_eq!(unique.take("a".into()), "a_3");
    }
}
