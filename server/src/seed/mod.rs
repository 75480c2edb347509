//! The demo district used by `cargo xtask run`: 济南市历下区 with three of its streets and
//! their communities. Populations are plausible round figures in the range the 2020 census
//! reports for these streets, not official counts. One file per thing seeded: the area tree and
//! its places (`areas`), the people and the demo logins (`people`), a week of shifts
//! (`shifts`), four months of incidents (`incidents`), a 国庆 duty period under way
//! (`duty_period`).

mod areas;
mod duty_period;
mod incidents;
mod people;
mod shifts;

use domain::{Role, Storage, StorageError};

/// Creates the demo district: the area tree, a few hundred volunteers and the demo logins.
/// Returns `false` (and changes nothing) when areas exist already.
pub async fn demo_district(store: &dyn Storage) -> Result<bool, StorageError> {
    if !areas::demo_areas(store).await? {
        return Ok(false);
    }
    people::demo_people(store).await?;
    shifts::demo_shifts(store).await?;
    incidents::demo_incidents(store).await?;
    duty_period::demo_duty_period(store).await?;
    Ok(true)
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
        area: areas::DISTRICT,
    },
    DemoLogin {
        phone: "13800000002",
        name: "周协会",
        role: Role::AssociationAdmin,
        area: areas::DISTRICT,
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
    // Three in another street, for trying a duty period (专项勤务) end to end: answering on
    // three phones without touching the 山大路 people's shifts and notices.
    DemoLogin {
        phone: "13800000013",
        name: "冯巡逻",
        role: Role::Volunteer,
        area: "建新社区",
    },
    DemoLogin {
        phone: "13800000014",
        name: "褚值守",
        role: Role::Volunteer,
        area: "建新社区",
    },
    DemoLogin {
        phone: "13800000015",
        name: "卫守望",
        role: Role::Volunteer,
        area: "建新社区",
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

/// The demo's constants are valid by construction; a failure is a bug in them, caught by the
/// seed test.
fn demo_value<T>(r: Result<T, domain::FieldError>) -> T {
    r.unwrap_or_else(|e| panic!("bad demo value: {e}"))
}
