//! Glue between a form and the action that sends it: the lists it changed are read again on
//! success, and its failure is shown in the reader's language.

use crate::i18n::Texts;
use crate::AppError;
use leptos::prelude::*;

/// Bumps `refresh` each time `action` succeeds, so resources keyed on it are read again.
pub fn refresh_on_success<I, O>(action: Action<I, Result<O, AppError>>, refresh: RwSignal<u32>)
where
    I: Send + Sync + 'static,
    O: Send + Sync + 'static,
{
    Effect::new(move |_| {
        if action.value().with(|v| matches!(v, Some(Ok(_)))) {
            refresh.update(|r| *r += 1);
        }
    });
}

/// The translated message of the action's last answer, when that was a failure.
pub fn failure<I, O>(
    action: Action<I, Result<O, AppError>>,
    t: &'static Texts,
) -> impl Fn() -> Option<String> + Copy + Send + Sync + 'static
where
    I: Send + Sync + 'static,
    O: Send + Sync + 'static,
{
    move || {
        action.value().with(|v| match v {
            Some(Err(e)) => Some(e.user_message(t)),
            _ => None,
        })
    }
}

/// The translated problem of one field in the action's last answer, when the server refused
/// the form at that field (its message goes beside the field, not above the button).
pub fn field_problem<I, O>(
    action: Action<I, Result<O, AppError>>,
    field: &'static str,
    t: &'static Texts,
) -> impl Fn() -> Option<String> + Copy + Send + Sync + 'static
where
    I: Send + Sync + 'static,
    O: Send + Sync + 'static,
{
    move || {
        action.value().with(|v| match v {
            Some(Err(e)) => e
                .field_errors()
                .iter()
                .find(|p| p.field == field)
                .map(|p| t.message(p.key).to_owned()),
            _ => None,
        })
    }
}
