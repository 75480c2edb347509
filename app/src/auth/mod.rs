//! Who is asking: the logged-in person as the server sees them, the checks every server
//! function makes, the login page, and the "me" summary the header and `/me` show.

mod api;
mod login_page;
mod password_page;
mod reset;

pub use api::{whoami, Me};
pub use login_page::{LoginPage, LoginPrompt};
pub use password_page::PasswordPage;
pub use reset::{reset_password, ResetPasswordInput};

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

    /// The client's address (behind a trusted proxy, the one it forwarded for), put into each
    /// request by the server; `None` when the request did not come over a socket (tests).
    #[derive(Debug, Clone, Copy)]
    pub struct ClientAddr(pub Option<std::net::IpAddr>);

    /// The client address of this request, as text for a rate-limit key.
    pub fn client_addr() -> String {
        use_context::<http::request::Parts>()
            .and_then(|p| p.extensions.get::<ClientAddr>().copied())
            .and_then(|c| c.0)
            .map_or_else(|| "unknown".to_owned(), |ip| ip.to_string())
    }

    /// The logged-in person of this request, if any.
    pub fn principal() -> Option<Principal> {
        let parts = use_context::<http::request::Parts>()?;
        parts.extensions.get::<CurrentUser>()?.0.clone()
    }

    /// The logged-in person, or `Unauthenticated` — or `NotRegistered` for an applicant, who
    /// may log in to see where their application stands but use nothing else yet.
    pub fn require_login() -> Result<Principal, AppError> {
        let who = principal().ok_or(AppError::Unauthenticated)?;
        if who.status.on_duty_roll() {
            Ok(who)
        } else {
            Err(AppError::NotRegistered)
        }
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

    /// The one rule for refusals about a target (a person, a shift, an area):
    /// - not logged in: `Unauthenticated` (401);
    /// - the reader may not even see the target (`seen` is what seeing it takes), or it does
    ///   not exist: `NotFound` (404), so nobody learns what exists outside their sight;
    /// - the reader sees it but may not do `action` to it (or is outranked): `Forbidden` (403).
    pub fn require_seen(
        seen: Action,
        action: Action,
        target: &AreaPath,
    ) -> Result<Principal, AppError> {
        let who = require_login()?;
        if !who.may(seen, target) {
            return Err(AppError::NotFound);
        }
        if !who.may(action, target) {
            return Err(AppError::Forbidden);
        }
        Ok(who)
    }

    /// Loads volunteer `id` and requires `action` over their home community. A person is seen
    /// by those who may list the volunteers where they live (`require_seen`): others are told
    /// "not found". For everything done *to* a person, and their contact.
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
        let who = require_seen(Action::ListVolunteers, action, &home)?;
        Ok((who, v))
    }

    /// `require_over_volunteer`, and the reader must also outrank the person: strictly above
    /// every role they hold, each judged in the area it covers, and never themselves. For
    /// everything that changes a person's account or standing — reset, decide (approve, reject,
    /// suspend, retire, re-activate), grant or revoke a role, place in a team. In scope but
    /// outranked answers `Forbidden` (the reader may see the person, not act on them).
    pub async fn require_outranking(
        store: &dyn Storage,
        id: VolunteerId,
        action: Action,
    ) -> Result<(Principal, Volunteer), AppError> {
        let (who, v) = require_over_volunteer(store, id, action).await?;
        let mut held = vec![(
            Role::Volunteer,
            store
                .area_path(v.home_area_id)
                .await
                .map_err(AppError::from)?,
        )];
        for grant in store.grants(id).await.map_err(AppError::from)? {
            let path = store
                .area_path(grant.area_id)
                .await
                .map_err(AppError::from)?;
            held.push((grant.role, path));
        }
        if who.outranks(id, &held) {
            Ok((who, v))
        } else {
            Err(AppError::Forbidden)
        }
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
