-- When a key was last used, for the owner's API keys page ("last used"). Written at most once a
-- minute per key, so a busy key costs the API one small UPDATE a minute, not one per request.
ALTER TABLE api_keys ADD COLUMN last_used_at TIMESTAMPTZ;
