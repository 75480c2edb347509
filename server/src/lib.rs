//! The server: configuration, the axum application, storage adapters, the CLI.

pub mod assets;
pub mod auth;
pub mod bench_fixture;
pub mod cli;
pub mod config;
pub mod crypto;
pub mod photo;
pub mod seed;
pub mod startup;
pub mod storage;
pub mod telemetry;

mod routes;
