//! The check-in burst's load generator: `connections` keep-alive HTTP/1.1 connections post
//! check-ins as fast as the server acknowledges them, every request a new event (its own
//! client key and assignment), as thousands of phones would at the start of a shift. General
//! tools (oha, wrk) repeat one request body, which here would measure only the "already stored"
//! path; this one is written for the job, on reqwest and tokio from crates.io.

use anyhow::{Context, Result};
use serde::Deserialize;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// What `pingan bench-fixture` wrote.
#[derive(Debug, Deserialize)]
pub struct Fixture {
    pub cookie_name: String,
    pub lat: f64,
    pub lon: f64,
    pub users: Vec<User>,
    pub raw_inserts_per_s: f64,
    pub raw_rows: usize,
    pub raw_batch: usize,
}

#[derive(Debug, Deserialize)]
pub struct User {
    pub token: String,
    pub assignments: Vec<i64>,
}

#[derive(Debug, Clone, Copy)]
pub struct Outcome {
    pub requests: usize,
    /// Answered 201: stored and synced to disk.
    pub acknowledged: usize,
    pub failed: usize,
    pub secs: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
}

impl Outcome {
    pub fn per_second(&self) -> f64 {
        self.acknowledged as f64 / self.secs
    }
}

/// Sends one check-in per assignment in the fixture, `connections` at a time.
pub fn run(addr: &str, fixture: &Fixture, connections: usize) -> Result<Outcome> {
    // Round-robin over volunteers, so concurrent requests come from different people.
    let most = fixture
        .users
        .iter()
        .map(|u| u.assignments.len())
        .max()
        .unwrap_or(0);
    let mut jobs = Vec::new();
    for round in 0..most {
        for user in &fixture.users {
            if let Some(a) = user.assignments.get(round) {
                jobs.push((format!("{}={}", fixture.cookie_name, user.token), *a));
            }
        }
    }
    let jobs = Arc::new(jobs);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let url = format!("http://{addr}/api/checks");
    let (lat, lon) = (fixture.lat, fixture.lon);
    runtime.block_on(async move {
        let client = reqwest::Client::builder()
            .http1_only()
            .pool_max_idle_per_host(connections)
            .timeout(Duration::from_secs(30))
            .build()
            .context("http client")?;
        let next = Arc::new(AtomicUsize::new(0));
        let latencies = Arc::new(Mutex::new(Vec::with_capacity(jobs.len())));
        let acknowledged = Arc::new(AtomicUsize::new(0));
        let failed = Arc::new(AtomicUsize::new(0));
        let run_id = std::process::id();
        let started = Instant::now();
        let mut workers = Vec::new();
        for _ in 0..connections {
            let (client, jobs, next, latencies, acknowledged, failed, url) = (
                client.clone(),
                jobs.clone(),
                next.clone(),
                latencies.clone(),
                acknowledged.clone(),
                failed.clone(),
                url.clone(),
            );
            workers.push(tokio::spawn(async move {
                let mut mine = Vec::new();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some((cookie, assignment)) = jobs.get(i) else {
                        break;
                    };
                    let now = std::time::SystemTime::now()
                        .duration_since(std::time::UNIX_EPOCH)
                        .map(|d| d.as_millis() as i64)
                        .unwrap_or_default();
                    let body = serde_json::json!({
                        "client_key": format!("{run_id:08x}-0000-7000-8000-{i:012x}"),
                        "assignment_id": assignment, "kind": "in", "made_at": now,
                        "lat": lat, "lon": lon, "accuracy_m": 10.0, "code": null, "reason": null,
                    });
                    let sent = Instant::now();
                    let res = client
                        .post(&url)
                        .header("cookie", cookie)
                        .header("sec-fetch-site", "same-origin")
                        .json(&body)
                        .send()
                        .await;
                    let ok = match res {
                        Ok(r) => r.status().as_u16() == 201 && r.bytes().await.is_ok(),
                        Err(_) => false,
                    };
                    mine.push(sent.elapsed());
                    if ok {
                        acknowledged.fetch_add(1, Ordering::Relaxed);
                    } else {
                        failed.fetch_add(1, Ordering::Relaxed);
                    }
                }
                if let Ok(mut all) = latencies.lock() {
                    all.extend(mine);
                }
            }));
        }
        for w in workers {
            w.await?;
        }
        let secs = started.elapsed().as_secs_f64();
        let mut all = latencies.lock().map(|l| l.clone()).unwrap_or_default();
        all.sort();
        let at = |q: f64| {
            all.get(((all.len() as f64 * q) as usize).min(all.len().saturating_sub(1)))
                .map(|d| d.as_secs_f64() * 1000.0)
                .unwrap_or(0.0)
        };
        Ok(Outcome {
            requests: all.len(),
            acknowledged: acknowledged.load(Ordering::Relaxed),
            failed: failed.load(Ordering::Relaxed),
            secs,
            p50_ms: at(0.50),
            p99_ms: at(0.99),
            max_ms: all.last().map(|d| d.as_secs_f64() * 1000.0).unwrap_or(0.0),
        })
    })
}
