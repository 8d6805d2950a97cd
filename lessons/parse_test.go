package lessons

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
)

const header = "---\nnumber: 1\nslug: t\ntitle: T\n---\n"

func TestParse(t *testing.T) {
	t.Parallel()
	src := header + "# T\n\nIntro.\n\n## First\n\nProse.\n\n```lab\nstart rawsock\ntelnet rawsock\n> GET / HTTP/1.0\n>\n# a comment\nsend \"a\\r\\n\" + \"b\"*3\nexpect status 200\n```\n\n```notes\nSay hi.\n```\n\n## Second\n\n```lab\ntry rawsock\noffer one\n> GET /\noffer two\n> GET / HTTP/1.0\n>\n```\n"
	l, err := Parse("t.md", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if l.Number != 1 || l.Title != "T" || l.Intro != "# T\n\nIntro." || len(l.Steps) != 2 {
		t.Fatalf("lesson %+v", l)
	}
	s := l.Steps[0]
	if s.Title != "First" || s.Notes != "Say hi." || s.Line != 10 || len(s.Blocks) != 2 || s.Blocks[0].Prose != "Prose." {
		t.Errorf("step %+v", s)
	}
	var got []string
	for _, a := range s.Actions() {
		got = append(got, a.Text())
	}
	want := []string{"start rawsock", "telnet rawsock", "> GET / HTTP/1.0", ">", `send "a\r\nbbb"`, "expect status 200"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("actions %q, want %q", got, want)
	}
	try := l.Steps[1].Actions()
	if len(try) != 1 || len(try[0].Offers) != 2 || try[0].Offers[1].Label != "two" ||
		strings.Join(try[0].Offers[1].Lines, "|") != "GET / HTTP/1.0|" {
		t.Errorf("try %+v", try)
	}
}

func TestParseChallengesAndDrills(t *testing.T) {
	t.Parallel()
	src := header + "## S\n\n```lab\ndrill rawsock\noffer bare LF\nsend \"GET /\\n\\n\"\noffer typed\n> GET /\n```\n\n" +
		"```challenge\nid: c1\ngoal: Do it.\ncheck: status 200\ncheck: not reached app\nhint: First hint.\nhint: Second.\n```\n\nAfter.\n"
	l, err := Parse("t.md", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	acts := l.Steps[0].Actions()
	if len(acts) != 1 || acts[0].Verb != Drill || len(acts[0].Offers) != 2 ||
		string(acts[0].Offers[0].Data) != "GET /\n\n" || acts[0].Offers[1].Lines[0] != "GET /" {
		t.Fatalf("drill %+v", acts)
	}
	want := Challenge{ID: "c1", Goal: "Do it.", Checks: []string{"status 200", "not reached app"},
		Hints: []string{"First hint.", "Second."}, Line: 16}
	if len(l.Challenges) != 1 || fmt.Sprint(l.Challenges[0]) != fmt.Sprint(want) {
		t.Errorf("challenges %+v, want %+v", l.Challenges, want)
	}
	if text := l.Steps[0].Text(); !strings.Contains(text, "offer bare LF\nsend \"GET /\\n\\n\"") || !strings.HasSuffix(text, "After.") {
		t.Errorf("Text() = %q", text)
	}
}

func TestStepText(t *testing.T) {
	t.Parallel()
	src := header + "## S\n\nBefore.\n\n```lab\ntry rawsock\noffer one\n> GET /\n```\n\nAfter.\n"
	l, err := Parse("t.md", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	want := "Before.\n\n```lab\ntry rawsock\noffer one\n> GET /\n```\n\nAfter."
	if got := l.Steps[0].Text(); got != want {
		t.Errorf("Text() = %q, want %q", got, want)
	}
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, src, want string
	}{
		{"no front matter", "# T\n", "t.md:1: a lesson starts with a --- front matter block"},
		{"unclosed front matter", "---\nnumber: 1\n", "t.md:2: front matter is never closed with ---"},
		{"bad number", "---\nnumber: x\n---\n", `t.md:2: number must be a positive whole number, not "x"`},
		{"unknown key", "---\ncolour: red\n---\n", `t.md:2: unknown front matter key "colour"`},
		{"no steps", header + "# T\n", "t.md:1: a lesson needs at least one step"},
		{"unknown verb", header + "## S\n```lab\nfly away\n```\n", `t.md:8: unknown action "fly"`},
		{"missing argument", header + "## S\n```lab\nstart\n```\n", "t.md:8: start needs 1 argument(s)"},
		{"bad expectation", header + "## S\n```lab\nexpect status OK\n```\n", `t.md:8: expect status wants a three-digit code, not "OK"`},
		{"pause too long", header + "## S\n```lab\npause 1m\n```\n", `t.md:8: pause wants a time above 0 and up to 10s, as 2.5s, not "1m"`},
		{"pause without unit", header + "## S\n```lab\npause 3\n```\n", `t.md:8: pause wants a time above 0 and up to 10s, as 2.5s, not "3"`},
		{"bad send", header + "## S\n```lab\nsend GET\n```\n", `t.md:8: send: want a Go-quoted string at "GET"`},
		{"unclosed block", header + "## S\n```lab\nstart rawsock\n", "t.md:7: ```lab block is never closed"},
		{"lab before steps", header + "```lab\nstart rawsock\n```\n", "t.md:6: a lab block before the first step"},
		{"offer outside try", header + "## S\n```lab\noffer x\n```\n", "t.md:8: offer outside a try"},
		{"empty lab block", header + "## S\n```lab\n# nothing\n```\n", "t.md:9: an empty lab block"},
		{"typed line without offer", header + "## S\n```lab\ntry rawsock\n> GET /\n```\n", "t.md:9: a request in a try needs an offer line"},
		{"typed and sent offer", header + "## S\n```lab\ndrill rawsock\noffer x\n> GET /\nsend \"a\"\n```\n", "t.md:11: an offer is either typed lines or one send"},
		{"challenge without id", header + "## S\n```challenge\ngoal: g\ncheck: status 200\n```\n", "t.md:7: a challenge needs id:"},
		{"challenge without check", header + "## S\n```challenge\nid: a\ngoal: g\n```\n", "t.md:7: challenge a needs at least one check:"},
		{"challenge unknown key", header + "## S\n```challenge\nid: a\nscore: 3\n```\n", "t.md:7: challenge a needs goal:\nt.md:9: unknown challenge key \"score\""},
		{"challenge twice", header + "## S\n```challenge\nid: a\ngoal: g\ncheck: status 200\n```\n```challenge\nid: a\ngoal: g\ncheck: status 200\n```\n", "t.md:12: a second challenge with id a"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := Parse("t.md", []byte(tt.src))
			var lerr *Error
			if !errors.As(err, &lerr) {
				t.Fatalf("error %v, want a *lessons.Error", err)
			}
			if !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("error %q, want it to start with %q", err, tt.want)
			}
		})
	}
}

// TestParseReportsEveryProblem: a lesson file with several problems gets
// them all in one report, in line order, past the lines it could not
// read.
func TestParseReportsEveryProblem(t *testing.T) {
	t.Parallel()
	src := "---\nnumber: 42\nslug: s\n---\n## One\n```lab\nbogus\nstart rawsock\n```\n" +
		"```challenge\nid: c\ngoal: g\ncheck: status 200\nscore: 1\n```\n## Two\n```lab\nsend GET\n```\n"
	_, err := Parse("t.md", []byte(src))
	want := []string{
		"t.md:1: front matter needs title:",
		`t.md:7: unknown action "bogus"`,
		`t.md:14: unknown challenge key "score"`,
		"t.md:18: send: want a Go-quoted string",
	}
	var es Errors
	if !errors.As(err, &es) || len(es) != len(want) {
		t.Fatalf("error %v, want %d problems", err, len(want))
	}
	for i, w := range want {
		if !strings.HasPrefix(es[i].Error(), w) {
			t.Errorf("problem %d is %q, want %q", i+1, es[i], w)
		}
	}
}

func TestShippedLessons(t *testing.T) {
	t.Parallel()
	all, err := All()
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 9 {
		t.Fatalf("%d lessons, want the nine DESIGN.md plans", len(all))
	}
	for i, l := range all {
		if l.Number != i+1 {
			t.Errorf("lesson %d is numbered %d", i+1, l.Number)
		}
		if l.Summary == "" || l.Talk == "" {
			t.Errorf("lesson %d lacks a summary or its talk section", l.Number)
		}
	}
	if all[0].Planned {
		t.Error("lesson 1 is marked planned; it is written")
	}
	for _, l := range all[:6] {
		drills := 0
		for _, st := range l.Steps {
			if st.Notes == "" {
				t.Errorf("lesson %d, step %q has no speaker notes", l.Number, st.Title)
			}
			for _, a := range st.Actions() {
				if a.Verb == Drill {
					drills++
				}
			}
		}
		if drills == 0 || len(l.Challenges) == 0 {
			t.Errorf("lesson %d has %d drills and %d challenges; each of the talk's lessons wants both", l.Number, drills, len(l.Challenges))
		}
	}
	if _, err := Get(42); !errors.Is(err, ErrUnknown) || !strings.Contains(err.Error(), "1 to 9") {
		t.Errorf("Get(42) = %v, want an unknown-lesson error naming the range", err)
	}
	if _, err := Find("./nope.md"); !errors.Is(err, ErrUnknown) {
		t.Errorf("Find of a missing file = %v, want ErrUnknown", err)
	}
}

func FuzzParse(f *testing.F) {
	all, _ := All()
	for _, l := range all {
		src, _ := embedded.ReadFile(l.ID() + ".md")
		f.Add(src)
	}
	f.Add([]byte(header + "## S\n```lab\nsend \"\\x00\" * 3 + \"b\"\n```\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		l, err := Parse("f.md", src)
		if err != nil {
			var lerr *Error
			if !errors.As(err, &lerr) || lerr.Line < 1 {
				t.Fatalf("error %v has no file:line", err)
			}
			return
		}
		if l.Number <= 0 || l.Title == "" {
			t.Fatalf("accepted a lesson without number or title: %+v", l)
		}
	})
}

func TestQuoteBytesRoundTrips(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, data, want string }{
		{"empty", "", `""`},
		{"short", "GET /\r\n\r\n", `"GET /\r\n\r\n"`},
		{"a short run stays", "GET /" + strings.Repeat("a", 15), `"GET /aaaaaaaaaaaaaaa"`},
		{"padding", "GET / HTTP/1.0\r\nX-Padding: " + strings.Repeat("b", 8200) + "\r\n\r\n",
			`"GET / HTTP/1.0\r\nX-Padding: " + "b"*8200 + "\r\n\r\n"`},
		{"runs only", strings.Repeat("\x00", 20) + strings.Repeat("\n", 16), `"\x00"*20 + "\n"*16`},
		{"a run longer than one repeat", strings.Repeat("c", maxRepeat+3), fmt.Sprintf(`"c"*%d + "ccc"`, maxRepeat)},
		{"not UTF-8", "\xff\xfe" + strings.Repeat("\xff", 17), `"\xff\xfe" + "\xff"*17`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := quoteBytes([]byte(tt.data))
			if got != tt.want {
				t.Errorf("quoteBytes = %s, want %s", got, tt.want)
			}
			back, err := parseBytes(got)
			if err != nil || string(back) != tt.data {
				t.Errorf("parseBytes(%s) = %q, %v; want the data back", got, back, err)
			}
		})
	}
}

// FuzzQuoteBytes: what a send line says of any bytes reads back as them.
func FuzzQuoteBytes(f *testing.F) {
	f.Add([]byte("GET / HTTP/1.0\r\nX-Padding: " + strings.Repeat("b", 100) + "\r\n\r\n"))
	f.Add([]byte("\xff\x00\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		back, err := parseBytes(quoteBytes(data))
		if err != nil || !bytes.Equal(back, data) {
			t.Errorf("parseBytes(quoteBytes(%q)) = %q, %v", data, back, err)
		}
	})
}
