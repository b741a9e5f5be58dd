-- The people who may sign in to the ops console (/ops on the management port). The password is
-- stored only as Spring Security's delegating encoder writes it ("{bcrypt}$2a$..."), so a later
-- change of algorithm can coexist with old hashes.
CREATE TABLE ops_users (
    name          text PRIMARY KEY,
    password_hash text NOT NULL,
    created_at    timestamptz NOT NULL
);
