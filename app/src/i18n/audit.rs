//! Texts of the audit log: one sentence per action, and the names of the fields it changed —
//! both languages side by side. In a sentence, `{actor}` is who acted, `{subject}` what was
//! acted on (a person, a site, a team, an area), `{volunteer}` the person a team or track entry
//! names, and `{n}`, `{minutes}` the numbers the entry carries.

side_by_side! {
    AuditTexts, "The audit log's texts in one language.";
    system: "系统", "The system";
    someone: "（已删除的记录）", "(a removed record)";
    apply: "{subject} 提交了志愿者申请", "{subject} applied to volunteer";
    approve: "{actor} 批准了 {subject} 的申请", "{actor} approved {subject}'s application";
    reject: "{actor} 驳回了 {subject} 的申请", "{actor} rejected {subject}'s application";
    suspend: "{actor} 暂停了 {subject} 的志愿者资格", "{actor} suspended {subject}";
    retire: "{actor} 将 {subject} 设为已退出", "{actor} marked {subject} as retired";
    reactivate: "{actor} 恢复了 {subject} 的志愿者资格", "{actor} reinstated {subject}";
    reset_password: "{actor} 重置了 {subject} 的密码", "{actor} reset {subject}'s password";
    reset_password_cli: "管理员在服务器上重置了 {subject} 的密码", "An administrator reset {subject}'s password on the server";
    change_password: "{subject} 修改了自己的密码", "{subject} changed their password";
    reveal_contact: "{actor} 查看了 {subject} 的联系方式", "{actor} looked up {subject}'s contact details";
    view_track: "{actor} 查看了 {volunteer} 的巡逻轨迹", "{actor} viewed {volunteer}'s patrol track";
    renew_calendar: "{subject} 更换了日历订阅链接", "{subject} renewed their calendar link";
    create_team: "{actor} 创建了队伍 {subject}", "{actor} created the team {subject}";
    add_member: "{actor} 将 {volunteer} 加入 {subject}", "{actor} added {volunteer} to {subject}";
    make_leader: "{actor} 任命 {volunteer} 为 {subject} 的队长", "{actor} made {volunteer} a leader of {subject}";
    revoke_leader: "{actor} 撤销了 {volunteer} 在 {subject} 的队长职务", "{actor} took {volunteer}'s leadership of {subject}";
    create_area: "{actor} 新建了区域 {subject}", "{actor} created the area {subject}";
    update_figures: "{actor} 更新了 {subject} 的人口和目标", "{actor} updated {subject}'s population and target";
    import_geojson: "{actor} 向 {subject} 导入了边界和巡逻点", "{actor} imported boundaries and sites into {subject}";
    create_shifts: "{actor} 在 {subject} 创建了 {n} 个班次", "{actor} created {n} shifts at {subject}";
    copy_week: "{actor} 把 {subject} 本周的班次复制到下周（{n} 个）", "{actor} copied {subject}'s week to the next ({n} shifts)";
    cancel_shift: "{actor} 取消了 {subject} 的班次", "{actor} cancelled a shift at {subject}";
    decide_hours_confirm: "{actor} 确认了 {subject} 的服务时长：{minutes}", "{actor} confirmed {subject}'s hours: {minutes}";
    decide_hours_dispute: "{actor} 对 {subject} 的服务时长提出异议", "{actor} disputed {subject}'s hours";
    auto_confirm_hours: "{subject} 的服务时长到期自动确认：{minutes}", "{subject}'s hours confirmed themselves after the waiting time: {minutes}";
    seed_grant: "演示数据：{subject} 获得角色", "Demo data: {subject} given a role";
    seed_places: "演示数据：{subject} 的巡逻点", "Demo data: sites in {subject}";
    seed_shifts: "演示数据：班次", "Demo data: shifts";
    unknown: "{actor}：{action}", "{actor}: {action}";
    field_minutes: "服务时长", "Hours";
    field_state: "状态", "State";
    field_status: "状态", "Status";
    field_reason: "原因", "Reason";
    field_decision: "决定", "Decision";
    field_leader: "身份", "Role in the team";
    field_name: "名称", "Name";
    field_kind: "类型", "Kind";
    field_population: "常住人口", "Residents";
    field_counted_on: "统计日期", "Counted on";
    field_target_rate_bp: "目标比例", "Target rate";
    field_shifts: "班次数", "Shifts";
    field_boundaries: "边界数", "Boundaries";
    field_sites: "巡逻点数", "Sites";
    field_role: "角色", "Role";
    field_id_number: "含身份证号", "With ID number";
    field_from: "起始日期", "From";
    field_until: "截止日期", "Until";
    state_pending: "待确认", "Pending";
    state_confirmed: "已确认", "Confirmed";
    state_disputed: "有异议", "Disputed";
    decision_confirm: "确认", "Confirm";
    decision_dispute: "异议", "Dispute";
    leader_yes: "队长", "Leader";
    leader_no: "队员", "Member";
    yes: "是", "Yes";
    no: "否", "No";
    none: "（无）", "(none)";
}
