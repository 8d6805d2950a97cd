package glossary_test

import (
	"testing"

	"github.com/ngw2f/ngw2f-lab/lessons/glossary"
)

// TestAllListsWhatLookupFinds: every entry All lists is one Lookup finds,
// with the same words, and every kind has entries.
func TestAllListsWhatLookupFinds(t *testing.T) {
	t.Parallel()
	kinds := map[glossary.Kind]int{}
	for _, e := range glossary.All() {
		kinds[e.Kind]++
		got, ok := glossary.Lookup(e.Kind, e.Term)
		if !ok || got.Meaning != e.Meaning {
			t.Errorf("All lists %s %q, which Lookup finds as %v %q", e.Kind, e.Term, ok, got.Meaning)
		}
	}
	for _, k := range []glossary.Kind{glossary.Header, glossary.Status, glossary.RequestPart, glossary.Environ, glossary.Field} {
		if kinds[k] == 0 {
			t.Errorf("All lists no %s", k)
		}
	}
}
