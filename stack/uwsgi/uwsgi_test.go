package uwsgi

import (
	"bytes"
	"errors"
	"io"
	"os"
	"strings"
	"testing"
)

// talkRequest is the packet for the talk's GET / with a few of nginx's
// uwsgi_params, as bytes written out by hand from the protocol's layout.
var talkRequest = []byte("\x00\x33\x00\x00" +
	"\x0e\x00REQUEST_METHOD\x03\x00GET" +
	"\x09\x00PATH_INFO\x01\x00/" +
	"\x0c\x00QUERY_STRING\x00\x00")

func TestAppend(t *testing.T) {
	t.Parallel()
	p := &Packet{Vars: []Var{{"REQUEST_METHOD", "GET"}, {"PATH_INFO", "/"}, {"QUERY_STRING", ""}}}
	got, err := Append(nil, p)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, talkRequest) {
		t.Errorf("Append = %q\nwant    %q", got, talkRequest)
	}
}

func TestRead(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		in      string
		want    []Var
		wantErr string
	}{
		{name: "talk request", in: string(talkRequest), want: []Var{{"REQUEST_METHOD", "GET"}, {"PATH_INFO", "/"}, {"QUERY_STRING", ""}}},
		{name: "no variables", in: "\x00\x00\x00\x00", want: nil},
		{name: "repeated key kept in order", in: "\x00\x0c\x00\x00\x01\x00a\x01\x001\x01\x00a\x01\x002", want: []Var{{"a", "1"}, {"a", "2"}}},
		{name: "empty stream", in: "", wantErr: "EOF"},
		{name: "short header", in: "\x00\x05", wantErr: "uwsgi: header: unexpected EOF"},
		{name: "short variables", in: "\x00\x09\x00\x00\x01\x00a", wantErr: "uwsgi: variables: unexpected EOF"},
		{name: "key size cut", in: "\x00\x01\x00\x00\x01", wantErr: "inside the size of a key at byte 0"},
		{name: "value past end", in: "\x00\x05\x00\x00\x01\x00a\x05\x00", wantErr: "value of a of 5 bytes runs past"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, err := Read(strings.NewReader(tt.in))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(p.Vars) != len(tt.want) {
				t.Fatalf("vars %q, want %q", p.Vars, tt.want)
			}
			for i := range p.Vars {
				if p.Vars[i] != tt.want[i] {
					t.Errorf("var %d = %q, want %q", i, p.Vars[i], tt.want[i])
				}
			}
		})
	}
}

func TestReadLeavesBody(t *testing.T) {
	t.Parallel()
	r := strings.NewReader(string(talkRequest) + "body")
	if _, err := Read(r); err != nil {
		t.Fatal(err)
	}
	rest, _ := io.ReadAll(r)
	if string(rest) != "body" {
		t.Errorf("after the packet %q is left, want the body", rest)
	}
}

func TestTooBig(t *testing.T) {
	t.Parallel()
	big := strings.Repeat("a", 40000)
	_, err := Append(nil, &Packet{Vars: []Var{{"A", big}, {"B", big}}})
	if !errors.Is(err, ErrTooBig) {
		t.Errorf("Append of 80,000 bytes of variables: %v, want ErrTooBig", err)
	}
	_, err = Append(nil, &Packet{Vars: []Var{{"A", strings.Repeat("a", 70000)}}})
	if !errors.Is(err, ErrTooBig) {
		t.Errorf("Append of a 70,000-byte value: %v, want ErrTooBig", err)
	}
}

func FuzzRead(f *testing.F) {
	f.Add(talkRequest)
	f.Add([]byte("\x00\x0c\x00\x00\x01\x00a\x01\x001\x01\x00a\x01\x002body"))
	f.Add([]byte("\x00\xff\xff\x00"))
	f.Fuzz(func(t *testing.T, in []byte) {
		r := bytes.NewReader(in)
		p, err := Read(r)
		if err != nil {
			return
		}
		consumed := len(in) - r.Len()
		out, err := Append(nil, p)
		if err != nil {
			t.Fatalf("a packet that was read cannot be written: %v", err)
		}
		if !bytes.Equal(out, in[:consumed]) {
			t.Fatalf("round trip %q, read from %q", out, in[:consumed])
		}
	})
}

func BenchmarkRead(b *testing.B) {
	b.ReportAllocs()
	r := bytes.NewReader(talkRequest)
	for b.Loop() {
		r.Reset(talkRequest)
		if _, err := Read(r); err != nil {
			b.Fatal(err)
		}
	}
}

// TestNginxPacket decodes a packet captured from Debian's nginx (see
// testdata/README.md) and writes it back byte for byte.
func TestNginxPacket(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile("testdata/nginx-get.bin")
	if err != nil {
		t.Fatal(err)
	}
	p, err := Read(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, v := range p.Vars {
		keys = append(keys, v.Key)
	}
	want := "QUERY_STRING REQUEST_METHOD CONTENT_TYPE CONTENT_LENGTH REQUEST_URI PATH_INFO DOCUMENT_ROOT " +
		"SERVER_PROTOCOL REQUEST_SCHEME REMOTE_ADDR REMOTE_PORT SERVER_PORT SERVER_NAME HTTP_HOST HTTP_USER_AGENT"
	if got := strings.Join(keys, " "); got != want {
		t.Errorf("keys in order:\n%s\nwant:\n%s", got, want)
	}
	if uri, _ := p.Get("REQUEST_URI"); uri != "/hello?name=World" {
		t.Errorf("REQUEST_URI = %q", uri)
	}
	out, err := Append(nil, p)
	if err != nil || !bytes.Equal(out, raw) {
		t.Errorf("written back differs from nginx's bytes (%v)", err)
	}
}

func TestDump(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		in    string
		want  []string
		body  string
		notOK bool
	}{
		{name: "talk request", in: string(talkRequest) + "body", body: "body", want: []string{
			"00 33 00 00  header: modifier1 0, datasize 51 (33 00: the low byte first), modifier2 0",
			"0e 00 REQUEST_METHOD  03 00 GET",
			"09 00 PATH_INFO  01 00 /",
			`0c 00 QUERY_STRING  00 00 ""`,
		}},
		{name: "a value that is not text", in: "\x00\x07\x00\x00\x01\x00K\x02\x00\x01\"", want: []string{
			"00 07 00 00  header: modifier1 0, datasize 7 (07 00: the low byte first), modifier2 0",
			`01 00 K  02 00 "\x01\""`,
		}},
		{name: "HTTP text", in: "GET / HTTP/1.0\r\n\r\n", notOK: true},
		{name: "cut short", in: string(talkRequest[:20]), notOK: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			lines, body, ok := Dump([]byte(tt.in))
			if ok == tt.notOK {
				t.Fatalf("ok = %v", ok)
			}
			if strings.Join(lines, "\n") != strings.Join(tt.want, "\n") || string(body) != tt.body {
				t.Errorf("Dump = %q, body %q\nwant %q, body %q", lines, body, tt.want, tt.body)
			}
		})
	}
}

func FuzzDump(f *testing.F) {
	f.Add(talkRequest)
	f.Add([]byte("\x00\x05\x00\x00\x01\x00K\x00\x00rest"))
	f.Fuzz(func(t *testing.T, data []byte) {
		lines, body, ok := Dump(data)
		if !ok {
			return
		}
		if len(lines) == 0 || len(body) > len(data)-HeaderSize {
			t.Errorf("Dump(%q) = %q, body %q", data, lines, body)
		}
	})
}
