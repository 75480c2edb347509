//! `pingan bench-fixture`: what `cargo xtask bench` needs for the check-in burst — many
//! volunteers with sessions, each signed up for shifts under way — and the raw batched-insert
//! rate of the same database, for comparison. Writes a JSON file for the load generator.
//! Touches only rows it creates (names start with 压测, shift notes say "bench").
//!
//! Compiled only with the server's `bench` feature, which `cargo xtask bench` turns on for its
//! release build: a production binary has no command that fills a database with test people.

use crate::auth::session::{new_token, SessionPolicy};
use crate::config::Settings;
use crate::storage;
use anyhow::Context;
use domain::duty::{HOUR_MS, MINUTE_MS};
use domain::{
    AuditEntry, CheckKind, NewCheck, NewShift, NewVolunteer, PersonName, PhoneNumber, Proof,
    SessionRecord, ShiftWindow, Storage, Verdict, VolunteerStatus,
};
use serde::Serialize;
use std::path::PathBuf;
use std::time::Instant;

/// The fixture's size and where it goes.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[arg(long, default_value_t = 200)]
    volunteers: u32,
    #[arg(long, default_value_t = 50)]
    shifts: u32,
    #[arg(long)]
    out: PathBuf,
}

/// Builds the fixture in the configured database and writes it to `args.out`.
pub async fn run(settings: &Settings, args: Args) -> anyhow::Result<()> {
    let store = storage::connect(&settings.database_url).await?;
    let fixture = build(
        store.as_ref(),
        &settings.database_url,
        args.volunteers,
        args.shifts,
    )
    .await?;
    std::fs::write(&args.out, serde_json::to_vec(&fixture)?)?;
    println!(
        "bench fixture: {} volunteers, raw insert {:.0} rows/s",
        fixture.users.len(),
        fixture.raw_inserts_per_s
    );
    Ok(())
}

#[derive(Serialize)]
pub struct Fixture {
    pub cookie_name: String,
    /// Where the burst's check-ins are made (inside the first site's fence).
    pub lat: f64,
    pub lon: f64,
    pub users: Vec<User>,
    /// Check events stored per second by `record_checks` in batches of `raw_batch`.
    pub raw_inserts_per_s: f64,
    pub raw_rows: usize,
    pub raw_batch: usize,
}

#[derive(Serialize)]
pub struct User {
    pub token: String,
    pub assignments: Vec<i64>,
}

async fn build(
    store: &dyn Storage,
    database_url: &str,
    volunteers: u32,
    shifts: u32,
) -> anyhow::Result<Fixture> {
    let now = chrono::Utc::now().timestamp_millis();
    let district = store
        .child_areas(None)
        .await?
        .into_iter()
        .next()
        .context("seed the demo district first")?;
    let site = store
        .sites_in(district.id)
        .await?
        .into_iter()
        .next()
        .context("the demo has no sites")?;
    let (lat, lon) = match &site.fence {
        domain::geometry::Fence::Circle { lat, lon, .. } => (*lat, *lon),
        domain::geometry::Fence::Polygon(_) => anyhow::bail!("the first demo site is a polygon"),
    };
    let people: Vec<NewVolunteer> = (0..volunteers)
        .map(|i| -> anyhow::Result<NewVolunteer> {
            Ok(NewVolunteer {
                name: PersonName::parse(&format!("压测队员{i}"))?,
                phone: PhoneNumber::parse(&format!("170{i:08}"))?,
                id_number: None,
                home_area_id: site.area_id,
                skills: vec![],
                location_consent_version: Some("2026-1".into()),
                status: VolunteerStatus::Registered,
                vest_no: None,
                password_hash: None,
                now_ms: now,
            })
        })
        .collect::<anyhow::Result<_>>()?;
    store.insert_volunteers(&people).await?;
    let window = ShiftWindow::new(now - 30 * MINUTE_MS, now + 3 * HOUR_MS).context("window")?;
    let new_shift = |notes: &str| NewShift {
        site_id: site.id,
        window,
        headcount: 500,
        leaders_needed: 0,
        notes: notes.to_owned(),
        created_by: None,
        created_at: now,
    };
    let audit = AuditEntry {
        at_ms: now,
        actor_id: None,
        action: "bench_fixture".into(),
        entity: "shift".into(),
        entity_id: None,
        area_id: None,
        before: None,
        after: None,
    };
    let mut all: Vec<NewShift> = (0..shifts).map(|_| new_shift("bench")).collect();
    all.extend((0..4).map(|_| new_shift("bench-raw")));
    store.insert_shifts(&all, &audit).await?;
    // Everyone on every shift, in one statement (the sign-up path is not what is measured).
    raw_execute(
        database_url,
        "INSERT INTO assignments (shift_id, volunteer_id, state, as_leader, signed_up_at) \
         SELECT s.id, v.id, 'signed_up', FALSE, 0 FROM shifts s CROSS JOIN volunteers v \
         WHERE s.notes IN ('bench', 'bench-raw') AND v.phone LIKE '170%'",
    )
    .await?;
    let rows = raw_pairs(
        database_url,
        "SELECT a.volunteer_id, a.id FROM assignments a JOIN shifts s ON s.id = a.shift_id \
         WHERE s.notes = 'bench' ORDER BY a.volunteer_id, a.id",
    )
    .await?;
    let raw_rows = raw_pairs(
        database_url,
        "SELECT a.volunteer_id, a.id FROM assignments a JOIN shifts s ON s.id = a.shift_id \
         WHERE s.notes = 'bench-raw' ORDER BY a.id",
    )
    .await?;

    let policy = SessionPolicy::new(false);
    let mut users: Vec<User> = Vec::new();
    let mut current = None;
    for (volunteer, assignment) in rows {
        if current != Some(volunteer) {
            let (token, hash) = new_token();
            store
                .insert_session(&SessionRecord {
                    token_hash: hash,
                    volunteer_id: domain::VolunteerId(volunteer),
                    created_at_ms: now,
                    last_seen_at_ms: now,
                    expires_at_ms: now + 24 * HOUR_MS,
                })
                .await?;
            users.push(User {
                token,
                assignments: Vec::new(),
            });
            current = Some(volunteer);
        }
        if let Some(u) = users.last_mut() {
            u.assignments.push(assignment);
        }
    }

    // The raw rate: check-ins and check-outs straight into storage, batch by batch.
    let raw_batch = 500;
    let events: Vec<NewCheck> = raw_rows
        .iter()
        .flat_map(|(_, a)| [(a, CheckKind::In), (a, CheckKind::Out)])
        .map(|(a, kind)| NewCheck {
            client_key: uuid::Uuid::now_v7().to_string(),
            assignment_id: domain::AssignmentId(*a),
            kind,
            made_at: now,
            received_at: now,
            position: Some((lat, lon, Some(10.0))),
            proof: Proof::Position(Verdict::Inside),
            outside_reason: None,
            supersedes: None,
            service: None,
        })
        .collect();
    let started = Instant::now();
    for chunk in events.chunks(raw_batch) {
        store.record_checks(chunk).await?;
    }
    let secs = started.elapsed().as_secs_f64();
    Ok(Fixture {
        cookie_name: policy.cookie_name().to_owned(),
        lat,
        lon,
        users,
        raw_inserts_per_s: events.len() as f64 / secs,
        raw_rows: events.len(),
        raw_batch,
    })
}

async fn raw_execute(url: &str, sql: &str) -> anyhow::Result<()> {
    use sqlx::Connection;
    if url.starts_with("postgres") {
        let mut c = sqlx::PgConnection::connect(url).await?;
        sqlx::query(sql).execute(&mut c).await?;
    } else {
        let mut c = sqlx::SqliteConnection::connect(url).await?;
        sqlx::query(sql).execute(&mut c).await?;
    }
    Ok(())
}

async fn raw_pairs(url: &str, sql: &str) -> anyhow::Result<Vec<(i64, i64)>> {
    use sqlx::Connection;
    Ok(if url.starts_with("postgres") {
        let mut c = sqlx::PgConnection::connect(url).await?;
        sqlx::query_as(sql).fetch_all(&mut c).await?
    } else {
        let mut c = sqlx::SqliteConnection::connect(url).await?;
        sqlx::query_as(sql).fetch_all(&mut c).await?
    })
}
