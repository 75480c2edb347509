//! zh-CN first, English second. Every text the UI shows lives here, once per language, in a
//! struct: a missing translation is a compile error, not a blank on a volunteer's screen.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The name of the cookie that remembers the reader's choice.
pub const LANG_COOKIE: &str = "lang";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    /// The value for `<html lang>` and the cookie.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        let primary = code.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "zh" => Some(Lang::Zh),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// Picks the language: the remembered cookie wins, then the browser's `Accept-Language`
    /// in its order of preference, then Chinese.
    /// The language a request asks for: its `lang` cookie, else its `Accept-Language`.
    #[cfg(feature = "ssr")]
    pub fn of_request(headers: &http::HeaderMap) -> Self {
        let cookie = headers
            .get_all(http::header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .find_map(|c| c.trim().strip_prefix(LANG_COOKIE)?.strip_prefix('='));
        let accept = headers
            .get(http::header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok());
        Self::negotiate(cookie, accept)
    }

    pub fn negotiate(cookie: Option<&str>, accept_language: Option<&str>) -> Self {
        if let Some(lang) = cookie.and_then(Lang::from_code) {
            return lang;
        }
        let Some(header) = accept_language else {
            return Lang::Zh;
        };
        let mut offers: Vec<(f32, Lang)> = header
            .split(',')
            .filter_map(|part| {
                let mut pieces = part.split(';');
                let lang = Lang::from_code(pieces.next()?)?;
                let q = pieces
                    .find_map(|p| p.trim().strip_prefix("q=")?.parse::<f32>().ok())
                    .unwrap_or(1.0);
                Some((q, lang))
            })
            .collect();
        // Stable sort keeps the header's order among equal weights.
        offers.sort_by(|a, b| b.0.total_cmp(&a.0));
        offers.first().map(|o| o.1).unwrap_or(Lang::Zh)
    }

    pub fn texts(self) -> &'static Texts {
        match self {
            Lang::Zh => &ZH,
            Lang::En => &EN,
        }
    }
}

/// The language of the current page, provided once by `App`.
pub fn use_lang() -> Lang {
    use_context::<Lang>().unwrap_or_default()
}

/// Shorthand for the texts of the current page's language.
pub fn use_texts() -> &'static Texts {
    use_lang().texts()
}

/// One group of texts, both languages side by side so a new line cannot be added to one and
/// forgotten in the other: `side_by_side! { Name, "doc"; field: "中文", "English"; … }` makes
/// the struct `Name` and its two instances `ZH` and `EN`.
macro_rules! side_by_side {
    ($name:ident, $doc:literal; $($field:ident: $zh:literal, $en:literal;)*) => {
        #[doc = $doc]
        pub struct $name { $(pub $field: &'static str,)* }
        pub static ZH: $name = $name { $($field: $zh,)* };
        pub static EN: $name = $name { $($field: $en,)* };
    };
}

pub mod audit;
pub mod desk;
pub mod duty;
mod en;
pub mod incident;
pub mod notify;
pub mod plan;
mod texts;
mod zh;

pub use en::EN;
pub use texts::{MessageTexts, Texts};
pub use zh::ZH;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cookie_wins_over_the_browser() {
        assert_eq!(
            Lang::negotiate(Some("en"), Some("zh-CN,zh;q=0.9")),
            Lang::En
        );
    }

    #[test]
    fn accept_language_is_read_in_order_of_weight() {
        assert_eq!(
            Lang::negotiate(None, Some("en-US,en;q=0.9,zh;q=0.8")),
            Lang::En
        );
        assert_eq!(
            Lang::negotiate(None, Some("fr;q=1,zh-TW;q=0.5,en;q=0.4")),
            Lang::Zh
        );
        assert_eq!(Lang::negotiate(None, Some("en;q=0.3,zh-CN")), Lang::Zh);
    }

    #[test]
    fn chinese_is_the_default() {
        assert_eq!(Lang::negotiate(None, None), Lang::Zh);
        assert_eq!(Lang::negotiate(Some("xx"), Some("fr,de")), Lang::Zh);
    }
}
