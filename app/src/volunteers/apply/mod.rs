//! `/apply`: the page (`page`), its server functions with the checks both share (`api`), and
//! the code texted to the applicant's number when the installation has SMS (`code`).

pub mod api;
pub mod code;
mod page;

pub use page::ApplyPage;
