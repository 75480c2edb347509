//! Duty (勤务): the volunteer's core loop. Leaders plan shifts at sites (`roster`, its form in
//! `new_shift`), volunteers
//! take them and check in on site (`shifts`, `check_panel`), events travel through the phone's
//! outbox (`outbox`, `check`) to the check service (`service`), and hours are confirmed and
//! totalled (`decide`, `hours`). The rules themselves live in `domain::duty`.

#[cfg(feature = "ssr")]
mod access;
pub mod calendar;
pub mod check;
mod check_panel;
pub mod decide;
pub mod hours;
pub mod new_shift;
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
