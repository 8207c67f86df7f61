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
	Chart     chart
	Last      string
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
	for i := range sheets {
		sh := &sheets[i]
		sh.ApplyAdjustments(adjs)
		l, ok := sh.Line(id)
		if !ok || l.Absent {
			continue
		}
		points = append(points, chartPoint{Day: sh.Date, Value: float64(l.Total), Label: strconv.Itoa(l.Total)})
		data.Total += l.Total
		for _, ind := range domain.Indicators {
			f, _ := l.Values.Get(ind).Float64() // drawing only: pay never passes through here
			perInd[ind] = append(perInd[ind], chartPoint{Day: sh.Date, Value: f, Label: l.Values.Format(ind)})
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
	for _, ind := range domain.Indicators {
		c := indicatorChart{Indicator: ind, Chart: lineChart(perInd[ind], from, to, 240, 60)}
		if pts := perInd[ind]; len(pts) > 0 {
			c.Last = pts[len(pts)-1].Label
		}
		data.Indicators = append(data.Indicators, c)
	}
	return s.render(w, r, "manager", &page{Title: m.Name, WS: ws, Nav: "managers", Data: &data})
}
