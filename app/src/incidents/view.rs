//! What the incident pages share: the words for statuses, severities, steps and referrals, and
//! the card an incident is listed with.

use crate::i18n::incident::IncidentTexts;
use crate::i18n::{use_lang, use_texts, Lang};
use domain::incident::port::IncidentSummary;
use domain::incident::{Category, IncidentStatus, Referral, Severity};
use leptos::prelude::*;

pub fn status_label(i: &IncidentTexts, status: IncidentStatus) -> &'static str {
    match status {
        IncidentStatus::Reported => i.status_reported,
        IncidentStatus::Acknowledged => i.status_acknowledged,
        IncidentStatus::Referred => i.status_referred,
        IncidentStatus::Resolved => i.status_resolved,
        IncidentStatus::Closed => i.status_closed,
        IncidentStatus::Rejected => i.status_rejected,
    }
}

pub fn severity_label(i: &IncidentTexts, severity: Severity) -> &'static str {
    match severity {
        Severity::Normal => i.severity_normal,
        Severity::Serious => i.severity_serious,
        Severity::Urgent => i.severity_urgent,
    }
}

/// A timeline step's name in words (`report`, a workflow step, `assign`, `publish`…).
pub fn step_label<'a>(i: &IncidentTexts, step: &'a str) -> &'a str {
    match step {
        "report" => i.step_report,
        "acknowledge" => i.step_acknowledge,
        "refer" => i.step_refer,
        "resolve" => i.step_resolve,
        "close" => i.step_close,
        "reject" => i.step_reject,
        "reopen" => i.step_reopen,
        "assign" => i.step_assign,
        "publish" => i.step_publish,
        "unpublish" => i.step_unpublish,
        other => other,
    }
}

pub fn referral_label(i: &IncidentTexts, referral: &Referral) -> String {
    match referral {
        Referral::PoliceStation => i.referral_police.to_owned(),
        Referral::Committee => i.referral_committee.to_owned(),
        Referral::PropertyManager => i.referral_property.to_owned(),
        Referral::Named(name) => name.clone(),
    }
}

/// A category's name in the reader's language; a code no longer configured shows as itself.
pub fn category_label(categories: &[Category], code: &str, lang: Lang) -> String {
    categories
        .iter()
        .find(|c| c.code == code)
        .map(|c| match lang {
            Lang::Zh => c.zh.clone(),
            Lang::En => c.en.clone(),
        })
        .unwrap_or_else(|| code.to_owned())
}

/// "2026-11-25 14:05", China time.
pub fn local_time(at: i64) -> String {
    domain::duty::local_datetime(at)
        .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_default()
}

#[component]
pub fn StatusBadge(status: IncidentStatus) -> impl IntoView {
    let i = use_texts().incident;
    view! {
        <span class="badge" data-incident-status=status.as_str() data-testid="incident-status">
            {status_label(i, status)}
        </span>
    }
}

#[component]
pub fn SeverityBadge(severity: Severity) -> impl IntoView {
    let i = use_texts().incident;
    view! {
        <span class="badge" data-severity=severity.as_i64().to_string()>
            {severity_label(i, severity)}
        </span>
    }
}

/// One incident in a list: what, how bad, where, when, and where it stands.
#[component]
pub fn IncidentCard(
    item: IncidentSummary,
    categories: StoredValue<Vec<Category>>,
) -> impl IntoView {
    let i = use_texts().incident;
    let lang = use_lang();
    let label = categories.with_value(|c| category_label(c, &item.category, lang));
    let excerpt: String = item.body.chars().take(80).collect();
    view! {
        <a
            class="card incident"
            href=format!("/incidents/{}", item.id.0)
            data-testid="incident-card"
            data-incident=item.id.0.to_string()
        >
            <div class="shift-head">
                <h3>{label}</h3>
                <SeverityBadge severity=item.severity />
                <StatusBadge status=item.status />
                {item.public.then(|| view! { <span class="badge">{i.public_badge}</span> })}
            </div>
            <p>{excerpt}</p>
            <p class="muted">
                {item.area_name.clone()} " · " {local_time(item.made_at)}
                {(item.photo_count > 0).then(|| format!(" · {} {}", i.photos, item.photo_count))}
            </p>
        </a>
    }
}
