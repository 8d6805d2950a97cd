package toolkit

import (
	"fmt"
	"testing"
)

// benchMap returns a map of n rules of the kinds an app has: static
// pages, pages with an int or a string, and a path converter, spread over
// n/4 sections.
func benchMap(b *testing.B, n int) *Map {
	b.Helper()
	var rules []*Rule
	for i := 0; len(rules) < n; i++ {
		s := fmt.Sprintf("/section%d", i)
		rules = append(rules,
			NewRule(s+"/", fmt.Sprintf("index%d", i)),
			NewRule(s+"/item/<int:id>", fmt.Sprintf("item%d", i), "GET", "POST"),
			NewRule(s+"/user/<name>", fmt.Sprintf("user%d", i)),
			NewRule(s+"/files/<path:rest>", fmt.Sprintf("files%d", i)),
		)
	}
	m, err := NewMap(rules[:n]...)
	if err != nil {
		b.Fatal(err)
	}
	return m
}

// BenchmarkRouting measures one match of a path against maps of 10 and
// 1,000 rules: the cost of routing per request.
func BenchmarkRouting(b *testing.B) {
	for _, n := range []int{10, 1000} {
		m := benchMap(b, n)
		last := (n/4 - 1) // a rule of the last section: the worst place for a list, not for a state machine
		paths := []struct{ name, path string }{
			{"static", fmt.Sprintf("/section%d/", last)},
			{"int", fmt.Sprintf("/section%d/item/42", last)},
			{"path", fmt.Sprintf("/section%d/files/a/b/c.txt", last)},
			{"404", "/nowhere/at/all"},
		}
		a := m.Bind(NewRequest(newEnv("GET", "/")))
		for _, p := range paths {
			b.Run(fmt.Sprintf("rules=%d/%s", n, p.name), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					a.MatchPath(p.path, "GET")
				}
			})
		}
	}
}
