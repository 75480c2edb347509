//! The ways a notification leaves the server besides the in-app centre: SMS through a domestic
//! provider (`sms`) and Web Push where the browser's push service is reachable (`push`). The
//! delivery job (`jobs::delivery`) decides which notification goes where; these modules only
//! speak each provider's protocol.

pub mod code;
pub mod config;
pub mod push;
pub mod sms;
