package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"

	"reglament/internal/auth"
	"reglament/internal/config"
	"reglament/internal/domain"
	"reglament/internal/i18n"
)

func writeJSON(w http.ResponseWriter, status int, v any) error {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// readJSON decodes a request body strictly: unknown fields are mistakes,
// and so are a key given twice in one object (which of the two would
// count?) and anything after the object (issue 14). Each is refused 400,
// naming the problem.
func readJSON(r *http.Request, v any) error {
	data, err := io.ReadAll(r.Body)
	if err != nil {
		return err // a body over the limit: 413
	}
	if err := checkJSON(data); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		if errors.Is(err, io.EOF) {
			return i18n.Invalid("web.json.object")
		}
		return i18n.Invalid("web.json.syntax", err.Error())
	}
	return nil
}

// checkJSON walks data's tokens and refuses a key repeated within one
// object, naming it and where it is ("$.reason"), and data after the
// first value. Syntax errors are left to the decoder, which says them.
func checkJSON(data []byte) error {
	type frame struct {
		obj     bool
		wantKey bool
		keys    map[string]bool
		path    string
		key     string
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var stack []*frame
	path := func() string {
		if len(stack) == 0 {
			return "$"
		}
		top := stack[len(stack)-1]
		if top.obj {
			return top.path + "." + top.key
		}
		return top.path + "[]"
	}
	// done marks the value of the innermost object's current key read.
	done := func() {
		if n := len(stack); n > 0 && stack[n-1].obj {
			stack[n-1].wantKey = true
		}
	}
	for {
		tok, err := dec.Token()
		if err != nil {
			return nil // io.EOF before any value, or a syntax error: the decoder says it
		}
		if n := len(stack); n > 0 && stack[n-1].obj && stack[n-1].wantKey {
			top := stack[n-1]
			if d, ok := tok.(json.Delim); ok && d == '}' {
				stack = stack[:n-1]
				done()
			} else if k, ok := tok.(string); ok {
				if top.keys[k] {
					return i18n.Invalid("web.json.duplicate", k, top.path)
				}
				top.keys[k], top.key, top.wantKey = true, k, false
			}
		} else {
			switch d, _ := tok.(json.Delim); d {
			case '{':
				stack = append(stack, &frame{obj: true, wantKey: true, keys: map[string]bool{}, path: path()})
			case '[':
				stack = append(stack, &frame{path: path()})
			case '}', ']':
				stack = stack[:len(stack)-1]
				done()
			default:
				done()
			}
		}
		if len(stack) == 0 {
			break
		}
	}
	if _, err := dec.Token(); err != io.EOF {
		return i18n.Invalid("web.json.trailing")
	}
	return nil
}

func (s *Server) apiOpenAPI(w http.ResponseWriter, r *http.Request) error {
	b, err := assets.ReadFile("openapi.json")
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	_, err = w.Write(b)
	return err
}

// apiWorkspaceJSON is a workspace as the API shows it.
type apiWorkspaceJSON struct {
	ID         string   `json:"id"`
	Name       string   `json:"name"`
	Timezone   string   `json:"timezone"`
	Deadline   string   `json:"deadline"`
	Grace      string   `json:"grace"`
	Currency   string   `json:"currency"`
	PointValue string   `json:"point_value"`
	BonusCap   *string  `json:"bonus_cap"`
	FineCap    *string  `json:"fine_cap"`
	Holidays   []string `json:"holidays"`
}

func workspaceJSON(ws *domain.Workspace) apiWorkspaceJSON {
	j := apiWorkspaceJSON{ID: ws.ID, Name: ws.Name, Timezone: ws.Timezone, Deadline: ws.Deadline.String(),
		Grace: ws.Grace.String(), Currency: ws.Currency, PointValue: ws.PointValue.String(), Holidays: []string{}}
	if ws.BonusCap.Valid {
		v := ws.BonusCap.Decimal.String()
		j.BonusCap = &v
	}
	if ws.FineCap.Valid {
		v := ws.FineCap.Decimal.String()
		j.FineCap = &v
	}
	for _, d := range ws.Holidays {
		j.Holidays = append(j.Holidays, d.String())
	}
	return j
}

func (s *Server) apiWorkspaces(w http.ResponseWriter, r *http.Request) error {
	list, err := s.visibleWorkspaces(r)
	if err != nil {
		return err
	}
	out := make([]apiWorkspaceJSON, 0, len(list))
	for _, ws := range list {
		out = append(out, workspaceJSON(ws))
	}
	return writeJSON(w, http.StatusOK, map[string]any{"workspaces": out})
}

func (s *Server) apiWorkspace(w http.ResponseWriter, r *http.Request) error {
	ws, err := s.workspace(r, auth.SeeWall, "")
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, workspaceJSON(ws))
}

type apiManagerJSON struct {
	ID       string       `json:"id"`
	Name     string       `json:"name"`
	Team     string       `json:"team"`
	CRMIDs   []string     `json:"crm_ids"`
	Absences []apiAbsence `json:"absences"`
}

type apiAbsence struct {
	From   domain.Date `json:"from"`
	To     domain.Date `json:"to"`
	Reason string      `json:"reason"`
}

func (s *Server) apiManagers(w http.ResponseWriter, r *http.Request) error {
	ws, err := s.workspace(r, auth.SeeWall, "")
	if err != nil {
		return err
	}
	p := state(r).principal
	out := []apiManagerJSON{}
	for _, m := range ws.Managers {
		j := apiManagerJSON{ID: m.ID, Name: m.Name, Team: m.Team, CRMIDs: []string{}, Absences: []apiAbsence{}}
		// Names make the leaderboard; CRM ids and absences are for the
		// head and the manager themself.
		if p.Can(ws.ID, auth.SeeOwn, m.ID) == nil {
			j.CRMIDs = append(j.CRMIDs, m.CRMIDs...)
			for _, a := range m.Absences {
				j.Absences = append(j.Absences, apiAbsence{a.From, a.To, a.Reason})
			}
		}
		out = append(out, j)
	}
	return writeJSON(w, http.StatusOK, map[string]any{"managers": out})
}

func (s *Server) apiSheet(w http.ResponseWriter, r *http.Request) error {
	level, own := ownLevel(r)
	ws, err := s.workspace(r, level, own)
	if err != nil {
		return err
	}
	d, err := parseDate(r.PathValue("date"))
	if err != nil {
		return err
	}
	sheet, err := s.eng.Table(r.Context(), ws.ID, d)
	if err != nil {
		return err
	}
	if own != "" {
		lines := sheet.Lines[:0:0]
		for _, l := range sheet.Lines {
			if l.Manager == own {
				lines = append(lines, l)
			}
		}
		sheet.Lines = lines
	}
	return writeJSON(w, http.StatusOK, sheetJSON(state(r).lang, ws, sheet))
}

// apiSheetJSON is a day sheet with the indicators it holds named, so that
// a program can head its own indicators' columns as the regulation does.
type apiSheetJSON struct {
	*domain.DaySheet
	Indicators []apiIndicatorJSON `json:"indicators"`
}

type apiIndicatorJSON struct {
	ID         domain.Indicator `json:"id"`
	Name       string           `json:"name"`
	Builtin    bool             `json:"builtin"`
	Definition string           `json:"definition,omitempty"`
}

func sheetJSON(l i18n.Lang, ws *domain.Workspace, sheet *domain.DaySheet) apiSheetJSON {
	version, _ := ws.Regulation.At(sheet.Date)
	out := apiSheetJSON{DaySheet: sheet, Indicators: []apiIndicatorJSON{}}
	if sheet.Lines == nil {
		sheet.Lines = []domain.SheetLine{}
	}
	for _, ind := range sheetIndicators(sheet.Lines) {
		j := apiIndicatorJSON{ID: ind, Name: l.Label(version, ind), Builtin: domain.IsBuiltin(ind)}
		if def, ok := version.Indicator(ind); ok && !j.Builtin {
			j.Definition = l.Definition(&def)
		}
		out.Indicators = append(out.Indicators, j)
	}
	return out
}

func (s *Server) apiStatement(w http.ResponseWriter, r *http.Request) error {
	level, own := ownLevel(r)
	ws, err := s.workspace(r, level, own)
	if err != nil {
		return err
	}
	p, err := domain.ParsePeriod(r.PathValue("period"))
	if err != nil {
		return err
	}
	st, err := s.eng.Statement(r.Context(), ws.ID, p)
	if err != nil {
		return err
	}
	ownLines(st, own)
	if st.Lines == nil {
		st.Lines = []domain.StatementLine{}
	}
	return writeJSON(w, http.StatusOK, st)
}

func (s *Server) apiAdjustments(w http.ResponseWriter, r *http.Request) error {
	ws, err := s.workspace(r, auth.SeeAll, "")
	if err != nil {
		return err
	}
	p, err := s.periodParam(r, ws, false)
	if err != nil {
		return err
	}
	adjs, err := s.store.FindAdjustments(r.Context(), ws.ID, p.From, p.To)
	if err != nil {
		return err
	}
	if adjs == nil {
		adjs = []domain.Adjustment{}
	}
	return writeJSON(w, http.StatusOK, map[string]any{"workspace": ws.ID, "period": p.Label, "adjustments": adjs})
}

func (s *Server) apiAddAdjustment(w http.ResponseWriter, r *http.Request) error {
	ws, err := s.workspace(r, auth.Change, "")
	if err != nil {
		return err
	}
	var in struct {
		Manager string      `json:"manager"`
		Date    domain.Date `json:"date"`
		Points  int         `json:"points"`
		Reason  string      `json:"reason"`
	}
	if err := readJSON(r, &in); err != nil {
		return err
	}
	a := &domain.Adjustment{Workspace: ws.ID, Manager: in.Manager, Date: in.Date, Points: in.Points,
		Reason: strings.TrimSpace(in.Reason), Author: state(r).user.Email}
	if err := s.eng.Adjust(r.Context(), a); err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, a)
}

func (s *Server) apiRegulation(w http.ResponseWriter, r *http.Request) error {
	ws, err := s.workspace(r, auth.SeeAll, "")
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, regulationJSON(ws))
}

func regulationJSON(ws *domain.Workspace) map[string]any {
	versions := ws.Regulation
	if versions == nil {
		versions = domain.Regulation{}
	}
	for i := range versions {
		if versions[i].Rules == nil {
			versions[i].Rules = []domain.Rule{}
		}
	}
	return map[string]any{"workspace": ws.ID, "versions": versions, "yaml": string(config.FormatRegulation(ws.Regulation))}
}

// apiAddRegulation adds (or replaces, when not yet used) regulation
// versions given as YAML, as the regulation page saves them: from today on
// only, with every manager and team checked.
func (s *Server) apiAddRegulation(w http.ResponseWriter, r *http.Request) error {
	ws, err := s.workspace(r, auth.Change, "")
	if err != nil {
		return err
	}
	var in struct {
		Regulation string `json:"regulation"`
	}
	if err := readJSON(r, &in); err != nil {
		return err
	}
	edited, err := config.ParseRegulation("regulation", []byte(in.Regulation))
	if err != nil {
		return err
	}
	merged, err := mergeRegulation(ws, edited, ws.Today(s.now()))
	if err != nil {
		return err
	}
	updated := *ws
	updated.Regulation = merged
	if _, err := s.eng.Apply(r.Context(), &updated, state(r).user.Email); err != nil {
		return err
	}
	saved, err := s.eng.Workspace(r.Context(), ws.ID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, regulationJSON(saved))
}

// apiBacktest rescores a period with a regulation given as YAML, in the
// format of `reglament backtest -f`, changing nothing.
func (s *Server) apiBacktest(w http.ResponseWriter, r *http.Request) error {
	ws, err := s.workspace(r, auth.SeeAll, "")
	if err != nil {
		return err
	}
	var in struct {
		Regulation string `json:"regulation"`
		Period     string `json:"period"`
	}
	if err := readJSON(r, &in); err != nil {
		return err
	}
	p, err := domain.ParsePeriod(in.Period)
	if err != nil {
		return err
	}
	reg, err := config.ParseRegulation("regulation", []byte(in.Regulation))
	if err != nil {
		return err
	}
	lines, err := s.eng.Backtest(r.Context(), ws.ID, reg, p)
	if err != nil {
		return err
	}
	if lines == nil {
		lines = []domain.BacktestLine{}
	}
	return writeJSON(w, http.StatusOK, map[string]any{"workspace": ws.ID, "period": p.Label, "currency": ws.Currency, "managers": lines})
}
