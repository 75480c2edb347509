//! Texts of the incident pages (report, lists, triage, map, statistics), both languages side by
//! side so a new line cannot be added to one and forgotten in the other.

macro_rules! incident_texts {
    ($($field:ident: $zh:literal, $en:literal;)*) => {
        /// The incident pages' texts in one language.
        pub struct IncidentTexts { $(pub $field: &'static str,)* }
        pub static ZH: IncidentTexts = IncidentTexts { $($field: $zh,)* };
        pub static EN: IncidentTexts = IncidentTexts { $($field: $en,)* };
    };
}

incident_texts! {
    report_title: "上报隐患", "Report an incident";
    category: "类别", "Category";
    severity: "紧急程度", "Severity";
    severity_normal: "一般", "Normal";
    severity_serious: "较重", "Serious";
    severity_urgent: "紧急", "Urgent";
    body: "情况说明", "What happened";
    body_placeholder: "例如：3号楼楼道堆放杂物，堵住消防通道", "e.g. Rubbish blocking the fire exit of building 3";
    position: "位置", "Position";
    locating: "正在定位…", "Finding your position…";
    accuracy: "精度约", "Accuracy about";
    tap_map: "位置不准？在地图上点一下实际位置。", "Position wrong? Tap the real spot on the map.";
    adjusted: "已按地图调整位置", "Position set on the map";
    no_position: "无法定位：请在地图上点出位置。", "No position: tap the spot on the map.";
    relocate: "重新定位", "Locate again";
    photos: "照片", "Photos";
    add_photo: "拍照或选照片", "Take or choose a photo";
    photo_limit: "最多", "At most";
    photo_unit: "张", "photos";
    remove_photo: "删除照片", "Remove photo";
    photo_unreadable: "这张照片无法读取，请换一张。", "This photo could not be read; choose another.";
    photo_too_many: "照片数已到上限，多选的没有加入。", "The photo limit is reached; the extra ones were left out.";
    on_shift: "将关联到你当前的班次：", "Linked to your shift now:";
    submit: "上报", "Send report";
    sending: "正在发送…", "Sending…";
    sent: "已上报，谢谢！", "Reported. Thank you!";
    queued: "已保存在手机上：网络恢复后自动发送。", "Saved on this phone: it will be sent when the network is back.";
    view_it: "查看", "View it";
    report_another: "再报一条", "Report another";
    list_title: "隐患事件", "Incidents";
    new_report: "上报隐患", "Report";
    map_link: "地图", "Map";
    stats_link: "统计", "Statistics";
    filter: "筛选", "Filter";
    any: "全部", "Any";
    status: "状态", "Status";
    area: "区域", "Area";
    from: "起始日期", "From";
    until: "截止日期", "Until";
    apply_filter: "查看", "Show";
    list_empty: "没有符合条件的隐患事件。", "No incidents match.";
    total: "共", "Total:";
    prev_page: "上一页", "Previous";
    next_page: "下一页", "Next";
    page: "第", "Page";
    status_open: "待处理（未办结）", "Open";
    status_reported: "已上报", "Reported";
    status_acknowledged: "已受理", "Acknowledged";
    status_referred: "已转办", "Referred";
    status_resolved: "已解决", "Resolved";
    status_closed: "已办结", "Closed";
    status_rejected: "不予处理", "Rejected";
    reporter: "上报人", "Reported by";
    reporter_hidden: "志愿者", "A volunteer";
    reported_at: "上报时间", "Reported at";
    received_late: "离线上报，送达于", "Sent offline; arrived";
    site: "巡逻点", "Site";
    assignee: "负责人", "Assigned to";
    unassigned: "未指派", "Nobody yet";
    timeline: "处理记录", "Timeline";
    step_report: "上报", "Reported";
    step_acknowledge: "受理", "Acknowledge";
    step_refer: "转办", "Refer";
    step_resolve: "已解决", "Resolve";
    step_close: "办结", "Close";
    step_reject: "不予处理", "Reject";
    step_reopen: "重新处理", "Reopen";
    step_assign: "指派", "Assign";
    step_publish: "公开给本社区", "Shown to the community";
    step_unpublish: "取消公开", "Hidden from the community";
    referral_police: "派出所", "Police station";
    referral_committee: "居委会", "Neighbourhood committee";
    referral_property: "物业", "Property manager";
    referral_named: "其他单位或个人", "Someone else (name)";
    referral_name: "转办给（名称）", "Refer to (name)";
    referred_to: "转办给", "Referred to";
    note: "说明", "Note";
    note_reject: "不予处理的原因", "Why it is rejected";
    act: "提交", "Submit";
    assign_to: "指派给（手机号）", "Assign to (mobile number)";
    assign: "指派", "Assign";
    assign_me: "我来负责", "I'll take it";
    publish: "公开给本社区志愿者", "Show to the community's volunteers";
    unpublish: "取消公开", "Hide from the community";
    public_badge: "已公开", "Public";
    urgent_title: "紧急隐患待处理", "Urgent incidents waiting";
    urgent_new: "有新的紧急隐患！", "New urgent incident!";
    map_title: "隐患地图", "Incident map";
    map_caption: "点图钉查看详情；数字表示聚在一起的多条。", "Tap a pin for the incident; a number shows several close together.";
    layer_pins: "图钉", "Pins";
    layer_heat: "热力", "Heat";
    layer_tiles: "底图", "Base map";
    map_empty: "这个范围内没有可画的区域边界。", "No area boundaries to draw here.";
    last_days: "最近", "Last";
    days: "天", "days";
    stats_title: "隐患统计", "Incident statistics";
    by_area: "按区域", "By area";
    by_category: "按类别", "By category";
    by_month: "按月份", "By month";
    stats_empty: "这段时间没有隐患事件。", "No incidents in this period.";
    photo_of: "现场照片", "Photo";
}
