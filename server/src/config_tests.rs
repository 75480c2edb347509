//! Settings from their layers: defaults, the file, the environment, and refusals of bad values.

use super::*;
use std::collections::HashMap;

fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
    let map: HashMap<String, String> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    move |k| map.get(k).cloned()
}

#[test]
fn defaults_serve_sqlite_on_localhost_3000() {
    let s = Settings::from_layers(FileSettings::default(), &env_of(&[])).expect("defaults");
    assert_eq!(s.addr.to_string(), "127.0.0.1:3000");
    assert_eq!(s.database_url, "sqlite://data/pingan.db");
    assert_eq!(s.target_rate, TargetRate::DEFAULT);
}

#[test]
fn the_environment_overrides_the_file() {
    let file = FileSettings {
        addr: Some("0.0.0.0:8080".into()),
        target_rate: Some("3".into()),
        ..Default::default()
    };
    let s =
        Settings::from_layers(file, &env_of(&[("PINGAN_ADDR", "127.0.0.1:9000")])).expect("valid");
    assert_eq!(s.addr.to_string(), "127.0.0.1:9000");
    assert_eq!(s.target_rate.basis_points(), 300);
}

#[test]
fn bad_values_are_refused_with_the_variable_named() {
    let err = Settings::from_layers(
        FileSettings::default(),
        &env_of(&[("PINGAN_ADDR", "nowhere")]),
    )
    .expect_err("invalid");
    assert!(err.to_string().contains("PINGAN_ADDR"));
    let err = Settings::from_layers(
        FileSettings::default(),
        &env_of(&[("DATABASE_URL", "mysql://x")]),
    )
    .expect_err("invalid");
    assert!(err.to_string().contains("DATABASE_URL"));
}

#[test]
fn the_secret_key_never_prints() {
    let key = "k".repeat(40);
    let s = Settings::from_layers(
        FileSettings::default(),
        &env_of(&[("PINGAN_SECRET_KEY", &key)]),
    )
    .expect("valid");
    assert!(!format!("{s:?}").contains(&key));
}

#[test]
fn without_a_key_sqlite_keeps_one_in_a_file_and_postgres_refuses_to_start() {
    let db = std::env::temp_dir().join(format!("pingan-key-{}.db", std::process::id()));
    let url = format!("sqlite://{}", db.display());
    let s = Settings::from_layers(FileSettings::default(), &env_of(&[("DATABASE_URL", &url)]))
        .expect("valid");
    use secrecy::ExposeSecret;
    let first = s.secret().expect("created").expose_secret().to_owned();
    let again = s.secret().expect("read back").expose_secret().to_owned();
    assert_eq!(first, again, "the same key after a restart");
    let _ = std::fs::remove_file(format!("{}.key", db.display()));
    let pg = Settings::from_layers(
        FileSettings::default(),
        &env_of(&[("DATABASE_URL", "postgres://localhost/pingan")]),
    )
    .expect("valid");
    let err = pg.secret().expect_err("refused");
    assert!(err.to_string().contains("PINGAN_SECRET_KEY"));
}

#[test]
fn duty_rules_default_and_can_be_set_within_bounds() {
    let s = Settings::from_layers(FileSettings::default(), &env_of(&[])).expect("valid");
    assert_eq!(s.duty, DutyRules::default());
    let s = Settings::from_layers(
        FileSettings::default(),
        &env_of(&[
            ("PINGAN_GRACE_MINUTES", "30"),
            ("PINGAN_STAR_HOURS", "50, 100, 200, 400, 800"),
            ("PINGAN_MAX_DUTY_HOURS_PER_DAY", "10"),
            ("PINGAN_MAX_SHIFT_HOURS", "8"),
        ]),
    )
    .expect("valid");
    assert_eq!(s.duty.grace_minutes, 30);
    assert_eq!(s.duty.max_shift_minutes, 480);
    assert_eq!(s.duty.fatigue.max_minutes_per_day, 600);
    assert_eq!(s.duty.stars.progress(60 * 100).stars, 2);
    for (key, bad) in [
        ("PINGAN_GRACE_MINUTES", "lots"),
        ("PINGAN_AUTO_CONFIRM_DAYS", "0"),
        ("PINGAN_MAX_SHIFT_HOURS", "25"),
        ("PINGAN_STAR_HOURS", "300,100,600,1000,1500"),
    ] {
        let err = Settings::from_layers(FileSettings::default(), &env_of(&[(key, bad)]))
            .expect_err("invalid");
        assert!(err.to_string().contains(key), "{err}");
    }
}

#[test]
fn incident_settings_default_and_can_be_configured() {
    let s = Settings::from_layers(FileSettings::default(), &env_of(&[])).expect("valid");
    assert_eq!(s.incidents.max_photos, 4);
    assert_eq!(s.incidents.categories.all().len(), 8);
    assert_eq!(s.incidents.tiles, None);
    let s = Settings::from_layers(
        FileSettings::default(),
        &env_of(&[
            (
                "PINGAN_INCIDENT_CATEGORIES",
                "fire=消防隐患|Fire hazard; noise=噪音扰民",
            ),
            ("PINGAN_MAX_PHOTOS", "2"),
            (
                "PINGAN_TILE_URL",
                "https://tiles.example.cn/{z}/{x}/{y}.png",
            ),
        ]),
    )
    .expect("valid");
    assert_eq!(s.incidents.categories.all().len(), 2);
    assert_eq!(s.incidents.max_photos, 2);
    let tiles = s.incidents.tiles.expect("a tile layer");
    assert_eq!(
        tiles.datum,
        app::areas::Datum::Gcj02,
        "Chinese providers by default"
    );
    for (key, bad) in [
        ("PINGAN_INCIDENT_CATEGORIES", "Fire=火"),
        ("PINGAN_MAX_PHOTOS", "12"),
        ("PINGAN_TILE_URL", "https://tiles.example.cn/tile.png"),
        ("PINGAN_TILE_URL", "javascript:{z}{x}{y}"),
    ] {
        let err = Settings::from_layers(FileSettings::default(), &env_of(&[(key, bad)]))
            .expect_err("invalid");
        assert!(err.to_string().contains(key), "{key}={bad}: {err}");
    }
}

#[test]
fn an_https_public_url_makes_cookies_secure_and_proxies_are_named_exactly() {
    let s = Settings::from_layers(
        FileSettings::default(),
        &env_of(&[
            ("PINGAN_PUBLIC_URL", "https://pingan.example.cn/"),
            ("PINGAN_TRUSTED_PROXIES", "127.0.0.1, 10.0.0.0/8"),
        ]),
    )
    .expect("valid");
    assert!(s.over_https() && s.secure_cookies);
    assert_eq!(s.public_url.as_deref(), Some("https://pingan.example.cn"));
    assert_eq!(s.trusted_proxies.0.len(), 2);
    let plain = Settings::from_layers(FileSettings::default(), &env_of(&[])).expect("valid");
    assert!(!plain.over_https() && !plain.secure_cookies);
    for (key, bad) in [
        ("PINGAN_TRUSTED_PROXIES", "10.0.0.0/8, the-proxy"),
        ("PINGAN_PUBLIC_URL", "pingan.example.cn"),
    ] {
        let err = Settings::from_layers(FileSettings::default(), &env_of(&[(key, bad)]))
            .expect_err("refused");
        assert!(err.to_string().contains(key), "{key}: {err}");
    }
}
