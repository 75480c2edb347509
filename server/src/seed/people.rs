//! The people: a few hundred volunteers, the same in every demo database, some applications
//! awaiting approval, and the demo logins with their roles.

use super::areas::{demo_places, STREETS};
use super::{demo_value, DEMO_LOGINS, DEMO_PASSWORD};
use domain::{
    AreaId, NewVolunteer, PersonName, PhoneNumber, Role, RoleGrant, Storage, StorageError,
    VolunteerStatus,
};

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
pub(super) async fn demo_people(store: &dyn Storage) -> Result<(), StorageError> {
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
