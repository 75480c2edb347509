//! The binary's sub-commands. `cargo xtask run` calls `seed --demo` and `serve`; an operator
//! can run them directly after a build.

use crate::config::Settings;
use crate::startup::Application;
use crate::{seed, storage, telemetry};
use anyhow::Context;
use clap::{Parser, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "pingan",
    version,
    about = "平安马甲 Pingan Vest: patrols, incidents and service hours for safety volunteers"
)]
pub struct Cli {
    /// A TOML settings file; without it `./pingan.toml` is read when present.
    /// Environment variables (`PINGAN_…`, `DATABASE_URL`) override the file.
    #[arg(long, global = true, env = "PINGAN_CONFIG")]
    config: Option<PathBuf>,

    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Migrate the database, then serve HTTP on PINGAN_ADDR until SIGTERM or Ctrl-C (the default).
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Load data into the database.
    Seed {
        /// The demo district (济南市历下区): streets, communities and their populations.
        /// Does nothing when the database already holds areas.
        #[arg(long)]
        demo: bool,
    },
    /// Print the effective settings (secrets hidden) and exit.
    Config,
    /// Give the account with this mobile number a temporary password (printed once) and end
    /// its sessions; the next login must choose a new one. The way to reset a system admin,
    /// whom nobody in the app outranks. Audited.
    ResetPassword {
        /// The account's mobile number.
        phone: String,
    },
    /// For `cargo xtask bench`: add volunteers with sessions signed up for shifts under way,
    /// measure the raw batched-insert rate, and write what the load generator needs as JSON.
    #[cfg(feature = "bench")]
    #[command(hide = true)]
    BenchFixture(crate::bench::Args),
}

impl Cli {
    pub async fn run(self) -> anyhow::Result<()> {
        let settings = Settings::load(self.config.as_deref())?;
        telemetry::init(&settings.log);
        match self.command.unwrap_or(Command::Serve) {
            Command::Serve => {
                let app = Application::build(settings).await?;
                app.run_until_stopped().await
            }
            Command::Migrate => {
                let store = storage::connect(&settings.database_url).await?;
                tracing::info!(backend = store.backend(), "migrations applied");
                Ok(())
            }
            Command::Seed { demo } => {
                anyhow::ensure!(demo, "nothing to seed: pass --demo");
                let store = storage::connect(&settings.database_url).await?;
                let created = seed::demo_district(store.as_ref())
                    .await
                    .context("failed to seed the demo district")?;
                println!(
                    "{}",
                    if created {
                        "demo district seeded"
                    } else {
                        "areas exist already; demo seed skipped"
                    }
                );
                print!("{}", seed::demo_logins_table());
                Ok(())
            }
            #[cfg(feature = "bench")]
            Command::BenchFixture(args) => crate::bench::run(&settings, args).await,
            Command::Config => {
                println!("{settings:#?}");
                Ok(())
            }
            Command::ResetPassword { phone } => {
                let store = storage::connect(&settings.database_url).await?;
                let secrets = crate::crypto::ServerSecrets::new(&settings.secret()?);
                let temporary = reset_password(store.as_ref(), &secrets, &phone).await?;
                println!("temporary password: {}", temporary.expose());
                println!("the next login with it must choose a new password");
                Ok(())
            }
        }
    }
}

/// `pingan reset-password PHONE`: a temporary password for the account, every session ended,
/// audited with no actor (the command line) — never the password itself.
pub async fn reset_password(
    store: &dyn domain::Storage,
    secrets: &dyn domain::Secrets,
    phone: &str,
) -> anyhow::Result<domain::Password> {
    let phone = domain::PhoneNumber::parse(phone)
        .map_err(|_| anyhow::anyhow!("{phone:?} is not a mainland mobile number"))?;
    let person = store
        .volunteer_by_phone(&phone)
        .await?
        .with_context(|| format!("no account has the number {}", phone.masked()))?;
    let temporary = secrets.temporary_password();
    let hash = secrets
        .hash_password(&temporary)
        .await
        .map_err(|e| anyhow::anyhow!("password hash: {e}"))?;
    let now = chrono::Utc::now().timestamp_millis();
    let audit = domain::AuditEntry {
        at_ms: now,
        actor_id: None,
        action: "reset_password_cli".into(),
        entity: "volunteer".into(),
        entity_id: Some(person.id.0),
        area_id: Some(person.home_area_id),
        before: None,
        after: None,
    };
    store.reset_password(person.id, &hash, now, &audit).await?;
    Ok(temporary)
}
