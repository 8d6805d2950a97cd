package common

import (
	"reflect"
	"strings"
	"testing"

	"github.com/charmbracelet/colorprofile"
)

func TestParseTheme(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"default", "high-contrast"} {
		if th, err := ParseTheme(name); err != nil || string(th) != name {
			t.Errorf("ParseTheme(%q) = %q, %v", name, th, err)
		}
	}
	if _, err := ParseTheme("neon"); err == nil || !strings.Contains(err.Error(), "high-contrast") {
		t.Errorf("ParseTheme(neon) = %v, want an error naming the themes", err)
	}
}

// TestNoColorKeepsAttributes checks that NO_COLOR styles draw no colour
// but keep what shows selection and emphasis.
func TestNoColorKeepsAttributes(t *testing.T) {
	t.Parallel()
	for _, theme := range []Theme{ThemeDefault, ThemeHighContrast} {
		st := NewStyles(theme, true, colorprofile.Ascii)
		for name, out := range map[string]string{
			"ok": st.OK.Render("x"), "down": st.Down.Render("x"), "panel": st.PanelFocused.Render("x"),
			"error": st.Error.Render("x"),
		} {
			if strings.Contains(out, "38;2;") || strings.Contains(out, "48;2;") {
				t.Errorf("%s %s has a colour under NO_COLOR: %q", theme, name, out)
			}
		}
		if sel := st.Selected.Render("x"); !strings.Contains(sel, "\x1b[7m") {
			t.Errorf("%s: the selection is not in reverse video: %q", theme, sel)
		}
		if text, borders := styleSamples(reflect.ValueOf(st.Markdown), "lesson text "); len(text)+len(borders) > 0 {
			t.Errorf("%s: lesson text has colours under NO_COLOR: %v %v", theme, text, borders)
		}
		if h := st.Markdown.Heading.Render("x"); !strings.Contains(h, "\x1b[1m") {
			t.Errorf("%s: lesson text's headings are not bold under NO_COLOR: %q", theme, h)
		}
	}
	if st := NewStyles(ThemeDefault, true, colorprofile.TrueColor); !strings.Contains(st.OK.Render("x"), "38;2;") {
		t.Error("colours are missing without NO_COLOR")
	}
}
