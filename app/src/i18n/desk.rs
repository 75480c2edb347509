//! Texts of the office roles' desk: the side navigation to their tools and the scope line.

side_by_side! {
    DeskTexts, "The desk's texts in one language.";
    nav_label: "工作台", "Desk";
    tools_title: "我的工作", "My tools";
    roster: "排班管理", "Rosters";
    duty_periods: "专项勤务", "Duty periods";
    volunteers: "志愿者管理", "Volunteers";
    teams: "队伍", "Teams";
    incidents: "隐患", "Incidents";
    map: "地图", "Map";
    stats: "统计", "Statistics";
    audit: "审计", "Audit log";
    import: "区域边界", "Boundaries";
    own_duty: "我的值守", "My own duty";
    more_areas: "{area} 等 {total} 个区域", "{area} and {more} more";
}
