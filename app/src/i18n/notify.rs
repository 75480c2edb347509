//! Texts of the notification centre, its settings, and each kind of notice (a title and a body
//! with `{name}` placeholders filled from the notice's parameters), both languages side by side.

side_by_side! {
    NotifyTexts, "The notification texts in one language.";
    title: "通知", "Notifications";
    bell: "通知", "Notifications";
    unread: "条未读", "unread";
    empty: "还没有通知。排班、取消、提醒和审核结果都会出现在这里。", "No notifications yet. Rosters, cancellations, reminders and decisions will appear here.";
    mark_all_read: "全部标为已读", "Mark all read";
    mark_read: "标为已读", "Mark read";
    today: "今天", "Today";
    yesterday: "昨天", "Yesterday";
    new_badge: "新", "New";
    urgent_badge: "紧急", "Urgent";
    more: "更早的通知", "Older notifications";
    settings_title: "通知方式", "How we notify you";
    settings_intro: "应用内通知总是保留。下面可以关闭某类通知的推送或短信（紧急通知除外）。", "In-app notifications are always kept. Below you can turn off push or text messages per kind (except urgent ones).";
    channel_push: "推送", "Push";
    channel_sms: "短信", "SMS";
    saved: "已保存", "Saved";
    push_title: "手机推送", "Push on this phone";
    push_explain: "开启后，即使没有打开应用也能收到通知（需要浏览器支持，添加到主屏幕的应用在 iOS 16.4 以上可用）。", "When on, notices reach this phone even when the app is closed (needs browser support; on iOS 16.4+ from the home-screen app).";
    push_on: "开启推送", "Turn on push";
    push_off: "关闭推送", "Turn off push";
    push_enabled: "本机已开启推送。", "Push is on for this phone.";
    push_unsupported: "这个浏览器不支持推送通知：请留意应用内通知和短信。", "This browser cannot receive push: watch the in-app notices and texts.";
    push_denied: "通知权限被拒绝：请在浏览器设置中允许通知后再试。", "Notifications are blocked: allow them in the browser's settings and try again.";
    push_failed: "开启推送失败，请稍后再试。", "Push could not be turned on; try again later.";
    push_not_configured: "本系统未启用推送。", "Push is not set up on this installation.";
    kind_registration_approved: "注册审核通过", "Registration approved";
    body_registration_approved: "欢迎加入平安志愿者！你的马甲编号是 {vest_no}。", "Welcome to the safety volunteers! Your vest number is {vest_no}.";
    kind_registration_rejected: "注册申请未通过", "Application not approved";
    body_registration_rejected: "原因：{reason}", "Reason: {reason}";
    kind_shift_reminder: "班次提醒", "Shift reminder";
    body_shift_reminder: "{site}，{time} 开始。请按时签到。", "{site}, starting {time}. Please check in on time.";
    kind_shift_cancelled: "班次已取消", "Shift cancelled";
    body_shift_cancelled: "{site}，{time} 的班次已取消。原因：{reason}", "{site} at {time} is cancelled. Reason: {reason}";
    kind_waitlist_place_given: "候补转正", "You got a place";
    body_waitlist_place_given: "有人取消报名，你已从候补转为正式：{site}，{time}。", "Someone cancelled and you moved up from the waitlist: {site}, {time}.";
    kind_incident_assigned: "隐患事件指派给你", "Incident assigned to you";
    body_incident_assigned: "{category}（{severity}），请尽快处理。", "{category} ({severity}): please handle it.";
    kind_report_status_changed: "你的上报有进展", "Your report moved on";
    body_report_status_changed: "{category}：{status}", "{category}: {status}";
    kind_hours_confirmed: "服务时长已确认", "Hours confirmed";
    body_hours_confirmed: "{site}，{time}：{hours}。", "{site}, {time}: {hours}.";
    kind_hours_corrected: "服务时长已更正", "Hours corrected";
    body_hours_corrected: "{site}，{time}：按 {hours} 记录。说明：{reason}", "{site}, {time}: recorded as {hours}. Note: {reason}";
    kind_hours_disputed: "服务时长有异议", "Hours disputed";
    body_hours_disputed: "{site}，{time}。队长说明：{reason}", "{site}, {time}. The leader says: {reason}";
    kind_availability_asked: "专项勤务征集", "Duty period: when can you come?";
    body_availability_asked: "{period}：请告诉我们您哪些时段能来。", "{period}: tell us which slots you can do.";
    kind_roster_placed: "勤务排班已发布", "You are on the duty roster";
    body_roster_placed: "{period}：您被排了 {count} 个班，第一个在 {time}。", "{period}: you have {count} slots, the first at {time}.";
}
