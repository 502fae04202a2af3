//! Rule levels: `--deny`, `--warn`, `--allow` and the configuration file.

use asl_model::Severity;

/// What a level setting applies to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Selector {
    /// `warnings`: every finding whose level ends up a warning.
    Warnings,
    /// A rule code (`ASL012`), rule name or group name; checked against the
    /// rule table before linting starts.
    Name(String),
}

impl Selector {
    pub fn parse(text: &str) -> Selector {
        if text == "warnings" {
            Selector::Warnings
        } else {
            Selector::Name(text.to_owned())
        }
    }
}

/// The level a setting gives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    Allow,
    Warning,
    Error,
}

/// The ordered level settings: the configuration file's, then the command
/// line's. Later settings win, as with rustc's `-A/-W/-D`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Policy {
    settings: Vec<(Selector, Level)>,
}

/// What a rule is known by, for matching selectors.
#[derive(Clone, Copy, Debug)]
pub struct RuleIds<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub group: &'a str,
}

impl Policy {
    pub fn push(&mut self, selector: Selector, level: Level) {
        self.settings.push((selector, level));
    }

    pub fn settings(&self) -> &[(Selector, Level)] {
        &self.settings
    }

    /// The severity to report a finding with, or `None` when it is allowed.
    pub fn resolve(&self, rule: RuleIds<'_>, reported: Severity) -> Option<Severity> {
        let mut severity = Some(reported);
        // `warnings` is applied last, to whatever is a warning by then, so
        // `--deny warnings` also catches rules moved to warning explicitly.
        let mut warnings: Option<Level> = None;
        for (selector, level) in &self.settings {
            match selector {
                Selector::Warnings => {
                    warnings = match level {
                        Level::Warning => None,
                        other => Some(*other),
                    };
                }
                Selector::Name(name)
                    if name.eq_ignore_ascii_case(rule.code)
                        || name == rule.name
                        || name == rule.group =>
                {
                    severity = match level {
                        Level::Allow => None,
                        Level::Warning => Some(Severity::Warning),
                        Level::Error => Some(Severity::Error),
                    };
                }
                Selector::Name(_) => {}
            }
        }
        match (severity, warnings) {
            (Some(Severity::Warning), Some(Level::Error)) => Some(Severity::Error),
            (Some(Severity::Warning), Some(Level::Allow)) => None,
            (other, _) => other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RULE: RuleIds<'static> = RuleIds {
        code: "ASL040",
        name: "unknown-integration",
        group: "resource",
    };

    fn policy(settings: &[(&str, Level)]) -> Policy {
        let mut policy = Policy::default();
        for (s, l) in settings {
            policy.push(Selector::parse(s), *l);
        }
        policy
    }

    #[test]
    fn no_settings_keep_the_reported_severity() {
        assert_eq!(
            Policy::default().resolve(RULE, Severity::Warning),
            Some(Severity::Warning)
        );
    }

    #[test]
    fn code_name_and_group_all_select_a_rule() {
        for sel in ["ASL040", "asl040", "unknown-integration", "resource"] {
            assert_eq!(
                policy(&[(sel, Level::Allow)]).resolve(RULE, Severity::Error),
                None,
                "{sel}"
            );
        }
    }

    #[test]
    fn later_settings_win() {
        let p = policy(&[("resource", Level::Allow), ("ASL040", Level::Error)]);
        assert_eq!(p.resolve(RULE, Severity::Warning), Some(Severity::Error));
    }

    #[test]
    fn deny_warnings_turns_warnings_into_errors() {
        let p = policy(&[("warnings", Level::Error)]);
        assert_eq!(p.resolve(RULE, Severity::Warning), Some(Severity::Error));
        assert_eq!(p.resolve(RULE, Severity::Note), Some(Severity::Note));
    }

    #[test]
    fn deny_warnings_applies_to_rules_moved_to_warning() {
        let p = policy(&[("warnings", Level::Error), ("ASL040", Level::Warning)]);
        assert_eq!(p.resolve(RULE, Severity::Error), Some(Severity::Error));
    }

    #[test]
    fn allow_warnings_hides_warnings_only() {
        let p = policy(&[("warnings", Level::Allow)]);
        assert_eq!(p.resolve(RULE, Severity::Warning), None);
        assert_eq!(p.resolve(RULE, Severity::Error), Some(Severity::Error));
    }
}
