package domain

import "slices"

// russianCalendar is the official production calendar of one year for the
// five-day week: the non-working days and the moved working days.
type russianCalendar struct {
	// Source names the act the year's days come from; Decree and Signed
	// are the Government decree's number and day, empty when the year
	// holds the Labour Code alone.
	Source string
	Decree string
	Signed string
	// Holidays are the non-working public holidays of the Labour Code
	// (art. 112 part 1, whatever weekday they fall on) and the days off
	// moved onto weekdays (by the decree or by art. 112 part 2).
	Holidays []string
	// WorkingDays are the Saturdays or Sundays made working days.
	WorkingDays []string
}

// russianCalendars holds the calendars the code knows, by year. The public
// holidays are art. 112 of the Labour Code: 1–8 January, 23 February,
// 8 March, 1 and 9 May, 12 June, 4 November. Each year the Government moves
// the weekend days that coincide with the January holidays, and may move
// others, by a decree "О переносе выходных дней в … году"; otherwise a
// holiday on a weekend moves the day off to the next working day (art. 112
// part 2).
var russianCalendars = map[int]russianCalendar{
	// Decree of the Government of the Russian Federation of 4 October 2024
	// No. 1335: 4 Jan → Fri 2 May, 5 Jan → Wed 31 Dec, Sun 23 Feb → Thu
	// 8 May, Sat 8 Mar → Fri 13 Jun, Sat 1 Nov → Mon 3 Nov (1 Nov works).
	// 247 working days.
	2025: {
		Source: "Постановление Правительства РФ от 04.10.2024 № 1335",
		Decree: "1335", Signed: "2024-10-04",
		Holidays: []string{
			"2025-01-01", "2025-01-02", "2025-01-03", "2025-01-04", "2025-01-05", "2025-01-06", "2025-01-07", "2025-01-08",
			"2025-02-23", "2025-03-08",
			"2025-05-01", "2025-05-02", "2025-05-08", "2025-05-09",
			"2025-06-12", "2025-06-13",
			"2025-11-03", "2025-11-04",
			"2025-12-31",
		},
		WorkingDays: []string{"2025-11-01"},
	},
	// Decree of the Government of the Russian Federation of 24 September
	// 2025 No. 1466: Sat 3 Jan → Fri 9 Jan, Sun 4 Jan → Thu 31 Dec; Sun
	// 8 Mar → Mon 9 Mar and Sat 9 May → Mon 11 May by art. 112 part 2.
	// 247 working days, no working Saturday.
	2026: {
		Source: "Постановление Правительства РФ от 24.09.2025 № 1466",
		Decree: "1466", Signed: "2025-09-24",
		Holidays: []string{
			"2026-01-01", "2026-01-02", "2026-01-03", "2026-01-04", "2026-01-05", "2026-01-06", "2026-01-07", "2026-01-08", "2026-01-09",
			"2026-02-23",
			"2026-03-08", "2026-03-09",
			"2026-05-01", "2026-05-09", "2026-05-11",
			"2026-06-12",
			"2026-11-04",
			"2026-12-31",
		},
	},
	// 2027: the decree moving Sat 2 Jan and Sun 3 Jan was not in the sources
	// we could check when this table was written, so the year holds the
	// Labour Code alone: the holidays and the art. 112 part 2 moves (Sat
	// 1 May → Mon 3 May, Sun 9 May → Mon 10 May, Sat 12 Jun → Mon 14 Jun).
	// The two January days the decree will place are missing; a workspace
	// adds them in its calendar form once the decree is out.
	2027: {
		Source: "Трудовой кодекс РФ, ст. 112 (постановление о переносе на 2027 год не учтено)",
		Holidays: []string{
			"2027-01-01", "2027-01-02", "2027-01-03", "2027-01-04", "2027-01-05", "2027-01-06", "2027-01-07", "2027-01-08",
			"2027-02-23", "2027-03-08",
			"2027-05-01", "2027-05-03", "2027-05-09", "2027-05-10",
			"2027-06-12", "2027-06-14",
			"2027-11-04",
		},
	},
}

// RussianHolidays returns the official non-working days of Russia in year,
// sorted: the public holidays and the days off moved onto weekdays. It is
// nil for a year the table does not hold (RussianCalendarYears).
func RussianHolidays(year int) []Date {
	return parseDates(russianCalendars[year].Holidays)
}

// RussianWorkingDays returns the weekend days of year that Russia's
// calendar makes working days, sorted; nil when none or the year is unknown.
func RussianWorkingDays(year int) []Date {
	return parseDates(russianCalendars[year].WorkingDays)
}

// RussianCalendarSource names the act the calendar of year comes from;
// empty for a year the table does not hold.
func RussianCalendarSource(year int) string { return russianCalendars[year].Source }

// RussianDecree returns the number and the day of the Government decree
// that moves the days off of year; ok is false when the table holds the
// Labour Code alone for it, or not the year at all.
func RussianDecree(year int) (number string, signed Date, ok bool) {
	c := russianCalendars[year]
	if c.Decree == "" {
		return "", Date{}, false
	}
	return c.Decree, MustDate(c.Signed), true
}

// RussianCalendarYears lists the years the table holds, in order.
func RussianCalendarYears() []int {
	years := make([]int, 0, len(russianCalendars))
	for y := range russianCalendars {
		years = append(years, y)
	}
	slices.Sort(years)
	return years
}

func parseDates(ss []string) []Date {
	if len(ss) == 0 {
		return nil
	}
	ds := make([]Date, len(ss))
	for i, s := range ss {
		ds[i] = MustDate(s)
	}
	slices.SortFunc(ds, Date.Compare)
	return ds
}
