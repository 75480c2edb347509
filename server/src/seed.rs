//! The demo district used by `cargo xtask run`: 济南市历下区 with three of its streets and
//! their communities. Populations are plausible round figures in the range the 2020 census
//! reports for these streets, not official counts.

use chrono::NaiveDate;
use domain::{
    AreaId, AreaKind, AreaName, NewArea, NewVolunteer, PersonName, PhoneNumber, Population, Role,
    RoleGrant, Storage, StorageError, VolunteerStatus,
};

struct Street {
    name: &'static str,
    communities: &'static [(&'static str, u32)],
}

const DISTRICT: &str = "历下区";

const STREETS: &[Street] = &[
    Street {
        name: "解放路街道",
        communities: &[
            ("山大路社区", 9_800),
            ("解放东路社区", 12_400),
            ("历山东路社区", 8_700),
            ("和平新村社区", 10_900),
        ],
    },
    Street {
        name: "千佛山街道",
        communities: &[
            ("千佛山社区", 7_600),
            ("建新社区", 11_300),
            ("佛山苑社区", 9_200),
            ("舜耕社区", 8_100),
        ],
    },
    Street {
        name: "泉城路街道",
        communities: &[
            ("芙蓉街社区", 5_900),
            ("县西巷社区", 6_800),
            ("珍珠泉社区", 7_300),
            ("司里街社区", 6_200),
        ],
    },
];

/// Creates the demo district: the area tree, a few hundred volunteers and the demo logins.
/// Returns `false` (and changes nothing) when areas exist already.
pub async fn demo_district(store: &dyn Storage) -> Result<bool, StorageError> {
    if !demo_areas(store).await? {
        return Ok(false);
    }
    demo_people(store).await?;
    demo_shifts(store).await?;
    demo_incidents(store).await?;
    Ok(true)
}

/// What the demo's incidents say, by category code.
const DEMO_REPORTS: &[(&str, &str)] = &[
    ("fire", "楼道堆放纸箱杂物，堵住消防通道"),
    ("security", "小区东门门禁损坏，外来人员随意进出"),
    ("dispute", "两户居民因停车位发生争吵"),
    ("suspicious", "有人在车棚附近反复查看电动车"),
    ("traffic", "路口红绿灯故障，学生过马路危险"),
    ("group_rental", "一套住房隔成多间出租，住户进出频繁"),
    ("facility", "路灯不亮，夜间巡逻看不清"),
    ("fire", "电动车在楼道内充电"),
];

/// Thirty-odd incidents of the last four months in every community but 山大路社区 (whose map
/// the browser tests read), at the communities' sites, in every workflow state, so the map,
/// the lists and the statistics of a fresh demo have something to show.
async fn demo_incidents(store: &dyn Storage) -> Result<(), StorageError> {
    use domain::incident::port::{ChangeKind, IncidentChange, NewIncident};
    use domain::incident::{IncidentStatus, Referral, Severity};
    let now = chrono::Utc::now().timestamp_millis();
    let day = domain::duty::DAY_MS;
    let admin = store
        .volunteer_by_phone(&demo_value(PhoneNumber::parse(DEMO_LOGINS[1].phone)))
        .await?
        .ok_or(StorageError::MissingReference)?
        .id;
    let mut communities = std::collections::HashMap::new();
    for district in store.child_areas(None).await? {
        for street in store.child_areas(Some(district.id)).await? {
            for c in store.child_areas(Some(street.id)).await? {
                communities.insert(c.name, c.id);
            }
        }
    }
    let mut n = 0i64;
    for (community, _, _, _) in PLACES.iter().filter(|p| p.0 != "山大路社区") {
        let Some(&area) = communities.get(*community) else {
            continue;
        };
        let reporters = store
            .volunteers_in(&domain::VolunteerFilter {
                within: area,
                status: Some(VolunteerStatus::Registered),
                search: None,
                offset: 0,
                limit: 3,
            })
            .await?
            .items;
        let sites = store.sites_in(area).await?;
        for (k, site) in sites.iter().enumerate() {
            n += 1;
            let Some(reporter) = reporters.get(k % reporters.len().max(1)) else {
                continue;
            };
            let (lat, lon) = site_centre(&site.fence);
            let (category, body) = DEMO_REPORTS[(n as usize) % DEMO_REPORTS.len()];
            let made_at = now - (n * 37 % 120) * day - n * 3_600_000;
            let id = store
                .insert_incident(&NewIncident {
                    client_key: format!("demo-incident-{n:04}"),
                    reporter: reporter.id,
                    area_id: area,
                    site_id: Some(site.id),
                    assignment_id: None,
                    category: category.into(),
                    severity: [Severity::Normal, Severity::Serious, Severity::Urgent]
                        [(n % 5).min(2) as usize],
                    body: body.into(),
                    lat: lat + 0.0002 * ((n % 3) as f64 - 1.0),
                    lon: lon + 0.0002 * ((n % 4) as f64 - 1.5),
                    accuracy_m: Some(8.0 + (n % 20) as f64),
                    made_at,
                    received_at: made_at,
                    photos: Vec::new(),
                })
                .await?
                .id();
            // Older reports have travelled further along the workflow.
            let steps: &[(&str, IncidentStatus, Option<Referral>)] = &[
                ("acknowledge", IncidentStatus::Acknowledged, None),
                ("refer", IncidentStatus::Referred, Some(Referral::Committee)),
                ("resolve", IncidentStatus::Resolved, None),
                ("close", IncidentStatus::Closed, None),
            ];
            let mut from = IncidentStatus::Reported;
            for (s, (step, to, referral)) in steps.iter().enumerate().take((n % 5) as usize) {
                store
                    .change_incident(
                        id,
                        &IncidentChange {
                            actor: admin,
                            at: made_at + (s as i64 + 1) * 3_600_000,
                            step: (*step).into(),
                            what: ChangeKind::Status {
                                from,
                                to: *to,
                                referred_to: referral.clone(),
                            },
                            note: None,
                        },
                    )
                    .await?;
                from = *to;
            }
        }
    }
    Ok(())
}

/// Where a site is: a circle's centre, or a polygon's first corner.
fn site_centre(fence: &domain::geometry::Fence) -> (f64, f64) {
    match fence {
        domain::geometry::Fence::Circle { lat, lon, .. } => (*lat, *lon),
        domain::geometry::Fence::Polygon(shape) => shape
            .0
            .first()
            .and_then(|p| p.exterior().0.first())
            .map(|c| (c.y, c.x))
            .unwrap_or_default(),
    }
}

/// A week of patrols at the sites of two communities: mornings 08:00–12:00 and evenings
/// 18:00–22:00, four people each with one leader, so the demo has shifts to take.
async fn demo_shifts(store: &dyn Storage) -> Result<(), StorageError> {
    use domain::duty::{local_date, shift::window_on};
    let now = chrono::Utc::now().timestamp_millis();
    let today = local_date(now);
    let mut sites = Vec::new();
    for street in store.child_areas(None).await?.into_iter().take(1) {
        sites.extend(store.sites_in(street.id).await?);
    }
    let mut shifts = Vec::new();
    for site in sites
        .iter()
        .filter(|s| PLACES[..2].iter().any(|p| p.3.contains(&s.name.as_str())))
    {
        for day in 0..7 {
            let date = today + chrono::Days::new(day);
            for (start, end) in [(8 * 60, 12 * 60), (18 * 60, 22 * 60)] {
                let Some(window) = window_on(date, start, end) else {
                    continue;
                };
                if window.starts_at <= now {
                    continue;
                }
                shifts.push(domain::NewShift {
                    site_id: site.id,
                    window,
                    headcount: 4,
                    leaders_needed: 1,
                    notes: String::new(),
                    created_by: None,
                    created_at: now,
                });
            }
        }
    }
    let audit = domain::AuditEntry {
        at_ms: now,
        actor_id: None,
        action: "seed_shifts".into(),
        entity: "shift".into(),
        entity_id: None,
        area_id: None,
        before: None,
        after: Some(format!(r#"{{"shifts":{}}}"#, shifts.len())),
    };
    store.insert_shifts(&shifts, &audit).await?;
    Ok(())
}

/// The password of every demo login. Printed by `pingan seed --demo`; never use it elsewhere.
pub const DEMO_PASSWORD: &str = "pingan2026";

/// One demo login: who it is, where, and the number to log in with.
pub struct DemoLogin {
    pub phone: &'static str,
    pub name: &'static str,
    pub role: Role,
    /// The area the role covers (also the person's home when it is a community).
    pub area: &'static str,
}

pub const DEMO_LOGINS: &[DemoLogin] = &[
    DemoLogin {
        phone: "13800000001",
        name: "系统管理员",
        role: Role::SystemAdmin,
        area: DISTRICT,
    },
    DemoLogin {
        phone: "13800000002",
        name: "周协会",
        role: Role::AssociationAdmin,
        area: DISTRICT,
    },
    DemoLogin {
        phone: "13800000003",
        name: "吴协调",
        role: Role::Coordinator,
        area: "解放路街道",
    },
    DemoLogin {
        phone: "13800000004",
        name: "郑队长",
        role: Role::TeamLeader,
        area: "山大路社区",
    },
    DemoLogin {
        phone: "13800000005",
        name: "王志愿",
        role: Role::Volunteer,
        area: "山大路社区",
    },
    DemoLogin {
        phone: "13800000006",
        name: "李巡逻",
        role: Role::Volunteer,
        area: "山大路社区",
    },
    DemoLogin {
        phone: "13800000007",
        name: "赵平安",
        role: Role::Volunteer,
        area: "山大路社区",
    },
    DemoLogin {
        phone: "13800000008",
        name: "孙值守",
        role: Role::Volunteer,
        area: "山大路社区",
    },
    DemoLogin {
        phone: "13800000009",
        name: "钱晨光",
        role: Role::Volunteer,
        area: "山大路社区",
    },
    DemoLogin {
        phone: "13800000010",
        name: "冯守望",
        role: Role::Volunteer,
        area: "山大路社区",
    },
    DemoLogin {
        phone: "13800000011",
        name: "陈夜巡",
        role: Role::Volunteer,
        area: "山大路社区",
    },
    DemoLogin {
        phone: "13800000012",
        name: "蒋无网",
        role: Role::Volunteer,
        area: "山大路社区",
    },
];

/// The login table `pingan seed --demo` and `cargo xtask run` print.
pub fn demo_logins_table() -> String {
    let mut out = format!("  demo logins (password for all: {DEMO_PASSWORD}):\n");
    for l in DEMO_LOGINS {
        out.push_str(&format!(
            "    {}  {:<18} {} ({})\n",
            l.phone,
            l.role.as_str(),
            l.name,
            l.area
        ));
    }
    out
}

/// Plausible centres (WGS-84) of the demo communities in 历下区, and their sites: 重点部位
/// and 巡逻点 a community there would watch. Not survey data.
const PLACES: &[(&str, f64, f64, &[&str])] = &[
    (
        "山大路社区",
        117.058,
        36.675,
        &["山大路科技市场", "山东大学中心校区南门", "山大路小学"],
    ),
    (
        "解放东路社区",
        117.065,
        36.668,
        &["解放东路公交枢纽", "解放桥", "解放东路农贸市场"],
    ),
    (
        "历山东路社区",
        117.045,
        36.672,
        &["历山路小学", "历山东路菜市场", "历山剧院"],
    ),
    (
        "和平新村社区",
        117.050,
        36.663,
        &["和平新村南门", "和平路口", "和平新村幼儿园"],
    ),
    (
        "千佛山社区",
        117.035,
        36.642,
        &["千佛山北门", "千佛山医院东门", "千佛山公交站"],
    ),
    (
        "建新社区",
        117.028,
        36.652,
        &["建新小区东门", "文化西路口", "建新幼儿园"],
    ),
    (
        "佛山苑社区",
        117.040,
        36.650,
        &["佛山苑小区西门", "经十路过街天桥", "佛山苑菜市场"],
    ),
    (
        "舜耕社区",
        117.018,
        36.645,
        &["舜耕路公交站", "舜耕小区南门", "舜耕山庄北门"],
    ),
    (
        "芙蓉街社区",
        117.022,
        36.666,
        &["芙蓉街北口", "曲水亭街", "王府池子", "芙蓉街南口"],
    ),
    (
        "县西巷社区",
        117.018,
        36.664,
        &["县西巷商业街", "泉城路地铁口", "县西巷派出所旁"],
    ),
    (
        "珍珠泉社区",
        117.026,
        36.668,
        &["珍珠泉东门", "大明湖南门", "百花洲"],
    ),
    (
        "司里街社区",
        117.014,
        36.662,
        &["司里街菜市场", "趵突泉北门", "司里街小学"],
    ),
];

/// A rectangle around a centre, `dx`/`dy` degrees each way, as a closed ring.
fn rectangle(lon: f64, lat: f64, dx: f64, dy: f64) -> domain::geometry::Shape {
    let ring = vec![
        (lon - dx, lat - dy),
        (lon + dx, lat - dy),
        (lon + dx, lat + dy),
        (lon - dx, lat + dy),
        (lon - dx, lat - dy),
    ];
    geo::MultiPolygon(vec![geo::Polygon::new(ring.into(), vec![])])
}

/// Community boundaries and ~40 sites: most a point with a radius, every third a polygon.
async fn demo_places(
    store: &dyn Storage,
    by_name: &std::collections::HashMap<String, AreaId>,
    now: i64,
) -> Result<(), StorageError> {
    use domain::geometry::Fence;
    let mut boundaries = Vec::new();
    let mut sites = Vec::new();
    for (community, lon, lat, names) in PLACES {
        let area = *by_name
            .get(*community)
            .ok_or(StorageError::MissingReference)?;
        boundaries.push((area, rectangle(*lon, *lat, 0.0019, 0.0010)));
        for (i, name) in names.iter().enumerate() {
            // Spread the sites around the centre, inside the boundary.
            let angle = i as f64 * 2.1;
            let (slon, slat) = (lon + 0.0011 * angle.cos(), lat + 0.0006 * angle.sin());
            let fence = if i % 3 == 2 {
                Fence::Polygon(rectangle(slon, slat, 0.0003, 0.0002))
            } else {
                Fence::Circle {
                    lat: slat,
                    lon: slon,
                    radius_m: 50 + 10 * i as u32,
                }
            };
            sites.push(domain::SiteDraft {
                area_id: area,
                name: (*name).to_owned(),
                fence,
            });
        }
    }
    let audit = domain::AuditEntry {
        at_ms: now,
        actor_id: None,
        action: "seed_places".into(),
        entity: "area".into(),
        entity_id: None,
        area_id: None,
        before: None,
        after: Some(format!(
            r#"{{"boundaries":{},"sites":{}}}"#,
            boundaries.len(),
            sites.len()
        )),
    };
    store.import_geometry(&boundaries, &sites, &audit).await?;
    Ok(())
}

async fn demo_areas(store: &dyn Storage) -> Result<bool, StorageError> {
    if !store.child_areas(None).await?.is_empty() {
        return Ok(false);
    }
    let counted_on = NaiveDate::from_ymd_opt(2020, 11, 1);
    let total: u32 = STREETS
        .iter()
        .flat_map(|s| s.communities)
        .map(|c| c.1)
        .sum();
    let district = store
        .insert_area(&new_area(
            None,
            AreaKind::District,
            DISTRICT,
            total,
            counted_on,
        ))
        .await?;
    for street in STREETS {
        let street_total = street.communities.iter().map(|c| c.1).sum();
        let street_id = store
            .insert_area(&new_area(
                Some(district),
                AreaKind::Street,
                street.name,
                street_total,
                counted_on,
            ))
            .await?;
        for (name, population) in street.communities {
            store
                .insert_area(&new_area(
                    Some(street_id),
                    AreaKind::Community,
                    name,
                    *population,
                    counted_on,
                ))
                .await?;
        }
    }
    Ok(true)
}

fn new_area(
    parent_id: Option<domain::AreaId>,
    kind: AreaKind,
    name: &str,
    population: u32,
    counted_on: Option<NaiveDate>,
) -> NewArea {
    NewArea {
        parent_id,
        kind,
        // The constants above are valid names and populations; a failure is a bug in them,
        // caught by the seed test.
        name: AreaName::parse(name).unwrap_or_else(|_| panic!("bad demo area name {name:?}")),
        population: Population::new(population)
            .unwrap_or_else(|_| panic!("bad demo population for {name}")),
        population_counted_on: counted_on,
    }
}

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "韩", "曹", "许", "邓", "冯",
];
const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明",
    "超", "秀英", "霞", "平", "刚", "桂英", "建华", "玉兰", "志强", "海燕", "国庆", "红梅", "淑珍",
    "德胜",
];
const SKILLS: &[&str] = &app::volunteers::SKILLS;

/// A small deterministic generator, so every demo database holds the same people.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, below: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % below
    }
}

/// A few hundred volunteers spread unevenly over the communities (so the 2% ranking has a
/// story), some applications awaiting approval, and the demo logins with their roles.
async fn demo_people(store: &dyn Storage) -> Result<(), StorageError> {
    let now = chrono::Utc::now().timestamp_millis();
    let district = store
        .child_areas(None)
        .await?
        .into_iter()
        .next()
        .ok_or(StorageError::MissingReference)?;
    let mut by_name: std::collections::HashMap<String, AreaId> = Default::default();
    by_name.insert(district.name.clone(), district.id);
    let mut areas = Vec::new();
    for street in store.child_areas(Some(district.id)).await? {
        by_name.insert(street.name.clone(), street.id);
        for c in store.child_areas(Some(street.id)).await? {
            by_name.insert(c.name.clone(), c.id);
            areas.push(c);
        }
    }
    // In the order `STREETS` lists them (not the database's name order, which differs between
    // collations), so the demo numbers are the same everywhere: 山大路社区's people start at
    // 13900000001.
    let communities: Vec<_> = STREETS
        .iter()
        .flat_map(|s| s.communities.iter())
        .filter_map(|(name, _)| areas.iter().find(|a| a.name == *name))
        .collect();
    let mut rng = Lcg(20_261_122);
    let mut people = Vec::new();
    let mut serial = 0u32;
    let mut phone_seq = 0u64;
    for (i, community) in communities.iter().enumerate() {
        // Between 8% and 60% of each community's 2% target, varying by community.
        let target = community.population / 50;
        let share = 8 + (i * 37 % 53);
        let registered = (target as usize * share / 100).max(3);
        let applied = 1 + i % 3;
        for k in 0..registered + applied {
            phone_seq += 1;
            let status = if k < registered {
                VolunteerStatus::Registered
            } else {
                VolunteerStatus::Applied
            };
            let vest_no = (status == VolunteerStatus::Registered).then(|| {
                serial += 1;
                format!("PA-{serial:05}")
            });
            let name = format!(
                "{}{}",
                SURNAMES[rng.next(SURNAMES.len())],
                GIVEN[rng.next(GIVEN.len())]
            );
            let skills = (0..rng.next(3))
                .map(|_| SKILLS[rng.next(SKILLS.len())].to_owned())
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect();
            people.push(NewVolunteer {
                name: demo_value(PersonName::parse(&name)),
                phone: demo_value(PhoneNumber::parse(&format!("139{phone_seq:08}"))),
                id_number: None,
                home_area_id: community.id,
                skills,
                location_consent_version: Some("2026-1".into()),
                status,
                vest_no,
                password_hash: None,
                now_ms: now - (rng.next(700) as i64) * 86_400_000,
            });
        }
    }
    // One transaction: a few hundred rows, one disk sync.
    store.insert_volunteers(&people).await?;
    demo_places(store, &by_name, now).await?;
    let hash = crate::auth::password::hash_blocking(DEMO_PASSWORD)
        .map_err(|e| StorageError::Backend(e.to_string()))?;
    for login in DEMO_LOGINS {
        let area = *by_name
            .get(login.area)
            .ok_or(StorageError::MissingReference)?;
        // Logins whose role covers a street or the district live in its first community.
        let home = if communities.iter().any(|c| c.id == area) {
            area
        } else {
            first_community_under(store, area).await?
        };
        serial += 1;
        let id = store
            .insert_volunteer(&NewVolunteer {
                name: demo_value(PersonName::parse(login.name)),
                phone: demo_value(PhoneNumber::parse(login.phone)),
                id_number: None,
                home_area_id: home,
                skills: vec![],
                location_consent_version: Some("2026-1".into()),
                status: VolunteerStatus::Registered,
                vest_no: Some(format!("PA-{serial:05}")),
                password_hash: Some(hash.clone()),
                now_ms: now,
            })
            .await?;
        if login.role != Role::Volunteer {
            let grant = RoleGrant {
                role: login.role,
                area_id: area,
            };
            let audit = domain::AuditEntry {
                at_ms: now,
                actor_id: None,
                action: "seed_grant".into(),
                entity: "role_grant".into(),
                entity_id: Some(id.0),
                area_id: Some(area),
                before: None,
                after: Some(format!(r#"{{"role":"{}"}}"#, login.role.as_str())),
            };
            store.insert_grant(id, grant, None, now, &audit).await?;
        }
    }
    Ok(())
}

async fn first_community_under(
    store: &dyn Storage,
    mut area: AreaId,
) -> Result<AreaId, StorageError> {
    loop {
        match store.child_areas(Some(area)).await?.into_iter().next() {
            Some(child) => area = child.id,
            None => return Ok(area),
        }
    }
}

/// The demo's constants are valid by construction; a failure is a bug in them, caught by the
/// seed test.
fn demo_value<T>(r: Result<T, domain::FieldError>) -> T {
    r.unwrap_or_else(|e| panic!("bad demo value: {e}"))
}
