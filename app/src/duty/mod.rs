//! Duty (勤务): the volunteer's core loop. Leaders plan shifts at sites (`roster`, with its
//! new-shift form), volunteers take them and check in on site (`shifts`, with each shift's
//! check-in card), events travel through the phone's outbox (`outbox`, `check`) to the check service (`service`), and hours are confirmed and
//! totalled (`decide`, `hours`). The rules themselves live in `domain::duty`.

#[cfg(feature = "ssr")]
mod access;
pub mod calendar;
pub mod check;
pub mod decide;
pub mod hours;
pub mod outbox;
pub mod people;
pub mod roster;
#[cfg(feature = "ssr")]
pub mod service;
pub mod shifts;
pub mod track;
pub mod view;

pub use hours::HoursPage;
pub use roster::RosterPage;
pub use shifts::ShiftsPage;
