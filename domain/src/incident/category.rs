//! Incident categories (类别): what kinds of incident volunteers may report. Each city's
//! comprehensive-governance office counts different things, so the list is configuration,
//! read once at start-up; [`Categories::defaults`] is the common list when nothing is set.
//!
//! An incident stores only the category's code. A code later removed from the configuration
//! still labels old incidents — by the code itself — instead of failing to show them.

use crate::error::{FieldError, MessageKey};
use serde::{Deserialize, Serialize};

/// The longest category code: a short identifier stored with every incident.
pub const MAX_CODE_CHARS: usize = 32;
/// The longest Chinese name: it has to fit a button on a phone.
pub const MAX_ZH_CHARS: usize = 20;
/// The longest English name. English needs more letters for the same button than Chinese
/// needs characters ("Public security hazard" is 22), so it gets twice the room.
pub const MAX_EN_CHARS: usize = 40;

/// One category: its stored code and its names in the two languages of the UI.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Category {
    pub code: String,
    pub zh: String,
    pub en: String,
}

/// The configured categories, in the order the report form offers them. At least one, codes
/// unique.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Categories(Vec<Category>);

impl Categories {
    /// Categories the server already validated and sent to the browser, so the form can check
    /// a choice against the same list.
    pub fn from_list(list: Vec<Category>) -> Self {
        Self(list)
    }

    /// The categories community safety work commonly counts, most reported first.
    pub fn defaults() -> Self {
        let entries = [
            ("security", "治安隐患", "Public security hazard"),
            ("fire", "消防隐患", "Fire hazard"),
            ("dispute", "矛盾纠纷", "Dispute"),
            ("suspicious", "可疑情况", "Suspicious activity"),
            ("traffic", "交通安全", "Traffic safety"),
            ("group_rental", "群租", "Illegal group rental"),
            ("facility", "设施损坏", "Damaged facility"),
            ("other", "其他", "Other"),
        ];
        Self(
            entries
                .into_iter()
                .map(|(code, zh, en)| Category {
                    code: code.to_owned(),
                    zh: zh.to_owned(),
                    en: en.to_owned(),
                })
                .collect(),
        )
    }

    /// Reads the configuration `code=中文名|English name; code2=…`. Entries are separated by `;`
    /// or line breaks, and blank entries are skipped so a trailing `;` or an empty line is
    /// harmless. The English name is optional and falls back to the Chinese one.
    ///
    /// The error names the entry at fault and what is wrong with it: it is read by the
    /// operator starting the server, who should not have to guess.
    pub fn parse(config: &str) -> Result<Self, String> {
        let mut categories: Vec<Category> = Vec::new();
        let entries = config
            .split([';', '\n'])
            .map(str::trim)
            .filter(|entry| !entry.is_empty());
        for (i, entry) in entries.enumerate() {
            let wrong = |why: &str| format!("category entry {} ({entry:?}): {why}", i + 1);
            let (code, names) = entry
                .split_once('=')
                .ok_or_else(|| wrong("expected code=中文名|English name"))?;
            let code = code.trim();
            if !is_code(code) {
                return Err(wrong(&format!(
                    "the code must be 1 to {MAX_CODE_CHARS} characters of a-z, 0-9 and _"
                )));
            }
            if categories.iter().any(|c| c.code == code) {
                return Err(wrong("this code is already used by an earlier entry"));
            }
            let (zh, en) = match names.split_once('|') {
                Some((zh, en)) => (zh.trim(), en.trim()),
                None => (names.trim(), ""),
            };
            if !is_name(zh, MAX_ZH_CHARS) {
                return Err(wrong(&format!(
                    "the Chinese name must be 1 to {MAX_ZH_CHARS} characters, no control characters"
                )));
            }
            if en.contains('|') {
                return Err(wrong("only one '|' may separate the two names"));
            }
            let en = if en.is_empty() { zh } else { en };
            if !is_name(en, MAX_EN_CHARS) {
                return Err(wrong(&format!(
                    "the English name must be at most {MAX_EN_CHARS} characters, no control characters"
                )));
            }
            categories.push(Category {
                code: code.to_owned(),
                zh: zh.to_owned(),
                en: en.to_owned(),
            });
        }
        if categories.is_empty() {
            return Err("no incident categories configured: at least one entry is needed".into());
        }
        Ok(Self(categories))
    }

    pub fn get(&self, code: &str) -> Option<&Category> {
        self.0.iter().find(|c| c.code == code)
    }

    /// Every category, in the configured order.
    pub fn all(&self) -> &[Category] {
        &self.0
    }

    /// The name to show for `code`, in Chinese or English. A code no longer configured is
    /// shown as itself, so incidents filed under a retired category still display.
    pub fn label(&self, code: &str, chinese: bool) -> String {
        match self.get(code) {
            Some(c) if chinese => c.zh.clone(),
            Some(c) => c.en.clone(),
            None => code.to_owned(),
        }
    }

    /// Reads the category a reporter chose (form field `category`): one of those configured
    /// now, even though old incidents may carry retired codes.
    pub fn parse_choice(&self, code: &str) -> Result<String, FieldError> {
        let code = code.trim();
        if code.is_empty() {
            return Err(FieldError::new("category", MessageKey::Required));
        }
        self.get(code)
            .map(|c| c.code.clone())
            .ok_or_else(|| FieldError::new("category", MessageKey::CategoryUnknown))
    }
}

fn is_code(code: &str) -> bool {
    (1..=MAX_CODE_CHARS).contains(&code.len())
        && code
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

fn is_name(name: &str, max_chars: usize) -> bool {
    (1..=max_chars).contains(&name.chars().count()) && !name.chars().any(char::is_control)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The defaults written as configuration, as an operator would copy them to start from.
    fn defaults_as_config() -> String {
        Categories::defaults()
            .all()
            .iter()
            .map(|c| format!("{}={}|{}", c.code, c.zh, c.en))
            .collect::<Vec<_>>()
            .join(";\n")
    }

    #[test]
    fn the_defaults_are_eight_in_the_agreed_order() {
        let defaults = Categories::defaults();
        let codes: Vec<&str> = defaults.all().iter().map(|c| c.code.as_str()).collect();
        assert_eq!(
            codes,
            [
                "security",
                "fire",
                "dispute",
                "suspicious",
                "traffic",
                "group_rental",
                "facility",
                "other"
            ]
        );
        assert_eq!(defaults.label("fire", true), "消防隐患");
        assert_eq!(
            defaults.label("group_rental", false),
            "Illegal group rental"
        );
    }

    #[test]
    fn the_defaults_written_as_configuration_read_back_the_same() {
        assert_eq!(
            Categories::parse(&defaults_as_config()),
            Ok(Categories::defaults())
        );
    }

    #[test]
    fn configuration_allows_semicolons_line_breaks_blanks_and_no_english() {
        let c = Categories::parse(" fire = 消防隐患 | Fire hazard ;\n\n;pets=宠物扰民;\r\n")
            .expect("valid");
        assert_eq!(
            c.all(),
            [
                Category {
                    code: "fire".into(),
                    zh: "消防隐患".into(),
                    en: "Fire hazard".into()
                },
                Category {
                    code: "pets".into(),
                    zh: "宠物扰民".into(),
                    en: "宠物扰民".into()
                },
            ]
        );
        assert_eq!(
            Categories::parse("pets=宠物扰民|").map(|c| c.label("pets", false)),
            Ok("宠物扰民".into())
        );
    }

    #[test]
    fn bad_configuration_names_the_entry_at_fault() {
        let err = |config: &str| Categories::parse(config).expect_err("invalid");
        assert!(err("fire=消防;Fire=消防").starts_with("category entry 2 (\"Fire=消防\")"));
        assert!(err("fire=消防;fire=火灾").contains("already used"));
        assert!(err("fire 消防").contains("expected code="));
        assert!(err("=消防").contains("the code"));
        assert!(err(&format!("{}=长", "a".repeat(33))).contains("the code"));
        assert!(err("fire-safety=消防").contains("the code"));
        assert!(err("fire=|Fire").contains("Chinese name"));
        assert!(err(&format!("fire={}", "火".repeat(21))).contains("Chinese name"));
        assert!(err("fire=消\u{7}防").contains("Chinese name"));
        assert!(err("fire=消防|Fire|Hazard").contains("only one '|'"));
        assert!(err(&format!("fire=消防|{}", "F".repeat(41))).contains("English name"));
        assert!(err("").contains("at least one"));
        assert!(err(" ;\n; ").contains("at least one"));
        assert!(Categories::parse(&format!("{}={}", "a".repeat(32), "火".repeat(20))).is_ok());
    }

    #[test]
    fn a_retired_code_is_labelled_by_itself() {
        let c = Categories::parse("fire=消防隐患|Fire hazard").expect("valid");
        assert_eq!(c.label("group_rental", true), "group_rental");
        assert_eq!(c.get("group_rental"), None);
        assert_eq!(c.get("fire").map(|c| c.en.as_str()), Some("Fire hazard"));
    }

    #[test]
    fn a_reporter_may_choose_only_a_configured_category() {
        let c = Categories::defaults();
        assert_eq!(c.parse_choice(" dispute "), Ok("dispute".into()));
        assert_eq!(
            c.parse_choice(""),
            Err(FieldError::new("category", MessageKey::Required))
        );
        assert_eq!(
            c.parse_choice("Dispute"),
            Err(FieldError::new("category", MessageKey::CategoryUnknown))
        );
    }
}
