//! Volunteers: applying (`/apply`), and coordinators reviewing and managing registrations.

mod apply;
mod contact;
mod manage;
mod skills;
mod teams;

pub use apply::api::{
    apply, community_choices, validate, ApplyInput, CommunityChoice, ValidApplication,
    CONSENT_VERSION,
};
pub use apply::ApplyPage;
pub use contact::{reveal_contact, Contact, ContactReveal};
pub use manage::api::{decide, volunteer_list, Decision, VolunteerListing, VolunteerRow};
pub use manage::VolunteersPage;
pub use skills::SKILLS;
pub use teams::api::{add_member, create_team, make_leader, teams};
pub use teams::TeamsPage;
