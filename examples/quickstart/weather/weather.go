// Package weather is the smallest useful mcpgen server: one tool with a
// struct input and a structured result, one resource and one prompt.
//
//mcp:server name=weather version=1.0.0 instructions="Ask for a forecast by city."
package weather

//go:generate go run github.com/mcpgen/mcpgen/cmd/mcpgen -transport streamable,sse -client -out ./mcpserver .

import (
	"context"
	"fmt"
	"strings"
)

// Units is a temperature scale.
type Units string

const (
	Celsius    Units = "celsius"
	Fahrenheit Units = "fahrenheit"
)

// ForecastInput is what the model asks for.
type ForecastInput struct {
	// City name, for example "Paris".
	City string `json:"city" mcp:"minLength=1"`
	// Number of days to forecast.
	Days  int   `json:"days,omitempty" mcp:"min=1,max=7,default=3"`
	Units Units `json:"units,omitempty"` // Temperature scale; celsius when omitted.
}

// Day is one day of a forecast.
type Day struct {
	Day         int     `json:"day"`
	Summary     string  `json:"summary"`
	Temperature float64 `json:"temperature"`
}

// ForecastOutput is the forecast.
type ForecastOutput struct {
	City  string `json:"city"`
	Units Units  `json:"units"`
	Days  []Day  `json:"days"`
}

// Forecast returns a (made-up, deterministic) forecast for a city.
//
//mcp:tool name=get_forecast title="Weather forecast" readonly
func Forecast(ctx context.Context, in ForecastInput) (ForecastOutput, error) {
	if in.Units == "" {
		in.Units = Celsius
	}
	out := ForecastOutput{City: in.City, Units: in.Units}
	summaries := []string{"sunny", "cloudy", "rain", "windy"}
	for i := 0; i < in.Days; i++ {
		t := float64(12 + (len(in.City)+i*3)%10)
		if in.Units == Fahrenheit {
			t = t*9/5 + 32
		}
		out.Days = append(out.Days, Day{Day: i + 1, Summary: summaries[(len(in.City)+i)%len(summaries)], Temperature: t})
	}
	return out, nil
}

// Cities lists the cities the server knows best.
//
//mcp:resource uri=weather://cities mime=text/plain
func Cities(ctx context.Context) (string, error) {
	return strings.Join([]string{"Paris", "Tokyo", "Lima"}, "\n"), nil
}

// PlanTrip asks the model to plan a trip around the weather.
//
//mcp:prompt name=plan_trip
func PlanTrip(city string) (string, error) {
	return fmt.Sprintf("Look up the forecast for %s with get_forecast and suggest what to pack.", city), nil
}
