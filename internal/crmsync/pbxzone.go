package crmsync

import (
	"sync"
	"time"
)

// DefaultZoneTTL is how long a ZoneCache keeps a Zadarma account's time
// zone: at the default sync every 5 minutes, 1 request of info/timezone
// an hour instead of 12. The zone is a fixed offset read from the
// account's clock, so an hour also bounds how long a change of offset
// (a summer time switch, a new zone in the account's settings) goes
// unseen.
const DefaultZoneTTL = time.Hour

// ZoneCache remembers the time zones of the telephone exchange accounts
// (Zadarma's info/timezone) between syncs, each for a TTL: a Syncer builds
// a new client every sync, and without it every sync would ask again. It
// is safe for concurrent use; a long-lived Syncer (serve's) holds one.
type ZoneCache struct {
	ttl time.Duration

	mu    sync.Mutex
	zones map[string]cachedZone
}

type cachedZone struct {
	loc   *time.Location
	until time.Time
}

// NewZoneCache returns an empty cache keeping each zone for ttl
// (DefaultZoneTTL when not positive).
func NewZoneCache(ttl time.Duration) *ZoneCache {
	if ttl <= 0 {
		ttl = DefaultZoneTTL
	}
	return &ZoneCache{ttl: ttl, zones: map[string]cachedZone{}}
}

// get returns the zone kept for key, nil when none is or it expired. A
// nil cache keeps nothing.
func (z *ZoneCache) get(key string, now time.Time) *time.Location {
	if z == nil {
		return nil
	}
	z.mu.Lock()
	defer z.mu.Unlock()
	c, ok := z.zones[key]
	if !ok || !now.Before(c.until) {
		delete(z.zones, key)
		return nil
	}
	return c.loc
}

// put keeps loc for key from now for the cache's TTL.
func (z *ZoneCache) put(key string, loc *time.Location, now time.Time) {
	if z == nil || loc == nil {
		return
	}
	z.mu.Lock()
	defer z.mu.Unlock()
	z.zones[key] = cachedZone{loc: loc, until: now.Add(z.ttl)}
}
