-- Notifications (issue #13). A notice is one row per person, written in the same transaction as
-- the change it tells of; the in-app centre reads these rows, and the delivery job plans the
-- outside channels (Web Push, SMS) from them into notification_deliveries.
CREATE TABLE notifications (
    id INTEGER PRIMARY KEY,
    recipient_id INTEGER NOT NULL CONSTRAINT notifications_recipient_fkey REFERENCES volunteers (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CONSTRAINT notifications_kind_check CHECK (length(kind) BETWEEN 1 AND 40),
    subject TEXT NOT NULL,
    params TEXT NOT NULL,
    urgent BOOLEAN NOT NULL DEFAULT FALSE,
    -- The same event never notifies twice: the writer derives the key from the event.
    dedupe_key TEXT NOT NULL CONSTRAINT notifications_dedupe_key UNIQUE,
    -- How long before the thing it is about the notice was made (a cancelled shift's start):
    -- whether a text is worth it depends on it.
    lead_ms BIGINT,
    due_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    read_at BIGINT,
    planned_at BIGINT
);
CREATE INDEX notifications_recipient_idx ON notifications (recipient_id, due_at);
CREATE INDEX notifications_unread_idx ON notifications (recipient_id) WHERE read_at IS NULL;
CREATE INDEX notifications_unplanned_idx ON notifications (due_at) WHERE planned_at IS NULL;

-- A device that opted in to Web Push; the endpoint is a capability URL, so it is never logged.
CREATE TABLE push_subscriptions (
    id INTEGER PRIMARY KEY,
    volunteer_id INTEGER NOT NULL CONSTRAINT push_subscriptions_volunteer_fkey REFERENCES volunteers (id) ON DELETE CASCADE,
    endpoint TEXT NOT NULL CONSTRAINT push_subscriptions_endpoint_key UNIQUE,
    p256dh TEXT NOT NULL,
    auth TEXT NOT NULL,
    lang TEXT NOT NULL DEFAULT 'zh-CN',
    created_at BIGINT NOT NULL
);
CREATE INDEX push_subscriptions_volunteer_idx ON push_subscriptions (volunteer_id);

-- One row per outside attempt target: a push subscription, or the person's number. The lease
-- keeps two servers from sending the same delivery; an expired lease frees a dead server's.
CREATE TABLE notification_deliveries (
    id INTEGER PRIMARY KEY,
    notification_id INTEGER NOT NULL CONSTRAINT notification_deliveries_notification_fkey REFERENCES notifications (id) ON DELETE CASCADE,
    channel TEXT NOT NULL CONSTRAINT notification_deliveries_channel_check CHECK (channel IN ('push', 'sms')),
    subscription_id INTEGER CONSTRAINT notification_deliveries_subscription_fkey REFERENCES push_subscriptions (id) ON DELETE SET NULL,
    status TEXT NOT NULL DEFAULT 'pending' CONSTRAINT notification_deliveries_status_check
        CHECK (status IN ('pending', 'sent', 'failed', 'skipped')),
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    lease_until BIGINT NOT NULL DEFAULT 0,
    outcome TEXT,
    done_at BIGINT,
    CONSTRAINT notification_deliveries_push_key UNIQUE (notification_id, subscription_id)
);
CREATE INDEX notification_deliveries_due_idx ON notification_deliveries (next_attempt_at) WHERE status = 'pending';
-- A notice is texted at most once (NULL subscriptions are distinct in the key above).
CREATE UNIQUE INDEX notification_deliveries_sms_key ON notification_deliveries (notification_id) WHERE channel = 'sms';
CREATE INDEX notification_deliveries_sms_idx ON notification_deliveries (channel, done_at) WHERE status = 'sent';

-- What a person turned off: a row per kind and channel.
CREATE TABLE notification_mutes (
    volunteer_id INTEGER NOT NULL CONSTRAINT notification_mutes_volunteer_fkey REFERENCES volunteers (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    channel TEXT NOT NULL CONSTRAINT notification_mutes_channel_check CHECK (channel IN ('push', 'sms')),
    CONSTRAINT notification_mutes_pkey PRIMARY KEY (volunteer_id, kind, channel)
);
