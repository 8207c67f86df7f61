package csvimport

import "time"

// parseTime reads the two time forms of the format without allocating:
//
//	2026-11-16T17:45:00+03:00   RFC 3339: an instant, whatever loc is
//	2026-11-16 17:45[:SS]       a local time in loc
//
// Seconds may carry a fraction (.123). The separator may be 'T' or a space in
// both forms, and the offset may be Z, ±HH:MM, ±HHMM or ±HH. A local time
// that a daylight-saving change skips or repeats is resolved as time.Date
// resolves it. The result is in UTC.
func parseTime(s string, loc *time.Location) (time.Time, bool) {
	if len(s) < len("2006-01-02 15:04") || s[4] != '-' || s[7] != '-' || s[13] != ':' {
		return time.Time{}, false
	}
	if sep := s[10]; sep != ' ' && sep != 'T' && sep != 't' {
		return time.Time{}, false
	}
	year, ok1 := atoi(s[0:4])
	month, ok2 := atoi(s[5:7])
	day, ok3 := atoi(s[8:10])
	hour, ok4 := atoi(s[11:13])
	minute, ok5 := atoi(s[14:16])
	if !(ok1 && ok2 && ok3 && ok4 && ok5) {
		return time.Time{}, false
	}
	rest := s[16:]
	second, nsec := 0, 0
	if len(rest) >= 3 && rest[0] == ':' {
		var ok bool
		if second, ok = atoi(rest[1:3]); !ok {
			return time.Time{}, false
		}
		rest = rest[3:]
		if len(rest) > 0 && (rest[0] == '.' || rest[0] == ',') {
			i, scale := 1, 100_000_000
			for ; i < len(rest) && rest[i] >= '0' && rest[i] <= '9'; i++ {
				nsec += int(rest[i]-'0') * scale
				scale /= 10
			}
			if i == 1 {
				return time.Time{}, false
			}
			rest = rest[i:]
		}
	}
	if month < 1 || month > 12 || day < 1 || day > daysIn(time.Month(month), year) ||
		hour > 23 || minute > 59 || second > 59 {
		return time.Time{}, false
	}
	if rest == "" {
		return time.Date(year, time.Month(month), day, hour, minute, second, nsec, loc).UTC(), true
	}
	offset, ok := parseOffset(rest)
	if !ok {
		return time.Time{}, false
	}
	t := time.Date(year, time.Month(month), day, hour, minute, second, nsec, time.UTC)
	return t.Add(-time.Duration(offset) * time.Second), true
}

// parseOffset reads Z, ±HH:MM, ±HHMM or ±HH as seconds east of UTC.
func parseOffset(s string) (int, bool) {
	if s == "Z" || s == "z" {
		return 0, true
	}
	if len(s) < 3 || (s[0] != '+' && s[0] != '-') {
		return 0, false
	}
	h, ok := atoi(s[1:3])
	if !ok || h > 23 {
		return 0, false
	}
	m := 0
	switch rest := s[3:]; {
	case rest == "":
	case len(rest) == 3 && rest[0] == ':':
		m, ok = atoi(rest[1:])
	case len(rest) == 2:
		m, ok = atoi(rest)
	default:
		ok = false
	}
	if !ok || m > 59 {
		return 0, false
	}
	off := h*3600 + m*60
	if s[0] == '-' {
		off = -off
	}
	return off, true
}

// atoi parses a short run of decimal digits.
func atoi(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i] - '0'
		if c > 9 {
			return 0, false
		}
		n = n*10 + int(c)
	}
	return n, len(s) > 0
}

// daysIn returns the number of days of month m in year y.
func daysIn(m time.Month, y int) int {
	switch m {
	case time.February:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case time.April, time.June, time.September, time.November:
		return 30
	}
	return 31
}
