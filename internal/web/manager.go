package web

import (
	"net/http"
	"slices"
	"strconv"

	"reglament/internal/auth"
	"reglament/internal/domain"
)

type managerData struct {
	Manager    domain.Manager
	Points     chart
	Indicators []indicatorChart
	Streak     int
	Late       []lateDay
	From, To   domain.Date
	Total      int
}

type indicatorChart struct {
	Indicator domain.Indicator
	Name      string // as the regulation of the last day shown names it
	Chart     chart
	Last      string
	URL       string // the records behind the last value
}

type lateDay struct {
	Day   domain.Date
	Count string
}

func (s *Server) managerPage(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("manager")
	ws, err := s.workspace(r, auth.SeeOwn, id)
	if err != nil {
		return err
	}
	m, ok := ws.Manager(id)
	if !ok {
		return notFound("manager not found")
	}
	today := ws.Today(s.now())
	from, to := today.AddDays(-60), today.AddDays(-1)
	sheets, err := s.store.FindSheets(r.Context(), ws.ID, from, to)
	if err != nil {
		return err
	}
	adjs, err := s.store.FindAdjustments(r.Context(), ws.ID, from, to)
	if err != nil {
		return err
	}
	data := managerData{Manager: *m, From: from, To: to}
	var points []chartPoint
	perInd := make(map[domain.Indicator][]chartPoint)
	inds := slices.Clone(domain.Indicators)
	lastDay := make(map[domain.Indicator]domain.Date)
	for i := range sheets {
		sh := &sheets[i]
		sh.ApplyAdjustments(adjs)
		l, ok := sh.Line(id)
		if !ok || l.Absent {
			continue
		}
		points = append(points, chartPoint{Day: sh.Date, Value: float64(l.Total), Label: strconv.Itoa(l.Total)})
		data.Total += l.Total
		for _, ind := range l.Values.Own() {
			if !slices.Contains(inds, ind) {
				inds = append(inds, ind)
			}
		}
		for _, ind := range inds {
			if !l.Values.Has(ind) {
				continue
			}
			f, _ := l.Values.Get(ind).Float64() // drawing only: pay never passes through here
			perInd[ind] = append(perInd[ind], chartPoint{Day: sh.Date, Value: f, Label: l.Values.Format(ind)})
			lastDay[ind] = sh.Date
		}
		if n := l.Values.Count(domain.LateEntries); n > 0 {
			data.Late = append(data.Late, lateDay{Day: sh.Date, Count: strconv.FormatInt(n, 10)})
		}
	}
	for i := len(points) - 1; i >= 0 && points[i].Value > 0; i-- {
		data.Streak++
	}
	slices.Reverse(data.Late)
	data.Points = barChart(points, from, to, 720, 200)
	lang := state(r).lang
	for _, ind := range inds {
		version, _ := ws.Regulation.At(lastDay[ind])
		// The norm line: the target of the manager's rule on the indicator
		// in force on its last day, when there is one.
		var norm *float64
		if version != nil {
			for i := range version.Rules {
				if r := &version.Rules[i]; r.Indicator == ind && r.AppliesTo(m) {
					f := r.TargetFor(m.ID).InexactFloat64()
					norm = &f
					break
				}
			}
		}
		c := indicatorChart{Indicator: ind, Name: lang.Label(version, ind), Chart: lineChart(perInd[ind], from, to, 240, 80, norm)}
		if pts := perInd[ind]; len(pts) > 0 {
			c.Last = pts[len(pts)-1].Label
			c.URL = whyURL(ws.ID, id, lastDay[ind], ind)
		}
		data.Indicators = append(data.Indicators, c)
	}
	return s.render(w, r, "manager", &page{Title: m.Name, WS: ws, Nav: "managers", Data: &data})
}
