-- Failed logins (see the PostgreSQL migration): kept in the database so that
-- a restart does not forget the count. The key is a hash of the account and
-- the client address (auth.Throttle), never the address itself.
CREATE TABLE login_failures (
	key TEXT NOT NULL,
	at  INTEGER NOT NULL
) STRICT;
CREATE INDEX login_failures_key ON login_failures (key, at);
CREATE INDEX login_failures_at ON login_failures (at);
