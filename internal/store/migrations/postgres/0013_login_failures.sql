-- Failed logins, shared by every instance: a password guesser meets one
-- limit however many processes serve the database, and a restart does not
-- forget the count. The key is a hash of the account and the client
-- address (auth.Throttle), never the address itself.
CREATE TABLE login_failures (
	key TEXT NOT NULL,
	at  BIGINT NOT NULL
);
CREATE INDEX login_failures_key ON login_failures (key, at);
CREATE INDEX login_failures_at ON login_failures (at);
