//! Sensitive-period duty plans (专项勤务): a period with its level and dates ([`period`]), the
//! demand as a grid of sites × time slots ([`grid`]), the roster generated from volunteers'
//! availability ([`roster`], on the minimum-cost flow in [`flow`]), and the duty credit it
//! earns beside the hours ([`credit`]); how a running period stands now ([`live`]) and what
//! it came to ([`turnout`]).

pub mod credit;
pub mod flow;
pub mod grid;
pub mod live;
pub mod period;
pub mod port;
pub mod roster;
pub mod turnout;

#[cfg(test)]
mod roster_tests;
