package web

import (
	"fmt"
	"math"
	"strings"

	"reglament/internal/domain"
)

// chartPoint is one day's value on a chart.
type chartPoint struct {
	Day   domain.Date
	Value float64
	Label string
}

// chart is an SVG chart computed on the server: the template only places
// the shapes, so there is no script and no inline style.
type chart struct {
	Width, Height int
	ZeroY         float64
	Bars          []chartBar
	Line          string // polyline points
	Ticks         []chartTick
	// Scale labels the value axis: the largest value drawn (and the least,
	// below zero for bars); Norm, when the chart has one, is the rule's
	// target drawn as a dashed line at NormY.
	Scale []chartLevel
	Norm  *chartLevel
	Empty bool
}

// chartLevel is a value at a height of the chart.
type chartLevel struct {
	Y     float64
	Label string
}

type chartBar struct {
	X, Y, W, H float64
	Class      string
	Title      string
}

type chartTick struct {
	X     float64
	Label string
}

// xOf places day d between from and to across width w.
func xOf(d, from, to domain.Date, w float64) float64 {
	span := float64(daysBetween(from, to))
	if span <= 0 {
		return 0
	}
	return float64(daysBetween(from, d)) / span * w
}

func daysBetween(a, b domain.Date) int {
	n := 0
	for d := a; d.Before(b); d = d.AddDays(1) {
		n++
	}
	return n
}

// barChart draws one bar per day around a zero line: green up for a
// positive total, red down for a negative one.
func barChart(points []chartPoint, from, to domain.Date, width, height int) chart {
	c := chart{Width: width, Height: height, Empty: len(points) == 0}
	maxAbs := 1.0
	for _, p := range points {
		maxAbs = math.Max(maxAbs, math.Abs(p.Value))
	}
	pad := 16.0
	h := float64(height) - 2*pad
	c.ZeroY = pad + h/2
	slot := float64(width-20) / float64(daysBetween(from, to)+1)
	for _, p := range points {
		x := 10 + xOf(p.Day, from, to, float64(width-20)-slot)
		bh := math.Abs(p.Value) / maxAbs * h / 2
		b := chartBar{X: x, W: math.Max(slot*0.8, 1), H: math.Max(bh, 1), Title: fmt.Sprintf("%s: %s", p.Day, p.Label)}
		if p.Value >= 0 {
			b.Y, b.Class = c.ZeroY-b.H, "pos"
		} else {
			b.Y, b.Class = c.ZeroY, "neg"
		}
		c.Bars = append(c.Bars, b)
	}
	c.Scale = []chartLevel{{Y: pad, Label: fmt.Sprintf("%+g", maxAbs)}, {Y: c.ZeroY, Label: "0"}, {Y: pad + h, Label: fmt.Sprintf("%+g", -maxAbs)}}
	for d := from; !d.After(to); d = d.AddDays(1) {
		if d.Day == 1 || d == from {
			c.Ticks = append(c.Ticks, chartTick{X: 10 + xOf(d, from, to, float64(width-20)-slot), Label: d.String()[5:]})
		}
	}
	return c
}

// lineChart draws a sparkline of values, with its scale (the largest value
// and zero) and, when norm is set, the rule's target as a dashed line.
func lineChart(points []chartPoint, from, to domain.Date, width, height int, norm *float64) chart {
	c := chart{Width: width, Height: height, Empty: len(points) == 0}
	maxV := 1.0
	for _, p := range points {
		maxV = math.Max(maxV, p.Value)
	}
	if norm != nil {
		maxV = math.Max(maxV, *norm)
	}
	pad := 6.0
	yOf := func(v float64) float64 { return float64(height) - pad - v/maxV*(float64(height)-2*pad) }
	var b strings.Builder
	for i, p := range points {
		x := pad + xOf(p.Day, from, to, float64(width)-2*pad)
		if i > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "%.1f,%.1f", x, yOf(p.Value))
	}
	c.Line = b.String()
	c.Scale = []chartLevel{{Y: yOf(maxV), Label: fmt.Sprintf("%g", maxV)}, {Y: yOf(0), Label: "0"}}
	if norm != nil {
		c.Norm = &chartLevel{Y: yOf(*norm), Label: fmt.Sprintf("%g", *norm)}
	}
	return c
}

func init() { funcs["sub"] = func(a, b int) int { return a - b } }
