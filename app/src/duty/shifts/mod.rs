//! `/shifts`: the page (`page`), its server functions (`api`), and the check-in card of a shift
//! (`check_panel`, pressing through `check_press`).

pub mod api;
mod check_panel;
mod check_press;
mod page;

pub use page::ShiftsPage;
