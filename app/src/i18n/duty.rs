//! Texts of the duty pages (shifts, check-in, hours), both languages side by side so a new
//! line cannot be added to one and forgotten in the other.

macro_rules! duty_texts {
    ($($field:ident: $zh:literal, $en:literal;)*) => {
        /// The duty pages' texts in one language.
        pub struct DutyTexts { $(pub $field: &'static str,)* }
        pub static ZH: DutyTexts = DutyTexts { $($field: $zh,)* };
        pub static EN: DutyTexts = DutyTexts { $($field: $en,)* };
    };
}

duty_texts! {
    my_shifts: "我报名的班次", "Shifts I signed up for";
    my_shifts_empty: "你还没有报名班次。在下面选一个吧。", "You have not signed up for a shift yet. Pick one below.";
    open_shifts: "可报名的班次", "Shifts you can take";
    near_me: "离我近的", "Near me";
    nearest_first: "已按距离排序", "Nearest first";
    distance: "距你", "From you:";
    open_shifts_empty: "近期没有可报名的班次。", "No shifts to take in the coming days.";
    next_badge: "下一班", "Next";
    under_way_badge: "进行中", "In progress";
    check_opens: "签到于 {at} 开放", "Check-in opens {at}";
    cancel_until: "{at} 前可取消报名", "You can cancel until {at}";
    cancel_closed: "取消报名已于 {at} 截止；如不能到岗，请联系队长。", "Cancelling closed {at}: if you cannot come, call your leader.";
    signed_up: "已报名", "Signed up";
    waitlisted: "候补中", "On the waitlist";
    filled: "已报名", "Filled";
    leaders: "队长", "Leaders";
    waitlist_count: "候补", "Waitlist";
    sign_up: "报名", "Sign up";
    join_waitlist: "已满，排候补", "Full: join the waitlist";
    cancel_sign_up: "取消报名", "Cancel my place";
    cancelled_shift: "班次已取消", "Shift cancelled";
    check_in: "签到", "Check in";
    check_out: "签退", "Check out";
    locating: "正在定位…", "Finding your position…";
    checked_in: "已签到", "Checked in";
    checked_out: "已签退", "Checked out";
    waiting_to_send: "等待发送：网络恢复后自动发送", "Waiting to send: goes out when the network is back";
    sent: "已送达", "Received";
    outside_fence: "你不在巡逻点范围内。已照常签到，请说明原因，由队长确认。", "You are outside the site. You are checked in; say why, and your leader will confirm.";
    reason: "原因", "Reason";
    send_reason: "提交原因", "Send the reason";
    reason_sent: "原因已提交。", "Reason sent.";
    verdict_inside: "在巡逻点范围内", "At the site";
    verdict_outside: "在范围外", "Outside the site";
    verdict_unknown: "位置未知", "Position unknown";
    verdict_qr: "签到码", "Check-in code";
    verdict_auto: "未签退，系统自动签退", "Not checked out: closed automatically";
    use_code: "用队长的签到码", "Use the leader's code";
    code_label: "签到码（6 位数字）", "Check-in code (6 digits)";
    no_location: "没有定位权限：可以用队长的签到码签到。", "No location permission: use the leader's check-in code instead.";
    hours_pending: "待确认时长", "Hours awaiting confirmation";
    minutes_unit: "分钟", "min";
    hours_unit: "小时", "h";
    calendar_feed: "订阅到手机日历", "Add to your phone's calendar";
    calendar_renew: "换一个日历链接（旧链接立即失效）", "New calendar link (the old one stops working)";
    calendar_renewed: "已换新链接：旧链接已失效，请重新订阅。", "New link made: the old one no longer works. Subscribe again.";
    manage_title: "排班管理", "Rosters";
    manage_link: "排班和时长确认", "Rosters and hours";
    new_shift: "新建班次", "New shift";
    site: "巡逻点", "Site";
    date: "日期", "Date";
    start: "开始", "Start";
    end: "结束", "End";
    overnight_hint: "结束早于开始时，算作次日（夜班）。", "An end before the start is on the next day (a night shift).";
    headcount: "需要人数", "People needed";
    leaders_needed: "其中队长", "Of them leaders";
    notes: "备注", "Notes";
    repeat_weekly: "每周重复", "Repeat weekly";
    weekdays: "星期", "Weekdays";
    weekday_names: "一二三四五六日", "MTWTFSS";
    until: "重复到", "Repeat until";
    create_shifts: "创建班次", "Create shifts";
    created: "已创建班次：", "Shifts created: ";
    upcoming: "近期班次", "Coming shifts";
    upcoming_empty: "近期没有班次。", "No shifts in the coming days.";
    cancel_shift: "取消班次", "Cancel the shift";
    cancel_reason: "取消原因（报名者会看到）", "Reason (those signed up see it)";
    copy_week: "把本周班次复制到下周", "Copy this week's shifts to next week";
    copied: "已复制到下周的班次：", "Shifts copied to next week: ";
    decide_title: "待确认的服务时长", "Hours to confirm";
    decide_empty: "没有待确认的时长。", "No hours waiting for you.";
    claimed: "申报", "Claimed";
    confirm: "确认", "Confirm";
    correct_to: "更正为（分钟）", "Correct to (minutes)";
    dispute: "有异议", "Dispute";
    disputed: "有异议", "Disputed";
    flag_outside: "范围外签到", "Checked in outside the site";
    flag_auto: "忘记签退，已自动签退", "Forgot to check out: closed automatically";
    flag_unknown: "签到位置未知", "Check-in position unknown";
    qr_title: "签到码", "Check-in code";
    qr_intro: "队员看不到定位时，可输入这个签到码签到。每 30 秒更换一次。", "A volunteer without a position can type this code to check in. It changes every 30 seconds.";
    show_code: "显示签到码", "Show the check-in code";
    credited: "已记入", "Credited";
    pending: "待确认", "Pending";
    this_year: "今年", "This year";
    stars: "星级", "Stars";
    to_next_star: "距下一星还差", "To the next star";
    top_star: "已达最高星级。", "Top star reached.";
    history: "记录", "History";
    kind_credit: "记入", "Credited";
    kind_correction: "更正", "Correction";
    kind_import: "导入", "Imported";
    track_title: "巡逻轨迹", "Patrol track";
    track_length: "轨迹长度", "Track length";
}
