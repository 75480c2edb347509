//! `/areas/:id` (and the card on the home page): an area's 2% target with a progress bar,
//! and its children ranked by progress.

use super::admin::{EditFigures, NewChildArea};
use super::figures::{area_figures, AreaReport, Standing};
use super::map::AreaMap;
use crate::i18n::use_texts;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn AreaPage() -> impl IntoView {
    let t = use_texts();
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|s| s.parse::<i64>().ok()));
    let saved = RwSignal::new(0u32);
    let figures = Resource::new(
        move || (id(), saved.get()),
        |(id, _)| async move {
            match id {
                Some(id) => area_figures(crate::areas::AreaFiguresInput { id: Some(id) }).await,
                None => Err(crate::AppError::NotFound),
            }
        },
    );
    view! {
        <Suspense fallback=move || {
            view! { <p class="loading">{t.loading}</p> }
        }>
            {move || Suspend::new(async move {
                match figures.await {
                    Ok(f) => {
                        let add_child = (f.can_manage && f.can_have_children)
                            .then(|| view! { <NewChildArea parent_id=f.area.id saved /> });
                        let edit = f
                            .can_manage
                            .then(|| {
                                view! {
                                    <EditFigures
                                        id=f.area.id
                                        population=f.area.population
                                        counted_on=f.area.counted_on.clone()
                                        rate=f.own_rate.clone()
                                        is_district=f.is_district
                                        saved
                                    />
                                    {add_child}
                                    <p>
                                        <a class="button block" href="/areas/import">
                                            {t.import_title}
                                        </a>
                                    </p>
                                }
                            });
                        view! {
                            <Title text=f.area.name.clone() />
                            <h1>{f.area.name.clone()}</h1>
                            <Figures f />
                            {edit}
                        }
                            .into_any()
                    }
                    Err(e) => {
                        view! {
                            <Title text=t.not_found_title />
                            <p class="form-error" role="alert">
                                {e.user_message(t)}
                            </p>
                        }
                            .into_any()
                    }
                }
            })}
        </Suspense>
    }
}

/// The figures of one area, under the page's own heading; also used on the home page.
#[component]
pub fn Figures(f: AreaReport) -> impl IntoView {
    let t = use_texts();
    let crumbs = f.path[..f.path.len().saturating_sub(1)]
        .iter()
        .map(|(id, name)| {
            view! {
                <a href=format!("/areas/{id}")>{name.clone()}</a>
                " › "
            }
        })
        .collect_view();
    let children = f.children.clone();
    let map = f.map.clone();
    let has_children = !children.is_empty();
    let title = t.target_title.replace("{rate}", &f.rate_percent);
    view! {
        <nav class="crumbs" aria-label=t.area_path>
            {crumbs}
        </nav>
        <section class="card target-card" data-testid="target-card">
            <h2>{title}</h2>
            <p class="target-area">
                <a href=format!("/areas/{}", f.area.id)>{f.area.name.clone()}</a>
            </p>
            <Progress s=f.area.clone() big=true />
            <dl class="facts">
                <dt>{t.population}</dt>
                <dd>
                    {group(f.area.population)}
                    {f
                        .area
                        .counted_on
                        .clone()
                        .map(|d| view! { <span class="muted">" ("{t.counted_on}" "{d}")"</span> })}
                </dd>
                <dt>{t.registered}</dt>
                <dd data-testid="registered">{group(f.area.registered)}</dd>
                <dt>{t.target}</dt>
                <dd data-testid="target">{group(f.area.target)}</dd>
                <dt>{t.still_needed}</dt>
                <dd>{group(f.area.target.saturating_sub(f.area.registered))}</dd>
            </dl>
        </section>
        {map.map(|map| view! { <AreaMap map /> })}
        <Show when=move || has_children>
            <section class="card">
                <h2>{t.ranking_title}</h2>
                <ol class="ranking" data-testid="ranking">
                    {children
                        .clone()
                        .into_iter()
                        .map(|c| {
                            view! {
                                <li>
                                    <a href=format!("/areas/{}", c.id) class="rank-name">
                                        {c.name.clone()}
                                    </a>
                                    <Progress s=c big=false />
                                </li>
                            }
                        })
                        .collect_view()}
                </ol>
            </section>
        </Show>
    }
}

/// A progress bar with its numbers; `<progress>` so screen readers announce it.
#[component]
fn Progress(s: Standing, big: bool) -> impl IntoView {
    let t = use_texts();
    let pct = format!("{:.1}%", f64::from(s.permille) / 10.0);
    let label = format!("{} / {} · {}", group(s.registered), group(s.target), pct);
    let class = if big { "progress big" } else { "progress" };
    let state = match s.permille {
        1000 => "done",
        p if p >= 600 => "near",
        _ => "far",
    };
    view! {
        <div class=class data-state=state>
            <progress max="1000" value=s.permille.to_string() aria-label=t.target></progress>
            <span class="progress-label">{label}</span>
        </div>
    }
}

/// 12345 → "12,345": group digits so large counts read at a glance.
fn group(n: u32) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn large_numbers_are_grouped() {
        assert_eq!(super::group(0), "0");
        assert_eq!(super::group(999), "999");
        assert_eq!(super::group(1_000), "1,000");
        assert_eq!(super::group(104_200), "104,200");
    }
}
