//! How a period's level, status and a cell's fill read, shared by its pages.

use crate::i18n::plan::PlanTexts;

pub fn level_label(p: &PlanTexts, level: u8) -> &'static str {
    match level {
        1 => p.level_1,
        2 => p.level_2,
        _ => p.level_3,
    }
}

pub fn status_label(p: &PlanTexts, status: &str) -> &'static str {
    match status {
        "draft" => p.status_draft,
        "published" => p.status_published,
        "running" => p.status_running,
        _ => p.status_closed,
    }
}

/// The colour class of a cell by how full it is: below its minimum, at it, at its target.
pub fn fill_class(placed: usize, min: u32, target: u32) -> &'static str {
    let placed = placed as u32;
    if placed < min {
        "fill-short"
    } else if placed < target {
        "fill-min"
    } else {
        "fill-target"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cell_is_short_until_its_minimum_and_full_at_its_target() {
        assert_eq!(fill_class(1, 2, 3), "fill-short");
        assert_eq!(fill_class(2, 2, 3), "fill-min");
        assert_eq!(fill_class(3, 2, 3), "fill-target");
        assert_eq!(fill_class(0, 0, 0), "fill-target");
    }
}
