package lazy

import "testing"

func TestRegexp(t *testing.T) {
	re := Regexp(`^a+$`)
	if first, second := re(), re(); first != second {
		t.Error("two calls compiled the expression twice")
	}
	if !re().MatchString("aaa") || re().MatchString("ab") {
		t.Error("the compiled expression does not match as ^a+$")
	}
	bad := Regexp(`(`)
	defer func() {
		if recover() == nil {
			t.Error("an expression that does not compile did not panic on first use")
		}
	}()
	bad()
}
