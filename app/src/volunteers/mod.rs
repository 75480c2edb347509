//! Volunteers: applying (`/apply`), and coordinators reviewing and managing registrations.

mod apply;
mod contact;
mod manage;
mod skills;
mod teams;

pub use apply::{
    apply, community_choices, validate, ApplyInput, ApplyPage, CommunityChoice, ValidApplication,
    CONSENT_VERSION,
};
pub use contact::{reveal_contact, Contact, ContactReveal};
pub use manage::{
    decide, volunteer_list, Decision, VolunteerListing, VolunteerRow, VolunteersPage,
};
pub use skills::SKILLS;
pub use teams::{add_member, create_team, make_leader, teams, TeamsPage};
