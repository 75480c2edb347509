//! Incidents (隐患/事件): what a volunteer on patrol sees and reports — a hazard, a dispute,
//! something suspicious — so the community's staff can see it, send it to whoever deals with
//! it, and follow it to the end.
//!
//! A report carries a [`Category`] (configurable per deployment, because each city counts
//! different things), a [`Severity`], a short text, the phone's position and photos. Staff then
//! move it through a small workflow: reported → acknowledged → referred (派出所, 居委会, 物业 or a
//! named person) → resolved → closed, or rejected with a reason; a resolved or rejected
//! incident can be reopened.
//!
//! One file per topic: [`category`], [`report`] (the report form), [`workflow`] (the state
//! machine), [`gcj02`] (the offset coordinates Chinese map tiles are drawn in), [`cluster`]
//! (pins and heat on the map), and [`port`]: what incidents need from storage.

pub mod category;
pub mod cluster;
pub mod gcj02;
pub mod port;
pub mod report;
pub mod workflow;

pub use category::{Categories, Category};
pub use report::{IncidentDraft, Severity};
pub use workflow::{IncidentStatus, Referral, Step};

use crate::error::{FieldError, MessageKey};

/// A free text as a `<textarea>` sends it, trimmed, or `None` when it is blank. Line breaks are
/// kept: browsers submit them as CRLF, so those (and a lone CR) become `\n` rather than being
/// refused. Any other control character is refused, because it only comes from a tampered
/// request or a bad paste and would garble the list and the exported spreadsheet.
fn free_text(
    field: &'static str,
    input: &str,
    max_chars: usize,
) -> Result<Option<String>, FieldError> {
    let text = input.replace("\r\n", "\n").replace('\r', "\n");
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    if text.chars().count() > max_chars {
        return Err(FieldError::new(field, MessageKey::TooLong));
    }
    if text.chars().any(|c| c.is_control() && c != '\n') {
        return Err(FieldError::new(field, MessageKey::TextInvalid));
    }
    Ok(Some(text.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn free_text_keeps_line_breaks_and_trims() {
        assert_eq!(
            free_text("body", "  楼道堆物\r\n堵住消防通道\r ", 50),
            Ok(Some("楼道堆物\n堵住消防通道".to_owned()))
        );
        assert_eq!(free_text("body", " \n\t ", 50), Ok(None));
    }

    #[test]
    fn free_text_refuses_other_control_characters_and_long_text() {
        assert_eq!(
            free_text("note", "a\u{0}b", 50).map_err(|e| e.key),
            Err(MessageKey::TextInvalid)
        );
        assert_eq!(
            free_text("note", "a\tb", 50).map_err(|e| e.key),
            Err(MessageKey::TextInvalid)
        );
        assert_eq!(
            free_text("note", &"隐".repeat(50), 50).map(|t| t.is_some()),
            Ok(true)
        );
        assert_eq!(
            free_text("note", &"隐".repeat(51), 50),
            Err(FieldError::new("note", MessageKey::TooLong))
        );
    }
}
