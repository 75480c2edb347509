//! The frame's knowledge of the reader: the place the header names and, for office roles
//! (team leaders and above), their desk — the tools their grants open and a side navigation to
//! them that replaces the phone's tab bar on a screen 1024 px or wider.
//!
//! Which tools a person has follows from `domain::Action::minimum_role`, the same rule every
//! server function checks, so the navigation never offers a page that would answer 403.

use crate::i18n::{desk::DeskTexts, use_texts};
use crate::AppError;
use domain::{Action, Role};
use leptos::prelude::*;
use leptos_router::components::A;
use serde::{Deserialize, Serialize};

/// An office page, in the order the side navigation lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Tool {
    Roster,
    DutyPeriods,
    Volunteers,
    Teams,
    Incidents,
    Map,
    Stats,
    Audit,
    Import,
}

impl Tool {
    pub const ALL: [Tool; 9] = [
        Tool::Roster,
        Tool::DutyPeriods,
        Tool::Volunteers,
        Tool::Teams,
        Tool::Incidents,
        Tool::Map,
        Tool::Stats,
        Tool::Audit,
        Tool::Import,
    ];

    pub fn href(self) -> &'static str {
        match self {
            Tool::Roster => "/shifts/manage",
            Tool::DutyPeriods => "/duty-periods",
            Tool::Volunteers => "/volunteers",
            Tool::Teams => "/teams",
            Tool::Incidents => "/incidents",
            Tool::Map => "/map",
            Tool::Stats => "/incidents/stats",
            Tool::Audit => "/audit",
            Tool::Import => "/areas/import",
        }
    }

    /// What the page's server functions require.
    pub fn action(self) -> Action {
        match self {
            Tool::Roster => Action::ManageShifts,
            Tool::DutyPeriods => Action::PlanDutyPeriods,
            Tool::Volunteers => Action::ListVolunteers,
            Tool::Teams => Action::ManageRegistrations,
            Tool::Incidents | Tool::Map | Tool::Stats => Action::TriageIncidents,
            Tool::Audit => Action::ViewAudit,
            Tool::Import => Action::ManageAreas,
        }
    }

    pub fn label(self, d: &DeskTexts) -> &'static str {
        match self {
            Tool::Roster => d.roster,
            Tool::DutyPeriods => d.duty_periods,
            Tool::Volunteers => d.volunteers,
            Tool::Teams => d.teams,
            Tool::Incidents => d.incidents,
            Tool::Map => d.map,
            Tool::Stats => d.stats,
            Tool::Audit => d.audit,
            Tool::Import => d.import,
        }
    }
}

/// An office role's desk.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Desk {
    /// The highest role the person holds, and the areas they hold it over.
    pub role: Role,
    pub areas: Vec<String>,
    pub tools: Vec<Tool>,
}

/// What the frame shows about the reader.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Frame {
    /// The volunteer's home community, or the district for someone logged out.
    pub place: Option<String>,
    /// Present for team leaders and above.
    pub desk: Option<Desk>,
    /// The bell's count; `None` for someone logged out (no bell).
    pub unread: Option<u32>,
}

/// The tools open to someone holding `grants` (none for a person off the roll): each tool whose
/// action one of the grants allows over its own area.
pub fn tools_of(who: &domain::Principal) -> Vec<Tool> {
    if !who.status.on_duty_roll() {
        return Vec::new();
    }
    Tool::ALL
        .into_iter()
        .filter(|t| {
            who.grants
                .iter()
                .any(|g| g.role >= t.action().minimum_role())
        })
        .collect()
}

#[server(endpoint = "shell/frame")]
pub async fn reader_frame() -> Result<Frame, AppError> {
    crate::error::answer(async move {
        let state = crate::AppState::current()?;
        let store = state.storage.as_ref();
        let who = crate::auth::principal();
        let unread = match &who {
            Some(p) => Some(
                store
                    .unread_count(p.volunteer_id, chrono::Utc::now().timestamp_millis())
                    .await?,
            ),
            None => None,
        };
        let tools = who.as_ref().map(tools_of).unwrap_or_default();
        if let (Some(who), false) = (who.as_ref(), tools.is_empty()) {
            let role = who.highest_role();
            let mut areas = Vec::new();
            for g in who.grants.iter().filter(|g| g.role == role) {
                if let Some(a) = store.area(g.area_id).await.map_err(AppError::from)? {
                    areas.push(a.name);
                }
            }
            return Ok(Frame {
                place: None,
                desk: Some(Desk { role, areas, tools }),
                unread,
            });
        }
        if let Some(home) = who.and_then(|p| p.home.leaf()) {
            if let Some(a) = store.area(home).await.map_err(AppError::from)? {
                return Ok(Frame {
                    place: Some(a.name),
                    desk: None,
                    unread,
                });
            }
        }
        let roots = store.child_areas(None).await.map_err(AppError::from)?;
        Ok(Frame {
            place: roots.into_iter().next().map(|a| a.name),
            desk: None,
            unread,
        })
    })
    .await
}

/// The frame, read once per page load and shared by the header, the side navigation and the
/// home page.
pub type FrameResource = Resource<Result<Frame, AppError>>;

pub fn provide_frame() -> FrameResource {
    let frame = Resource::new(|| (), |_| reader_frame());
    provide_context(frame);
    frame
}

pub fn use_frame() -> Option<FrameResource> {
    use_context::<FrameResource>()
}

/// The reader's desk, once the frame has loaded (`None` for volunteers and the logged out).
async fn desk_of(frame: Option<FrameResource>) -> Option<Desk> {
    frame?.await.ok()?.desk
}

/// "解放路街道 · 协调员", or "历下区 等 2 个区域 · 协会管理员".
pub fn scope_line(t: &crate::i18n::Texts, desk: &Desk) -> String {
    let area = match desk.areas.as_slice() {
        [] => t.area_unknown.to_owned(),
        [one] => one.clone(),
        [first, rest @ ..] => t
            .desk
            .more_areas
            .replace("{area}", first)
            .replace("{total}", &desk.areas.len().to_string())
            .replace("{more}", &rest.len().to_string()),
    };
    format!("{area} · {}", t.role(desk.role))
}

/// The side navigation of an office role (drawn only at desk width, by the stylesheet).
#[component]
pub fn DeskNav() -> impl IntoView {
    let t = use_texts();
    let d = t.desk;
    let frame = use_frame();
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let desk = desk_of(frame).await;
                desk.map(|desk| {
                    let scope = scope_line(t, &desk);
                    view! {
                        <nav class="desk-nav" aria-label=d.nav_label data-testid="desk-nav">
                            <p class="desk-scope">{scope}</p>
                            <ul>
                                {desk
                                    .tools
                                    .into_iter()
                                    .map(|tool| {
                                        view! {
                                            <li>
                                                <A href=tool.href() attr:class="desk-link" exact=true>
                                                    {tool.label(d)}
                                                </A>
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                            </ul>
                            <p class="desk-group">{d.own_duty}</p>
                            <ul>
                                <li>
                                    <A href="/shifts" attr:class="desk-link" exact=true>
                                        {t.tab_shifts}
                                    </A>
                                </li>
                                <li>
                                    <A href="/incidents/new" attr:class="desk-link" exact=true>
                                        {t.tab_report}
                                    </A>
                                </li>
                                <li>
                                    <A href="/me/hours" attr:class="desk-link" exact=true>
                                        {t.tab_hours}
                                    </A>
                                </li>
                                <li>
                                    <A href="/me" attr:class="desk-link" exact=true>
                                        {t.tab_me}
                                    </A>
                                </li>
                            </ul>
                        </nav>
                    }
                })
            })}
        </Suspense>
    }
}

/// The home page's links to an office role's tools.
#[component]
pub fn DeskShortcuts() -> impl IntoView {
    let d = use_texts().desk;
    let frame = use_frame();
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let desk = desk_of(frame).await;
                desk.map(|desk| {
                    view! {
                        <section class="card stack" data-testid="desk-tools">
                            <h2>{d.tools_title}</h2>
                            <ul class="shortcut-list">
                                {desk
                                    .tools
                                    .into_iter()
                                    .map(|tool| {
                                        view! {
                                            <li>
                                                <a class="shortcut" href=tool.href()>
                                                    {tool.label(d)}
                                                </a>
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                            </ul>
                        </section>
                    }
                })
            })}
        </Suspense>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::{AreaId, AreaPath, Principal, RoleGrant, VolunteerId, VolunteerStatus};

    fn person(grants: &[Role], status: VolunteerStatus) -> Principal {
        Principal {
            volunteer_id: VolunteerId(1),
            name: "测试".into(),
            status,
            home: AreaPath(vec![AreaId(1), AreaId(2), AreaId(3)]),
            grants: grants
                .iter()
                .map(|&role| RoleGrant {
                    role,
                    area_id: AreaId(2),
                })
                .collect(),
            password_temporary: false,
        }
    }

    #[test]
    fn a_volunteer_has_no_desk_and_each_office_role_gets_what_it_may_open() {
        use Tool::*;
        let registered = VolunteerStatus::Registered;
        assert!(tools_of(&person(&[], registered)).is_empty());
        assert_eq!(
            tools_of(&person(&[Role::TeamLeader], registered)),
            vec![Roster, Volunteers, Incidents, Map, Stats]
        );
        assert_eq!(
            tools_of(&person(&[Role::Coordinator], registered)),
            vec![
                Roster,
                DutyPeriods,
                Volunteers,
                Teams,
                Incidents,
                Map,
                Stats,
                Audit
            ]
        );
        assert_eq!(
            tools_of(&person(
                &[Role::TeamLeader, Role::AssociationAdmin],
                registered
            )),
            Tool::ALL.to_vec()
        );
        // A suspended leader keeps no role, so no desk either.
        assert!(tools_of(&person(&[Role::Coordinator], VolunteerStatus::Suspended)).is_empty());
    }

    #[test]
    fn the_scope_line_names_the_area_and_the_role() {
        let t = &crate::i18n::ZH;
        let desk = |areas: &[&str]| Desk {
            role: Role::Coordinator,
            areas: areas.iter().map(|a| (*a).to_owned()).collect(),
            tools: vec![],
        };
        assert_eq!(scope_line(t, &desk(&["解放路街道"])), "解放路街道 · 协调员");
        assert_eq!(
            scope_line(t, &desk(&["解放路街道", "千佛山街道"])),
            "解放路街道 等 2 个区域 · 协调员"
        );
        assert_eq!(
            scope_line(&crate::i18n::EN, &desk(&["A", "B", "C"])),
            format!("A and 2 more · {}", crate::i18n::EN.role(Role::Coordinator))
        );
    }
}
