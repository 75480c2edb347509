//! The authorization matrix: every server function × every role × data in and out of the
//! caller's area scope, over real HTTP requests into the router. A new server function must
//! get a row here; `every_server_function_has_a_row` fails until it does.

mod common;

use axum::body::Body;
use axum::http::{header, Request};
use common::app::{body_text, log_in, send, spawn_app, TestApp};
use domain::{AreaId, AreaKind, AreaName, NewArea, NewVolunteer, PersonName, PhoneNumber};
use domain::{Population, VolunteerStatus};

/// Who calls: anonymous, then the demo logins from the least to the most powerful.
const CALLERS: [(&str, Option<&str>); 6] = [
    ("anonymous", None),
    ("volunteer", Some("13800000005")),
    ("team leader (山大路社区)", Some("13800000004")),
    ("coordinator (解放路街道)", Some("13800000003")),
    ("association admin (历下区)", Some("13800000002")),
    ("system admin", Some("13800000001")),
];

/// Data the calls aim at.
struct Fixture {
    district: AreaId,
    /// A district nobody in the demo holds a role in.
    foreign_district: AreaId,
    /// 山大路社区 (under 解放路街道).
    in_scope_community: AreaId,
    /// 建新社区 (under 千佛山街道).
    out_of_scope_community: AreaId,
    /// A team in 山大路社区.
    team: domain::TeamId,
    /// Seeded registered volunteers (no login) of 山大路社区 and of 建新社区.
    seeded_in_scope: i64,
    seeded_out_of_scope: i64,
    /// A shift in 山大路社区 three days ahead with room for everyone.
    shift_in_scope: domain::ShiftId,
    /// A seeded volunteer's sign-up, which nobody else may cancel.
    someone_elses_assignment: domain::AssignmentId,
}

async fn fixture(t: &TestApp) -> Fixture {
    let store = t.store.as_ref();
    let district = store.child_areas(None).await.expect("roots")[0].id;
    let mut in_scope = None;
    let mut out_of_scope = None;
    for street in store.child_areas(Some(district)).await.expect("streets") {
        for c in store
            .child_areas(Some(street.id))
            .await
            .expect("communities")
        {
            match c.name.as_str() {
                "山大路社区" => in_scope = Some(c.id),
                "建新社区" => out_of_scope = Some(c.id),
                _ => {}
            }
        }
    }
    let foreign_district = store
        .insert_area(&NewArea {
            parent_id: None,
            kind: AreaKind::District,
            name: AreaName::parse("历城区").expect("name"),
            population: Population::new(1_000_000).expect("population"),
            population_counted_on: None,
        })
        .await
        .expect("foreign district");
    // A site there too, for shifts nobody of this district may take.
    store
        .import_geometry(
            &[],
            &[domain::SiteDraft {
                area_id: foreign_district,
                name: "历城区政府".into(),
                fence: domain::geometry::Fence::Circle {
                    lat: 36.68,
                    lon: 117.07,
                    radius_m: 80,
                },
            }],
            &domain::AuditEntry {
                at_ms: 1,
                actor_id: None,
                action: "import_geojson".into(),
                entity: "area".into(),
                entity_id: None,
                area_id: None,
                before: None,
                after: None,
            },
        )
        .await
        .expect("foreign site");
    let in_scope = in_scope.expect("山大路社区");
    let team = t
        .store
        .insert_team(
            in_scope,
            "山大路巡逻队",
            1,
            &domain::AuditEntry {
                at_ms: 1,
                actor_id: None,
                action: "create_team".into(),
                entity: "team".into(),
                entity_id: None,
                area_id: Some(in_scope),
                before: None,
                after: None,
            },
        )
        .await
        .expect("team");
    // The first seeded (login-less) registered volunteer living in each community.
    let mut seeded_in_scope = 0;
    let mut seeded_out_of_scope = 0;
    let jianxin = out_of_scope.expect("建新社区");
    for n in 1..2000u64 {
        let phone = PhoneNumber::parse(&format!("139{n:08}")).expect("phone");
        let Some(v) = t.store.volunteer_by_phone(&phone).await.expect("lookup") else {
            break;
        };
        if v.status != VolunteerStatus::Registered {
            continue;
        }
        if v.home_area_id == in_scope && seeded_in_scope == 0 {
            seeded_in_scope = v.id.0;
        }
        if v.home_area_id == jianxin && seeded_out_of_scope == 0 {
            seeded_out_of_scope = v.id.0;
        }
    }
    assert!(
        seeded_in_scope > 0 && seeded_out_of_scope > 0,
        "seeded volunteers found"
    );
    let shift_in_scope = duty_shift(t, in_scope, 0).await;
    let someone_elses_assignment = match t
        .store
        .sign_up(
            shift_in_scope,
            domain::VolunteerId(seeded_in_scope),
            false,
            1,
        )
        .await
        .expect("sign up")
    {
        domain::SignUpOutcome::SignedUp(a) | domain::SignUpOutcome::Waitlisted(a) => a,
    };
    Fixture {
        shift_in_scope,
        someone_elses_assignment,
        team,
        seeded_in_scope,
        seeded_out_of_scope,
        district,
        foreign_district,
        in_scope_community: in_scope,
        out_of_scope_community: jianxin,
    }
}

/// The first site of `community`.
async fn first_site(t: &TestApp, community: AreaId) -> domain::SiteId {
    t.store.sites_in(community).await.expect("sites")[0].id
}

/// A fresh shift at `community`'s first site, `days_ahead` + 3 days from now, 08:00–12:00.
async fn duty_shift(t: &TestApp, community: AreaId, days_ahead: u64) -> domain::ShiftId {
    use domain::duty::{local_date, shift::window_on};
    let site = first_site(t, community).await;
    let date =
        local_date(chrono::Utc::now().timestamp_millis()) + chrono::Days::new(3 + days_ahead);
    let window = window_on(date, 8 * 60, 12 * 60).expect("window");
    t.store
        .insert_shifts(
            &[domain::NewShift {
                site_id: site,
                window,
                headcount: 10,
                leaders_needed: 0,
                notes: String::new(),
                created_by: None,
                created_at: 1,
            }],
            &domain::AuditEntry {
                at_ms: 1,
                actor_id: None,
                action: "create_shifts".into(),
                entity: "site".into(),
                entity_id: None,
                area_id: Some(community),
                before: None,
                after: None,
            },
        )
        .await
        .expect("shift")[0]
}

/// Hours claimed by `volunteer` on a past shift at `community`'s first site, pending.
async fn claimed_hours(
    t: &TestApp,
    community: AreaId,
    volunteer: i64,
    n: &mut u64,
) -> domain::AssignmentId {
    use domain::{CheckKind, NewCheck, Proof, SignUpOutcome, Verdict, VolunteerId};
    *n += 1;
    // A new shift for every call (storage takes overlapping sign-ups; fatigue is the service's).
    let shift = duty_shift(t, community, 0).await;
    let starts = t
        .store
        .shift(shift)
        .await
        .expect("read")
        .expect("shift")
        .window
        .starts_at;
    let a = match t
        .store
        .sign_up(shift, VolunteerId(volunteer), false, 1)
        .await
        .expect("sign up")
    {
        SignUpOutcome::SignedUp(a) | SignUpOutcome::Waitlisted(a) => a,
    };
    for (kind, at) in [
        (CheckKind::In, starts),
        (CheckKind::Out, starts + 3_600_000),
    ] {
        t.store
            .record_check(&NewCheck {
                client_key: format!("authz-{}-{}-{n}", a.0, kind.as_str()),
                assignment_id: a,
                kind,
                made_at: at,
                received_at: at,
                position: None,
                proof: Proof::Position(Verdict::Unknown),
                outside_reason: None,
            })
            .await
            .expect("check");
    }
    t.store.open_service(a, 60, None, 1).await.expect("open");
    a
}

/// A fresh applicant in `home`, so each state-changing call has its own target.
async fn applicant(t: &TestApp, home: AreaId, n: &mut u64) -> i64 {
    *n += 1;
    t.store
        .insert_volunteer(&NewVolunteer {
            name: PersonName::parse("测试申请人").expect("name"),
            phone: PhoneNumber::parse(&format!("137{:08}", *n)).expect("phone"),
            id_number: None,
            home_area_id: home,
            skills: vec![],
            location_consent_version: Some("2026-1".into()),
            status: VolunteerStatus::Applied,
            vest_no: None,
            password_hash: None,
            now_ms: 1,
        })
        .await
        .expect("applicant")
        .0
}

/// One server-function call, as a browser on this site would send it.
fn call(endpoint: &str, body: String, json: bool, cookie: Option<&str>) -> Request<Body> {
    let mut req = Request::post(format!("/api/{endpoint}"))
        .header("sec-fetch-site", "same-origin")
        .header(header::ACCEPT, "application/json")
        .header(
            header::CONTENT_TYPE,
            if json {
                "application/json"
            } else {
                "application/x-www-form-urlencoded"
            },
        );
    if let Some(c) = cookie {
        req = req.header(header::COOKIE, c);
    }
    req.body(Body::from(body)).expect("request")
}

/// The rows: a name, how to build the call (given the fixture and a fresh applicant maker),
/// and the expected status for each caller in `CALLERS` order.
struct Row {
    name: &'static str,
    endpoint: &'static str,
    expect: [u16; 6],
}

const ROWS: &[Row] = &[
    Row {
        name: "whoami",
        endpoint: "me",
        expect: [200, 200, 200, 200, 200, 200],
    },
    Row {
        name: "current area",
        endpoint: "areas/current",
        expect: [200, 200, 200, 200, 200, 200],
    },
    Row {
        name: "figures of the own district",
        endpoint: "areas/figures",
        expect: [401, 200, 200, 200, 200, 200],
    },
    Row {
        name: "figures of another district",
        endpoint: "areas/figures#foreign",
        expect: [401, 404, 404, 404, 404, 404],
    },
    Row {
        name: "communities to apply to",
        endpoint: "volunteers/communities",
        expect: [200, 200, 200, 200, 200, 200],
    },
    Row {
        name: "apply with bad input",
        endpoint: "volunteers/apply",
        expect: [422, 422, 422, 422, 422, 422],
    },
    Row {
        name: "list volunteers",
        endpoint: "volunteers/list",
        expect: [401, 403, 200, 200, 200, 200],
    },
    Row {
        name: "approve an applicant in scope",
        endpoint: "volunteers/decide#in",
        expect: [401, 404, 404, 200, 200, 200],
    },
    Row {
        name: "approve an applicant out of scope",
        endpoint: "volunteers/decide#out",
        expect: [401, 404, 404, 404, 200, 200],
    },
    Row {
        name: "edit area figures",
        endpoint: "areas/update",
        expect: [401, 403, 403, 403, 200, 200],
    },
    Row {
        name: "edit figures with a bad population",
        endpoint: "areas/update#bad",
        expect: [401, 403, 403, 403, 422, 422],
    },
    Row {
        name: "edit another district's figures",
        endpoint: "areas/update#foreign",
        expect: [401, 403, 403, 403, 403, 403],
    },
    Row {
        name: "reset a password in scope",
        endpoint: "accounts/reset-password",
        expect: [401, 404, 404, 404, 200, 200],
    },
    Row {
        name: "list teams",
        endpoint: "teams/list",
        expect: [401, 403, 403, 200, 200, 200],
    },
    Row {
        name: "create a team in scope",
        endpoint: "teams/create",
        expect: [401, 403, 403, 200, 200, 200],
    },
    Row {
        name: "create a team out of scope",
        endpoint: "teams/create#out",
        expect: [401, 403, 403, 403, 200, 200],
    },
    Row {
        name: "add a member to a team",
        endpoint: "teams/member",
        expect: [401, 404, 404, 200, 200, 200],
    },
    Row {
        name: "name a team leader",
        endpoint: "teams/leader",
        expect: [401, 404, 404, 200, 200, 200],
    },
    Row {
        name: "reveal a contact in scope",
        endpoint: "volunteers/contact",
        expect: [401, 404, 200, 200, 200, 200],
    },
    Row {
        name: "reveal a contact out of scope",
        endpoint: "volunteers/contact#out",
        expect: [401, 404, 404, 404, 200, 200],
    },
    Row {
        name: "add a street to the district",
        endpoint: "areas/create",
        expect: [401, 403, 403, 403, 200, 200],
    },
    Row {
        name: "add an area under a community",
        endpoint: "areas/create#community",
        expect: [401, 403, 403, 403, 422, 422],
    },
    Row {
        name: "audit log",
        endpoint: "audit/list",
        expect: [401, 403, 403, 200, 200, 200],
    },
    Row {
        name: "reject without a reason",
        endpoint: "volunteers/decide#noreason",
        expect: [401, 404, 404, 422, 422, 422],
    },
    Row {
        name: "my shifts",
        endpoint: "shifts/list",
        expect: [401, 200, 200, 200, 200, 200],
    },
    Row {
        name: "my hours",
        endpoint: "hours/mine",
        expect: [401, 200, 200, 200, 200, 200],
    },
    Row {
        name: "sign up for a shift in my street",
        endpoint: "shifts/sign-up",
        expect: [401, 200, 200, 200, 200, 200],
    },
    Row {
        name: "sign up for a shift in another street of the district",
        endpoint: "shifts/sign-up#out",
        expect: [401, 200, 200, 200, 200, 200],
    },
    Row {
        name: "sign up for a shift in another district",
        endpoint: "shifts/sign-up#foreign",
        expect: [401, 404, 404, 404, 404, 404],
    },
    Row {
        name: "cancel someone else's sign-up",
        endpoint: "shifts/cancel-sign-up",
        expect: [401, 404, 404, 404, 404, 404],
    },
    Row {
        name: "explain someone else's check-in",
        endpoint: "shifts/explain",
        expect: [401, 404, 404, 404, 404, 404],
    },
    Row {
        name: "record a track on someone else's shift",
        endpoint: "shifts/track",
        expect: [401, 404, 404, 404, 404, 404],
    },
    Row {
        name: "see the track of a volunteer in scope",
        endpoint: "shifts/track-view",
        expect: [401, 404, 200, 200, 200, 200],
    },
    Row {
        name: "the roster of my area",
        endpoint: "roster/list",
        expect: [401, 403, 200, 200, 200, 200],
    },
    Row {
        name: "create a shift in scope",
        endpoint: "roster/create",
        expect: [401, 422, 200, 200, 200, 200],
    },
    Row {
        name: "create a shift out of scope",
        endpoint: "roster/create#out",
        expect: [401, 422, 422, 422, 200, 200],
    },
    Row {
        name: "create a shift with bad input",
        endpoint: "roster/create#bad",
        expect: [401, 422, 422, 422, 422, 422],
    },
    Row {
        name: "cancel a shift in scope",
        endpoint: "roster/cancel",
        expect: [401, 404, 200, 200, 200, 200],
    },
    Row {
        name: "copy this week",
        endpoint: "roster/copy-week",
        expect: [401, 403, 200, 200, 200, 200],
    },
    Row {
        name: "check-in code in scope",
        endpoint: "roster/code",
        expect: [401, 404, 200, 200, 200, 200],
    },
    Row {
        name: "check-in code out of scope",
        endpoint: "roster/code#out",
        expect: [401, 404, 404, 404, 200, 200],
    },
    Row {
        name: "confirm hours in scope",
        endpoint: "hours/decide",
        expect: [401, 404, 200, 200, 200, 200],
    },
    Row {
        name: "confirm hours out of scope",
        endpoint: "hours/decide#out",
        expect: [401, 404, 404, 404, 200, 200],
    },
    Row {
        name: "the report form",
        endpoint: "incidents/form",
        expect: [401, 200, 200, 200, 200, 200],
    },
    Row {
        name: "incident list (scoped by the storage query)",
        endpoint: "incidents/list",
        expect: [401, 200, 200, 200, 200, 200],
    },
    Row {
        name: "incident list narrowed to an area out of scope",
        endpoint: "incidents/list#out",
        expect: [401, 200, 404, 404, 200, 200],
    },
    Row {
        name: "urgent incidents on the home page",
        endpoint: "incidents/urgent",
        expect: [401, 200, 200, 200, 200, 200],
    },
    Row {
        name: "incident map",
        endpoint: "incidents/map",
        expect: [401, 200, 200, 200, 200, 200],
    },
    Row {
        name: "incident statistics (leaders only)",
        endpoint: "incidents/stats",
        expect: [401, 403, 200, 200, 200, 200],
    },
    Row {
        name: "someone else's incident in scope",
        endpoint: "incidents/detail",
        expect: [401, 404, 200, 200, 200, 200],
    },
    Row {
        name: "an incident out of scope",
        endpoint: "incidents/detail#out",
        expect: [401, 404, 404, 404, 200, 200],
    },
    Row {
        name: "acknowledge an incident in scope",
        endpoint: "incidents/step",
        expect: [401, 404, 200, 200, 200, 200],
    },
    Row {
        name: "acknowledge an incident out of scope",
        endpoint: "incidents/step#out",
        expect: [401, 404, 404, 404, 200, 200],
    },
    Row {
        name: "take an incident in scope",
        endpoint: "incidents/assign",
        expect: [401, 404, 200, 200, 200, 200],
    },
    Row {
        name: "publish an incident in scope",
        endpoint: "incidents/publish",
        expect: [401, 404, 200, 200, 200, 200],
    },
    Row {
        name: "publish an incident out of scope",
        endpoint: "incidents/publish#out",
        expect: [401, 404, 404, 404, 200, 200],
    },
];

/// A new urgent report by `reporter` in `community`, so each state-changing call has its own.
async fn incident(t: &TestApp, community: AreaId, reporter: i64, n: &mut u64) -> i64 {
    *n += 1;
    t.store
        .insert_incident(&domain::incident::port::NewIncident {
            client_key: format!("authz-incident-{n:012}"),
            reporter: domain::VolunteerId(reporter),
            area_id: community,
            site_id: None,
            assignment_id: None,
            category: "fire".into(),
            severity: domain::incident::Severity::Urgent,
            body: "楼道堆放杂物".into(),
            lat: 36.675,
            lon: 117.058,
            accuracy_m: Some(10.0),
            made_at: 1_795_536_000_000,
            received_at: 1_795_536_000_000,
            photos: Vec::new(),
        })
        .await
        .expect("incident")
        .id()
        .0
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_role_gets_exactly_what_its_scope_allows() {
    let t = spawn_app().await;
    let f = fixture(&t).await;
    let mut phones = 0;
    let mut cookies = Vec::new();
    for (_, phone) in CALLERS {
        cookies.push(match phone {
            Some(p) => Some(log_in(&t, p).await),
            None => None,
        });
    }
    let mut failures = Vec::new();
    for row in ROWS {
        for (i, (who, _)) in CALLERS.iter().enumerate() {
            let (endpoint, variant) = row.endpoint.split_once('#').unwrap_or((row.endpoint, ""));
            let (body, json) = match (endpoint, variant) {
                ("areas/figures", "foreign") => (format!("id={}", f.foreign_district.0), false),
                ("areas/figures", _) => (format!("id={}", f.district.0), false),
                ("volunteers/apply", _) => (r#"{"input":{"name":"","phone":"1","password":"","community_id":null,"id_number":"","skills":[],"consent":false}}"#.to_owned(), true),
                ("volunteers/list", _) => ("offset=0".to_owned(), false),
                ("teams/create", "out") => {
                    phones += 1;
                    (format!("community_id={}&name=%E9%98%9F{phones}", f.out_of_scope_community.0), false)
                }
                ("teams/create", _) => {
                    phones += 1;
                    (format!("community_id={}&name=%E9%98%9F{phones}", f.in_scope_community.0), false)
                }
                ("teams/member", _) => (format!("team_id={}&phone=13800000005", f.team.0), false),
                ("teams/leader", _) => (format!("team_id={}&volunteer_id={}", f.team.0, f.seeded_in_scope), false),
                ("volunteers/contact", "out") => (format!("volunteer_id={}", f.seeded_out_of_scope), false),
                ("volunteers/contact", _) => (format!("volunteer_id={}", f.seeded_in_scope), false),
                ("areas/create", "community") => {
                    phones += 1;
                    (format!("parent_id={}&name=%E6%96%B0{phones}&population=100&counted_on=", f.in_scope_community.0), false)
                }
                ("areas/create", _) => {
                    phones += 1;
                    (format!("parent_id={}&name=%E6%96%B0{phones}&population=100&counted_on=", f.district.0), false)
                }
                ("areas/update", "bad") => (format!("id={}&population=lots&counted_on=&rate=", f.district.0), false),
                ("areas/update", "foreign") => (format!("id={}&population=5&counted_on=&rate=", f.foreign_district.0), false),
                ("areas/update", _) => (format!("id={}&population=104200&counted_on=2020-11-01&rate=2", f.district.0), false),
                ("accounts/reset-password", _) => {
                    let id = applicant(&t, f.in_scope_community, &mut phones).await;
                    (format!("volunteer_id={id}"), false)
                }
                ("volunteers/decide", "in") => {
                    let id = applicant(&t, f.in_scope_community, &mut phones).await;
                    (format!("volunteer_id={id}&decision=Approve"), false)
                }
                ("volunteers/decide", "out") => {
                    let id = applicant(&t, f.out_of_scope_community, &mut phones).await;
                    (format!("volunteer_id={id}&decision=Approve"), false)
                }
                ("volunteers/decide", "noreason") => {
                    let id = applicant(&t, f.out_of_scope_community, &mut phones).await;
                    let id_in = applicant(&t, f.in_scope_community, &mut phones).await;
                    // Coordinators can reach only the in-scope one; admins either.
                    let target = if i == 3 { id_in } else { id };
                    (format!("volunteer_id={target}&decision=Reject"), false)
                }
                ("shifts/sign-up", "foreign") => (format!("shift_id={}", duty_shift(&t, f.foreign_district, 5).await.0), false),
                ("shifts/sign-up", "out") => (format!("shift_id={}", duty_shift(&t, f.out_of_scope_community, 1).await.0), false),
                ("shifts/sign-up", _) => (format!("shift_id={}", f.shift_in_scope.0), false),
                ("shifts/cancel-sign-up", _) => (format!("assignment_id={}", f.someone_elses_assignment.0), false),
                ("shifts/track", _) => (format!(r#"{{"assignment_id":{},"samples":[]}}"#, f.someone_elses_assignment.0), true),
                ("shifts/track-view", _) => (format!("assignment_id={}", f.someone_elses_assignment.0), false),
                ("shifts/explain", _) => ("client_key=not-mine-000000000&reason=%E5%9C%A8%E9%97%A8%E5%8F%A3".to_owned(), false),
                ("roster/create", variant) => {
                    let community = if variant == "out" { f.out_of_scope_community } else { f.in_scope_community };
                    let site = first_site(&t, community).await;
                    let date = domain::duty::local_date(chrono::Utc::now().timestamp_millis() + 3 * 86_400_000);
                    let (site, headcount) = if variant == "bad" { (String::new(), "0") } else { (site.0.to_string(), "3") };
                    (format!(r#"{{"input":{{"site_id":"{site}","date":"{date}","start":"08:00","end":"12:00","headcount":"{headcount}","leaders":"","notes":"","repeat":false,"weekdays":[],"until":""}}}}"#), true)
                }
                ("roster/cancel", _) => (format!("shift_id={}&reason=%E6%9A%B4%E9%9B%A8", duty_shift(&t, f.in_scope_community, 2).await.0), false),
                ("roster/code", "out") => (format!("shift_id={}", duty_shift(&t, f.out_of_scope_community, 3).await.0), false),
                ("roster/code", _) => (format!("shift_id={}", f.shift_in_scope.0), false),
                ("hours/decide", variant) => {
                    let (community, volunteer) = if variant == "out" { (f.out_of_scope_community, f.seeded_out_of_scope) } else { (f.in_scope_community, f.seeded_in_scope) };
                    let a = claimed_hours(&t, community, volunteer, &mut phones).await;
                    (format!("assignment_id={}&decision=confirm&minutes=&reason=", a.0), false)
                }
                ("incidents/list", "out") => (format!("filters[area]={}&filters[page]=1", f.out_of_scope_community.0), false),
                ("incidents/list", _) => ("filters[page]=1".to_owned(), false),
                ("incidents/map", _) => ("query[days]=30&query[layer]=pins&query[zoom]=1&query[tiles]=false".to_owned(), false),
                ("incidents/stats", _) => ("days=365".to_owned(), false),
                ("incidents/detail", variant) | ("incidents/step", variant) | ("incidents/assign", variant) | ("incidents/publish", variant) => {
                    let (community, reporter) = if variant == "out" { (f.out_of_scope_community, f.seeded_out_of_scope) } else { (f.in_scope_community, f.seeded_in_scope) };
                    let id = incident(&t, community, reporter, &mut phones).await;
                    let rest = match endpoint {
                        "incidents/step" => "&step=acknowledge&referral=&referral_name=&note=",
                        "incidents/assign" => "&phone=",
                        "incidents/publish" => "&public=true",
                        _ => "",
                    };
                    (format!("id={id}{rest}"), false)
                }
                _ => (String::new(), false),
            };
            let res = send(&t, call(endpoint, body, json, cookies[i].as_deref())).await;
            let status = res.status().as_u16();
            if status != row.expect[i] {
                let text = body_text(res).await;
                failures.push(format!(
                    "{} as {who}: expected {}, got {status} ({})",
                    row.name,
                    row.expect[i],
                    text.chars().take(120).collect::<String>()
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "authorization matrix:\n{}",
        failures.join("\n")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lists_mask_phone_numbers_and_revealing_one_is_audited() {
    let t = spawn_app().await;
    let leader = log_in(&t, "13800000004").await;
    let res = send(
        &t,
        call(
            "volunteers/list",
            "offset=0&status=Registered".into(),
            false,
            Some(&leader),
        ),
    )
    .await;
    let body = body_text(res).await;
    assert!(body.contains("\"phone\":\"139****"), "{body}");
    // Nobody's sealed ID number or password hash ever leaves the server in a list.
    assert!(!body.contains("argon2"));
    assert!(!body.contains("id_number_sealed"));
    let id = body
        .split("\"id\":")
        .nth(1)
        .and_then(|rest| rest.split(',').next())
        .expect("a row id")
        .to_owned();
    let res = send(
        &t,
        call(
            "volunteers/contact",
            format!("volunteer_id={id}"),
            false,
            Some(&leader),
        ),
    )
    .await;
    assert_eq!(res.status().as_u16(), 200);
    let body = body_text(res).await;
    assert!(
        body.contains("\"phone\":\"139") && !body.contains("****"),
        "{body}"
    );
    assert!(
        body.contains("\"id_number\":null"),
        "a team leader never sees ID numbers: {body}"
    );
    let log = t
        .store
        .audit_entries(&domain::AuditFilter {
            entity: Some("volunteer".into()),
            limit: 5,
            ..Default::default()
        })
        .await
        .expect("audit");
    assert_eq!(log[0].entry.action, "reveal_contact");
    assert_eq!(log[0].entry.entity_id.map(|i| i.to_string()), Some(id));
}

#[test]
fn every_server_function_has_a_row() {
    // Every `#[server(endpoint = …)]` in the app must be exercised by the matrix above.
    let mut missing = Vec::new();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../app/src");
    let mut stack = vec![root];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("read app/src") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let text = std::fs::read_to_string(&path).expect("read source");
            for line in text
                .lines()
                .filter(|l| l.trim_start().starts_with("#[server("))
            {
                let endpoint = line
                    .split("endpoint = \"")
                    .nth(1)
                    .and_then(|rest| rest.split('"').next())
                    .unwrap_or("");
                let covered = ROWS
                    .iter()
                    .any(|r| r.endpoint.split('#').next() == Some(endpoint));
                if !covered {
                    missing.push(format!("{} ({})", endpoint, path.display()));
                }
            }
        }
    }
    assert!(
        missing.is_empty(),
        "server functions without an authz row: {missing:?}"
    );
}
