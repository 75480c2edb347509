//! One labelled form control with the message of its problem below it.
//!
//! The message sits outside the `<label>`: inside it, it would become part of the control's
//! accessible name ("开始 开始时间已经过去…" instead of "开始"), so a screen reader announced
//! the label wrong and anything finding the control by its label lost it the moment an error
//! showed. It is tied to the control by `aria-describedby` instead.

use leptos::prelude::*;

/// `id` is the control's (the caller gives its control `id=id`, and
/// `aria-describedby=described_by(id)`); `name` is the field's name in the server's errors.
#[component]
pub fn Field<F>(
    id: &'static str,
    label: &'static str,
    name: &'static str,
    /// The field's current problem, already in the reader's language.
    problem: F,
    children: Children,
) -> impl IntoView
where
    F: Fn() -> Option<String> + Send + Sync + 'static,
{
    view! {
        <div class="field">
            <label for=id>{label}</label>
            {children()}
            {move || {
                problem()
                    .map(|m| {
                        view! {
                            <p
                                class="field-error"
                                role="alert"
                                id=described_by(id)
                                data-testid=format!("error-{name}")
                            >
                                {m}
                            </p>
                        }
                    })
            }}
        </div>
    }
}

/// The id of a control's message, for the control's `aria-describedby`.
pub fn described_by(id: &str) -> String {
    format!("{id}-error")
}
