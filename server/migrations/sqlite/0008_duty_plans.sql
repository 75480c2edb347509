-- Sensitive-period duty plans (issue #14). A period names its sites and its day's time slots;
-- its demand is one cell per site, day and slot; volunteers answer their availability once per
-- period; the generated roster is a draft until published, when it becomes ordinary shifts
-- (shifts.duty_period_id) and assignments.

-- The early per-site need had no day: one cell per site, day and slot replaces it.
DROP TABLE duty_period_needs;

ALTER TABLE duty_periods ADD COLUMN status TEXT NOT NULL DEFAULT 'draft'
    CONSTRAINT duty_periods_status_check CHECK (status IN ('draft', 'published', 'running', 'closed'));
ALTER TABLE duty_periods ADD COLUMN assembly TEXT NOT NULL DEFAULT '';
ALTER TABLE duty_periods ADD COLUMN dress TEXT NOT NULL DEFAULT '';
ALTER TABLE duty_periods ADD COLUMN notes TEXT NOT NULL DEFAULT '';
ALTER TABLE duty_periods ADD COLUMN copied_from BIGINT
    CONSTRAINT duty_periods_copied_from_fkey REFERENCES duty_periods (id) ON DELETE SET NULL;
CREATE UNIQUE INDEX duty_periods_area_name_key ON duty_periods (area_id, name);

CREATE TABLE duty_period_slots (
    duty_period_id BIGINT NOT NULL CONSTRAINT duty_period_slots_period_fkey REFERENCES duty_periods (id) ON DELETE CASCADE,
    ordinal BIGINT NOT NULL CONSTRAINT duty_period_slots_ordinal_check CHECK (ordinal BETWEEN 0 AND 7),
    start_min BIGINT NOT NULL CONSTRAINT duty_period_slots_start_check CHECK (start_min BETWEEN 0 AND 1439),
    end_min BIGINT NOT NULL CONSTRAINT duty_period_slots_end_check CHECK (end_min BETWEEN 1 AND 2880),
    CONSTRAINT duty_period_slots_pkey PRIMARY KEY (duty_period_id, ordinal),
    CONSTRAINT duty_period_slots_window_check CHECK (end_min > start_min)
);

CREATE TABLE duty_period_sites (
    duty_period_id BIGINT NOT NULL CONSTRAINT duty_period_sites_period_fkey REFERENCES duty_periods (id) ON DELETE CASCADE,
    site_id BIGINT NOT NULL CONSTRAINT duty_period_sites_site_fkey REFERENCES sites (id) ON DELETE RESTRICT,
    CONSTRAINT duty_period_sites_pkey PRIMARY KEY (duty_period_id, site_id)
);

CREATE TABLE duty_cells (
    duty_period_id BIGINT NOT NULL,
    site_id BIGINT NOT NULL,
    day BIGINT NOT NULL CONSTRAINT duty_cells_day_check CHECK (day BETWEEN 0 AND 30),
    slot BIGINT NOT NULL CONSTRAINT duty_cells_slot_check CHECK (slot BETWEEN 0 AND 7),
    min_count BIGINT NOT NULL CONSTRAINT duty_cells_min_check CHECK (min_count BETWEEN 0 AND 500),
    target_count BIGINT NOT NULL CONSTRAINT duty_cells_target_check CHECK (target_count BETWEEN min_count AND 500),
    leaders BIGINT NOT NULL DEFAULT 0 CONSTRAINT duty_cells_leaders_check CHECK (leaders BETWEEN 0 AND min_count),
    skill TEXT,
    -- The shift the cell became when the roster was published.
    shift_id BIGINT CONSTRAINT duty_cells_shift_fkey REFERENCES shifts (id) ON DELETE SET NULL,
    CONSTRAINT duty_cells_pkey PRIMARY KEY (duty_period_id, site_id, day, slot),
    CONSTRAINT duty_cells_site_fkey FOREIGN KEY (duty_period_id, site_id)
        REFERENCES duty_period_sites (duty_period_id, site_id) ON DELETE CASCADE
);

-- One row per person and period: `answers` holds one letter per day and slot, day-major
-- ('y' 能来, 'm' 看情况, 'n' 不能来), so a whole answer is written at once.
CREATE TABLE duty_answers (
    duty_period_id BIGINT NOT NULL CONSTRAINT duty_answers_period_fkey REFERENCES duty_periods (id) ON DELETE CASCADE,
    volunteer_id BIGINT NOT NULL CONSTRAINT duty_answers_volunteer_fkey REFERENCES volunteers (id) ON DELETE CASCADE,
    answers TEXT NOT NULL CONSTRAINT duty_answers_answers_check CHECK (length(answers) BETWEEN 1 AND 248),
    most_slots BIGINT CONSTRAINT duty_answers_most_check CHECK (most_slots IS NULL OR most_slots BETWEEN 1 AND 248),
    answered_at BIGINT NOT NULL,
    CONSTRAINT duty_answers_pkey PRIMARY KEY (duty_period_id, volunteer_id)
);

-- The draft roster. One person is in one cell per day and slot (the key says so).
CREATE TABLE duty_roster (
    duty_period_id BIGINT NOT NULL,
    site_id BIGINT NOT NULL,
    day BIGINT NOT NULL,
    slot BIGINT NOT NULL,
    volunteer_id BIGINT NOT NULL CONSTRAINT duty_roster_volunteer_fkey REFERENCES volunteers (id) ON DELETE CASCADE,
    as_leader BOOLEAN NOT NULL DEFAULT FALSE,
    -- Placed by hand or kept on purpose: a re-generation leaves it.
    locked BOOLEAN NOT NULL DEFAULT FALSE,
    CONSTRAINT duty_roster_pkey PRIMARY KEY (duty_period_id, volunteer_id, day, slot),
    CONSTRAINT duty_roster_cell_fkey FOREIGN KEY (duty_period_id, site_id, day, slot)
        REFERENCES duty_cells (duty_period_id, site_id, day, slot) ON DELETE CASCADE
);
CREATE INDEX duty_roster_cell_idx ON duty_roster (duty_period_id, site_id, day, slot);

-- Special-duty credit (勤务积分): the multiplier a period's level carried when it was created
-- (later changes to the configuration do not rewrite finished periods), and the credit itself,
-- append-only beside the hours ledger and never inside it — hours stay the time actually given.
ALTER TABLE duty_periods ADD COLUMN credit_bp BIGINT NOT NULL DEFAULT 10000
    CONSTRAINT duty_periods_credit_check CHECK (credit_bp BETWEEN 10000 AND 50000);
CREATE TABLE duty_credits (
    id INTEGER PRIMARY KEY,
    volunteer_id BIGINT NOT NULL CONSTRAINT duty_credits_volunteer_fkey REFERENCES volunteers (id) ON DELETE RESTRICT,
    assignment_id BIGINT NOT NULL CONSTRAINT duty_credits_assignment_fkey REFERENCES assignments (id) ON DELETE RESTRICT,
    duty_period_id BIGINT NOT NULL CONSTRAINT duty_credits_period_fkey REFERENCES duty_periods (id) ON DELETE RESTRICT,
    served_minutes BIGINT NOT NULL CONSTRAINT duty_credits_served_check CHECK (served_minutes >= 0),
    multiplier_bp BIGINT NOT NULL,
    credit_minutes BIGINT NOT NULL CONSTRAINT duty_credits_credit_check CHECK (credit_minutes >= 0),
    recorded_at BIGINT NOT NULL,
    served_on DATE NOT NULL,
    CONSTRAINT duty_credits_assignment_key UNIQUE (assignment_id)
);
CREATE INDEX duty_credits_volunteer_idx ON duty_credits (volunteer_id, served_on);
CREATE TRIGGER duty_credits_no_update BEFORE UPDATE ON duty_credits
BEGIN SELECT RAISE(ABORT, 'duty_credits_append_only'); END;
CREATE TRIGGER duty_credits_no_delete BEFORE DELETE ON duty_credits
BEGIN SELECT RAISE(ABORT, 'duty_credits_append_only'); END;
