//! The server: configuration, the axum application, storage adapters, background jobs, the CLI.

pub mod assets;
pub mod auth;
#[cfg(feature = "bench")]
pub mod bench;
pub mod cli;
pub mod config;
pub mod crypto;
pub mod jobs;
pub mod notify;
pub mod photo;
pub mod seed;
pub mod startup;
pub mod storage;
pub mod telemetry;

mod routes;
