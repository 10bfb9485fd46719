package load

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
)

// Summary is every workload's median run, with the key figure of each run.
type Summary struct {
	Options map[string]any `json:"options"`
	Results []*Result      `json:"results"`
	// Runs holds, per workload, the key figure of every run (the median
	// run is the one reported).
	Runs map[string][]float64 `json:"runs"`
}

// Median returns the run whose key figure is the median (the lower middle
// of an even count); failed runs sort last.
func Median(runs []*Result) *Result {
	if len(runs) == 0 {
		return nil
	}
	rs := append([]*Result(nil), runs...)
	sort.SliceStable(rs, func(i, j int) bool {
		if (rs[i].Err == "") != (rs[j].Err == "") {
			return rs[i].Err == ""
		}
		return rs[i].Key < rs[j].Key
	})
	ok := 0
	for _, r := range rs {
		if r.Err == "" {
			ok++
		}
	}
	if ok == 0 {
		return rs[0]
	}
	return rs[(ok-1)/2]
}

func num(v float64) string {
	switch {
	case v == 0:
		return "0"
	case v >= 1000 || v <= -1000:
		return fmt.Sprintf("%.0f", v)
	case v >= 100 || v <= -100:
		return fmt.Sprintf("%.1f", v)
	case v >= 1 || v <= -1:
		return fmt.Sprintf("%.2f", v)
	default:
		return fmt.Sprintf("%.3f", v)
	}
}

// WriteTable prints the results as a Markdown table.
func WriteTable(w io.Writer, s *Summary) {
	tw := tabwriter.NewWriter(w, 0, 0, 1, ' ', 0)
	fmt.Fprintln(tw, "| workload\t| figure\t| e-Cabinet\t| W0 floor\t| ratio\t| target\t| met\t|")
	fmt.Fprintln(tw, "|---\t|---\t|---:\t|---:\t|---:\t|---\t|---\t|")
	for _, r := range s.Results {
		if r.Err != "" {
			fmt.Fprintf(tw, "| %s\t| error: %s\t|\t|\t|\t|\t|\t|\n", r.Workload, strings.ReplaceAll(r.Err, "\n", " "))
			continue
		}
		for _, row := range r.Rows {
			unit := ""
			if row.Unit != "" {
				unit = " " + row.Unit
			}
			floor, ratio, met := "", "", ""
			if row.Floor != nil {
				floor = num(*row.Floor) + unit
			}
			if row.Ratio != nil {
				ratio = num(*row.Ratio) + "×"
			}
			if row.Pass != nil {
				met = map[bool]string{true: "yes", false: "**no**"}[*row.Pass]
			}
			fmt.Fprintf(tw, "| %s\t| %s\t| %s\t| %s\t| %s\t| %s\t| %s\t|\n", r.Workload, row.Metric, num(row.Value)+unit, floor, ratio, row.Target, met)
		}
	}
	tw.Flush()
	for _, r := range s.Results {
		fmt.Fprintf(w, "\n%s: %s (%.0f s", r.Workload, r.Title, r.Elapsed.Seconds())
		if runs := s.Runs[r.Workload]; len(runs) > 1 {
			keys := make([]string, len(runs))
			for i, k := range runs {
				keys[i] = num(k)
			}
			fmt.Fprintf(w, "; median of %d runs by key figure: %s", len(runs), strings.Join(keys, ", "))
		}
		fmt.Fprintln(w, ")")
		for _, n := range r.Notes {
			fmt.Fprintf(w, "  - %s\n", n)
		}
	}
}
