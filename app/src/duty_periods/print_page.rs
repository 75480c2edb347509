//! `/duty-periods/{id}/print`: the roster of one day on paper, site by site — each slot with
//! the people placed, blank lines up to the places wanted, and columns to sign in, out and
//! sign — so a site can run on paper when the network fails; and the whole roster as a CSV
//! file (UTF-8 with a byte-order mark, so Excel reads the Chinese), built into the page as a
//! link that works without JavaScript.

use super::api::{plan, CellView, PeriodInput, PlanData};
use crate::i18n::{use_lang, use_texts};
use crate::AppError;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn PrintPage() -> impl IntoView {
    let t = use_texts();
    let params = use_params_map();
    let query = use_query_map();
    let id = move || params.with(|p| p.get("id").and_then(|s| s.parse::<i64>().ok()));
    let day = move || {
        query.with(|q| {
            q.get("day")
                .and_then(|s| s.parse::<u16>().ok())
                .unwrap_or(0)
        })
    };
    let data = Resource::new(id, |id| async move {
        match id {
            Some(period) => plan(PeriodInput { period }).await,
            None => Err(AppError::NotFound),
        }
    });
    view! {
        <Transition fallback=move || {
            view! { <p class="loading">{t.loading}</p> }
        }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(d) => view! { <Sheet d day=day() /> }.into_any(),
                    Err(e) => view! { <crate::pages::PageError e /> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// The roster as CSV rows: date, slot, site, name, leader, and one row per place still open.
pub fn roster_csv(d: &PlanData, leader: &str, open: &str) -> String {
    let quote = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
    let mut out = String::from("\u{feff}date,slot,site,name,role\r\n");
    let mut cells: Vec<&CellView> = d.cells.iter().collect();
    cells.sort_by_key(|c| (c.day, c.slot, c.site));
    for c in cells {
        let date = d.days.get(usize::from(c.day)).cloned().unwrap_or_default();
        let slot = d
            .slots
            .get(usize::from(c.slot))
            .cloned()
            .unwrap_or_default();
        let site = d
            .sites
            .iter()
            .find(|s| s.0 == c.site)
            .map(|s| s.1.clone())
            .unwrap_or_default();
        for p in &c.placed {
            out.push_str(&format!(
                "{},{},{},{},{}\r\n",
                quote(&date),
                quote(&slot),
                quote(&site),
                quote(&p.name),
                quote(if p.as_leader { leader } else { "" })
            ));
        }
        for _ in c.placed.len()..c.target.max(c.min) as usize {
            out.push_str(&format!(
                "{},{},{},{},{}\r\n",
                quote(&date),
                quote(&slot),
                quote(&site),
                quote(""),
                quote(open)
            ));
        }
    }
    out
}

/// One slot of a site on paper: its label, the people placed (name, leader) and the blank
/// lines for places still open.
type SlotRows = (String, Vec<(String, bool)>, usize);

/// `text` as a `data:` address (percent-encoded UTF-8).
fn data_url(text: &str) -> String {
    let mut out = String::from("data:text/csv;charset=utf-8,");
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[component]
fn Sheet(d: PlanData, day: u16) -> impl IntoView {
    let t = use_texts();
    let p = t.plan;
    let lang = use_lang();
    let date = d.days.get(usize::from(day)).cloned().unwrap_or_default();
    let csv = data_url(&roster_csv(&d, p.leader_mark, p.open_place));
    let file = format!("{}.csv", d.period.name);
    let id = d.period.id;
    let days = d.days.clone();
    view! {
        <Title text=format!("{} · {}", d.period.name, p.print_title) />
        <div class="no-print stack">
            <a href=format!("/duty-periods/{id}")>{p.back_to_plan}</a>
            <div class="day-tabs">
                {days
                    .into_iter()
                    .enumerate()
                    .map(|(i, dd)| {
                        view! {
                            <a
                                class="button small"
                                aria-current=(i as u16 == day).then_some("page")
                                href=format!("/duty-periods/{id}/print?day={i}")
                            >
                                {crate::duty::view::date_label(lang, &dd)}
                            </a>
                        }
                    })
                    .collect_view()}
            </div>
            <div class="row">
                <button type="button" class="button primary" on:click=move |_| print()>
                    {p.print}
                </button>
                <a class="button" href=csv download=file data-testid="roster-csv">
                    {p.csv}
                </a>
            </div>
        </div>
        <article class="print-sheet" data-testid="print-sheet">
            <h1>{d.period.name.clone()} " · " {crate::duty::view::date_label(lang, &date)}</h1>
            <p class="muted">{d.assembly.clone()} " " {d.dress.clone()} " " {d.notes.clone()}</p>
            {d
                .sites
                .iter()
                .map(|(site, name)| {
                    let rows: Vec<SlotRows> = (0..d.slots.len() as u16)
                        .filter_map(|slot| {
                            let c = d
                                .cells
                                .iter()
                                .find(|c| c.site == *site && c.day == day && c.slot == slot)?;
                            let people: Vec<(String, bool)> = c
                                .placed
                                .iter()
                                .map(|x| (x.name.clone(), x.as_leader))
                                .collect();
                            let blanks = (c.target.max(c.min) as usize)
                                .saturating_sub(people.len());
                            Some((d.slots[usize::from(slot)].clone(), people, blanks))
                        })
                        .collect();
                    (!rows.is_empty())
                        .then(|| {
                            view! {
                                <section class="print-site">
                                    <h2>{name.clone()}</h2>
                                    <table class="print-table">
                                        <thead>
                                            <tr>
                                                <th>{p.slot_column}</th>
                                                <th>{p.name_column}</th>
                                                <th>{p.in_column}</th>
                                                <th>{p.out_column}</th>
                                                <th>{p.sign_column}</th>
                                            </tr>
                                        </thead>
                                        <tbody>
                                            {rows
                                                .into_iter()
                                                .flat_map(|(slot, people, blanks)| {
                                                    let mut lines: Vec<(String, String)> = people
                                                        .into_iter()
                                                        .map(|(n, lead)| {
                                                            let n = if lead {
                                                                format!("{n}（{}）", p.leader_mark)
                                                            } else {
                                                                n
                                                            };
                                                            (slot.clone(), n)
                                                        })
                                                        .collect();
                                                    lines
                                                        .extend((0..blanks).map(|_| (slot.clone(), String::new())));
                                                    lines
                                                })
                                                .map(|(slot, name)| {
                                                    view! {
                                                        <tr>
                                                            <td>{slot}</td>
                                                            <td>{name}</td>
                                                            <td></td>
                                                            <td></td>
                                                            <td></td>
                                                        </tr>
                                                    }
                                                })
                                                .collect_view()}
                                        </tbody>
                                    </table>
                                </section>
                            }
                        })
                })
                .collect_view()}
        </article>
    }
}

fn print() {
    #[cfg(feature = "hydrate")]
    {
        let _ = leptos::prelude::window().print();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::duty_periods::api::{PeriodLine, PlacedView, TotalsView};

    #[test]
    fn the_csv_lists_every_place_and_the_open_ones() {
        let d = PlanData {
            period: PeriodLine {
                id: 1,
                name: "国庆".into(),
                level: 2,
                area: "千佛山街道".into(),
                starts_on: "2026-10-01".into(),
                ends_on: "2026-10-01".into(),
                status: "running".into(),
                sites: 1,
                min_places: 2,
            },
            assembly: String::new(),
            dress: String::new(),
            notes: String::new(),
            slots: vec!["07:00–11:00".into()],
            days: vec!["2026-10-01".into()],
            sites: vec![(5, "建新小区东门".into())],
            cells: vec![CellView {
                site: 5,
                day: 0,
                slot: 0,
                min: 2,
                target: 3,
                leaders: 1,
                skill: String::new(),
                placed: vec![PlacedView {
                    volunteer: 9,
                    name: "冯\"巡逻\"".into(),
                    as_leader: true,
                    locked: false,
                }],
            }],
            per_day: vec![TotalsView::default()],
            total: TotalsView::default(),
            rates: vec![],
            answered: vec![],
            turnout: None,
        };
        let csv = roster_csv(&d, "队长", "空位");
        let lines: Vec<&str> = csv.split("\r\n").collect();
        assert!(lines[0].starts_with('\u{feff}'));
        assert_eq!(
            lines[1],
            "\"2026-10-01\",\"07:00–11:00\",\"建新小区东门\",\"冯\"\"巡逻\"\"\",\"队长\""
        );
        assert_eq!(lines.iter().filter(|l| l.ends_with("\"空位\"")).count(), 2);
        assert!(data_url("a,b 东").starts_with("data:text/csv;charset=utf-8,a%2Cb%20%E4%B8%9C"));
    }
}
