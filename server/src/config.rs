//! Settings, layered: built-in defaults, then an optional TOML file, then environment variables
//! (`PINGAN_…`, plus the conventional `DATABASE_URL`). `.env.sample` lists every variable.

use anyhow::{bail, Context};
use app::incidents::IncidentSettings;
use domain::{DutyRules, StarLevels, TargetRate};
use secrecy::SecretString;
use serde::Deserialize;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone)]
pub struct Settings {
    /// Where to listen; port 0 picks a free port (tests).
    pub addr: SocketAddr,
    /// `sqlite://…` (embedded, the default) or `postgres://…`.
    pub database_url: String,
    /// The folder cargo-leptos built: `pkg/` with the hashed wasm, js and css, and the public files.
    pub site_root: PathBuf,
    /// The district's volunteer target as a share of residents.
    pub target_rate: TargetRate,
    /// Signs check-in codes and calendar links and encrypts ID numbers. Never printed. `None`:
    /// kept in a key file beside the SQLite database (see [`Settings::secret`]).
    pub secret_key: Option<SecretString>,
    /// The tracing filter used when `RUST_LOG` is not set.
    pub log: String,
    /// The address people open, e.g. `https://pingan.example.cn`. When it is https, cookies
    /// are `Secure` with the `__Host-` prefix and pages send `Strict-Transport-Security`.
    pub public_url: Option<String>,
    /// Set when served over HTTPS: cookies get `Secure` and the `__Host-` prefix. Defaults to
    /// whether `public_url` is https.
    pub secure_cookies: bool,
    /// Reverse proxies whose `X-Forwarded-For` names the client (for rate limits).
    pub trusted_proxies: crate::routes::client_addr::TrustedProxies,
    /// Grace minutes, cancel cut-off, auto-confirm days, star thresholds, fatigue limits.
    pub duty: DutyRules,
    /// Incident categories, photos per report, the optional base map.
    pub incidents: IncidentSettings,
    /// SMS provider and templates, push, reminders (see `notify::config`).
    pub notify: crate::notify::config::NotifyConfig,
}

/// The file layer: every key optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileSettings {
    pub addr: Option<String>,
    pub database_url: Option<String>,
    pub site_root: Option<PathBuf>,
    pub target_rate: Option<String>,
    pub secret_key: Option<String>,
    pub log: Option<String>,
    pub public_url: Option<String>,
    pub secure_cookies: Option<bool>,
    /// Comma-separated addresses or blocks, e.g. "127.0.0.1, 10.0.0.0/8".
    pub trusted_proxies: Option<String>,
    pub grace_minutes: Option<u32>,
    pub cancel_cutoff_minutes: Option<u32>,
    pub auto_confirm_days: Option<u32>,
    pub track_retention_days: Option<u32>,
    /// Five ascending thresholds in hours, e.g. "100,300,600,1000,1500".
    pub star_hours: Option<String>,
    /// Duty credit multipliers of 一级, 二级, 三级 periods, e.g. "2.0,1.5,1.2".
    pub duty_credit: Option<String>,
    pub max_duty_hours_per_day: Option<u32>,
    /// The longest single shift a leader may plan, in hours (default 12).
    pub max_shift_hours: Option<u32>,
    pub max_shifts_in_a_row: Option<u32>,
    /// `code=中文名|English; …` (see `domain::incident::Categories::parse`).
    pub incident_categories: Option<String>,
    pub max_photos: Option<u32>,
    /// A raster tile URL template with `{z}`, `{x}`, `{y}`; no base map when unset.
    pub tile_url: Option<String>,
    /// `gcj02` (most Chinese providers) or `wgs84`.
    pub tile_datum: Option<String>,
    /// The `[notify]` table: `[notify.sms]`, `[notify.sms_templates]`, `sms_kinds`, reminders,
    /// push (see `notify::config`).
    pub notify: Option<crate::notify::config::NotifyFile>,
}

impl Settings {
    /// Reads `file` (or `./pingan.toml` when present) and the process environment.
    /// Whether people reach the server over HTTPS (then browsers are told to stay on it).
    pub fn over_https(&self) -> bool {
        self.public_url
            .as_deref()
            .is_some_and(|u| u.starts_with("https://"))
    }

    pub fn load(file: Option<&Path>) -> anyhow::Result<Self> {
        let file_layer = match file {
            Some(path) => read_file(path)?,
            None if Path::new("pingan.toml").exists() => read_file(Path::new("pingan.toml"))?,
            None => FileSettings::default(),
        };
        Self::from_layers(file_layer, &|key| std::env::var(key).ok())
    }

    /// Combines the layers; `env` is a parameter so tests need not touch the real environment.
    pub fn from_layers(
        file: FileSettings,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> anyhow::Result<Self> {
        let pick = |key: &str, from_file: Option<String>| env(key).or(from_file);
        let duty = duty_rules(&file, env)?;
        let incidents = incident_settings(&file, env)?;

        let addr = pick("PINGAN_ADDR", file.addr).unwrap_or_else(|| "127.0.0.1:3000".into());
        let addr: SocketAddr = addr.parse().with_context(|| {
            format!("PINGAN_ADDR {addr:?} is not an address like 127.0.0.1:3000")
        })?;

        let database_url = env("DATABASE_URL")
            .or_else(|| env("PINGAN_DATABASE_URL"))
            .or(file.database_url)
            .unwrap_or_else(|| "sqlite://data/pingan.db".into());
        if !(database_url.starts_with("sqlite:") || database_url.starts_with("postgres")) {
            bail!("DATABASE_URL must start with sqlite: or postgres://");
        }

        let site_root = env("PINGAN_SITE_ROOT")
            .or_else(|| env("LEPTOS_SITE_ROOT"))
            .map(PathBuf::from)
            .or(file.site_root)
            .unwrap_or_else(|| PathBuf::from("target/site"));

        let target_rate = match pick("PINGAN_TARGET_RATE", file.target_rate) {
            Some(text) => TargetRate::parse_percent(&text).map_err(|_| {
                anyhow::anyhow!("PINGAN_TARGET_RATE {text:?} must be a percentage from 0.01 to 100")
            })?,
            None => TargetRate::DEFAULT,
        };

        let secret_key = match pick("PINGAN_SECRET_KEY", file.secret_key) {
            Some(key) if key.len() >= 32 => Some(SecretString::from(key)),
            Some(_) => bail!("PINGAN_SECRET_KEY must be at least 32 characters"),
            None => None,
        };

        let log = pick("PINGAN_LOG", file.log).unwrap_or_else(|| "info,sqlx=warn".into());
        let public_url = pick("PINGAN_PUBLIC_URL", file.public_url)
            .map(|u| u.trim().trim_end_matches('/').to_owned())
            .filter(|u| !u.is_empty());
        if let Some(u) = &public_url {
            if !(u.starts_with("https://") || u.starts_with("http://")) {
                bail!("PINGAN_PUBLIC_URL {u:?} must start with https:// or http://");
            }
        }
        let over_https = public_url
            .as_deref()
            .is_some_and(|u| u.starts_with("https://"));
        let secure_cookies = match env("PINGAN_SECURE_COOKIES") {
            Some(v) => matches!(v.as_str(), "1" | "true" | "yes"),
            None => file.secure_cookies.unwrap_or(over_https),
        };
        let trusted_proxies = match pick("PINGAN_TRUSTED_PROXIES", file.trusted_proxies) {
            Some(text) => {
                crate::routes::client_addr::TrustedProxies::parse(&text).map_err(|bad| {
                    anyhow::anyhow!(
                    "PINGAN_TRUSTED_PROXIES: {bad:?} is not an address or block like 10.0.0.0/8"
                )
                })?
            }
            None => Default::default(),
        };

        let notify = crate::notify::config::notify_config(
            file.notify.unwrap_or_default(),
            public_url.as_deref(),
            env,
        )?;
        Ok(Self {
            notify,
            addr,
            database_url,
            site_root,
            target_rate,
            secret_key,
            log,
            public_url,
            secure_cookies,
            trusted_proxies,
            duty,
            incidents,
        })
    }
}

/// The duty rules: each number from `PINGAN_…` or the file, within a sane range, else the
/// default.
fn duty_rules(
    file: &FileSettings,
    env: &dyn Fn(&str) -> Option<String>,
) -> anyhow::Result<DutyRules> {
    let number = |key: &str, from_file: Option<u32>, range: std::ops::RangeInclusive<u32>| {
        let value = match env(key) {
            Some(text) => Some(
                text.trim()
                    .parse::<u32>()
                    .with_context(|| format!("{key} {text:?} is not a whole number"))?,
            ),
            None => from_file,
        };
        match value {
            Some(n) if !range.contains(&n) => {
                bail!("{key} must be from {} to {}", range.start(), range.end())
            }
            other => Ok(other),
        }
    };
    let mut rules = DutyRules::default();
    if let Some(n) = number("PINGAN_GRACE_MINUTES", file.grace_minutes, 0..=240)? {
        rules.grace_minutes = n;
    }
    if let Some(n) = number(
        "PINGAN_CANCEL_CUTOFF_MINUTES",
        file.cancel_cutoff_minutes,
        0..=10_080,
    )? {
        rules.cancel_cutoff_minutes = n;
    }
    if let Some(n) = number("PINGAN_AUTO_CONFIRM_DAYS", file.auto_confirm_days, 1..=365)? {
        rules.auto_confirm_days = n;
    }
    if let Some(n) = number(
        "PINGAN_TRACK_RETENTION_DAYS",
        file.track_retention_days,
        1..=3650,
    )? {
        rules.track_retention_days = n;
    }
    if let Some(n) = number(
        "PINGAN_MAX_DUTY_HOURS_PER_DAY",
        file.max_duty_hours_per_day,
        1..=24,
    )? {
        rules.fatigue.max_minutes_per_day = n * 60;
    }
    if let Some(n) = number("PINGAN_MAX_SHIFT_HOURS", file.max_shift_hours, 1..=24)? {
        rules.max_shift_minutes = n * 60;
    }
    if let Some(n) = number(
        "PINGAN_MAX_SHIFTS_IN_A_ROW",
        file.max_shifts_in_a_row,
        1..=20,
    )? {
        rules.fatigue.max_consecutive = n;
    }
    if let Some(text) = env("PINGAN_DUTY_CREDIT").or_else(|| file.duty_credit.clone()) {
        rules.credit =
            domain::duty_period::credit::CreditRules::parse(&text).with_context(|| {
                format!(
                    "PINGAN_DUTY_CREDIT {text:?} must be three multipliers from 1.0 to 5.0, \
                 like 2.0,1.5,1.2"
                )
            })?;
    }
    if let Some(text) = env("PINGAN_STAR_HOURS").or_else(|| file.star_hours.clone()) {
        let parsed: Option<Vec<u32>> = text.split(',').map(|p| p.trim().parse().ok()).collect();
        rules.stars = parsed
            .and_then(|v| <[u32; 5]>::try_from(v).ok())
            .and_then(StarLevels::new)
            .with_context(|| {
                format!("PINGAN_STAR_HOURS {text:?} must be five ascending hour counts")
            })?;
    }
    Ok(rules)
}

/// Incident categories, the photo limit and the optional tile layer.
fn incident_settings(
    file: &FileSettings,
    env: &dyn Fn(&str) -> Option<String>,
) -> anyhow::Result<IncidentSettings> {
    let mut settings = IncidentSettings::default();
    // An empty value (as `.env.sample` leaves them) means "not set".
    let set = |v: Option<String>| v.filter(|v| !v.trim().is_empty());
    if let Some(text) =
        set(env("PINGAN_INCIDENT_CATEGORIES").or_else(|| file.incident_categories.clone()))
    {
        settings.categories = domain::incident::Categories::parse(&text)
            .map_err(|e| anyhow::anyhow!("PINGAN_INCIDENT_CATEGORIES: {e}"))?;
    }
    let photos = match env("PINGAN_MAX_PHOTOS") {
        Some(text) => Some(
            text.trim()
                .parse::<u32>()
                .with_context(|| format!("PINGAN_MAX_PHOTOS {text:?} is not a whole number"))?,
        ),
        None => file.max_photos,
    };
    if let Some(n) = photos {
        if !(0..=9).contains(&n) {
            bail!("PINGAN_MAX_PHOTOS must be from 0 to 9");
        }
        settings.max_photos = n as usize;
    }
    if let Some(url) = set(env("PINGAN_TILE_URL").or_else(|| file.tile_url.clone())) {
        let datum = match env("PINGAN_TILE_DATUM")
            .or_else(|| file.tile_datum.clone())
            .as_deref()
            .map(str::trim)
        {
            None | Some("gcj02") | Some("GCJ02") | Some("GCJ-02") => app::areas::Datum::Gcj02,
            Some("wgs84") | Some("WGS84") | Some("WGS-84") => app::areas::Datum::Wgs84,
            Some(other) => bail!("PINGAN_TILE_DATUM {other:?} must be gcj02 or wgs84"),
        };
        let layer = app::incidents::TileLayer { url, datum };
        let filled = ["{z}", "{x}", "{y}"].iter().all(|p| layer.url.contains(p));
        if layer.origin().is_none() || !filled {
            bail!("PINGAN_TILE_URL must be an https URL with {{z}}, {{x}} and {{y}}");
        }
        settings.tiles = Some(layer);
    }
    Ok(settings)
}

impl Settings {
    /// The server's secret. Without `PINGAN_SECRET_KEY`, an embedded SQLite installation keeps
    /// a random key in `<database>.key` (created once, readable by the owner only), so sealed ID
    /// numbers, check-in codes and calendar links survive a restart. PostgreSQL serves many app
    /// servers, which must share one key: there it has to be set.
    pub fn secret(&self) -> anyhow::Result<SecretString> {
        if let Some(key) = &self.secret_key {
            return Ok(key.clone());
        }
        let sqlite = self
            .database_url
            .strip_prefix("sqlite://")
            .or_else(|| self.database_url.strip_prefix("sqlite:"));
        let Some(db) = sqlite else {
            bail!("PINGAN_SECRET_KEY must be set when the database is PostgreSQL (every app server needs the same key)");
        };
        let db = db.split('?').next().unwrap_or(db);
        let path = PathBuf::from(format!("{db}.key"));
        match std::fs::read_to_string(&path) {
            Ok(key) if key.trim().len() >= 32 => Ok(SecretString::from(key.trim().to_owned())),
            Ok(_) => bail!(
                "{} is too short to be a key; delete it to make a new one",
                path.display()
            ),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir)?;
                }
                let key = random_key();
                write_private(&path, &key)
                    .with_context(|| format!("failed to write the key file {}", path.display()))?;
                tracing::info!(path = %path.display(), "created the server key file");
                Ok(SecretString::from(key))
            }
            Err(e) => Err(e).with_context(|| format!("failed to read {}", path.display())),
        }
    }
}

/// Writes a file only its owner can read (the key must not leak to other local users).
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)?.write_all(text.as_bytes())
}

fn read_file(path: &Path) -> anyhow::Result<FileSettings> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("failed to read settings file {}", path.display()))?;
    toml::from_str(&text)
        .with_context(|| format!("failed to parse settings file {}", path.display()))
}

fn random_key() -> String {
    use base64::Engine;
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

#[cfg(test)]
#[path = "config_tests.rs"]
mod tests;
