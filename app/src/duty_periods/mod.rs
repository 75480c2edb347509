//! Sensitive-period duty plans (专项勤务): the periods list and new-period form
//! (`list_page`), one period's planning grid and roster review (`plan_page`), a volunteer's
//! availability answer (`answer_page`), its roster on paper and as CSV (`print_page`), live coverage
//! (`live_page`), their server functions (`api`), who may do what
//! (`access`) and the roster generation behind the button (`service`).

mod answer_api;
mod answer_page;
pub mod api;
mod list_page;
mod live_api;
mod live_page;
mod plan_cells;
mod plan_page;
mod plan_steps;
mod print_page;
mod roster_api;
mod view;

#[cfg(feature = "ssr")]
pub mod access;
#[cfg(feature = "ssr")]
pub mod service;

pub use answer_page::AnswerPage;
pub use list_page::PeriodsPage;
pub use live_page::LivePage;
pub use plan_page::PeriodPlanPage;
pub use print_page::PrintPage;
