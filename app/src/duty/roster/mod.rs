//! `/shifts/manage`: the page (`page`), its server functions (`api`) and the new-shift form
//! (`new_shift_form`). The hours to decide (`duty::decide`) and a shift's people
//! (`duty::people`) are parts of the same page with server functions of their own.

pub mod api;
mod new_shift_form;
mod page;

pub use page::RosterPage;
