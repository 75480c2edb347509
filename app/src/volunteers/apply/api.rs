//! The server functions of `/apply`: the communities to choose from, and the application sent
//! by the app (JSON) or as a plain form, both checked by `validate` and stored the same way.

use crate::volunteers::skills::SKILLS;
use crate::AppError;
use domain::{FieldError, IdNumber, MessageKey, Password, PersonName, PhoneNumber};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The version of the location-use statement an applicant agrees to (PIPL art. 14, 29).
pub const CONSENT_VERSION: &str = "2026-1";

/// What the form sends, as typed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ApplyInput {
    pub name: String,
    pub phone: String,
    pub password: String,
    pub community_id: Option<i64>,
    pub id_number: String,
    pub skills: Vec<String>,
    pub consent: bool,
    /// The code texted to `phone`, when the installation texts one (see `code.rs`).
    #[serde(default)]
    pub code: String,
}

/// An application whose every field parsed.
pub struct ValidApplication {
    pub name: PersonName,
    pub phone: PhoneNumber,
    pub password: Password,
    pub community_id: i64,
    pub id_number: Option<IdNumber>,
    pub skills: Vec<String>,
}

/// Checks every field and reports all problems at once, in form order.
pub fn validate(input: &ApplyInput) -> Result<ValidApplication, Vec<FieldError>> {
    let mut errors = Vec::new();
    let name = PersonName::parse(&input.name)
        .map_err(|e| errors.push(e))
        .ok();
    let phone = PhoneNumber::parse(&input.phone)
        .map_err(|e| errors.push(e))
        .ok();
    let password = Password::parse(&input.password)
        .map_err(|e| errors.push(e))
        .ok();
    if input.community_id.is_none() {
        errors.push(FieldError::new(
            "community_id",
            MessageKey::CommunityUnknown,
        ));
    }
    let id_number = if input.id_number.trim().is_empty() {
        None
    } else {
        IdNumber::parse(&input.id_number)
            .map_err(|e| errors.push(e))
            .ok()
    };
    if !input.consent {
        errors.push(FieldError::new("consent", MessageKey::ConsentRequired));
    }
    let skills: Vec<String> = SKILLS
        .iter()
        .filter(|s| input.skills.iter().any(|chosen| chosen == *s))
        .map(|s| (*s).to_owned())
        .collect();
    match (name, phone, password, input.community_id) {
        (Some(name), Some(phone), Some(password), Some(community_id)) if errors.is_empty() => {
            Ok(ValidApplication {
                name,
                phone,
                password,
                community_id,
                id_number,
                skills,
            })
        }
        _ => Err(errors),
    }
}

/// A street and its communities, for the home-community picker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommunityChoice {
    pub street: String,
    pub communities: Vec<(i64, String)>,
}

/// The area tree's communities. Public: anyone may apply, and area names are not personal.
#[server(endpoint = "volunteers/communities")]
pub async fn community_choices() -> Result<Vec<CommunityChoice>, AppError> {
    crate::error::answer(async move {
        let state = crate::AppState::current()?;
        let store = state.storage.as_ref();
        let mut out = Vec::new();
        for district in store.child_areas(None).await.map_err(AppError::from)? {
            for street in store
                .child_areas(Some(district.id))
                .await
                .map_err(AppError::from)?
            {
                let communities = store
                    .child_areas(Some(street.id))
                    .await
                    .map_err(AppError::from)?
                    .into_iter()
                    .map(|c| (c.id.0, c.name))
                    .collect();
                out.push(CommunityChoice {
                    street: street.name,
                    communities,
                });
            }
        }
        Ok(out)
    })
    .await
}

/// Stores the application (status "applied"); a coordinator of the community decides.
#[server(endpoint = "volunteers/apply", input = server_fn::codec::Json)]
pub async fn apply(input: ApplyInput) -> Result<String, AppError> {
    crate::error::answer(store_application(input, |mut errors| {
        AppError::Invalid(errors.remove(0))
    }))
    .await
}

/// What [`apply_by_form`] takes, as one value: the fields are the form's names.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ApplyByFormInput {
    pub name: String,
    pub phone: String,
    pub password: String,
    pub community_id: Option<String>,
    pub id_number: Option<String>,
    /// Ticked boxes arrive as `input[skills][fire]=on`.
    pub skills: Option<std::collections::BTreeMap<String, String>>,
    pub consent: Option<String>,
    pub code: Option<String>,
}

/// The same application sent as a plain form (JavaScript off, or the page's code not yet
/// arrived): every problem comes back at once beside its field; once stored, the page says so.
#[server(endpoint = "volunteers/apply-form")]
pub async fn apply_by_form(input: ApplyByFormInput) -> Result<(), AppError> {
    let input = ApplyInput {
        name: input.name,
        phone: input.phone,
        password: input.password,
        community_id: input.community_id.and_then(|c| c.trim().parse().ok()),
        id_number: input.id_number.unwrap_or_default(),
        skills: input.skills.unwrap_or_default().into_keys().collect(),
        consent: input.consent.is_some(),
        code: input.code.unwrap_or_default(),
    };
    crate::error::answer(async move {
        store_application(input, AppError::fields).await?;
        leptos_axum::redirect(APPLIED_URL);
        Ok(())
    })
    .await
}

/// Where a plain-form application lands once stored.
#[cfg(feature = "ssr")]
const APPLIED_URL: &str = "/apply?applied=1";

#[cfg(feature = "ssr")]
async fn store_application(
    input: ApplyInput,
    refuse: impl FnOnce(Vec<FieldError>) -> AppError,
) -> Result<String, AppError> {
    use domain::{AreaId, AreaKind, AuditEntry, NewVolunteer, SealedIdNumber};
    let state = crate::AppState::current()?;
    let store = state.storage.as_ref();
    let valid = validate(&input).map_err(refuse)?;
    let now = chrono::Utc::now().timestamp_millis();
    // Anyone may call this, and a password hash is costly: the cheap refusals come first,
    // then a limit per client, and the hash itself waits for one of the server's few
    // hashing slots (`Secrets::hash_password`).
    if store
        .volunteer_by_phone(&valid.phone)
        .await
        .map_err(AppError::from)?
        .is_some()
    {
        return Err(AppError::Invalid(FieldError::new(
            "phone",
            MessageKey::PhoneTaken,
        )));
    }
    let client = crate::auth::client_addr();
    crate::throttle::take(
        store,
        state.secrets.as_ref(),
        &[(crate::throttle::Limit::APPLY_CLIENT, &client)],
        now,
    )
    .await?;
    // With SMS, the number must be proven the applicant's before anything is stored.
    if state.codes.is_some() {
        let code = domain::phone_code::parse_code(&input.code).map_err(AppError::Invalid)?;
        let mac = super::code::code_mac(state.secrets.as_ref(), &valid.phone, &code);
        let check = store
            .check_phone_code(&valid.phone, &mac, now, domain::phone_code::CODE_TRIES)
            .await?;
        if let Some(refusal) = check.refusal() {
            return Err(AppError::Invalid(refusal));
        }
    }
    let community = store
        .area(AreaId(valid.community_id))
        .await
        .map_err(AppError::from)?
        .filter(|a| a.kind == AreaKind::Community)
        .ok_or_else(|| {
            AppError::Invalid(FieldError::new(
                "community_id",
                MessageKey::CommunityUnknown,
            ))
        })?;
    let password_hash = state
        .secrets
        .hash_password(&valid.password)
        .await
        .map_err(|e| AppError::internal("password hash", e))?;
    let id_number = valid.id_number.as_ref().map(|id| SealedIdNumber {
        sealed: state.secrets.seal(id.as_str()),
        masked: id.masked(),
    });
    let new = NewVolunteer {
        name: valid.name,
        phone: valid.phone,
        id_number,
        home_area_id: community.id,
        skills: valid.skills,
        location_consent_version: Some(CONSENT_VERSION.to_owned()),
        status: domain::VolunteerStatus::Applied,
        vest_no: None,
        password_hash: Some(password_hash),
        now_ms: now,
    };
    let applied = AuditEntry {
        at_ms: now,
        actor_id: None,
        action: "apply".into(),
        entity: "volunteer".into(),
        entity_id: None,
        area_id: Some(community.id),
        before: None,
        after: Some(r#"{"status":"applied"}"#.into()),
    };
    // A number already registered: `phone` is taken (error.rs maps the constraint).
    store.insert_applicant(&new, &applied).await?;
    Ok(community.name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn good() -> ApplyInput {
        ApplyInput {
            name: "张伟".into(),
            phone: "138 1234 5678".into(),
            password: "平安巡逻2026".into(),
            community_id: Some(3),
            id_number: String::new(),
            skills: vec!["fire".into(), "bogus".into()],
            consent: true,
            code: String::new(),
        }
    }

    #[test]
    fn a_complete_application_parses_and_unknown_skills_are_dropped() {
        let v = validate(&good()).expect("valid");
        assert_eq!(v.phone.as_str(), "13812345678");
        assert_eq!(v.skills, vec!["fire".to_owned()]);
        assert!(v.id_number.is_none(), "the ID number is optional");
    }

    #[test]
    fn every_bad_field_is_reported_at_once_in_form_order() {
        let bad = ApplyInput {
            name: " ".into(),
            phone: "12345".into(),
            password: "short".into(),
            community_id: None,
            id_number: "110105194912310021".into(),
            skills: vec![],
            consent: false,
            code: String::new(),
        };
        let errors = validate(&bad).err().expect("invalid");
        let got: Vec<(&str, MessageKey)> = errors.iter().map(|e| (&*e.field, e.key)).collect();
        assert_eq!(
            got,
            vec![
                ("name", MessageKey::Required),
                ("phone", MessageKey::PhoneInvalid),
                ("password", MessageKey::PasswordTooShort),
                ("community_id", MessageKey::CommunityUnknown),
                ("id_number", MessageKey::IdNumberChecksum),
                ("consent", MessageKey::ConsentRequired),
            ]
        );
    }
}
