package prefork

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ngw2f/ngw2f-lab/stack"
	"github.com/ngw2f/ngw2f-lab/stack/internal/capture"
	"github.com/ngw2f/ngw2f-lab/stack/trace"
	"github.com/ngw2f/ngw2f-lab/stack/uwsgi"
)

// TestUwsgiProtocol sends the workers of a --protocol uwsgi server the
// packet Debian's nginx sent (stack/uwsgi's capture) and packets of its
// own, and checks the answers: plain HTTP in the version the packet names,
// with only the app's headers, as uWSGI answers nginx.
func TestUwsgiProtocol(t *testing.T) {
	nginx, err := os.ReadFile(filepath.Join("..", "uwsgi", "testdata", "nginx-get.bin"))
	if err != nil {
		t.Fatal(err)
	}
	post, err := uwsgi.Append(nil, &uwsgi.Packet{Vars: []uwsgi.Var{
		{Key: "REQUEST_METHOD", Value: "POST"}, {Key: "REQUEST_URI", Value: "/echo"},
		{Key: "PATH_INFO", Value: "/echo"}, {Key: "SERVER_PROTOCOL", Value: "HTTP/1.1"},
		{Key: "CONTENT_LENGTH", Value: "5"}, {Key: "HTTPS", Value: "on"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	s, _ := startServer(t, Options{Workers: 1, App: "environ:application", Protocol: ProtocolUwsgi})
	echo, _ := startServer(t, Options{Workers: 1, App: "echo:application", Protocol: ProtocolUwsgi})
	tests := []struct {
		name   string
		server *Server
		send   string
		want   []string // in the answer, in this order
		not    []string
	}{
		{name: "nginx's packet", server: s, send: string(nginx),
			want: []string{"HTTP/1.0 200 OK\r\n", "\r\n\r\n", "QUERY_STRING=name=World\n",
				"HTTP_HOST=localhost\n", "HTTP_USER_AGENT=telnet\n", "wsgi.url_scheme=http\n"},
			not: []string{"Server:", "Date:", "Connection:", "gunicorn.socket"}},
		{name: "a body after the packet", server: echo, send: string(post) + "hello",
			want: []string{"HTTP/1.1 201 Created\r\n", "Content-Length: 19\r\n", "\r\n\r\ngot 5 bytes: hello\n"},
			not:  []string{"Transfer-Encoding"}},
		{name: "a packet cut short", server: s, send: string(nginx[:20])},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := capture.RoundTripHalfClosed(t, tt.server.Addr(), tt.send)
			rest := got
			for _, w := range tt.want {
				i := strings.Index(rest, w)
				if i < 0 {
					t.Fatalf("answer lacks %q after what came before:\n%s", w, got)
				}
				rest = rest[i+len(w):]
			}
			for _, n := range tt.not {
				if strings.Contains(got, n) {
					t.Errorf("answer has %q:\n%s", n, got)
				}
			}
			if tt.want == nil && got != "" {
				t.Errorf("answer %q, want none", got)
			}
		})
	}
}

// TestUwsgiSocketRefusesText checks that HTTP text sent to a uwsgi socket
// is refused at once, with a log line saying what went wrong.
func TestUwsgiSocketRefusesText(t *testing.T) {
	rec := trace.NewRecorder(0, 0)
	sub := rec.Subscribe()
	defer sub.Close()
	s := New(stack.Config{Trace: rec}, Options{Workers: 1, Protocol: ProtocolUwsgi, Hooks: []string{}})
	must(t, s.Start(context.Background()))
	defer s.Close()
	if got := exchange(t, s.Addr(), "GET / HTTP/1.0\r\n\r\n"); got != "" {
		t.Errorf("answer %q, want none", got)
	}
	flush(t, s)
	want := `Invalid uwsgi request: modifier1 71 ('G': is this text sent to a uwsgi socket?)`
	if text := eventText(sub.TryNext(0)); !strings.Contains(text, want) {
		t.Errorf("no %q in:\n%s", want, text)
	}
}
