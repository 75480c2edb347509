//! Who is asking: the logged-in person as the server sees them, the checks every server
//! function makes, the login page, and the "me" summary the header and `/me` show.

mod api;
mod login_page;
mod reset;

pub use api::{whoami, Me};
pub use login_page::{LoginPage, LoginPrompt};
pub use reset::reset_password;

#[cfg(feature = "ssr")]
pub use server_side::*;

#[cfg(feature = "ssr")]
mod server_side {
    use crate::AppError;
    use domain::{Action, AreaId, AreaPath, Principal, Role, Storage, Volunteer, VolunteerId};
    use leptos::prelude::use_context;

    /// Put into each request's extensions by the server's session middleware.
    #[derive(Debug, Clone)]
    pub struct CurrentUser(pub Option<Principal>);

    /// The logged-in person of this request, if any.
    pub fn principal() -> Option<Principal> {
        let parts = use_context::<http::request::Parts>()?;
        parts.extensions.get::<CurrentUser>()?.0.clone()
    }

    /// The logged-in person, or `Unauthenticated`.
    pub fn require_login() -> Result<Principal, AppError> {
        principal().ok_or(AppError::Unauthenticated)
    }

    /// The logged-in person if they may do `action` on something in `target`; otherwise
    /// `Unauthenticated` or `Forbidden`. Every server function that touches data calls this.
    pub fn require(action: Action, target: &AreaPath) -> Result<Principal, AppError> {
        let who = require_login()?;
        if who.may(action, target) {
            Ok(who)
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// Like `require`, but a target outside the reader's scope answers "not found": a
    /// coordinator cannot probe who lives in another street.
    pub fn require_hidden(action: Action, target: &AreaPath) -> Result<Principal, AppError> {
        require(action, target).map_err(|e| match e {
            AppError::Forbidden => AppError::NotFound,
            other => other,
        })
    }

    /// Loads volunteer `id` and requires `action` over their home community (hidden when out
    /// of scope). For everything done *to* a person: decide, reset, place in a team.
    pub async fn require_over_volunteer(
        store: &dyn Storage,
        id: VolunteerId,
        action: Action,
    ) -> Result<(Principal, Volunteer), AppError> {
        require_login()?;
        let v = store
            .volunteer(id)
            .await
            .map_err(AppError::from)?
            .ok_or(AppError::NotFound)?;
        let home = store
            .area_path(v.home_area_id)
            .await
            .map_err(AppError::from)?;
        let who = require_hidden(action, &home)?;
        Ok((who, v))
    }

    /// The widest area where the reader holds at least `min`, with its path, provided they
    /// may do `action` there: the area a list or a management page covers.
    pub async fn widest_scope(
        store: &dyn Storage,
        who: &Principal,
        min: Role,
        action: Action,
    ) -> Result<(AreaId, AreaPath), AppError> {
        let area = who
            .grants
            .iter()
            .filter(|g| g.role >= min)
            .max_by_key(|g| g.role)
            .map(|g| g.area_id)
            .ok_or(AppError::Forbidden)?;
        let path = store.area_path(area).await.map_err(AppError::from)?;
        if who.may(action, &path) {
            Ok((area, path))
        } else {
            Err(AppError::Forbidden)
        }
    }
}
