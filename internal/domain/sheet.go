package domain

import "time"

// Sheet statuses: today's sheet is a live draft; at cutoff+grace it becomes
// final and is never modified again.
const (
	SheetDraft = "draft"
	SheetFinal = "final"
)

// DaySheet is the control table of one working day: per manager, indicator
// values, rule outcomes and points. A final sheet is a ledger entry: it is
// stored once per version and never updated.
type DaySheet struct {
	Workspace string `json:"workspace"`
	Date      Date   `json:"date"`
	Status    string `json:"status"`
	// Version is 1 for the first finalization; each recomputation adds one.
	Version int `json:"version,omitempty"`
	// RegulationVersion is the effective day of the regulation used; zero
	// when no regulation was in force.
	RegulationVersion Date      `json:"regulation_version"`
	Cutoff            time.Time `json:"cutoff"`
	// Watermark is the moment up to which the CRM data was known complete
	// when the sheet was computed; Stale is set when it was before the cutoff.
	Watermark    time.Time   `json:"watermark,omitzero"`
	Stale        bool        `json:"stale"`
	ComputedAt   time.Time   `json:"computed_at,omitzero"`
	RequestedBy  string      `json:"requested_by,omitempty"`
	Reason       string      `json:"reason,omitempty"`
	UnknownUsers []string    `json:"unknown_crm_users,omitempty"`
	Lines        []SheetLine `json:"managers"`
}

// SheetLine is one manager's row of a day sheet. Points is what the rules
// gave, Adjustments the sum of that day's adjustments, Total both.
type SheetLine struct {
	Manager     string        `json:"manager"`
	Absent      bool          `json:"absent"`
	Values      Values        `json:"indicators"`
	Rules       []RuleOutcome `json:"rules"`
	Points      int           `json:"points"`
	Adjustments int           `json:"adjustments"`
	Total       int           `json:"total"`
}

// BuildSheet computes the draft sheet of working day d from the records the
// store selected for it. Managers are listed in workspace order; an absent
// manager gets a line with no rules and no points.
func BuildSheet(ws *Workspace, d Date, data *DayData) DaySheet {
	win := ws.Window(d)
	values, unknown := ComputeValues(ws, win, data)
	sheet := DaySheet{Workspace: ws.ID, Date: d, Status: SheetDraft, Cutoff: win.To, UnknownUsers: unknown}
	version, scored := ws.Regulation.At(d)
	if scored {
		sheet.RegulationVersion = version.Effective
	}
	sheet.Lines = make([]SheetLine, 0, len(ws.Managers))
	for i := range ws.Managers {
		m := &ws.Managers[i]
		line := SheetLine{Manager: m.ID, Values: *values[m.ID], Absent: m.AbsentOn(d)}
		if scored && !line.Absent {
			line.Rules, line.Points = version.Score(m, &line.Values)
		}
		if line.Rules == nil {
			line.Rules = []RuleOutcome{}
		}
		line.Total = line.Points
		sheet.Lines = append(sheet.Lines, line)
	}
	return sheet
}

// Line returns the line of manager id.
func (s *DaySheet) Line(manager string) (*SheetLine, bool) {
	for i := range s.Lines {
		if s.Lines[i].Manager == manager {
			return &s.Lines[i], true
		}
	}
	return nil, false
}

// ApplyAdjustments sets each line's Adjustments and Total from the
// adjustments of the sheet's day. It changes the in-memory view only: the
// stored sheet keeps the points the rules gave.
func (s *DaySheet) ApplyAdjustments(adjs []Adjustment) {
	for i := range s.Lines {
		s.Lines[i].Adjustments = 0
	}
	for _, a := range adjs {
		if a.Date != s.Date {
			continue
		}
		if l, ok := s.Line(a.Manager); ok {
			l.Adjustments += a.Points
		}
	}
	for i := range s.Lines {
		s.Lines[i].Total = s.Lines[i].Points + s.Lines[i].Adjustments
	}
}

// Adjustment is an audited manual correction of a manager's points on a day.
type Adjustment struct {
	ID        int64     `json:"id"`
	Workspace string    `json:"workspace"`
	Manager   string    `json:"manager"`
	Date      Date      `json:"date"`
	Points    int       `json:"points"`
	Reason    string    `json:"reason"`
	Author    string    `json:"author"`
	CreatedAt time.Time `json:"created_at"`
}

// Validate checks an adjustment against its workspace.
func (a *Adjustment) Validate(ws *Workspace) error {
	if a.Workspace != ws.ID {
		return Errorf(EINVALID, "adjustment: workspace %q does not match %q", a.Workspace, ws.ID)
	}
	if _, ok := ws.Manager(a.Manager); !ok {
		return Errorf(EINVALID, "adjustment: unknown manager %q in workspace %q", a.Manager, ws.ID)
	}
	if a.Date.IsZero() {
		return Errorf(EINVALID, "adjustment: date is required")
	}
	if a.Date.Year < 2000 {
		return Errorf(EINVALID, "adjustment: date %s is before 2000", a.Date)
	}
	if a.Points == 0 {
		return Errorf(EINVALID, "adjustment: points must not be zero")
	}
	if a.Points > MaxAdjustmentPoints || a.Points < -MaxAdjustmentPoints {
		return Errorf(EINVALID, "adjustment: points must be between -%d and %d, got %d", MaxAdjustmentPoints, MaxAdjustmentPoints, a.Points)
	}
	if a.Reason == "" {
		return Errorf(EINVALID, "adjustment: a reason is required")
	}
	if n := Runes(a.Reason); n > MaxTextRunes {
		return Errorf(EINVALID, "adjustment: a reason of at most %d characters, got %d", MaxTextRunes, n)
	}
	if a.Author == "" {
		return Errorf(EINVALID, "adjustment: the author is required")
	}
	return nil
}
