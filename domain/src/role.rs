//! Who may do what, where: roles with an area scope, and the one check every server function
//! makes. A grant on an area covers that area's whole subtree.

use crate::area::AreaId;
use crate::volunteer::{VolunteerId, VolunteerStatus};
use serde::{Deserialize, Serialize};

/// Ordered by reach: a role can do everything the roles below it can, within its scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Role {
    Volunteer,
    /// 队长: runs a team's shifts and confirms its hours.
    TeamLeader,
    /// 社区/街道 coordinator: approves registrations, manages teams and sites in an area.
    Coordinator,
    /// 志愿者协会: a district's admin — areas, populations, roles, commendations.
    AssociationAdmin,
    /// Runs the installation.
    SystemAdmin,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Volunteer,
        Role::TeamLeader,
        Role::Coordinator,
        Role::AssociationAdmin,
        Role::SystemAdmin,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Volunteer => "volunteer",
            Self::TeamLeader => "team_leader",
            Self::Coordinator => "coordinator",
            Self::AssociationAdmin => "association_admin",
            Self::SystemAdmin => "system_admin",
        }
    }

    pub fn from_db(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// A role held over an area and everything under it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RoleGrant {
    pub role: Role,
    pub area_id: AreaId,
}

/// An area and its ancestors, root first: what a scope check needs to know about a target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AreaPath(pub Vec<AreaId>);

impl AreaPath {
    pub fn contains(&self, id: AreaId) -> bool {
        self.0.contains(&id)
    }

    /// The area itself (the last element).
    pub fn leaf(&self) -> Option<AreaId> {
        self.0.last().copied()
    }
}

/// The logged-in person, as every request sees them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Principal {
    pub volunteer_id: VolunteerId,
    pub name: String,
    pub status: VolunteerStatus,
    /// Their home community, root first.
    pub home: AreaPath,
    pub grants: Vec<RoleGrant>,
    /// The password was set by an admin's reset: until the person chooses their own, the
    /// session opens only the change-password form.
    #[serde(default)]
    pub password_temporary: bool,
}

/// Things one can do; each needs a minimum role over the target's area.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Action {
    /// The area's figures: population, registered volunteers, the 2% target.
    ViewAreaFigures,
    /// Lists of volunteers with masked phone numbers.
    ListVolunteers,
    /// A volunteer's full phone number (to call them about a shift).
    SeeContact,
    /// Approve, reject, suspend, retire, re-activate; teams and leaders.
    ManageRegistrations,
    /// Open a sealed ID number.
    SeeIdNumber,
    /// Areas, populations, sites, boundaries.
    ManageAreas,
    /// Give or take roles (below one's own).
    ManageRoles,
    /// Reset another person's password.
    ResetPassword,
    /// Read the audit log.
    ViewAudit,
    /// Create, copy and cancel shifts at the area's sites; show the check-in code.
    ManageShifts,
    /// Confirm, correct or dispute service hours on the area's shifts; see patrol tracks.
    ConfirmHours,
    /// See every incident of the area with its reporter; acknowledge, refer, resolve, close,
    /// reject, assign and publish them.
    TriageIncidents,
    /// Create and run sensitive-period duty plans (专项勤务): demand, roster, publishing.
    PlanDutyPeriods,
}

impl Action {
    pub const ALL: [Action; 13] = [
        Action::ViewAreaFigures,
        Action::ListVolunteers,
        Action::SeeContact,
        Action::ManageRegistrations,
        Action::SeeIdNumber,
        Action::ManageAreas,
        Action::ManageRoles,
        Action::ResetPassword,
        Action::ViewAudit,
        Action::ManageShifts,
        Action::ConfirmHours,
        Action::TriageIncidents,
        Action::PlanDutyPeriods,
    ];

    /// The least role that may do this over an area it holds.
    pub fn minimum_role(self) -> Role {
        match self {
            Action::ViewAreaFigures => Role::Volunteer,
            Action::ListVolunteers
            | Action::SeeContact
            | Action::ManageShifts
            | Action::ConfirmHours
            | Action::TriageIncidents => Role::TeamLeader,
            Action::ManageRegistrations | Action::ViewAudit | Action::PlanDutyPeriods => {
                Role::Coordinator
            }
            Action::SeeIdNumber
            | Action::ManageAreas
            | Action::ManageRoles
            | Action::ResetPassword => Role::AssociationAdmin,
        }
    }
}

impl Principal {
    /// Whether this person may do `action` on something in the area `target` (root first).
    ///
    /// Registered volunteers hold the volunteer role over their whole district (the figures
    /// are public to them); every other role comes from a grant whose area is on `target`'s path.
    /// A suspended or retired person keeps no role at all.
    pub fn may(&self, action: Action, target: &AreaPath) -> bool {
        self.highest_role_over(target)
            .is_some_and(|r| r >= action.minimum_role())
    }

    /// The highest role this person holds over `target`, if any.
    pub fn highest_role_over(&self, target: &AreaPath) -> Option<Role> {
        if !self.status.on_duty_roll() {
            return None;
        }
        let granted = self
            .grants
            .iter()
            .filter(|g| target.contains(g.area_id))
            .map(|g| g.role)
            .max();
        let as_volunteer = match (self.home.0.first(), target.0.first()) {
            (Some(home_root), Some(target_root)) if home_root == target_root => {
                Some(Role::Volunteer)
            }
            _ => None,
        };
        granted.max(as_volunteer)
    }

    /// Whether this person stands strictly above every role `target` holds, each judged where
    /// it is held: `held` lists the target's roles with the path of the area each covers (their
    /// plain volunteer role over their home community included). Nobody outranks themselves, and
    /// a role held outside this person's scope is never outranked: a coordinator cannot suspend
    /// the association admin who lives in their street.
    pub fn outranks(&self, target: VolunteerId, held: &[(Role, AreaPath)]) -> bool {
        target != self.volunteer_id
            && held.iter().all(|(role, path)| {
                self.highest_role_over(path)
                    .is_some_and(|mine| mine > *role)
            })
    }

    /// The highest role held anywhere (for menus; never for a decision about data).
    pub fn highest_role(&self) -> Role {
        self.grants
            .iter()
            .map(|g| g.role)
            .max()
            .unwrap_or(Role::Volunteer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(ids: &[i64]) -> AreaPath {
        AreaPath(ids.iter().copied().map(AreaId).collect())
    }

    fn person(grants: &[(Role, i64)]) -> Principal {
        Principal {
            volunteer_id: VolunteerId(1),
            name: "测试".into(),
            status: VolunteerStatus::Registered,
            home: path(&[1, 10, 100]),
            grants: grants
                .iter()
                .map(|&(role, a)| RoleGrant {
                    role,
                    area_id: AreaId(a),
                })
                .collect(),
            password_temporary: false,
        }
    }

    #[test]
    fn a_grant_covers_its_subtree_and_nothing_beside_it() {
        let coordinator = person(&[(Role::Coordinator, 10)]);
        assert!(coordinator.may(Action::ManageRegistrations, &path(&[1, 10, 100])));
        assert!(coordinator.may(Action::ManageRegistrations, &path(&[1, 10])));
        assert!(!coordinator.may(Action::ManageRegistrations, &path(&[1, 20, 200])));
        assert!(!coordinator.may(Action::ManageRegistrations, &path(&[1])));
        assert!(!coordinator.may(Action::ManageAreas, &path(&[1, 10])));
    }

    #[test]
    fn plain_volunteers_see_figures_of_their_district_only() {
        let v = person(&[]);
        assert!(v.may(Action::ViewAreaFigures, &path(&[1, 20])));
        assert!(!v.may(Action::ViewAreaFigures, &path(&[2])));
        assert!(!v.may(Action::ListVolunteers, &path(&[1, 10, 100])));
    }

    #[test]
    fn suspended_people_hold_no_role() {
        let mut admin = person(&[(Role::SystemAdmin, 1)]);
        admin.status = VolunteerStatus::Suspended;
        for action in Action::ALL {
            assert!(!admin.may(action, &path(&[1, 10])));
        }
    }

    #[test]
    fn only_a_strictly_higher_role_over_each_held_role_outranks() {
        let coordinator = person(&[(Role::Coordinator, 10)]);
        let volunteer_here = [(Role::Volunteer, path(&[1, 10, 100]))];
        assert!(coordinator.outranks(VolunteerId(2), &volunteer_here));
        let leader_here = [
            (Role::Volunteer, path(&[1, 10, 100])),
            (Role::TeamLeader, path(&[1, 10, 100])),
        ];
        assert!(coordinator.outranks(VolunteerId(2), &leader_here));
        let peer = [
            (Role::Volunteer, path(&[1, 10, 100])),
            (Role::Coordinator, path(&[1, 10])),
        ];
        assert!(
            !coordinator.outranks(VolunteerId(2), &peer),
            "equal is not above"
        );
        let admin_living_here = [
            (Role::Volunteer, path(&[1, 10, 100])),
            (Role::AssociationAdmin, path(&[1])),
        ];
        assert!(!coordinator.outranks(VolunteerId(2), &admin_living_here));
        let leader_elsewhere = [
            (Role::Volunteer, path(&[1, 10, 100])),
            (Role::TeamLeader, path(&[1, 20, 200])),
        ];
        assert!(
            !coordinator.outranks(VolunteerId(2), &leader_elsewhere),
            "a role held outside one's scope is not outranked"
        );
    }

    #[test]
    fn nobody_outranks_themselves() {
        let admin = person(&[(Role::SystemAdmin, 1)]);
        assert!(!admin.outranks(
            admin.volunteer_id,
            &[(Role::Volunteer, path(&[1, 10, 100]))]
        ));
        let association = person(&[(Role::AssociationAdmin, 1)]);
        assert!(!association.outranks(VolunteerId(9), &[(Role::SystemAdmin, path(&[1]))]));
    }

    #[test]
    fn higher_roles_include_lower_ones() {
        let admin = person(&[(Role::AssociationAdmin, 1)]);
        for action in Action::ALL {
            assert!(admin.may(action, &path(&[1, 20, 200])), "{action:?}");
        }
        assert_eq!(admin.highest_role(), Role::AssociationAdmin);
    }
}
