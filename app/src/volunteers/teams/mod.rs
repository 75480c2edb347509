//! `/teams`: the page (`page`) and its server functions (`api`).

pub mod api;
mod page;

pub use page::TeamsPage;
