//! The skills a volunteer can offer, stored by code and shown translated.

use crate::i18n::Texts;

/// Codes as stored; the order is the order shown.
pub const SKILLS: [&str; 7] = [
    "first_aid",
    "fire",
    "mediation",
    "driving",
    "language",
    "photo",
    "electric",
];

pub fn skill_label(t: &Texts, code: &str) -> &'static str {
    match code {
        "first_aid" => t.skill_first_aid,
        "fire" => t.skill_fire,
        "mediation" => t.skill_mediation,
        "driving" => t.skill_driving,
        "language" => t.skill_language,
        "photo" => t.skill_photo,
        "electric" => t.skill_electric,
        _ => t.skill_other,
    }
}
