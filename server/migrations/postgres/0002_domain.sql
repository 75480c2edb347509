-- The whole domain, as DESIGN.md names it. Conventions (the same on PostgreSQL):
--   * instants are BIGINT milliseconds since the Unix epoch, UTC (`*_at`); calendar dates are
--     ISO text 'YYYY-MM-DD' (`*_on`); times of day are minutes after midnight (`*_min`);
--   * positions are WGS-84 degrees as DOUBLE PRECISION with the phone's accuracy in metres;
--   * geometry is GeoJSON text (Polygon/MultiPolygon), parsed and checked in `domain`;
--   * every constraint is named `<table>_<what>_<kind>` so storage errors map to messages;
--   * personal data: phone numbers are stored once, ID numbers only encrypted plus a mask.

-- Per-district settings that the association may change (2% target rate, grace minutes, …).
ALTER TABLE areas ADD COLUMN target_rate_bp BIGINT
    CONSTRAINT areas_target_rate_check CHECK (target_rate_bp IS NULL OR target_rate_bp BETWEEN 1 AND 10000);

-- 重点部位/巡逻点: a point + radius, or a polygon, inside an area.
CREATE TABLE sites (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    area_id BIGINT NOT NULL CONSTRAINT sites_area_fkey REFERENCES areas (id) ON DELETE RESTRICT,
    name TEXT NOT NULL CONSTRAINT sites_name_check CHECK (length(trim(name)) > 0),
    kind TEXT NOT NULL DEFAULT 'patrol_point',
    lat DOUBLE PRECISION NOT NULL CONSTRAINT sites_lat_check CHECK (lat BETWEEN -90 AND 90),
    lon DOUBLE PRECISION NOT NULL CONSTRAINT sites_lon_check CHECK (lon BETWEEN -180 AND 180),
    radius_m BIGINT CONSTRAINT sites_radius_check CHECK (radius_m IS NULL OR radius_m BETWEEN 5 AND 5000),
    boundary TEXT,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    CONSTRAINT sites_fence_check CHECK (radius_m IS NOT NULL OR boundary IS NOT NULL),
    CONSTRAINT sites_area_name_key UNIQUE (area_id, name)
);
CREATE INDEX sites_area_idx ON sites (area_id, name);

-- Everyone with a login is a volunteer record first (leaders and admins wear the vest too).
CREATE TABLE volunteers (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name TEXT NOT NULL CONSTRAINT volunteers_name_check CHECK (length(trim(name)) > 0),
    phone TEXT NOT NULL CONSTRAINT volunteers_phone_key UNIQUE,
    -- ID number (居民身份证号): encrypted with the server key; the mask is for lists.
    id_number_sealed BYTEA,
    id_number_masked TEXT,
    home_area_id BIGINT NOT NULL CONSTRAINT volunteers_home_area_fkey REFERENCES areas (id) ON DELETE RESTRICT,
    status TEXT NOT NULL DEFAULT 'applied' CONSTRAINT volunteers_status_check
        CHECK (status IN ('applied', 'registered', 'rejected', 'suspended', 'retired')),
    vest_no TEXT CONSTRAINT volunteers_vest_no_key UNIQUE,
    skills TEXT NOT NULL DEFAULT '[]',
    -- PIPL: consent to location use, with the purpose text version the person agreed to.
    location_consent_at BIGINT,
    location_consent_version TEXT,
    applied_at BIGINT NOT NULL,
    decided_at BIGINT,
    decided_by BIGINT CONSTRAINT volunteers_decided_by_fkey REFERENCES volunteers (id),
    decision_reason TEXT,
    password_hash TEXT,
    password_changed_at BIGINT
);
CREATE INDEX volunteers_home_status_idx ON volunteers (home_area_id, status);
CREATE INDEX volunteers_status_applied_idx ON volunteers (status, applied_at);

-- Roles above volunteer, each scoped to an area subtree (system admin: the root district).
CREATE TABLE role_grants (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    volunteer_id BIGINT NOT NULL CONSTRAINT role_grants_volunteer_fkey REFERENCES volunteers (id) ON DELETE CASCADE,
    role TEXT NOT NULL CONSTRAINT role_grants_role_check
        CHECK (role IN ('team_leader', 'coordinator', 'association_admin', 'system_admin')),
    area_id BIGINT NOT NULL CONSTRAINT role_grants_area_fkey REFERENCES areas (id) ON DELETE RESTRICT,
    granted_by BIGINT CONSTRAINT role_grants_granted_by_fkey REFERENCES volunteers (id),
    granted_at BIGINT NOT NULL,
    CONSTRAINT role_grants_who_what_where_key UNIQUE (volunteer_id, role, area_id)
);
CREATE INDEX role_grants_area_idx ON role_grants (area_id, role);

-- 巡逻队: volunteers under leaders, scoped to an area.
CREATE TABLE teams (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    area_id BIGINT NOT NULL CONSTRAINT teams_area_fkey REFERENCES areas (id) ON DELETE RESTRICT,
    name TEXT NOT NULL CONSTRAINT teams_name_check CHECK (length(trim(name)) > 0),
    created_at BIGINT NOT NULL,
    CONSTRAINT teams_area_name_key UNIQUE (area_id, name)
);
CREATE TABLE team_members (
    team_id BIGINT NOT NULL CONSTRAINT team_members_team_fkey REFERENCES teams (id) ON DELETE CASCADE,
    volunteer_id BIGINT NOT NULL CONSTRAINT team_members_volunteer_fkey REFERENCES volunteers (id) ON DELETE CASCADE,
    is_leader BOOLEAN NOT NULL DEFAULT FALSE,
    joined_at BIGINT NOT NULL,
    CONSTRAINT team_members_pkey PRIMARY KEY (team_id, volunteer_id)
);
CREATE INDEX team_members_volunteer_idx ON team_members (volunteer_id);

-- 专项勤务/敏感时期: a named date range with a level and the coverage each site needs.
CREATE TABLE duty_periods (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    area_id BIGINT NOT NULL CONSTRAINT duty_periods_area_fkey REFERENCES areas (id) ON DELETE RESTRICT,
    name TEXT NOT NULL CONSTRAINT duty_periods_name_check CHECK (length(trim(name)) > 0),
    level BIGINT NOT NULL CONSTRAINT duty_periods_level_check CHECK (level BETWEEN 1 AND 4),
    starts_on DATE NOT NULL,
    ends_on DATE NOT NULL,
    created_by BIGINT CONSTRAINT duty_periods_created_by_fkey REFERENCES volunteers (id),
    created_at BIGINT NOT NULL,
    CONSTRAINT duty_periods_dates_check CHECK (ends_on >= starts_on)
);
CREATE INDEX duty_periods_area_start_idx ON duty_periods (area_id, starts_on);
CREATE TABLE duty_period_needs (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    duty_period_id BIGINT NOT NULL CONSTRAINT duty_period_needs_period_fkey REFERENCES duty_periods (id) ON DELETE CASCADE,
    site_id BIGINT NOT NULL CONSTRAINT duty_period_needs_site_fkey REFERENCES sites (id) ON DELETE RESTRICT,
    slot_start_min BIGINT NOT NULL CONSTRAINT duty_period_needs_start_check CHECK (slot_start_min BETWEEN 0 AND 1439),
    slot_end_min BIGINT NOT NULL CONSTRAINT duty_period_needs_end_check CHECK (slot_end_min BETWEEN 1 AND 2880),
    headcount BIGINT NOT NULL CONSTRAINT duty_period_needs_headcount_check CHECK (headcount BETWEEN 1 AND 500),
    CONSTRAINT duty_period_needs_slot_check CHECK (slot_end_min > slot_start_min)
);
CREATE INDEX duty_period_needs_period_idx ON duty_period_needs (duty_period_id, site_id);

-- A weekly pattern that generates shifts over a date range.
CREATE TABLE shift_patterns (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    site_id BIGINT NOT NULL CONSTRAINT shift_patterns_site_fkey REFERENCES sites (id) ON DELETE RESTRICT,
    weekdays BIGINT NOT NULL CONSTRAINT shift_patterns_weekdays_check CHECK (weekdays BETWEEN 1 AND 127),
    start_min BIGINT NOT NULL CONSTRAINT shift_patterns_start_check CHECK (start_min BETWEEN 0 AND 1439),
    end_min BIGINT NOT NULL CONSTRAINT shift_patterns_end_check CHECK (end_min BETWEEN 1 AND 2880),
    valid_from DATE NOT NULL,
    valid_until DATE NOT NULL,
    headcount BIGINT NOT NULL CONSTRAINT shift_patterns_headcount_check CHECK (headcount BETWEEN 1 AND 500),
    leaders_needed BIGINT NOT NULL DEFAULT 0,
    notes TEXT NOT NULL DEFAULT '',
    created_by BIGINT CONSTRAINT shift_patterns_created_by_fkey REFERENCES volunteers (id),
    CONSTRAINT shift_patterns_window_check CHECK (end_min > start_min),
    CONSTRAINT shift_patterns_range_check CHECK (valid_until >= valid_from)
);

-- 班次: a site and a time window with the headcount it needs.
CREATE TABLE shifts (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    site_id BIGINT NOT NULL CONSTRAINT shifts_site_fkey REFERENCES sites (id) ON DELETE RESTRICT,
    starts_at BIGINT NOT NULL,
    ends_at BIGINT NOT NULL,
    headcount BIGINT NOT NULL CONSTRAINT shifts_headcount_check CHECK (headcount BETWEEN 1 AND 500),
    leaders_needed BIGINT NOT NULL DEFAULT 0 CONSTRAINT shifts_leaders_check CHECK (leaders_needed >= 0),
    notes TEXT NOT NULL DEFAULT '',
    duty_period_id BIGINT CONSTRAINT shifts_duty_period_fkey REFERENCES duty_periods (id) ON DELETE SET NULL,
    pattern_id BIGINT CONSTRAINT shifts_pattern_fkey REFERENCES shift_patterns (id) ON DELETE SET NULL,
    cancelled_at BIGINT,
    cancel_reason TEXT,
    created_by BIGINT CONSTRAINT shifts_created_by_fkey REFERENCES volunteers (id),
    created_at BIGINT NOT NULL,
    CONSTRAINT shifts_window_check CHECK (ends_at > starts_at)
);
CREATE INDEX shifts_starts_idx ON shifts (starts_at);
CREATE INDEX shifts_site_starts_idx ON shifts (site_id, starts_at);
CREATE INDEX shifts_duty_period_idx ON shifts (duty_period_id);

-- A volunteer on a shift: signed up, waitlisted or placed; its outcome once the shift is over.
CREATE TABLE assignments (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    shift_id BIGINT NOT NULL CONSTRAINT assignments_shift_fkey REFERENCES shifts (id) ON DELETE RESTRICT,
    volunteer_id BIGINT NOT NULL CONSTRAINT assignments_volunteer_fkey REFERENCES volunteers (id) ON DELETE RESTRICT,
    state TEXT NOT NULL CONSTRAINT assignments_state_check CHECK (state IN ('signed_up', 'waitlisted', 'cancelled')),
    as_leader BOOLEAN NOT NULL DEFAULT FALSE,
    placed_by BIGINT CONSTRAINT assignments_placed_by_fkey REFERENCES volunteers (id),
    signed_up_at BIGINT NOT NULL,
    cancelled_at BIGINT,
    outcome TEXT CONSTRAINT assignments_outcome_check CHECK (outcome IS NULL OR outcome IN ('served', 'no_show', 'excused')),
    CONSTRAINT assignments_shift_volunteer_key UNIQUE (shift_id, volunteer_id)
);
CREATE INDEX assignments_volunteer_idx ON assignments (volunteer_id, state);
CREATE INDEX assignments_shift_state_idx ON assignments (shift_id, state, signed_up_at);

-- 签到/签退. `client_key` is the phone's UUIDv7: the row exists once however often it is sent.
CREATE TABLE check_events (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    client_key TEXT NOT NULL CONSTRAINT check_events_client_key_key UNIQUE,
    assignment_id BIGINT NOT NULL CONSTRAINT check_events_assignment_fkey REFERENCES assignments (id) ON DELETE RESTRICT,
    kind TEXT NOT NULL CONSTRAINT check_events_kind_check CHECK (kind IN ('in', 'out')),
    made_at BIGINT NOT NULL,
    received_at BIGINT NOT NULL,
    lat DOUBLE PRECISION,
    lon DOUBLE PRECISION,
    accuracy_m DOUBLE PRECISION,
    verdict TEXT NOT NULL CONSTRAINT check_events_verdict_check CHECK (verdict IN ('inside', 'outside', 'unknown', 'qr', 'auto')),
    outside_reason TEXT,
    confirmed_by BIGINT CONSTRAINT check_events_confirmed_by_fkey REFERENCES volunteers (id),
    confirmed_at BIGINT
);
CREATE INDEX check_events_assignment_idx ON check_events (assignment_id, made_at);

-- Service hours claimed for an assignment, until a leader confirms or disputes them.
CREATE TABLE service_records (
    assignment_id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY CONSTRAINT service_records_assignment_fkey REFERENCES assignments (id) ON DELETE RESTRICT,
    minutes BIGINT NOT NULL CONSTRAINT service_records_minutes_check CHECK (minutes >= 0),
    state TEXT NOT NULL CONSTRAINT service_records_state_check CHECK (state IN ('pending', 'confirmed', 'disputed')),
    flagged TEXT,
    decided_by BIGINT CONSTRAINT service_records_decided_by_fkey REFERENCES volunteers (id),
    decided_at BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX service_records_state_idx ON service_records (state, created_at);

-- The append-only ledger of credited hours: corrections are new rows, never edits.
CREATE TABLE hours_ledger (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    volunteer_id BIGINT NOT NULL CONSTRAINT hours_ledger_volunteer_fkey REFERENCES volunteers (id) ON DELETE RESTRICT,
    assignment_id BIGINT CONSTRAINT hours_ledger_assignment_fkey REFERENCES assignments (id) ON DELETE RESTRICT,
    minutes BIGINT NOT NULL,
    kind TEXT NOT NULL CONSTRAINT hours_ledger_kind_check CHECK (kind IN ('credit', 'correction', 'import')),
    reason TEXT,
    recorded_by BIGINT CONSTRAINT hours_ledger_recorded_by_fkey REFERENCES volunteers (id),
    recorded_at BIGINT NOT NULL,
    served_on DATE NOT NULL
);
CREATE INDEX hours_ledger_volunteer_idx ON hours_ledger (volunteer_id, served_on);
CREATE FUNCTION hours_ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'hours_ledger_append_only' USING ERRCODE = 'integrity_constraint_violation'; END $$;
CREATE TRIGGER hours_ledger_no_change BEFORE UPDATE OR DELETE ON hours_ledger
    FOR EACH ROW EXECUTE FUNCTION hours_ledger_append_only();

-- Patrol tracks: kept only while on shift, shown to the volunteer and their leaders, and after
-- the retention period reduced to `track_summaries` (length and coarse cells).
CREATE TABLE track_points (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    assignment_id BIGINT NOT NULL CONSTRAINT track_points_assignment_fkey REFERENCES assignments (id) ON DELETE CASCADE,
    at BIGINT NOT NULL,
    lat DOUBLE PRECISION NOT NULL,
    lon DOUBLE PRECISION NOT NULL,
    accuracy_m DOUBLE PRECISION NOT NULL
);
CREATE INDEX track_points_assignment_idx ON track_points (assignment_id, at);
CREATE TABLE track_summaries (
    assignment_id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY CONSTRAINT track_summaries_assignment_fkey REFERENCES assignments (id) ON DELETE CASCADE,
    length_m DOUBLE PRECISION NOT NULL,
    cells TEXT NOT NULL DEFAULT '[]',
    coarsened_at BIGINT
);

-- 隐患/事件 with their photos and the status timeline.
CREATE TABLE incidents (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    client_key TEXT NOT NULL CONSTRAINT incidents_client_key_key UNIQUE,
    reporter_id BIGINT NOT NULL CONSTRAINT incidents_reporter_fkey REFERENCES volunteers (id) ON DELETE RESTRICT,
    area_id BIGINT NOT NULL CONSTRAINT incidents_area_fkey REFERENCES areas (id) ON DELETE RESTRICT,
    site_id BIGINT CONSTRAINT incidents_site_fkey REFERENCES sites (id) ON DELETE SET NULL,
    assignment_id BIGINT CONSTRAINT incidents_assignment_fkey REFERENCES assignments (id) ON DELETE SET NULL,
    category TEXT NOT NULL,
    severity BIGINT NOT NULL CONSTRAINT incidents_severity_check CHECK (severity BETWEEN 1 AND 3),
    body TEXT NOT NULL,
    lat DOUBLE PRECISION NOT NULL,
    lon DOUBLE PRECISION NOT NULL,
    accuracy_m DOUBLE PRECISION,
    public BOOLEAN NOT NULL DEFAULT FALSE,
    status TEXT NOT NULL DEFAULT 'reported' CONSTRAINT incidents_status_check
        CHECK (status IN ('reported', 'acknowledged', 'referred', 'resolved', 'closed', 'rejected')),
    assignee_id BIGINT CONSTRAINT incidents_assignee_fkey REFERENCES volunteers (id),
    made_at BIGINT NOT NULL,
    received_at BIGINT NOT NULL
);
CREATE INDEX incidents_area_made_idx ON incidents (area_id, made_at);
CREATE INDEX incidents_status_made_idx ON incidents (status, made_at);
CREATE INDEX incidents_reporter_idx ON incidents (reporter_id, made_at);
CREATE TABLE incident_photos (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    incident_id BIGINT NOT NULL CONSTRAINT incident_photos_incident_fkey REFERENCES incidents (id) ON DELETE CASCADE,
    content_type TEXT NOT NULL CONSTRAINT incident_photos_type_check CHECK (content_type IN ('image/jpeg', 'image/png', 'image/webp')),
    width BIGINT NOT NULL,
    height BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    bytes BYTEA NOT NULL,
    CONSTRAINT incident_photos_incident_sha_key UNIQUE (incident_id, sha256)
);
CREATE TABLE incident_events (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    incident_id BIGINT NOT NULL CONSTRAINT incident_events_incident_fkey REFERENCES incidents (id) ON DELETE CASCADE,
    actor_id BIGINT NOT NULL CONSTRAINT incident_events_actor_fkey REFERENCES volunteers (id),
    at BIGINT NOT NULL,
    status TEXT NOT NULL,
    referred_to TEXT,
    note TEXT
);
CREATE INDEX incident_events_incident_idx ON incident_events (incident_id, at);

-- 星级志愿者 thresholds (configurable; defaults from the national scheme).
CREATE TABLE star_levels (
    stars BIGINT PRIMARY KEY CONSTRAINT star_levels_stars_check CHECK (stars BETWEEN 1 AND 5),
    min_hours BIGINT NOT NULL CONSTRAINT star_levels_hours_check CHECK (min_hours > 0)
);
INSERT INTO star_levels (stars, min_hours) VALUES (1, 100), (2, 300), (3, 600), (4, 1000), (5, 1500);

-- 表彰: a round with criteria, ranked candidates, 公示, and certificates with a serial number.
CREATE TABLE commendation_rounds (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    area_id BIGINT NOT NULL CONSTRAINT commendation_rounds_area_fkey REFERENCES areas (id) ON DELETE RESTRICT,
    name TEXT NOT NULL CONSTRAINT commendation_rounds_name_check CHECK (length(trim(name)) > 0),
    period_from DATE NOT NULL,
    period_until DATE NOT NULL,
    criteria TEXT NOT NULL DEFAULT '{}',
    state TEXT NOT NULL DEFAULT 'draft' CONSTRAINT commendation_rounds_state_check
        CHECK (state IN ('draft', 'review', 'notice', 'issued')),
    notice_until DATE,
    created_by BIGINT CONSTRAINT commendation_rounds_created_by_fkey REFERENCES volunteers (id),
    created_at BIGINT NOT NULL,
    CONSTRAINT commendation_rounds_area_name_key UNIQUE (area_id, name)
);
CREATE TABLE commendation_candidates (
    round_id BIGINT NOT NULL CONSTRAINT commendation_candidates_round_fkey REFERENCES commendation_rounds (id) ON DELETE CASCADE,
    volunteer_id BIGINT NOT NULL CONSTRAINT commendation_candidates_volunteer_fkey REFERENCES volunteers (id),
    rank BIGINT NOT NULL,
    score BIGINT NOT NULL,
    decision TEXT CONSTRAINT commendation_candidates_decision_check CHECK (decision IS NULL OR decision IN ('accepted', 'declined')),
    decision_reason TEXT,
    CONSTRAINT commendation_candidates_pkey PRIMARY KEY (round_id, volunteer_id)
);
CREATE TABLE certificates (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    serial TEXT NOT NULL CONSTRAINT certificates_serial_key UNIQUE,
    round_id BIGINT NOT NULL CONSTRAINT certificates_round_fkey REFERENCES commendation_rounds (id),
    volunteer_id BIGINT NOT NULL CONSTRAINT certificates_volunteer_fkey REFERENCES volunteers (id),
    issued_at BIGINT NOT NULL,
    CONSTRAINT certificates_round_volunteer_key UNIQUE (round_id, volunteer_id)
);

-- Who changed what: roles, registrations, areas, populations, hours. Append-only.
CREATE TABLE audit_log (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at BIGINT NOT NULL,
    actor_id BIGINT CONSTRAINT audit_log_actor_fkey REFERENCES volunteers (id),
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id BIGINT,
    area_id BIGINT CONSTRAINT audit_log_area_fkey REFERENCES areas (id),
    before_state TEXT,
    after_state TEXT
);
CREATE INDEX audit_log_at_idx ON audit_log (at);
CREATE INDEX audit_log_entity_idx ON audit_log (entity, entity_id, at);
CREATE INDEX audit_log_actor_idx ON audit_log (actor_id, at);
CREATE INDEX audit_log_area_idx ON audit_log (area_id, at);
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'audit_log_append_only' USING ERRCODE = 'integrity_constraint_violation'; END $$;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();

-- Sessions live in the database so any number of app servers can serve them. Only a hash of
-- the cookie's token is stored: a leaked table does not log anyone in.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    volunteer_id BIGINT NOT NULL CONSTRAINT sessions_volunteer_fkey REFERENCES volunteers (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_volunteer_idx ON sessions (volunteer_id);
CREATE INDEX sessions_expires_idx ON sessions (expires_at);

-- Failed logins per key (a hashed phone number or IP), for rate limiting across servers.
CREATE TABLE login_failures (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    key_hash TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX login_failures_key_at_idx ON login_failures (key_hash, at);

-- Results of requests a phone may re-send (offline outbox): the same key gets the same answer.
CREATE TABLE idempotency_keys (
    client_key TEXT PRIMARY KEY,
    volunteer_id BIGINT NOT NULL CONSTRAINT idempotency_keys_volunteer_fkey REFERENCES volunteers (id) ON DELETE CASCADE,
    operation TEXT NOT NULL,
    response TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);
