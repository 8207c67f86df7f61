// Package store persists reglament's workspaces, records, day sheets,
// adjustments and audit trail in SQLite (the embedded default) or PostgreSQL
// (production), with hand-written SQL on database/sql.
//
// Both dialects share one schema shape: times are BIGINT Unix microseconds
// in UTC (NULL for the zero time), dates are TEXT YYYY-MM-DD and decimals are
// TEXT. Most statements are written once with $n placeholders, which both
// drivers accept. Every public method that writes more than one row runs in
// one transaction.
package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"net/url"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"reglament/internal/domain"
)

// Dialects a Store can speak.
const (
	SQLite   = "sqlite"
	Postgres = "postgres"
)

// Store is reglament's persistence layer over one SQLite or PostgreSQL
// database. It is safe for concurrent use.
type Store struct {
	db      *sql.DB
	dialect string
	upserts map[string]*recordTable // record tables by kind, with their SQL
	oneConn bool                    // the pool holds one connection (SQLite :memory:)
	pg      *pgConnector            // the bounded pool of a PostgreSQL store
}

//go:embed migrations
var migrations embed.FS

// sqlitePragmas are set on every pooled SQLite connection: WAL so that
// readers never block the writer, a busy timeout so that writers queue
// instead of failing, foreign keys, and BEGIN IMMEDIATE for read-write
// transactions so that a transaction that reads before it writes cannot
// deadlock against another writer.
//
// The rest is for speed, measured by internal/bench. The default page cache
// (2 MB) is far smaller than one day's index pages at a thousand managers,
// so a finalization paged them in through pread again and again, and an
// import of 100k records spilled dirty pages to the WAL mid-transaction: a
// 64 MiB cache per connection (allocated only as pages are read) holds
// them. Memory-mapping the file up to 1 GiB serves reads from the OS page
// cache without a copy. Temporary storage is a file (which SQLite keeps in
// memory until it outgrows the cache) for reads: with temp_store=MEMORY the
// sorter behind every GROUP BY allocated each row apart, and the reads of a
// finalization on two connections fought over the allocator's lock. At a
// thousand managers, FILE took a finalization from 150–185 to 104–143 ms
// and recomputing a month from 3.5–4.7 to 2.6–2.8 s (internal/bench).
// Writes switch to memory for their transaction (see writeConn).
const sqlitePragmas = "_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_txlock=immediate" +
	"&_pragma=cache_size(-65536)&_pragma=mmap_size(1073741824)&_pragma=temp_store(FILE)"

// Open connects to the database named by dsn and brings its schema up to
// date. A dsn starting with postgres:// or postgresql:// selects PostgreSQL;
// sqlite://PATH or a bare path selects SQLite. Open refuses a database whose
// schema is newer than this binary knows. A PostgreSQL store's connections
// are bounded by the default Pool (see OpenPool).
func Open(ctx context.Context, dsn string) (*Store, error) {
	return OpenPool(ctx, dsn, Pool{})
}

// OpenPool is Open with the bounds of a PostgreSQL store's connections
// given; SQLite ignores them.
func OpenPool(ctx context.Context, dsn string, pool Pool) (*Store, error) {
	s := &Store{}
	var driver, source string
	switch {
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		s.dialect, driver, source = Postgres, "pgx", dsn
	default:
		s.dialect, driver = SQLite, "sqlite"
		source = strings.TrimPrefix(dsn, "sqlite://")
		if source == "" {
			return nil, errors.New("store: open: empty SQLite path")
		}
		sep := "?"
		if strings.Contains(source, "?") {
			sep = "&"
		}
		source += sep + sqlitePragmas
	}
	var db *sql.DB
	var err error
	if s.dialect == Postgres {
		db, s.pg, err = openPostgres(ctx, dsn, pool)
	} else {
		db, err = sql.Open(driver, source)
	}
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", s.dialect, err)
	}
	if s.dialect == SQLite && strings.HasPrefix(strings.TrimPrefix(dsn, "sqlite://"), ":memory:") {
		// Every connection to :memory: is a database of its own.
		db.SetMaxOpenConns(1)
		s.oneConn = true
	}
	s.db = db
	s.upserts = recordTables(s.dialect)
	if err := db.PingContext(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("store: open %s: %w", s.dialect, err)
	}
	if err := s.migrate(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// Close closes the database.
func (s *Store) Close() error {
	err := s.db.Close()
	if s.pg != nil {
		s.pg.pool.Close()
	}
	return err
}

// Bounds of a PostgreSQL store's connections when Pool leaves them zero.
const (
	// DefaultMaxConns is well under PostgreSQL's default max_connections
	// (100), so that a few instances, psql and the backups still fit.
	DefaultMaxConns = 20
	// DefaultMaxWaiting lets a burst of five times the pool queue.
	DefaultMaxWaiting = 100
	// DefaultMaxWait is a third of the web's request timeout (30 s).
	DefaultMaxWait = 10 * time.Second
)

// Pool bounds a PostgreSQL store's connections. Without a bound, 250
// concurrent requests opened connections until PostgreSQL refused them
// ("sorry, too many clients already"), for every other client of the
// server too (issue 14). With one, an operation waits its turn for one of
// MaxConns connections; when MaxWaiting wait already, or it has waited
// MaxWait (or its context's deadline has come), it is refused with an
// *OverloadedError, which the web answers with 503 and Retry-After.
type Pool struct {
	// MaxConns is the most connections open at once: 0 means the DSN's
	// pool_max_conns, or else DefaultMaxConns.
	MaxConns int
	// MaxWaiting is the most operations waiting for a connection at once
	// (0: DefaultMaxWaiting).
	MaxWaiting int
	// MaxWait is the longest an operation waits for a connection (0:
	// DefaultMaxWait).
	MaxWait time.Duration
}

// OverloadedError is an operation refused because every connection of
// the pool was in use and too many operations waited already, or this one
// waited too long, or PostgreSQL itself had no connection left.
type OverloadedError struct {
	Waiting    int           // operations waiting for a connection when it was refused
	Waited     time.Duration // how long it waited
	RetryAfter time.Duration // when a retry may find a connection
}

func (e *OverloadedError) Error() string {
	return fmt.Sprintf("store: database busy: %d operations waiting for a connection, waited %s", e.Waiting, e.Waited.Round(time.Millisecond))
}

// PoolStats is a snapshot of a PostgreSQL store's connections.
type PoolStats struct {
	MaxConns int   // the bound
	Open     int   // connections open (idle, in use or being opened)
	InUse    int   // connections in use
	Waiting  int   // operations waiting for a connection (or being given one)
	Refused  int64 // operations refused as OverloadedError so far
}

// PoolStats reports the pool of a PostgreSQL store; zero for SQLite.
func (s *Store) PoolStats() PoolStats {
	if s.pg == nil {
		return PoolStats{}
	}
	st := s.pg.pool.Stat()
	return PoolStats{MaxConns: int(st.MaxConns()), Open: int(st.TotalConns()), InUse: int(st.AcquiredConns()),
		Waiting: int(s.pg.waiting.Load()), Refused: s.pg.refused.Load()}
}

// pgConnector gives database/sql the connections of a pgxpool, which holds
// at most MaxConns. database/sql keeps none idle itself (every connection
// goes back to pgxpool when released), so each operation asks Connect for
// one: the one place to count those waiting and refuse the surplus.
type pgConnector struct {
	driver.Connector
	pool       *pgxpool.Pool
	maxWaiting int64
	maxWait    time.Duration
	waiting    atomic.Int64
	refused    atomic.Int64
}

// openPostgres opens the bounded pool of a PostgreSQL store.
func openPostgres(ctx context.Context, dsn string, p Pool) (*sql.DB, *pgConnector, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, nil, err
	}
	switch u, _ := url.Parse(dsn); {
	case p.MaxConns > 0:
		cfg.MaxConns = int32(min(p.MaxConns, math.MaxInt32))
	case u == nil || !u.Query().Has("pool_max_conns"):
		cfg.MaxConns = DefaultMaxConns
	}
	if p.MaxWaiting <= 0 {
		p.MaxWaiting = DefaultMaxWaiting
	}
	if p.MaxWait <= 0 {
		p.MaxWait = DefaultMaxWait
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, nil, err
	}
	c := &pgConnector{Connector: stdlib.GetPoolConnector(pool), pool: pool, maxWaiting: int64(p.MaxWaiting), maxWait: p.MaxWait}
	db := sql.OpenDB(c)
	db.SetMaxIdleConns(0) // idle connections stay in pgxpool, shared by all
	return db, c, nil
}

// errWaitedTooLong ends a wait for a connection longer than MaxWait.
var errWaitedTooLong = errors.New("waited too long for a connection")

// Connect takes a connection from the pool, waiting its turn.
func (c *pgConnector) Connect(ctx context.Context) (driver.Conn, error) {
	// Those in Connect are waiting, but for the ones a free connection
	// is about to be handed to.
	st := c.pool.Stat()
	free := max(0, int64(st.MaxConns()-st.AcquiredConns()))
	n := c.waiting.Add(1)
	defer c.waiting.Add(-1)
	if n > c.maxWaiting+free {
		c.refused.Add(1)
		return nil, &OverloadedError{Waiting: int(n - 1), RetryAfter: time.Second}
	}
	start := time.Now()
	wctx, cancel := context.WithTimeoutCause(ctx, c.maxWait, errWaitedTooLong)
	defer cancel()
	conn, err := c.Connector.Connect(wctx)
	if err == nil {
		return conn, nil
	}
	var pgErr *pgconn.PgError
	tooMany := errors.As(err, &pgErr) && pgErr.Code == "53300" // too_many_connections
	// A wait ended by its own deadline or the request's is an overload; a
	// cancelled request (the client went away) is not.
	if tooMany || wctx.Err() != nil && !errors.Is(ctx.Err(), context.Canceled) {
		c.refused.Add(1)
		return nil, &OverloadedError{Waiting: int(c.waiting.Load() - 1), Waited: time.Since(start), RetryAfter: 5 * time.Second}
	}
	return nil, err
}

// Dialect returns "sqlite" or "postgres".
func (s *Store) Dialect() string { return s.dialect }

// DB returns the underlying database, for tests and diagnostics.
func (s *Store) DB() *sql.DB { return s.db }

// migration is one numbered schema change.
type migration struct {
	version int
	name    string
	sql     string
}

// loadMigrations returns the embedded migrations of dialect in order.
func loadMigrations(dialect string) ([]migration, error) {
	dir := path.Join("migrations", dialect)
	entries, err := fs.ReadDir(migrations, dir)
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || !strings.HasSuffix(e.Name(), ".sql") {
			return nil, fmt.Errorf("migration %s: want NNNN_name.sql", e.Name())
		}
		b, err := migrations.ReadFile(path.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{version: v, name: e.Name(), sql: string(b)})
	}
	slices.SortFunc(ms, func(a, b migration) int { return a.version - b.version })
	return ms, nil
}

// migrate applies the migrations the database lacks, all in one
// transaction, and records each version in schema_version.
func (s *Store) migrate(ctx context.Context) error {
	ms, err := loadMigrations(s.dialect)
	if err == nil && len(ms) == 0 {
		err = errors.New("no migrations embedded")
	}
	if err != nil {
		return fmt.Errorf("store: migrate %s: %w", s.dialect, err)
	}
	latest := ms[len(ms)-1].version
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	if err := s.migrateTx(ctx, tx, ms, latest); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

// migrateTx applies, in tx, the migrations the database lacks.
func (s *Store) migrateTx(ctx context.Context, tx *sql.Tx, ms []migration, latest int) error {
	if s.dialect == Postgres {
		// Instances starting together must not migrate twice.
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(7234017283807667300)`); err != nil {
			return fmt.Errorf("store: migrate: %w", err)
		}
	}
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_version (
		version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)`); err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	// Every migration not recorded yet is applied, not only those above
	// the highest recorded one: migrations written in parallel may land
	// out of order (a database at 1 and 3 still needs 2).
	applied := make(map[int]bool)
	current := 0
	err := queryRows(ctx, tx, `SELECT version FROM schema_version`, nil, func(rows *sql.Rows) error {
		var v int
		if err := rows.Scan(&v); err != nil {
			return err
		}
		applied[v], current = true, max(current, v)
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	if current > latest {
		return fmt.Errorf("store: database schema version %d is newer than version %d this binary knows: upgrade reglament", current, latest)
	}
	for _, m := range ms {
		if applied[m.version] {
			continue
		}
		if _, err := tx.ExecContext(ctx, m.sql); err != nil {
			return fmt.Errorf("store: migrate %s: %w", m.name, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_version (version, applied_at) VALUES ($1, $2)`,
			m.version, time.Now().UnixMicro()); err != nil {
			return fmt.Errorf("store: migrate %s: %w", m.name, err)
		}
	}
	return nil
}

// write runs fn in a read-write transaction, committing when fn returns nil.
func (s *Store) write(ctx context.Context, fn func(tx *sql.Tx) error) error {
	return s.writeConn(ctx, func(_ *sql.Conn, tx *sql.Tx) error { return fn(tx) })
}

// writeConn is write on a connection of its own, which fn gets too: a
// driver-level operation such as PostgreSQL's COPY must run on the
// connection of the transaction to be part of it.
//
// On SQLite a write keeps its temporary storage in memory, then gives the
// connection back with temporary files (see sqlitePragmas): every
// multi-row upsert writes a statement journal, which in files made an
// import of 100,000 activities take 1.04–1.12 s against 0.64–0.74 s.
func (s *Store) writeConn(ctx context.Context, fn func(conn *sql.Conn, tx *sql.Tx) error) error {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if s.dialect == SQLite {
		if _, err := conn.ExecContext(ctx, `PRAGMA temp_store = MEMORY`); err != nil {
			return err
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), `PRAGMA temp_store = FILE`)
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(conn, tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

// read runs fn in a read-only transaction, so that a multi-query read sees
// one snapshot.
func (s *Store) read(ctx context.Context, fn func(tx *sql.Tx) error) error {
	return s.transact(ctx, &sql.TxOptions{ReadOnly: true}, fn)
}

// dayPart is one query of a day's read (readSnapshot). Parts of one read
// may run at once, each on its own transaction, so each writes only its
// own results.
type dayPart func(ctx context.Context, tx *sql.Tx) error

// readSnapshot checks that workspace exists, reading its data watermark,
// and runs parts on up to conns transactions at once (see readConns),
// taking the next part as each finishes, all reading one snapshot of the
// database: the watermark returned is that snapshot's. The first error
// cancels the rest.
//
// The snapshot is shared as each dialect allows:
//   - PostgreSQL: repeatable-read transactions, the first exporting its
//     snapshot (pg_export_snapshot) and the others importing it (SET
//     TRANSACTION SNAPSHOT), as pg_dump does;
//   - SQLite, several connections: the first transaction takes the write
//     lock (BEGIN IMMEDIATE) and holds it until every part is done. No
//     other connection can commit meanwhile, so the read transactions
//     begun after it see the same, latest, state. Writers wait (up to the
//     busy timeout) for the read: a fraction of a second at a thousand
//     managers.
func (s *Store) readSnapshot(ctx context.Context, workspace string, conns int, parts []dayPart) (watermark time.Time, err error) {
	conns = max(1, min(conns, len(parts)))
	txs, err := s.beginSnapshot(ctx, conns)
	if err != nil {
		return time.Time{}, err
	}
	defer func() {
		for _, tx := range txs {
			tx.Rollback() // read only: nothing to commit
		}
	}()
	var w sql.NullInt64
	err = txs[0].QueryRowContext(ctx, `SELECT watermark FROM workspaces WHERE id = $1`, workspace).Scan(&w)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, domain.Errorf(domain.ENOTFOUND, "workspace %q not found", workspace)
	}
	if err != nil {
		return time.Time{}, err
	}
	watermark = fromMicros(w)
	if len(txs) == 1 {
		for _, part := range parts {
			if err := part(ctx, txs[0]); err != nil {
				return time.Time{}, err
			}
		}
		return watermark, nil
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	next := make(chan dayPart, len(parts))
	for _, part := range parts {
		next <- part
	}
	close(next)
	var first error
	var once sync.Once
	var wg sync.WaitGroup
	for _, tx := range txs {
		wg.Go(func() {
			for part := range next {
				if err := part(ctx, tx); err != nil {
					once.Do(func() { first = err })
					cancel()
					return
				}
			}
		})
	}
	wg.Wait()
	if first != nil {
		return time.Time{}, first
	}
	return watermark, nil
}

// snapshotID is the form of a PostgreSQL snapshot id, checked before it is
// written into SET TRANSACTION SNAPSHOT (which takes no parameter).
var snapshotID = regexp.MustCompile(`^[0-9A-F]+-[0-9A-F]+(-[0-9A-F]+)?$`)

// beginSnapshot begins n transactions that read one snapshot (see
// readSnapshot). On PostgreSQL parallel query workers are off in them:
// they cost more to start than they save on a day's rows (with them the
// activity aggregate took three times as long on a 2-core machine).
func (s *Store) beginSnapshot(ctx context.Context, n int) (txs []*sql.Tx, err error) {
	defer func() {
		if err != nil {
			for _, tx := range txs {
				tx.Rollback()
			}
			txs = nil
		}
	}()
	begin := func(opts *sql.TxOptions) (*sql.Tx, error) {
		tx, err := s.db.BeginTx(ctx, opts)
		if err == nil {
			txs = append(txs, tx)
		}
		return tx, err
	}
	if s.dialect == SQLite {
		// Every read-write transaction here is BEGIN IMMEDIATE (the
		// _txlock pragma): the first one fences off writers.
		opts := &sql.TxOptions{ReadOnly: n == 1}
		for range n {
			if _, err := begin(opts); err != nil {
				return txs, err
			}
			opts = &sql.TxOptions{ReadOnly: true}
		}
		return txs, nil
	}
	opts := &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true}
	first, err := begin(opts)
	if err != nil {
		return txs, err
	}
	var id string
	if n > 1 {
		if err := first.QueryRowContext(ctx, `SELECT pg_export_snapshot()`).Scan(&id); err != nil {
			return txs, err
		}
		if !snapshotID.MatchString(id) {
			return txs, fmt.Errorf("unexpected snapshot id %q", id)
		}
	}
	for range n - 1 {
		tx, err := begin(opts)
		if err != nil {
			return txs, err
		}
		if _, err := tx.ExecContext(ctx, `SET TRANSACTION SNAPSHOT '`+id+`'`); err != nil {
			return txs, err
		}
	}
	for _, tx := range txs {
		if _, err := tx.ExecContext(ctx, `SET LOCAL max_parallel_workers_per_gather = 0`); err != nil {
			return txs, err
		}
	}
	return txs, nil
}

func (s *Store) transact(ctx context.Context, opts *sql.TxOptions, fn func(tx *sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, opts)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

// lockWorkspace serializes the read-check-write transactions of one
// workspace (apply, finalize, recompute) across processes. SQLite needs no
// lock: its read-write transactions already run one at a time.
func (s *Store) lockWorkspace(ctx context.Context, tx *sql.Tx, id string) error {
	if s.dialect != Postgres {
		return nil
	}
	_, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(1919248748, hashtext($1))`, id)
	return err
}

// requireWorkspace returns ENOTFOUND unless workspace id exists.
func requireWorkspace(ctx context.Context, tx *sql.Tx, id string) error {
	var one int
	err := tx.QueryRowContext(ctx, `SELECT 1 FROM workspaces WHERE id = $1`, id).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return domain.Errorf(domain.ENOTFOUND, "workspace %q not found", id)
	}
	return err
}

// isUniqueViolation reports whether err is a primary key or unique
// constraint violation.
func isUniqueViolation(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == "23505"
	}
	var liteErr *sqlite.Error
	if errors.As(err, &liteErr) {
		return liteErr.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || liteErr.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}

// micros converts t to stored Unix microseconds; the zero time is NULL.
func micros(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixMicro()
}

// fromMicros converts stored Unix microseconds back to a UTC time.
func fromMicros(n sql.NullInt64) time.Time {
	if !n.Valid {
		return time.Time{}
	}
	return time.UnixMicro(n.Int64).UTC()
}

// nullDate converts a date to TEXT, the zero date to NULL.
func nullDate(d domain.Date) any {
	if d.IsZero() {
		return nil
	}
	return d.String()
}

// parseNullDate reads a date stored by nullDate.
func parseNullDate(s sql.NullString) (domain.Date, error) {
	if !s.Valid || s.String == "" {
		return domain.Date{}, nil
	}
	return domain.ParseDate(s.String)
}
