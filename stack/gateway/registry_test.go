package gateway

import "testing"

// TestRegisterBuild shows an app registered by its build made once, at
// the first Lookup of its name, and not before.
func TestRegisterBuild(t *testing.T) {
	builds := 0
	RegisterBuild("registry_test:application", func() App {
		builds++
		return Hello("built\n")
	})
	if builds != 0 {
		t.Fatalf("registering built the app %d time(s); it waits for Lookup", builds)
	}
	for range 2 {
		app, err := Lookup("registry_test:application")
		if err != nil || app == nil {
			t.Fatalf("Lookup: %v, %v", app, err)
		}
	}
	if builds != 1 {
		t.Errorf("two Lookups built the app %d times, want 1", builds)
	}
	if _, err := Lookup("registry_test:other"); err == nil {
		t.Error("Lookup of a callable the module lacks: no error")
	}
}
