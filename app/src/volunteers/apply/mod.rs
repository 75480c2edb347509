//! `/apply`: the page (`page`) and its server functions with the checks both share (`api`).

pub mod api;
mod page;

pub use page::ApplyPage;
