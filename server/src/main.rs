//! `pingan`: the one binary. See `pingan --help`.

use clap::Parser;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    server::cli::Cli::parse().run().await
}
