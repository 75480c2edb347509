-- Codes texted before an application is stored (issue #13): one live code per number, kept as
-- a MAC (never the digits), with its expiry and the wrong tries so far.
CREATE TABLE phone_codes (
    phone TEXT PRIMARY KEY,
    code_mac TEXT NOT NULL,
    sent_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    tries BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX phone_codes_expires_idx ON phone_codes (expires_at);
