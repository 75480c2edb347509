//! An audit entry in words: "郑队长 确认了 王志愿 的服务时长：4 小时", and what it changed as
//! named fields ("状态：待确认 → 已确认") instead of the JSON the ledger keeps.

use crate::i18n::{Lang, Texts};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One audit entry as the page shows it: names resolved by the server, the stored JSON read
/// into fields.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditLine {
    pub id: i64,
    /// `2026-11-22 09:14` in China Standard Time.
    pub at: String,
    /// Who acted; `None` for the system (the sweeper, the demo seed).
    pub actor: Option<String>,
    pub action: String,
    /// What was acted on, by name: a person, a site, a team, an area.
    pub subject: Option<String>,
    /// The person the entry's data names (a team's new member, the volunteer of a track).
    pub volunteer: Option<String>,
    pub before: Vec<(String, Value)>,
    pub after: Vec<(String, Value)>,
}

/// A field an entry changed (or set), in the reader's words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub label: &'static str,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// Reads a stored `before`/`after` JSON object into fields. A leader's decision is stored as
/// `{"Confirm":{"minutes":240,"reason":null}}`; it reads as `decision: confirm, minutes: 240`.
pub fn fields_of(json: Option<&str>) -> Vec<(String, Value)> {
    let Some(Value::Object(map)) = json.and_then(|j| serde_json::from_str::<Value>(j).ok()) else {
        return Vec::new();
    };
    if map.len() == 1 {
        if let Some((variant, Value::Object(inner))) = map.iter().next() {
            if variant.chars().next().is_some_and(char::is_uppercase) {
                let mut out = vec![("decision".to_owned(), Value::from(variant.to_lowercase()))];
                out.extend(inner.iter().map(|(k, v)| (k.clone(), v.clone())));
                return out;
            }
        }
    }
    map.into_iter().collect()
}

/// The sentence of an entry.
pub fn sentence(t: &Texts, lang: Lang, line: &AuditLine) -> String {
    let a = t.audit;
    let value = |key: &str| {
        line.after
            .iter()
            .chain(&line.before)
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
    };
    let template = match line.action.as_str() {
        "apply" => a.apply,
        "approve" => a.approve,
        "reject" => a.reject,
        "suspend" => a.suspend,
        "retire" => a.retire,
        "reactivate" => a.reactivate,
        "reset_password" => a.reset_password,
        "reset_password_cli" => a.reset_password_cli,
        "change_password" => a.change_password,
        "reveal_contact" => a.reveal_contact,
        "view_track" => a.view_track,
        "renew_calendar" => a.renew_calendar,
        "create_team" => a.create_team,
        "add_member" => a.add_member,
        "make_leader" => a.make_leader,
        "revoke_leader" => a.revoke_leader,
        "create_area" => a.create_area,
        "update_figures" => a.update_figures,
        "import_geojson" => a.import_geojson,
        "create_shifts" => a.create_shifts,
        "copy_week" => a.copy_week,
        "cancel_shift" => a.cancel_shift,
        "decide_hours" if value("decision").and_then(Value::as_str) == Some("dispute") => {
            a.decide_hours_dispute
        }
        "decide_hours" => a.decide_hours_confirm,
        "auto_confirm_hours" => a.auto_confirm_hours,
        "seed_grant" => a.seed_grant,
        "seed_places" => a.seed_places,
        "seed_shifts" => a.seed_shifts,
        _ => a.unknown,
    };
    let minutes = value("minutes")
        .and_then(Value::as_i64)
        .map(|m| crate::duty::view::duration(lang, m))
        .unwrap_or_default();
    let n = value("shifts").map(|v| plain(v, a)).unwrap_or_default();
    template
        .replace("{actor}", line.actor.as_deref().unwrap_or(a.system))
        .replace("{subject}", line.subject.as_deref().unwrap_or(a.someone))
        .replace(
            "{volunteer}",
            line.volunteer.as_deref().unwrap_or(a.someone),
        )
        .replace("{minutes}", &minutes)
        .replace("{n}", &n)
        .replace("{action}", &line.action)
}

/// The fields an entry set or changed, in a fixed order; ids and fields the sentence already
/// says (the count of shifts, the volunteer, the minutes confirmed as claimed) are left out,
/// and so are fields that stayed equal.
pub fn changes(t: &Texts, lang: Lang, line: &AuditLine) -> Vec<Change> {
    const SHOWN: [&str; 15] = [
        "decision",
        "state",
        "status",
        "minutes",
        "leader",
        "role",
        "name",
        "kind",
        "population",
        "counted_on",
        "target_rate_bp",
        "boundaries",
        "sites",
        "id_number",
        "reason",
    ];
    let find = |list: &[(String, Value)], key: &str| {
        list.iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .filter(|v| !v.is_null())
    };
    SHOWN
        .iter()
        .filter_map(|&key| {
            let before = find(&line.before, key);
            let after = find(&line.after, key);
            // What an entry set is what it says; a field only in `before` is the context of
            // the change (the claim's state), not a change.
            if after.is_none() || before == after {
                return None;
            }
            // The sentence says the confirmed minutes; a correction still shows before → after.
            if key == "minutes" && before.is_none() {
                return None;
            }
            Some(Change {
                label: label(t, key),
                before: before.map(|v| shown(t, lang, key, &v)),
                after: after.map(|v| shown(t, lang, key, &v)),
            })
        })
        .collect()
}

fn label(t: &Texts, key: &str) -> &'static str {
    let a = t.audit;
    match key {
        "decision" => a.field_decision,
        "state" => a.field_state,
        "status" => a.field_status,
        "minutes" => a.field_minutes,
        "leader" => a.field_leader,
        "role" => a.field_role,
        "name" => a.field_name,
        "kind" => a.field_kind,
        "population" => a.field_population,
        "counted_on" => a.field_counted_on,
        "target_rate_bp" => a.field_target_rate_bp,
        "boundaries" => a.field_boundaries,
        "sites" => a.field_sites,
        "id_number" => a.field_id_number,
        _ => a.field_reason,
    }
}

/// A field's value in words: states and statuses translated, minutes as hours, a rate in
/// basis points as a percentage.
fn shown(t: &Texts, lang: Lang, key: &str, value: &Value) -> String {
    let a = t.audit;
    let text = value.as_str().unwrap_or_default();
    match key {
        "minutes" => value
            .as_i64()
            .map(|m| crate::duty::view::duration(lang, m))
            .unwrap_or_default(),
        "state" => match text {
            "pending" => a.state_pending.to_owned(),
            "confirmed" => a.state_confirmed.to_owned(),
            "disputed" => a.state_disputed.to_owned(),
            other => other.to_owned(),
        },
        "decision" => match text {
            "confirm" => a.decision_confirm.to_owned(),
            "dispute" => a.decision_dispute.to_owned(),
            other => other.to_owned(),
        },
        "status" => domain::VolunteerStatus::from_db(text)
            .map(|s| t.volunteer_status(s).to_owned())
            .unwrap_or_else(|| text.to_owned()),
        "role" => domain::Role::from_db(text)
            .map(|r| t.role(r).to_owned())
            .unwrap_or_else(|| text.to_owned()),
        "leader" => if value.as_bool() == Some(true) {
            a.leader_yes
        } else {
            a.leader_no
        }
        .to_owned(),
        "id_number" => if value.as_bool() == Some(true) {
            a.yes
        } else {
            a.no
        }
        .to_owned(),
        "target_rate_bp" => value
            .as_i64()
            .map(|bp| format!("{}.{:02}%", bp / 100, bp % 100))
            .unwrap_or_default(),
        _ => plain(value, a),
    }
}

fn plain(value: &Value, a: &crate::i18n::audit::AuditTexts) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => a.none.to_owned(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{EN, ZH};

    fn line(action: &str, before: Option<&str>, after: Option<&str>) -> AuditLine {
        AuditLine {
            id: 1,
            at: "2026-12-02 09:14".into(),
            actor: Some("郑队长".into()),
            action: action.into(),
            subject: Some("王志愿".into()),
            volunteer: None,
            before: fields_of(before),
            after: fields_of(after),
        }
    }

    #[test]
    fn a_leaders_decision_reads_as_a_sentence_with_named_fields() {
        let confirmed = line(
            "decide_hours",
            Some(r#"{"minutes":240,"state":"pending"}"#),
            Some(r#"{"Confirm":{"minutes":240,"reason":null}}"#),
        );
        assert_eq!(
            sentence(&ZH, Lang::Zh, &confirmed),
            "郑队长 确认了 王志愿 的服务时长：4 小时"
        );
        assert_eq!(
            sentence(&EN, Lang::En, &confirmed),
            "郑队长 confirmed 王志愿's hours: 4 h"
        );
        assert_eq!(
            changes(&ZH, Lang::Zh, &confirmed),
            vec![Change {
                label: "决定",
                before: None,
                after: Some("确认".into())
            }]
        );
        let corrected = line(
            "decide_hours",
            Some(r#"{"minutes":240,"state":"pending"}"#),
            Some(r#"{"Confirm":{"minutes":180,"reason":"提前离岗"}}"#),
        );
        let shown = changes(&ZH, Lang::Zh, &corrected);
        assert!(shown.contains(&Change {
            label: "服务时长",
            before: Some("4 小时".into()),
            after: Some("3 小时".into())
        }));
        assert!(shown.contains(&Change {
            label: "原因",
            before: None,
            after: Some("提前离岗".into())
        }));
        let disputed = line(
            "decide_hours",
            None,
            Some(r#"{"Dispute":{"reason":"未见签到"}}"#),
        );
        assert_eq!(
            sentence(&ZH, Lang::Zh, &disputed),
            "郑队长 对 王志愿 的服务时长提出异议"
        );
    }

    #[test]
    fn statuses_rates_and_the_system_are_in_words() {
        let mut auto = line(
            "auto_confirm_hours",
            Some(r#"{"state":"pending"}"#),
            Some(r#"{"state":"confirmed","minutes":90}"#),
        );
        auto.actor = None;
        assert_eq!(
            sentence(&ZH, Lang::Zh, &auto),
            "王志愿 的服务时长到期自动确认：1 小时 30 分钟"
        );
        assert_eq!(
            changes(&ZH, Lang::Zh, &auto),
            vec![Change {
                label: "状态",
                before: Some("待确认".into()),
                after: Some("已确认".into())
            }]
        );
        let figures = line(
            "update_figures",
            Some(r#"{"population":52000,"counted_on":null,"target_rate_bp":200}"#),
            Some(r#"{"population":53100,"counted_on":"2026-11-30","target_rate_bp":200}"#),
        );
        let shown = changes(&ZH, Lang::Zh, &figures);
        assert_eq!(shown.len(), 2, "the unchanged rate is left out: {shown:?}");
        assert_eq!(shown[0].after.as_deref(), Some("53100"));
        let approved = line(
            "approve",
            Some(r#"{"status":"applied"}"#),
            Some(r#"{"status":"registered","reason":null}"#),
        );
        assert_eq!(
            changes(&ZH, Lang::Zh, &approved)[0],
            Change {
                label: "状态",
                before: Some("待审核".into()),
                after: Some("已注册".into())
            }
        );
        // An action the page has no sentence for still says who did what.
        assert_eq!(
            sentence(&ZH, Lang::Zh, &line("merge_records", None, None)),
            "郑队长：merge_records"
        );
    }
}
