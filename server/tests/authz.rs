//! The authorization matrix: every endpoint × every role × data in and out of the caller's
//! area scope, over real HTTP requests into the router. The endpoints are read from the running
//! server (the server-function registry and the routes the router was built with), and
//! `every_endpoint_has_rows_aimed_in_and_out_of_scope` fails until each has its rows.
//!
//! One rule for refusals (`app::auth::require_seen`): 401 when not logged in; 404 when the caller
//! may not even see the target, or it does not exist (nothing outside one's sight is revealed);
//! 403 when they see it but may not do this, or the person outranks them; 422 for bad input. A
//! target chosen in a form from the caller's own list (a site for a new shift) that is out of
//! scope is refused at its field ("unknown"), which reveals no more than 404.

mod common;

use axum::body::Body;
use axum::http::{header, Request};
use common::app::{
    body_text, incident_report, log_in, send, server_fn as call, spawn_app, TestApp,
};
use domain::incident::port::NewIncident;
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
    seeded_out_of_scope_phone: String,
    /// 解放路街道, the street above 山大路社区.
    in_scope_street: AreaId,
    /// A team in 建新社区, its seeded volunteer a member.
    out_of_scope_team: domain::TeamId,
    /// A seeded 建新社区 volunteer's sign-up.
    out_of_scope_assignment: domain::AssignmentId,
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
    let in_scope_street = AreaId(t.store.area_path(in_scope).await.expect("path").0[1].0);
    let out_of_scope_team = t
        .store
        .insert_team(jianxin, "建新巡逻队", 1, &note("create_team", jianxin))
        .await
        .expect("team");
    t.store
        .put_team_member(
            out_of_scope_team,
            domain::VolunteerId(seeded_out_of_scope),
            false,
            1,
            &note("add_member", jianxin),
        )
        .await
        .expect("member");
    let out_of_scope_assignment = signed_up(
        t,
        duty_shift(t, jianxin, 1).await,
        domain::VolunteerId(seeded_out_of_scope),
    )
    .await;
    t.store
        .put_team_member(
            team,
            domain::VolunteerId(seeded_in_scope),
            false,
            1,
            &note("add_member", in_scope),
        )
        .await
        .expect("member");
    let seeded_out_of_scope_phone = t
        .store
        .volunteer(domain::VolunteerId(seeded_out_of_scope))
        .await
        .expect("read")
        .expect("seeded")
        .phone
        .as_str()
        .to_owned();
    Fixture {
        seeded_out_of_scope_phone,
        in_scope_street,
        out_of_scope_team,
        out_of_scope_assignment,
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

fn note(action: &str, area: AreaId) -> domain::AuditEntry {
    domain::AuditEntry {
        at_ms: 1,
        actor_id: None,
        action: action.into(),
        entity: "test".into(),
        entity_id: None,
        area_id: Some(area),
        before: None,
        after: None,
    }
}

async fn signed_up(
    t: &TestApp,
    shift: domain::ShiftId,
    who: domain::VolunteerId,
) -> domain::AssignmentId {
    match t
        .store
        .sign_up(shift, who, false, 1)
        .await
        .expect("sign up")
    {
        domain::SignUpOutcome::SignedUp(a) | domain::SignUpOutcome::Waitlisted(a) => a,
    }
}

/// A fresh registered person living in 山大路社区 who holds `role`: a team leader there, a
/// coordinator of its street, an admin of the district. Returns their id and phone.
async fn ranked(t: &TestApp, f: &Fixture, role: domain::Role, n: &mut u64) -> (i64, String) {
    *n += 1;
    let phone = format!("136{:08}", *n);
    let id = t
        .store
        .insert_volunteer(&NewVolunteer {
            name: PersonName::parse("测试干部").expect("name"),
            phone: PhoneNumber::parse(&phone).expect("phone"),
            id_number: None,
            home_area_id: f.in_scope_community,
            skills: vec![],
            location_consent_version: Some("2026-1".into()),
            status: VolunteerStatus::Registered,
            vest_no: None,
            password_hash: None,
            now_ms: 1,
        })
        .await
        .expect("person");
    let area = match role {
        domain::Role::TeamLeader | domain::Role::Volunteer => f.in_scope_community,
        domain::Role::Coordinator => f.in_scope_street,
        domain::Role::AssociationAdmin | domain::Role::SystemAdmin => f.district,
    };
    if role != domain::Role::Volunteer {
        t.store
            .insert_grant(
                id,
                domain::RoleGrant {
                    role,
                    area_id: area,
                },
                None,
                1,
                &note("seed_grant", area),
            )
            .await
            .expect("grant");
    }
    (id.0, phone)
}

/// The role a row variant names (`#leader`, `#coordinator`, …).
fn rank_of(variant: &str) -> Option<domain::Role> {
    match variant {
        "leader" => Some(domain::Role::TeamLeader),
        "coordinator" => Some(domain::Role::Coordinator),
        "association" => Some(domain::Role::AssociationAdmin),
        "system" => Some(domain::Role::SystemAdmin),
        _ => None,
    }
}

/// The demo login `phone`'s own fresh sign-up, three or more days ahead.
async fn own_assignment(t: &TestApp, phone: &str, n: &mut u64) -> domain::AssignmentId {
    *n += 1;
    let person = common::app::demo_person(t, phone).await;
    let shift = duty_shift(t, person.home_area_id, 10 + *n).await;
    signed_up(t, shift, person.id).await
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
                supersedes: None,
                service: None,
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

/// The rows: a name, how to build the call (given the fixture and a fresh applicant maker),
/// and the expected status for each caller in `CALLERS` order.
struct Row {
    name: &'static str,
    endpoint: &'static str,
    aim: Aim,
    expect: [u16; 6],
}

/// What a row aims at. Every endpoint needs rows aimed both ways: in and out of the caller's
/// scope, or the caller's own and someone else's; a listing narrowed by the query itself to the
/// caller's scope, or a public endpoint, is one row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Aim {
    InScope,
    OutOfScope,
    Own,
    Others,
    /// The caller's scope is the query: nothing outside it can be named.
    Scoped,
    /// Open to anyone, logged in or not.
    Public,
}

const ROWS: &[Row] = &[
    Row {
        name: "the periods list (mine, and the planner's)",
        endpoint: "duty-periods/list",
        aim: Aim::Scoped,
        expect: [401, 200, 200, 200, 200, 200],
    },
    Row {
        name: "create a duty period at a site of my street",
        endpoint: "duty-periods/create#in",
        aim: Aim::InScope,
        expect: [401, 403, 403, 200, 200, 200],
    },
    Row {
        name: "create a duty period at a site of another street",
        endpoint: "duty-periods/create#out",
        aim: Aim::OutOfScope,
        expect: [401, 403, 403, 422, 200, 200],
    },
    Row {
        name: "create a duty period covering an area outside my scope",
        endpoint: "duty-periods/create#area",
        aim: Aim::OutOfScope,
        expect: [401, 403, 403, 422, 422, 422],
    },
    Row {
        name: "create a duty period without a name",
        endpoint: "duty-periods/create#bad",
        aim: Aim::InScope,
        expect: [401, 403, 403, 422, 422, 422],
    },
    Row {
        name: "a period's planning grid in my street",
        endpoint: "duty-periods/plan#in",
        aim: Aim::InScope,
        expect: [401, 403, 403, 200, 200, 200],
    },
    Row {
        name: "a period's planning grid in another street",
        endpoint: "duty-periods/plan#out",
        aim: Aim::OutOfScope,
        expect: [401, 403, 403, 403, 200, 200],
    },
    Row {
        name: "a period's planning grid in another district",
        endpoint: "duty-periods/plan#foreign",
        aim: Aim::OutOfScope,
        expect: [401, 404, 404, 404, 404, 404],
    },
    Row {
        name: "fill a period's cells in my street",
        endpoint: "duty-periods/cells#in",
        aim: Aim::InScope,
        expect: [401, 403, 403, 200, 200, 200],
    },
    Row {
        name: "fill a period's cells in another street",
        endpoint: "duty-periods/cells#out",
        aim: Aim::OutOfScope,
        expect: [401, 403, 403, 403, 200, 200],
    },
    Row {
        name: "fill cells with a negative minimum",
        endpoint: "duty-periods/cells#bad",
        aim: Aim::InScope,
        expect: [401, 403, 403, 422, 422, 422],
    },
    Row {
        name: "publish a period in my street",
        endpoint: "duty-periods/status#in",
        aim: Aim::InScope,
        expect: [401, 403, 403, 200, 200, 200],
    },
    Row {
        name: "publish a period in another street",
        endpoint: "duty-periods/status#out",
        aim: Aim::OutOfScope,
        expect: [401, 403, 403, 403, 200, 200],
    },
    Row {
        name: "generate the roster in my street",
        endpoint: "duty-periods/generate#in",
        aim: Aim::InScope,
        expect: [401, 403, 403, 200, 200, 200],
    },
    Row {
        name: "generate the roster in another street",
        endpoint: "duty-periods/generate#out",
        aim: Aim::OutOfScope,
        expect: [401, 403, 403, 403, 200, 200],
    },
    Row {
        name: "lock a roster cell in my street",
        endpoint: "duty-periods/roster-edit#in",
        aim: Aim::InScope,
        expect: [401, 403, 403, 200, 200, 200],
    },
    Row {
        name: "lock a roster cell in another street",
        endpoint: "duty-periods/roster-edit#out",
        aim: Aim::OutOfScope,
        expect: [401, 403, 403, 403, 200, 200],
    },
    Row {
        name: "publish the roster in my street",
        endpoint: "duty-periods/publish-roster#in",
        aim: Aim::InScope,
        expect: [401, 403, 403, 200, 200, 200],
    },
    Row {
        name: "publish the roster in another street",
        endpoint: "duty-periods/publish-roster#out",
        aim: Aim::OutOfScope,
        expect: [401, 403, 403, 403, 200, 200],
    },
    Row {
        name: "live coverage of a period in my street (a team leader sees their own sites)",
        endpoint: "duty-periods/live#in",
        aim: Aim::InScope,
        expect: [401, 403, 200, 200, 200, 200],
    },
    Row {
        name: "live coverage of a period in another street",
        endpoint: "duty-periods/live#out",
        aim: Aim::OutOfScope,
        expect: [401, 403, 403, 403, 200, 200],
    },
    Row {
        name: "my availability for a period of my district",
        endpoint: "duty-periods/my-answer#in",
        aim: Aim::InScope,
        expect: [401, 200, 200, 200, 200, 200],
    },
    Row {
        name: "my availability for a period of another district",
        endpoint: "duty-periods/my-answer#out",
        aim: Aim::OutOfScope,
        expect: [401, 404, 404, 404, 404, 404],
    },
    Row {
        name: "answer a period of my district",
        endpoint: "duty-periods/answer#in",
        aim: Aim::InScope,
        expect: [401, 200, 200, 200, 200, 200],
    },
    Row {
        name: "answer a period of another district",
        endpoint: "duty-periods/answer#out",
        aim: Aim::OutOfScope,
        expect: [401, 404, 404, 404, 404, 404],
    },
    Row {
        name: "answer with the wrong number of slots",
        endpoint: "duty-periods/answer#bad",
        aim: Aim::InScope,
        expect: [401, 422, 422, 422, 422, 422],
    },
    Row {
        name: "whoami",
        endpoint: "me",
        aim: Aim::Public,
        expect: [200, 200, 200, 200, 200, 200],
    },
    Row {
        name: "the frame: place, desk and tools",
        endpoint: "shell/frame",
        aim: Aim::Public,
        expect: [200, 200, 200, 200, 200, 200],
    },
    Row {
        name: "figures of the own district",
        endpoint: "areas/figures",
        aim: Aim::InScope,
        expect: [401, 200, 200, 200, 200, 200],
    },
    Row {
        name: "figures of another district",
        endpoint: "areas/figures#foreign",
        aim: Aim::OutOfScope,
        expect: [401, 404, 404, 404, 404, 404],
    },
    Row {
        name: "communities to apply to",
        endpoint: "volunteers/communities",
        aim: Aim::Public,
        expect: [200, 200, 200, 200, 200, 200],
    },
    Row {
        name: "apply with bad input",
        endpoint: "volunteers/apply",
        aim: Aim::Public,
        expect: [422, 422, 422, 422, 422, 422],
    },
    Row {
        name: "whether /apply texts a code",
        endpoint: "volunteers/code-needed",
        aim: Aim::Public,
        expect: [200, 200, 200, 200, 200, 200],
    },
    Row {
        name: "text a registration code (no SMS provider here: nothing to send)",
        endpoint: "volunteers/send-code",
        aim: Aim::Public,
        expect: [404, 404, 404, 404, 404, 404],
    },
    Row {
        name: "apply by plain form with bad input",
        endpoint: "volunteers/apply-form",
        aim: Aim::Public,
        expect: [422, 422, 422, 422, 422, 422],
    },
    Row {
        name: "list volunteers",
        endpoint: "volunteers/list",
        aim: Aim::Scoped,
        expect: [401, 403, 200, 200, 200, 200],
    },
    Row {
        name: "approve an applicant in scope",
        endpoint: "volunteers/decide#in",
        aim: Aim::InScope,
        expect: [401, 404, 403, 200, 200, 200],
    },
    Row {
        name: "approve an applicant out of scope",
        endpoint: "volunteers/decide#out",
        aim: Aim::OutOfScope,
        expect: [401, 404, 404, 404, 200, 200],
    },
    Row {
        name: "edit area figures",
        endpoint: "areas/update",
        aim: Aim::InScope,
        expect: [401, 403, 403, 403, 200, 200],
    },
    Row {
        name: "edit figures with a bad population",
        endpoint: "areas/update#bad",
        aim: Aim::InScope,
        expect: [401, 403, 403, 403, 422, 422],
    },
    Row {
        name: "edit another district's figures",
        endpoint: "areas/update#foreign",
        aim: Aim::OutOfScope,
        expect: [401, 404, 404, 404, 404, 404],
    },
    Row {
        name: "reset a password in scope",
        endpoint: "accounts/reset-password",
        aim: Aim::InScope,
        expect: [401, 404, 403, 403, 200, 200],
    },
    Row {
        name: "list teams",
        endpoint: "teams/list",
        aim: Aim::Scoped,
        expect: [401, 403, 403, 200, 200, 200],
    },
    Row {
        name: "create a team in scope",
        endpoint: "teams/create",
        aim: Aim::InScope,
        expect: [401, 403, 403, 200, 200, 200],
    },
    Row {
        name: "create a team out of scope",
        endpoint: "teams/create#out",
        aim: Aim::OutOfScope,
        expect: [401, 403, 403, 403, 200, 200],
    },
    Row {
        name: "add a member to a team",
        endpoint: "teams/member",
        aim: Aim::InScope,
        expect: [401, 404, 404, 200, 200, 200],
    },
    Row {
        name: "name a team leader",
        endpoint: "teams/leader",
        aim: Aim::InScope,
        expect: [401, 404, 404, 200, 200, 200],
    },
    Row {
        name: "reveal a contact in scope",
        endpoint: "volunteers/contact",
        aim: Aim::InScope,
        expect: [401, 404, 200, 200, 200, 200],
    },
    Row {
        name: "reveal a contact out of scope",
        endpoint: "volunteers/contact#out",
        aim: Aim::OutOfScope,
        expect: [401, 404, 404, 404, 200, 200],
    },
    Row {
        name: "add a street to the district",
        endpoint: "areas/create",
        aim: Aim::InScope,
        expect: [401, 403, 403, 403, 200, 200],
    },
    Row {
        name: "add an area under a community",
        endpoint: "areas/create#community",
        aim: Aim::InScope,
        expect: [401, 403, 403, 403, 422, 422],
    },
    Row {
        name: "audit log",
        endpoint: "audit/list",
        aim: Aim::Scoped,
        expect: [401, 403, 403, 200, 200, 200],
    },
    Row {
        name: "reject without a reason",
        endpoint: "volunteers/decide#noreason",
        aim: Aim::InScope,
        expect: [401, 404, 404, 422, 422, 422],
    },
    Row {
        name: "my shifts",
        endpoint: "shifts/list",
        aim: Aim::Scoped,
        expect: [401, 200, 200, 200, 200, 200],
    },
    Row {
        name: "my unread notices",
        endpoint: "notifications/unread",
        aim: Aim::Scoped,
        expect: [401, 200, 200, 200, 200, 200],
    },
    Row {
        name: "my notification centre",
        endpoint: "notifications/list",
        aim: Aim::Scoped,
        expect: [401, 200, 200, 200, 200, 200],
    },
    Row {
        name: "open my own notice",
        endpoint: "notifications/open#own",
        aim: Aim::Own,
        expect: [401, 200, 200, 200, 200, 200],
    },
    Row {
        name: "open someone else's notice",
        endpoint: "notifications/open#others",
        aim: Aim::Others,
        expect: [401, 404, 404, 404, 404, 404],
    },
    Row {
        name: "mark all my notices read",
        endpoint: "notifications/read-all",
        aim: Aim::Scoped,
        expect: [401, 200, 200, 200, 200, 200],
    },
    Row {
        name: "my notification settings",
        endpoint: "notifications/settings",
        aim: Aim::Scoped,
        expect: [401, 200, 200, 200, 200, 200],
    },
    Row {
        name: "save my notification settings",
        endpoint: "notifications/save-settings",
        aim: Aim::Scoped,
        expect: [401, 200, 200, 200, 200, 200],
    },
    Row {
        name: "save a notification setting that does not exist",
        endpoint: "notifications/save-settings#bad",
        aim: Aim::Scoped,
        expect: [401, 422, 422, 422, 422, 422],
    },
    Row {
        name: "subscribe this device to push",
        endpoint: "notifications/subscribe",
        aim: Aim::Scoped,
        expect: [401, 200, 200, 200, 200, 200],
    },
    Row {
        name: "subscribe with a subscription that cannot be used",
        endpoint: "notifications/subscribe#bad",
        aim: Aim::Scoped,
        expect: [401, 422, 422, 422, 422, 422],
    },
    Row {
        name: "unsubscribe this device (only one's own endpoint goes)",
        endpoint: "notifications/unsubscribe",
        aim: Aim::Scoped,
        expect: [401, 200, 200, 200, 200, 200],
    },
    Row {
        name: "my hours",
        endpoint: "hours/mine",
        aim: Aim::Scoped,
        expect: [401, 200, 200, 200, 200, 200],
    },
    Row {
        name: "sign up for a shift in my street",
        endpoint: "shifts/sign-up",
        aim: Aim::InScope,
        expect: [401, 200, 200, 200, 200, 200],
    },
    Row {
        name: "sign up for a shift in another street of the district",
        endpoint: "shifts/sign-up#out",
        aim: Aim::InScope,
        expect: [401, 200, 200, 200, 200, 200],
    },
    Row {
        name: "sign up for a shift in another district",
        endpoint: "shifts/sign-up#foreign",
        aim: Aim::OutOfScope,
        expect: [401, 404, 404, 404, 404, 404],
    },
    Row {
        name: "cancel someone else's sign-up",
        endpoint: "shifts/cancel-sign-up",
        aim: Aim::Others,
        expect: [401, 404, 404, 404, 404, 404],
    },
    Row {
        name: "check out of someone else's sign-up by plain form",
        endpoint: "shifts/check-form",
        aim: Aim::Others,
        expect: [401, 404, 404, 404, 404, 404],
    },
    Row {
        name: "a plain-form check-in on my own sign-up without a code (needs the app)",
        endpoint: "shifts/check-form#own",
        aim: Aim::Own,
        expect: [401, 422, 422, 422, 422, 422],
    },
    Row {
        name: "a plain-form report near a site of my community",
        endpoint: "incidents/report-form",
        aim: Aim::InScope,
        expect: [401, 200, 200, 200, 200, 200],
    },
    Row {
        name: "a plain-form report near a site of another community",
        endpoint: "incidents/report-form#out",
        aim: Aim::OutOfScope,
        expect: [401, 422, 422, 422, 422, 422],
    },
    Row {
        name: "explain someone else's check-in",
        endpoint: "shifts/explain",
        aim: Aim::Others,
        expect: [401, 404, 404, 404, 404, 404],
    },
    Row {
        name: "record a track on someone else's shift",
        endpoint: "shifts/track",
        aim: Aim::Others,
        expect: [401, 404, 404, 404, 404, 404],
    },
    Row {
        name: "see the track of a volunteer in scope",
        endpoint: "shifts/track-view",
        aim: Aim::InScope,
        expect: [401, 403, 200, 200, 200, 200],
    },
    Row {
        name: "the roster of my area",
        endpoint: "roster/list",
        aim: Aim::Scoped,
        expect: [401, 403, 200, 200, 200, 200],
    },
    Row {
        name: "create a shift in scope",
        endpoint: "roster/create",
        aim: Aim::InScope,
        expect: [401, 422, 200, 200, 200, 200],
    },
    Row {
        name: "create a shift out of scope",
        endpoint: "roster/create#out",
        aim: Aim::OutOfScope,
        expect: [401, 422, 422, 422, 200, 200],
    },
    Row {
        name: "create a shift with bad input",
        endpoint: "roster/create#bad",
        aim: Aim::InScope,
        expect: [401, 422, 422, 422, 422, 422],
    },
    Row {
        name: "cancel a shift in scope",
        endpoint: "roster/cancel",
        aim: Aim::InScope,
        expect: [401, 403, 200, 200, 200, 200],
    },
    Row {
        name: "copy this week",
        endpoint: "roster/copy-week",
        aim: Aim::Scoped,
        expect: [401, 403, 200, 200, 200, 200],
    },
    Row {
        name: "check-in code in scope",
        endpoint: "roster/code",
        aim: Aim::InScope,
        expect: [401, 403, 200, 200, 200, 200],
    },
    Row {
        name: "the people of a shift in scope",
        endpoint: "roster/people",
        aim: Aim::InScope,
        expect: [401, 403, 200, 200, 200, 200],
    },
    Row {
        name: "the people of a shift out of scope",
        endpoint: "roster/people#out",
        aim: Aim::OutOfScope,
        expect: [401, 403, 403, 403, 200, 200],
    },
    Row {
        name: "check-in code out of scope",
        endpoint: "roster/code#out",
        aim: Aim::OutOfScope,
        expect: [401, 403, 403, 403, 200, 200],
    },
    Row {
        name: "confirm hours in scope",
        endpoint: "hours/decide",
        aim: Aim::InScope,
        expect: [401, 403, 200, 200, 200, 200],
    },
    Row {
        name: "confirm hours out of scope",
        endpoint: "hours/decide#out",
        aim: Aim::OutOfScope,
        expect: [401, 403, 403, 403, 200, 200],
    },
    Row {
        name: "the report form",
        endpoint: "incidents/form",
        aim: Aim::Scoped,
        expect: [401, 200, 200, 200, 200, 200],
    },
    Row {
        name: "incident list (scoped by the storage query)",
        endpoint: "incidents/list",
        aim: Aim::InScope,
        expect: [401, 200, 200, 200, 200, 200],
    },
    Row {
        name: "incident list narrowed to an area out of scope",
        endpoint: "incidents/list#out",
        aim: Aim::OutOfScope,
        expect: [401, 200, 404, 404, 200, 200],
    },
    Row {
        name: "urgent incidents on the home page",
        endpoint: "incidents/urgent",
        aim: Aim::Scoped,
        expect: [401, 200, 200, 200, 200, 200],
    },
    Row {
        name: "incident map",
        endpoint: "incidents/map",
        aim: Aim::Scoped,
        expect: [401, 200, 200, 200, 200, 200],
    },
    Row {
        name: "incident statistics (leaders only)",
        endpoint: "incidents/stats",
        aim: Aim::Scoped,
        expect: [401, 403, 200, 200, 200, 200],
    },
    Row {
        name: "someone else's incident in scope",
        endpoint: "incidents/detail",
        aim: Aim::InScope,
        expect: [401, 404, 200, 200, 200, 200],
    },
    Row {
        name: "an incident out of scope",
        endpoint: "incidents/detail#out",
        aim: Aim::OutOfScope,
        expect: [401, 404, 404, 404, 200, 200],
    },
    Row {
        name: "acknowledge an incident in scope",
        endpoint: "incidents/step",
        aim: Aim::InScope,
        expect: [401, 404, 200, 200, 200, 200],
    },
    Row {
        name: "acknowledge an incident out of scope",
        endpoint: "incidents/step#out",
        aim: Aim::OutOfScope,
        expect: [401, 404, 404, 404, 200, 200],
    },
    Row {
        name: "take an incident in scope",
        endpoint: "incidents/assign",
        aim: Aim::InScope,
        expect: [401, 404, 200, 200, 200, 200],
    },
    Row {
        name: "publish an incident in scope",
        endpoint: "incidents/publish",
        aim: Aim::InScope,
        expect: [401, 404, 200, 200, 200, 200],
    },
    Row {
        name: "publish an incident out of scope",
        endpoint: "incidents/publish#out",
        aim: Aim::OutOfScope,
        expect: [401, 404, 404, 404, 200, 200],
    },
    Row {
        name: "reset a password out of scope",
        endpoint: "accounts/reset-password#out",
        aim: Aim::OutOfScope,
        expect: [401, 404, 404, 404, 200, 200],
    },
    Row {
        name: "reset a team leader's password",
        endpoint: "accounts/reset-password#leader",
        aim: Aim::InScope,
        expect: [401, 404, 403, 403, 200, 200],
    },
    Row {
        name: "reset a coordinator's password",
        endpoint: "accounts/reset-password#coordinator",
        aim: Aim::InScope,
        expect: [401, 404, 403, 403, 200, 200],
    },
    Row {
        name: "reset an association admin's password",
        endpoint: "accounts/reset-password#association",
        aim: Aim::InScope,
        expect: [401, 404, 403, 403, 403, 200],
    },
    Row {
        name: "reset the system admin's password",
        endpoint: "accounts/reset-password#system",
        aim: Aim::InScope,
        expect: [401, 404, 403, 403, 403, 403],
    },
    Row {
        name: "suspend a team leader",
        endpoint: "volunteers/decide#leader",
        aim: Aim::InScope,
        expect: [401, 404, 403, 200, 200, 200],
    },
    Row {
        name: "suspend a coordinator",
        endpoint: "volunteers/decide#coordinator",
        aim: Aim::InScope,
        expect: [401, 404, 403, 403, 200, 200],
    },
    Row {
        name: "suspend an association admin",
        endpoint: "volunteers/decide#association",
        aim: Aim::InScope,
        expect: [401, 404, 403, 403, 403, 200],
    },
    Row {
        name: "suspend the system admin",
        endpoint: "volunteers/decide#system",
        aim: Aim::InScope,
        expect: [401, 404, 403, 403, 403, 403],
    },
    Row {
        name: "add a member to a team out of scope",
        endpoint: "teams/member#out",
        aim: Aim::OutOfScope,
        expect: [401, 404, 404, 404, 200, 200],
    },
    Row {
        name: "add a coordinator to a team",
        endpoint: "teams/member#coordinator",
        aim: Aim::InScope,
        expect: [401, 404, 404, 403, 200, 200],
    },
    Row {
        name: "name a team leader out of scope",
        endpoint: "teams/leader#out",
        aim: Aim::OutOfScope,
        expect: [401, 404, 404, 404, 200, 200],
    },
    Row {
        name: "name a coordinator a team's leader",
        endpoint: "teams/leader#coordinator",
        aim: Aim::InScope,
        expect: [401, 404, 404, 403, 200, 200],
    },
    Row {
        name: "revoke a team leader in scope",
        endpoint: "teams/revoke-leader",
        aim: Aim::InScope,
        expect: [401, 404, 404, 200, 200, 200],
    },
    Row {
        name: "revoke a team leader out of scope",
        endpoint: "teams/revoke-leader#out",
        aim: Aim::OutOfScope,
        expect: [401, 404, 404, 404, 200, 200],
    },
    Row {
        name: "add a street to another district",
        endpoint: "areas/create#foreign",
        aim: Aim::OutOfScope,
        expect: [401, 404, 404, 404, 404, 404],
    },
    Row {
        name: "cancel my own sign-up",
        endpoint: "shifts/cancel-sign-up#own",
        aim: Aim::Own,
        expect: [401, 200, 200, 200, 200, 200],
    },
    Row {
        name: "explain my own check-in",
        endpoint: "shifts/explain#own",
        aim: Aim::Own,
        expect: [401, 200, 200, 200, 200, 200],
    },
    Row {
        name: "record a track on my own shift before checking in",
        endpoint: "shifts/track#own",
        aim: Aim::Own,
        expect: [401, 422, 422, 422, 422, 422],
    },
    Row {
        name: "see the track of a volunteer out of scope",
        endpoint: "shifts/track-view#out",
        aim: Aim::OutOfScope,
        expect: [401, 403, 403, 403, 200, 200],
    },
    Row {
        name: "cancel a shift out of scope",
        endpoint: "roster/cancel#out",
        aim: Aim::OutOfScope,
        expect: [401, 403, 403, 403, 200, 200],
    },
    Row {
        name: "take an incident out of scope",
        endpoint: "incidents/assign#out",
        aim: Aim::OutOfScope,
        expect: [401, 404, 404, 404, 200, 200],
    },
    Row {
        name: "renew my calendar link",
        endpoint: "shifts/calendar-renew",
        aim: Aim::Scoped,
        expect: [401, 200, 200, 200, 200, 200],
    },
    Row {
        name: "log in with a wrong password",
        endpoint: "POST /auth/login",
        aim: Aim::Public,
        expect: [303, 303, 303, 303, 303, 303],
    },
    Row {
        name: "change my password with a wrong old one",
        endpoint: "POST /auth/password",
        aim: Aim::Scoped,
        expect: [303, 303, 303, 303, 303, 303],
    },
    Row {
        name: "log out (without a session)",
        endpoint: "POST /auth/logout",
        aim: Aim::Public,
        expect: [303, 303, 303, 303, 303, 303],
    },
    Row {
        name: "switch the language",
        endpoint: "POST /lang",
        aim: Aim::Public,
        expect: [303, 303, 303, 303, 303, 303],
    },
    Row {
        name: "health",
        endpoint: "GET /health",
        aim: Aim::Public,
        expect: [200, 200, 200, 200, 200, 200],
    },
    Row {
        name: "the service worker",
        endpoint: "GET /sw.js",
        aim: Aim::Public,
        expect: [200, 200, 200, 200, 200, 200],
    },
    Row {
        name: "the outbox script",
        endpoint: "GET /outbox.js",
        aim: Aim::Public,
        expect: [200, 200, 200, 200, 200, 200],
    },
    Row {
        name: "a calendar feed with a forged link",
        endpoint: "GET /calendar/{file}",
        aim: Aim::Public,
        expect: [404, 404, 404, 404, 404, 404],
    },
    Row {
        name: "import boundaries (the reader's district)",
        endpoint: "POST /admin/import/geojson",
        aim: Aim::Scoped,
        expect: [401, 403, 403, 403, 422, 422],
    },
    Row {
        name: "a check-in for my own shift with a bad kind",
        endpoint: "POST /api/checks#own",
        aim: Aim::Own,
        expect: [401, 422, 422, 422, 422, 422],
    },
    Row {
        name: "a check-in for someone else's shift",
        endpoint: "POST /api/checks",
        aim: Aim::Others,
        expect: [401, 409, 409, 409, 409, 409],
    },
    Row {
        name: "a report with bad input",
        endpoint: "POST /api/incidents",
        aim: Aim::Scoped,
        expect: [401, 422, 422, 422, 422, 422],
    },
    Row {
        name: "an incident photo in scope",
        endpoint: "GET /incidents/{id}/photos/{photo}",
        aim: Aim::InScope,
        expect: [401, 404, 200, 200, 200, 200],
    },
    Row {
        name: "an incident photo out of scope",
        endpoint: "GET /incidents/{id}/photos/{photo}#out",
        aim: Aim::OutOfScope,
        expect: [401, 404, 404, 404, 200, 200],
    },
    Row {
        name: "add a team leader to a team",
        endpoint: "teams/member#leader",
        aim: Aim::InScope,
        expect: [401, 404, 404, 200, 200, 200],
    },
    Row {
        name: "add an association admin to a team",
        endpoint: "teams/member#association",
        aim: Aim::InScope,
        expect: [401, 404, 404, 403, 403, 200],
    },
    Row {
        name: "name a team leader of another team this team's leader",
        endpoint: "teams/leader#leader",
        aim: Aim::InScope,
        expect: [401, 404, 404, 200, 200, 200],
    },
    Row {
        name: "name an association admin a team's leader",
        endpoint: "teams/leader#association",
        aim: Aim::InScope,
        expect: [401, 404, 404, 403, 403, 200],
    },
    Row {
        name: "revoke the leadership of a coordinator",
        endpoint: "teams/revoke-leader#coordinator",
        aim: Aim::InScope,
        expect: [401, 404, 404, 403, 200, 200],
    },
    Row {
        name: "the people an incident in scope can be assigned to",
        endpoint: "incidents/assignable",
        aim: Aim::InScope,
        expect: [401, 404, 200, 200, 200, 200],
    },
    Row {
        name: "the people an incident out of scope can be assigned to",
        endpoint: "incidents/assignable#out",
        aim: Aim::OutOfScope,
        expect: [401, 404, 404, 404, 200, 200],
    },
];

/// A request to one of the axum routes (outside the server functions), as a browser or the
/// phone's outbox sends it.
async fn route_request(
    t: &TestApp,
    f: &Fixture,
    (method, path, variant): (&str, &str, &str),
    phone: Option<&str>,
    cookie: Option<&str>,
    n: &mut u64,
) -> Request<Body> {
    let form = "application/x-www-form-urlencoded";
    let (uri, content_type, body, cookie): (String, &str, String, Option<&str>) = match path {
        "/auth/login" => (
            "/auth/login".into(),
            form,
            "phone=13912340000&password=wrong-password".into(),
            cookie,
        ),
        "/auth/password" => (
            "/auth/password".into(),
            form,
            "old=wrong-password&new=abcdefgh-1234".into(),
            cookie,
        ),
        // Never with the caller's session: the matrix goes on with it.
        "/auth/logout" => ("/auth/logout".into(), form, String::new(), None),
        "/lang" => ("/lang".into(), form, "lang=en&next=%2F".into(), cookie),
        "/calendar/{file}" => (
            "/calendar/1-00000000000000000000000000000000.ics".into(),
            form,
            String::new(),
            cookie,
        ),
        "/admin/import/geojson" => (path.into(), "application/geo+json", "{}".into(), cookie),
        "/api/checks" => {
            let a = match (variant, phone) {
                ("own", Some(phone)) => own_assignment(t, phone, n).await,
                _ => f.someone_elses_assignment,
            };
            *n += 1;
            let kind = if variant == "own" { "sideways" } else { "in" };
            let body = serde_json::json!({"client_key": format!("0193a4f2-7b1c-7def-8123-{:012}", *n), "assignment_id": a.0, "kind": kind, "made_at": 1, "lat": null, "lon": null, "accuracy_m": null, "code": null, "reason": null});
            (path.into(), "application/json", body.to_string(), cookie)
        }
        "/api/incidents" => (
            path.into(),
            "application/json",
            r#"{"client_key":"x"}"#.into(),
            cookie,
        ),
        "/incidents/{id}/photos/{photo}" => {
            let (community, reporter) = if variant == "out" {
                (f.out_of_scope_community, f.seeded_out_of_scope)
            } else {
                (f.in_scope_community, f.seeded_in_scope)
            };
            let (id, photo) = incident_with_photo(t, community, reporter, n).await;
            (
                format!("/incidents/{id}/photos/{photo}"),
                form,
                String::new(),
                cookie,
            )
        }
        other => (other.into(), form, String::new(), cookie),
    };
    let mut req = Request::builder()
        .method(method)
        .uri(uri)
        .header("sec-fetch-site", "same-origin")
        .header(header::ACCEPT, "application/json")
        .header(header::CONTENT_TYPE, content_type);
    if let Some(c) = cookie {
        req = req.header(header::COOKIE, c);
    }
    req.body(Body::from(body)).expect("request")
}

/// A report with one photo by `reporter` in `community`; returns its id and the photo's.
async fn incident_with_photo(
    t: &TestApp,
    community: AreaId,
    reporter: i64,
    n: &mut u64,
) -> (i64, i64) {
    *n += 1;
    let stored = t
        .store
        .insert_incident(&NewIncident {
            accuracy_m: None,
            photos: vec![domain::incident::port::NewPhoto {
                content_type: "image/jpeg".into(),
                width: 1,
                height: 1,
                sha256: "00".into(),
                bytes: vec![0xff, 0xd8, 0xff, 0xd9],
            }],
            ..incident_report(
                format!("authz-photo-{n:012}"),
                domain::VolunteerId(reporter),
                community,
            )
        })
        .await
        .expect("incident");
    let id = stored.id();
    let photo = t
        .store
        .incident(id)
        .await
        .expect("read")
        .expect("stored")
        .photo_ids[0];
    (id.0, photo)
}

/// A new urgent report by `reporter` in `community`, so each state-changing call has its own.
/// A fresh three-day period with one slot and one cell (one place, two wanted) at the first
/// site of: 山大路社区 under 解放路街道 (`in`, `bad`), 建新社区 under its street (`out`), the
/// foreign district (`foreign`), or 山大路社区 for the whole district (`district`). Published
/// when asked. Returns its id and site.
async fn test_period(
    t: &TestApp,
    f: &Fixture,
    variant: &str,
    published: bool,
    n: &mut u64,
) -> (i64, i64) {
    use domain::duty_period::grid::{CellAt, CellNeed, SlotSet};
    use domain::duty_period::period::{PeriodDraft, PeriodStatus};
    use domain::duty_period::port::NewPeriod;
    *n += 1;
    let (area, site) = match variant {
        "out" => {
            let street = t
                .store
                .area_path(f.out_of_scope_community)
                .await
                .expect("path")
                .0[1];
            (street, first_site(t, f.out_of_scope_community).await)
        }
        "foreign" => (
            f.foreign_district,
            t.store.sites_in(f.foreign_district).await.expect("sites")[0].id,
        ),
        "district" => (f.district, first_site(t, f.in_scope_community).await),
        _ => (f.in_scope_street, first_site(t, f.in_scope_community).await),
    };
    let id = t
        .store
        .create_period(
            &NewPeriod {
                area_id: area,
                draft: PeriodDraft::parse(
                    &format!("测试勤务{n}"),
                    "2",
                    "2027-10-01",
                    "2027-10-03",
                    ["", "", ""],
                )
                .expect("draft"),
                slots: SlotSet::parse("07:00-11:00").expect("slots"),
                sites: vec![site],
                copied_from: None,
                credit_bp: 15_000,
                created_by: domain::VolunteerId(f.seeded_in_scope),
                created_at: 1,
            },
            &note("create_duty_period", area),
        )
        .await
        .expect("period");
    let need = CellNeed {
        min: 1,
        target: 2,
        leaders: 0,
        skill: None,
    };
    t.store
        .set_cells(
            id,
            &[(
                CellAt {
                    site,
                    day: 0,
                    slot: 0,
                },
                need,
            )],
        )
        .await
        .expect("cells");
    if published {
        t.store
            .set_period_status(
                id,
                PeriodStatus::Draft,
                PeriodStatus::Published,
                1,
                &note("publish", area),
            )
            .await
            .expect("published");
    }
    (id.0, site.0)
}

async fn incident(t: &TestApp, community: AreaId, reporter: i64, n: &mut u64) -> i64 {
    *n += 1;
    t.store
        .insert_incident(&NewIncident {
            severity: domain::incident::Severity::Urgent,
            ..incident_report(
                format!("authz-incident-{n:012}"),
                domain::VolunteerId(reporter),
                community,
            )
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
                ("volunteers/apply-form", _) => ("name=&phone=1&password=&skills%5Bfire%5D=on".to_owned(), false),
                ("volunteers/apply", _) => (r#"{"input":{"name":"","phone":"1","password":"","community_id":null,"id_number":"","skills":[],"consent":false}}"#.to_owned(), true),
                ("volunteers/list", _) => ("offset=0".to_owned(), false),
                ("volunteers/send-code", _) => ("phone=13912345678".to_owned(), false),
                ("teams/create", "out") => {
                    phones += 1;
                    (format!("community_id={}&name=%E9%98%9F{phones}", f.out_of_scope_community.0), false)
                }
                ("teams/create", _) => {
                    phones += 1;
                    (format!("community_id={}&name=%E9%98%9F{phones}", f.in_scope_community.0), false)
                }
                ("teams/member", "out") => (format!("team_id={}&phone={}", f.out_of_scope_team.0, f.seeded_out_of_scope_phone), false),
                ("teams/member", rank) if rank_of(rank).is_some() => {
                    let (_, phone) = ranked(&t, &f, rank_of(rank).expect("rank"), &mut phones).await;
                    (format!("team_id={}&phone={phone}", f.team.0), false)
                }
                ("teams/member", _) => (format!("team_id={}&phone=13800000005", f.team.0), false),
                ("teams/leader", "out") => (format!("team_id={}&volunteer_id={}", f.out_of_scope_team.0, f.seeded_out_of_scope), false),
                ("teams/leader", rank) if rank_of(rank).is_some() => {
                    let (id, _) = ranked(&t, &f, rank_of(rank).expect("rank"), &mut phones).await;
                    t.store
                        .put_team_member(f.team, domain::VolunteerId(id), false, 1, &note("add_member", f.in_scope_community))
                        .await
                        .expect("member");
                    (format!("team_id={}&volunteer_id={id}", f.team.0), false)
                }
                ("teams/leader", _) => (format!("team_id={}&volunteer_id={}", f.team.0, f.seeded_in_scope), false),
                ("teams/revoke-leader", variant) => {
                    let team = if variant == "out" { f.out_of_scope_team } else { f.team };
                    let rank = rank_of(variant).unwrap_or(domain::Role::Volunteer);
                    let (id, _) = ranked(&t, &f, rank, &mut phones).await;
                    t.store
                        .put_team_member(team, domain::VolunteerId(id), true, 1, &note("make_leader", f.in_scope_community))
                        .await
                        .expect("leader");
                    (format!("team_id={}&volunteer_id={id}", team.0), false)
                }
                ("accounts/reset-password", "out") => {
                    let id = applicant(&t, f.out_of_scope_community, &mut phones).await;
                    (format!("volunteer_id={id}"), false)
                }
                ("accounts/reset-password", rank) if rank_of(rank).is_some() => {
                    let (id, _) = ranked(&t, &f, rank_of(rank).expect("rank"), &mut phones).await;
                    (format!("volunteer_id={id}"), false)
                }
                ("volunteers/decide", rank) if rank_of(rank).is_some() => {
                    let (id, _) = ranked(&t, &f, rank_of(rank).expect("rank"), &mut phones).await;
                    (format!("volunteer_id={id}&decision=Suspend&reason=%E6%B5%8B%E8%AF%95"), false)
                }
                ("areas/create", "foreign") => {
                    phones += 1;
                    (format!("parent_id={}&name=%E6%96%B0{phones}&population=100&counted_on=", f.foreign_district.0), false)
                }
                ("shifts/cancel-sign-up", "own") => {
                    let a = match CALLERS[i].1 {
                        Some(phone) => own_assignment(&t, phone, &mut phones).await.0,
                        None => f.someone_elses_assignment.0,
                    };
                    (format!("assignment_id={a}"), false)
                }
                ("shifts/explain", "own") => {
                    phones += 1;
                    let key = format!("authz-explain-{phones:012}");
                    if let Some(phone) = CALLERS[i].1 {
                        let a = own_assignment(&t, phone, &mut phones).await;
                        let at = t.store.assignment(a).await.expect("a").expect("a").signed_up_at;
                        t.store
                            .record_check(&domain::NewCheck {
                                client_key: key.clone(),
                                assignment_id: a,
                                kind: domain::CheckKind::In,
                                made_at: at,
                                received_at: at,
                                position: Some((36.0, 117.0, None)),
                                proof: domain::Proof::Position(domain::Verdict::Outside),
                                outside_reason: None,
                                supersedes: None,
                                service: None,
                            })
                            .await
                            .expect("outside check-in");
                    }
                    (format!("client_key={key}&reason=%E5%9C%A8%E9%97%A8%E5%8F%A3"), false)
                }
                ("shifts/track", "own") => {
                    let a = match CALLERS[i].1 {
                        Some(phone) => own_assignment(&t, phone, &mut phones).await.0,
                        None => f.someone_elses_assignment.0,
                    };
                    (format!(r#"{{"input":{{"assignment_id":{a},"samples":[]}}}}"#), true)
                }
                ("shifts/track-view", "out") => (format!("assignment_id={}", f.out_of_scope_assignment.0), false),
                ("roster/cancel", "out") => (format!("shift_id={}&reason=%E6%9A%B4%E9%9B%A8", duty_shift(&t, f.out_of_scope_community, 4).await.0), false),
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
                ("shifts/check-form", "own") => {
                    let a = match CALLERS[i].1 {
                        Some(phone) => own_assignment(&t, phone, &mut phones).await.0,
                        None => f.someone_elses_assignment.0,
                    };
                    (format!("assignment_id={a}&kind=in"), false)
                }
                ("shifts/check-form", _) => (format!("assignment_id={}&kind=out", f.someone_elses_assignment.0), false),
                ("incidents/report-form", variant) => {
                    let community = match (variant, CALLERS[i].1) {
                        ("out", _) | (_, None) => f.out_of_scope_community,
                        (_, Some(phone)) => common::app::demo_person(&t, phone).await.home_area_id,
                    };
                    let site = first_site(&t, community).await.0;
                    let key = uuid::Uuid::now_v7();
                    (format!("client_key={key}&category=fire&severity=1&body=%E6%A5%BC%E9%81%93&site_id={site}"), false)
                }
                ("shifts/track", _) => (format!(r#"{{"input":{{"assignment_id":{},"samples":[]}}}}"#, f.someone_elses_assignment.0), true),
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
                ("roster/people", "out") => (format!("shift_id={}", duty_shift(&t, f.out_of_scope_community, 6).await.0), false),
                ("roster/people", _) => (format!("shift_id={}", f.shift_in_scope.0), false),
                ("hours/decide", variant) => {
                    let (community, volunteer) = if variant == "out" { (f.out_of_scope_community, f.seeded_out_of_scope) } else { (f.in_scope_community, f.seeded_in_scope) };
                    let a = claimed_hours(&t, community, volunteer, &mut phones).await;
                    (format!("assignment_id={}&decision=confirm&minutes=&reason=", a.0), false)
                }
                ("incidents/list", "out") => (format!("filters[area]={}&filters[page]=1", f.out_of_scope_community.0), false),
                ("incidents/list", _) => ("filters[page]=1".to_owned(), false),
                ("incidents/map", _) => ("query[days]=30&query[layer]=pins&query[zoom]=1&query[tiles]=false".to_owned(), false),
                ("incidents/stats", _) => ("days=365".to_owned(), false),
                ("notifications/open", variant) => {
                    let owner = match (variant, CALLERS[i].1) {
                        ("own", Some(phone)) => common::app::demo_person(&t, phone).await.id,
                        _ => domain::VolunteerId(f.seeded_in_scope),
                    };
                    phones += 1;
                    let notice = domain::notify::NewNotification {
                        recipient: owner,
                        notice: domain::notify::Notice::new(
                            domain::notify::NoticeKind::HoursDisputed,
                            domain::notify::Subject::Hours,
                        ),
                        key: format!("authz-{phones}"),
                        due_at: 1,
                    };
                    t.store.add_notifications(&[notice], 1).await.expect("notice");
                    let id = t
                        .store
                        .notifications(owner, i64::MAX, None, 1)
                        .await
                        .expect("list")[0]
                        .id;
                    (format!("id={}", id.0), false)
                }
                ("duty-periods/create", variant) => {
                    phones += 1;
                    let community = if variant == "out" { f.out_of_scope_community } else { f.in_scope_community };
                    let site = first_site(&t, community).await.0;
                    let name = if variant == "bad" { String::new() } else { format!("专项{phones}") };
                    let area = if variant == "area" { f.foreign_district.0.to_string() } else { String::new() };
                    (format!(r#"{{"input":{{"area":"{area}","name":"{name}","level":"2","starts_on":"2027-10-01","ends_on":"2027-10-03","assembly":"","dress":"","notes":"","slots":"07:00-11:00","sites":["{site}"],"copy_from":""}}}}"#), true)
                }
                ("duty-periods/plan", v) => (format!("period={}", test_period(&t, &f, v, false, &mut phones).await.0), false),
                ("duty-periods/cells", v) => {
                    let (id, _) = test_period(&t, &f, v, false, &mut phones).await;
                    let min = if v == "bad" { "-1" } else { "2" };
                    (format!(r#"{{"input":{{"period":{id},"sites":[],"days":[],"slots":[],"min":"{min}","target":"","leaders":"","skill":""}}}}"#), true)
                }
                ("duty-periods/status", v) => (format!("period={}&to=publish", test_period(&t, &f, v, false, &mut phones).await.0), false),
                ("duty-periods/generate", v) | ("duty-periods/publish-roster", v) | ("duty-periods/live", v) => (format!("period={}", test_period(&t, &f, v, true, &mut phones).await.0), false),
                ("duty-periods/roster-edit", v) => {
                    let (id, site) = test_period(&t, &f, v, true, &mut phones).await;
                    (format!(r#"{{"input":{{"period":{id},"site":{site},"day":0,"slot":0,"what":"lock","volunteer":0,"replacing":0}}}}"#), true)
                }
                ("duty-periods/my-answer", v) => (format!("period={}", test_period(&t, &f, if v == "out" { "foreign" } else { "district" }, true, &mut phones).await.0), false),
                ("duty-periods/answer", v) => {
                    let id = test_period(&t, &f, if v == "out" { "foreign" } else { "district" }, true, &mut phones).await.0;
                    let answers = if v == "bad" { "yy" } else { "yym" };
                    (format!("period={id}&answers={answers}&most_slots="), false)
                }
                ("notifications/save-settings", "bad") => ("on%5Bnope-x%5D=on".to_owned(), false),
                ("notifications/save-settings", _) => ("on%5Bpush-shift_cancelled%5D=on".to_owned(), false),
                ("notifications/subscribe", variant) => {
                    phones += 1;
                    let endpoint = if variant == "bad" { "http://evil.example/x".to_owned() } else { format!("https://updates.push.services.mozilla.com/wpush/v2/authz-{phones}") };
                    (format!("endpoint={}&p256dh={}&auth={}&lang=zh-CN", endpoint.replace(':', "%3A").replace('/', "%2F"), "B".repeat(87), "a".repeat(22)), false)
                }
                ("notifications/unsubscribe", _) => ("endpoint=https%3A%2F%2Fpush.example%2Fnone".to_owned(), false),
                ("incidents/detail", variant)
                | ("incidents/step", variant)
                | ("incidents/assign", variant)
                | ("incidents/assignable", variant)
                | ("incidents/publish", variant) => {
                    let (community, reporter) = if variant == "out" { (f.out_of_scope_community, f.seeded_out_of_scope) } else { (f.in_scope_community, f.seeded_in_scope) };
                    let id = incident(&t, community, reporter, &mut phones).await;
                    let rest = match endpoint {
                        "incidents/step" => "&step=acknowledge&referral=&referral_name=&note=",
                        "incidents/assign" => "",
                        "incidents/publish" => "&public=true",
                        _ => "",
                    };
                    (format!("id={id}{rest}"), false)
                }
                _ => (String::new(), false),
            };
            let request = if let Some((method, path)) = endpoint.split_once(' ') {
                route_request(
                    &t,
                    &f,
                    (method, path, variant),
                    CALLERS[i].1,
                    cookies[i].as_deref(),
                    &mut phones,
                )
                .await
            } else {
                call(endpoint, body, json, cookies[i].as_deref())
            };
            let res = send(&t, request).await;
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

/// Every endpoint the running server answers — the server functions from the registry the
/// router dispatches with, and the axum routes as the router was built (`Application::routes`)
/// — must have rows aimed both ways (see `Aim`), each with an expectation for every caller.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_endpoint_has_rows_aimed_in_and_out_of_scope() {
    let t = spawn_app().await;
    let mut endpoints: Vec<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.trim_start_matches("/api/").to_owned())
        .collect();
    assert!(
        endpoints.len() >= 40,
        "the registry lists the server functions: {endpoints:?}"
    );
    endpoints.extend(t.app.routes().into_iter().map(|(m, p)| format!("{m} {p}")));
    let mut missing = Vec::new();
    for endpoint in &endpoints {
        let aims: Vec<Aim> = ROWS
            .iter()
            .filter(|r| r.endpoint.split('#').next() == Some(endpoint.as_str()))
            .map(|r| r.aim)
            .collect();
        let both_ways = (aims.contains(&Aim::InScope) && aims.contains(&Aim::OutOfScope))
            || (aims.contains(&Aim::Own) && aims.contains(&Aim::Others))
            || aims.contains(&Aim::Scoped)
            || aims.contains(&Aim::Public);
        if !both_ways {
            missing.push(format!("{endpoint} (rows aimed: {aims:?})"));
        }
    }
    assert!(
        missing.is_empty(),
        "endpoints without rows in and out of scope:\n{}",
        missing.join("\n")
    );
    // And no row names an endpoint that does not exist.
    let stale: Vec<&str> = ROWS
        .iter()
        .map(|r| r.endpoint.split('#').next().unwrap_or(""))
        .filter(|e| !endpoints.iter().any(|x| x == e))
        .collect();
    assert!(
        stale.is_empty(),
        "rows for endpoints that are gone: {stale:?}"
    );
}
