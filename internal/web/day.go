package web

import (
	"net/http"
	"strings"
	"time"

	"reglament/internal/auth"
	"reglament/internal/domain"
	"reglament/internal/i18n"
)

func (s *Server) dayRedirect(w http.ResponseWriter, r *http.Request) error {
	ws, err := s.workspace(r, auth.SeeWall, "")
	if err != nil {
		return err
	}
	date := r.URL.Query().Get("date")
	if date == "" {
		date = lastWorkingDay(ws, ws.Today(s.now())).String()
	}
	d, err := parseDate(date)
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/w/"+ws.ID+"/day/"+d.String(), http.StatusSeeOther)
	return nil
}

type dayData struct {
	View        sheetView
	Prev, Next  domain.Date
	Adjustments []domain.Adjustment
	Error       string
	Reason      string
	// Versions are the stored versions of a final day, newest first, for
	// those who see everyone: when each was computed, by whom and why.
	Versions []dayVersion
}

// dayVersion is one stored version of a day's sheet as the day page lists
// it.
type dayVersion struct {
	Version     int
	ComputedAt  time.Time
	RequestedBy string
	Reason      string
	Total       int // the points of all lines
	Current     bool
}

func (s *Server) dayPage(w http.ResponseWriter, r *http.Request) error {
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
	data := dayData{View: s.viewSheet(r, ws, sheet)}
	data.Prev, _ = ws.PrevWorkingDay(d)
	if n, ok := ws.NextWorkingDay(d.AddDays(1)); ok && !n.After(ws.Today(s.now())) {
		data.Next = n
	}
	adjs, err := s.store.FindAdjustments(r.Context(), ws.ID, d, d)
	if err != nil {
		return err
	}
	for _, a := range adjs {
		if state(r).principal.Can(ws.ID, auth.SeeOwn, a.Manager) == nil {
			data.Adjustments = append(data.Adjustments, a)
		}
	}
	if state(r).principal.Can(ws.ID, auth.SeeAll, "") == nil && sheet.Status == domain.SheetFinal {
		versions, err := s.store.FindSheetVersions(r.Context(), ws.ID, d)
		if err != nil {
			return err
		}
		for i := len(versions) - 1; i >= 0 && len(data.Versions) < maxVersionsShown; i-- {
			v := &versions[i]
			dv := dayVersion{Version: v.Version, ComputedAt: v.ComputedAt, RequestedBy: v.RequestedBy, Reason: v.Reason,
				Current: v.Version == sheet.Version}
			for _, l := range v.Lines {
				dv.Total += l.Points
			}
			data.Versions = append(data.Versions, dv)
		}
	}
	title := state(r).lang.T("web.day.title", state(r).lang.Date(d))
	return s.render(w, r, "day", &page{Title: title, WS: ws, Nav: "day", Data: &data})
}

// maxVersionsShown bounds the versions a day page lists: the newest.
const maxVersionsShown = 50

// recomputeDay stores a new version of a final day from the records stored
// now, keeping the old ones, with who asked and why.
func (s *Server) recomputeDay(w http.ResponseWriter, r *http.Request) error {
	ws, err := s.workspace(r, auth.Change, "")
	if err != nil {
		return err
	}
	d, err := parseDate(r.PathValue("date"))
	if err != nil {
		return err
	}
	reason := strings.TrimSpace(r.PostFormValue("reason"))
	if reason == "" {
		err = invalid("recompute: a reason is required")
	} else if n := domain.Runes(reason); n > domain.MaxTextRunes {
		err = i18n.Invalid("limit.text", "reason", domain.MaxTextRunes, n)
		reason = ""
	} else {
		_, err = s.eng.Recompute(r.Context(), ws.ID, d, state(r).user.Email, reason)
	}
	if domain.ErrorCode(err) == domain.EINVALID {
		sheet, terr := s.eng.Table(r.Context(), ws.ID, d)
		if terr != nil {
			return terr
		}
		data := dayData{View: s.viewSheet(r, ws, sheet), Error: errorText(err, state(r).lang), Reason: reason}
		data.Prev, _ = ws.PrevWorkingDay(d)
		return s.renderStatus(w, r, http.StatusBadRequest, "day", &page{Title: state(r).lang.T("web.day.title", state(r).lang.Date(d)), WS: ws, Nav: "day", Data: &data})
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/w/"+ws.ID+"/day/"+d.String(), http.StatusSeeOther)
	return nil
}
