package trace

import (
	"bytes"
	"io"
	"net"
	"slices"
	"testing"
)

// serveOnce accepts one connection on ln, reads the request until the
// client half-closes, answers resp and closes.
func serveOnce(t testing.TB, ln net.Listener, resp []byte) <-chan []byte {
	got := make(chan []byte, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			got <- nil
			return
		}
		req, _ := io.ReadAll(c)
		c.Write(resp)
		c.Close()
		got <- req
	}()
	return got
}

func exchange(t *testing.T, ln net.Listener, req, resp []byte) (serverGot, clientGot []byte) {
	t.Helper()
	got := serveOnce(t, ln, resp)
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Write(req); err != nil {
		t.Fatal(err)
	}
	c.(*net.TCPConn).CloseWrite()
	clientGot, err = io.ReadAll(c)
	if err != nil {
		t.Fatal(err)
	}
	return <-got, clientGot
}

func TestTapPassesBytesUnchanged(t *testing.T) {
	t.Parallel()
	req := []byte("GET / HTTP/1.0\r\nX-Odd: \x00\xff\r\n\r\n")
	resp := []byte("HTTP/1.1 200 OK\n\nHello\n")

	plain, _ := net.Listen("tcp", "127.0.0.1:0")
	defer plain.Close()
	wantServer, wantClient := exchange(t, plain, req, resp)

	rec := NewRecorder(0, 0)
	sub := rec.Subscribe()
	defer sub.Close()
	raw, _ := net.Listen("tcp", "127.0.0.1:0")
	tapped := NewTap(rec, "rawsock").Listen(raw)
	defer tapped.Close()
	gotServer, gotClient := exchange(t, tapped, req, resp)

	if !bytes.Equal(gotServer, wantServer) || !bytes.Equal(gotClient, wantClient) {
		t.Fatalf("tapped exchange differs: server got %q (untapped %q), client got %q (untapped %q)",
			gotServer, wantServer, gotClient, wantClient)
	}

	var down, up []byte
	var kinds []Kind
	for _, e := range sub.TryNext(0) {
		if e.Layer != "rawsock" {
			t.Errorf("event layer %q, want rawsock", e.Layer)
		}
		kinds = append(kinds, e.Kind)
		if e.Kind == KindBytes && e.Dir == Down {
			down = append(down, e.Data...)
		}
		if e.Kind == KindBytes && e.Dir == Up {
			up = append(up, e.Data...)
		}
	}
	if !bytes.Equal(down, req) || !bytes.Equal(up, resp) {
		t.Errorf("recorded down %q up %q, want %q and %q", down, up, req, resp)
	}
	if kinds[0] != KindOpen || kinds[len(kinds)-1] != KindClose {
		t.Errorf("kinds %v: want open first and close last", kinds)
	}
}

func TestNilTapWrapsNothing(t *testing.T) {
	t.Parallel()
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	defer ln.Close()
	tap := NewTap(nil, "rawsock")
	if tap != nil {
		t.Fatal("NewTap(nil) returned a Tap")
	}
	if got := tap.Listen(ln); got != ln {
		t.Error("a nil Tap wrapped the listener")
	}
	tap.Log(nil, "x", "y") // must not panic
}

// TestTapLog checks that a log line reaches the sink as the line's bytes,
// an empty line as empty data, and with the connection it was logged for.
func TestTapLog(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, text string }{
		{"access_log", `127.0.0.1 - - "GET / HTTP/1.1" 200 14`},
		{"hook", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec := NewRecorder(0, 0)
			sub := rec.Subscribe()
			defer sub.Close()
			c := &Conn{id: ConnID{PID: 1, N: 7}}
			NewTap(rec, "proxy").Log(c, tt.name, tt.text)
			evs := sub.TryNext(0)
			if len(evs) != 1 {
				t.Fatalf("%d events, want 1", len(evs))
			}
			e := evs[0]
			if e.Kind != KindLog || e.Name != tt.name || e.Conn != c.id || e.Layer != "proxy" {
				t.Errorf("got %s %q on %v by %q, want log %q on %v by proxy", e.Kind, e.Name, e.Conn, e.Layer, tt.name, c.id)
			}
			if e.Data == nil || string(e.Data) != tt.text {
				t.Errorf("data %q (nil %v), want %q", e.Data, e.Data == nil, tt.text)
			}
		})
	}
}

func TestClientSideDirections(t *testing.T) {
	t.Parallel()
	rec := NewRecorder(0, 0)
	sub := rec.Subscribe()
	defer sub.Close()
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	defer ln.Close()
	got := serveOnce(t, ln, []byte("pong"))
	raw, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	c := NewTap(rec, "proxy").Conn(raw, Client)
	c.Write([]byte("ping"))
	raw.(*net.TCPConn).CloseWrite()
	io.ReadAll(c)
	c.Close()
	<-got
	dirs := map[string]Dir{}
	for _, e := range sub.TryNext(0) {
		if e.Kind == KindBytes {
			dirs[string(e.Data)] = e.Dir
		}
	}
	if dirs["ping"] != Down || dirs["pong"] != Up {
		t.Errorf("client side directions %v: want ping down, pong up", dirs)
	}
}

// BenchmarkLoopback measures throughput over a loopback connection, tapped
// and untapped, with the server side reading 32 KiB at a time.
func BenchmarkLoopback(b *testing.B) {
	for _, tc := range []struct {
		name string
		tap  *Tap
	}{
		{"untapped", nil},
		{"tapped", NewTap(NewRecorder(0, 0), "bench")},
	} {
		b.Run(tc.name, func(b *testing.B) {
			raw, _ := net.Listen("tcp", "127.0.0.1:0")
			ln := tc.tap.Listen(raw)
			defer ln.Close()
			done := make(chan int64)
			go func() {
				c, err := ln.Accept()
				if err != nil {
					done <- 0
					return
				}
				buf := make([]byte, 32<<10)
				var n int64
				for {
					m, err := c.Read(buf)
					n += int64(m)
					if err != nil {
						break
					}
				}
				c.Close()
				done <- n
			}()
			c, err := net.Dial("tcp", ln.Addr().String())
			if err != nil {
				b.Fatal(err)
			}
			chunk := bytes.Repeat([]byte("x"), 32<<10)
			b.SetBytes(int64(len(chunk)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := c.Write(chunk); err != nil {
					b.Fatal(err)
				}
			}
			c.Close()
			<-done
		})
	}
}

// TestTapKeepsAHopBounded sends 3 MiB one way and a short answer back: the
// tap passes every byte, keeps the first MaxHopBytes of the long hop and
// counts the rest, and the journey's hop says how long it really was.
func TestTapKeepsAHopBounded(t *testing.T) {
	t.Parallel()
	rec := NewRecorder(0, 0)
	sub := rec.Subscribe()
	defer sub.Close()
	raw, _ := net.Listen("tcp", "127.0.0.1:0")
	tapped := NewTap(rec, "rawsock").Listen(raw)
	defer tapped.Close()
	req := bytes.Repeat([]byte("0123456789abcdef"), 3<<16) // 3 MiB
	gotServer, gotClient := exchange(t, tapped, req, []byte("OK\n"))
	if !bytes.Equal(gotServer, req) || string(gotClient) != "OK\n" {
		t.Fatalf("the tap changed the bytes: server got %d of %d, client got %q", len(gotServer), len(req), gotClient)
	}
	if held := rec.Stats().Bytes; held > MaxHopBytes+64 {
		t.Errorf("the recorder holds %d bytes of data for a 3 MiB hop, want at most %d", held, MaxHopBytes+64)
	}
	a := NewAssembler(0)
	for _, e := range sub.TryNext(0) {
		a.Add(e)
	}
	js := a.Journeys()
	if len(js) != 1 {
		t.Fatalf("%d journeys, want 1", len(js))
	}
	var in, out Hop
	for _, h := range js[0].Hops() {
		switch {
		case h.Kind == KindBytes && h.Dir == Down:
			in = h
		case h.Kind == KindBytes && h.Dir == Up:
			out = h
		}
	}
	if in.Size() != int64(len(req)) || len(in.Data()) != MaxHopBytes || in.Omitted() != int64(len(req)-MaxHopBytes) {
		t.Errorf("the request hop: size %d, %d bytes kept, %d omitted; want %d, %d, %d",
			in.Size(), len(in.Data()), in.Omitted(), len(req), MaxHopBytes, len(req)-MaxHopBytes)
	}
	if !bytes.Equal(in.Data(), req[:MaxHopBytes]) {
		t.Error("the bytes kept are not the hop's first ones")
	}
	if string(out.Data()) != "OK\n" || out.Omitted() != 0 {
		t.Errorf("the answer hop: %q, %d omitted", out.Data(), out.Omitted())
	}
}

// TestTapKeepsAHandoffRunBounded hands off a stream in chunks, as a CGI
// script's stdout or an app's body comes: the run keeps its first
// MaxHopBytes and counts the rest, and a hand-off of another name starts
// a run of its own.
func TestTapKeepsAHandoffRunBounded(t *testing.T) {
	t.Parallel()
	rec := NewRecorder(0, 0)
	sub := rec.Subscribe()
	defer sub.Close()
	server, client := net.Pipe()
	defer client.Close()
	c := NewTap(rec, "cgi").Conn(server, Server)
	defer c.Close()
	chunk := bytes.Repeat([]byte("x"), 40<<10)
	tap := NewTap(rec, "cgi")
	for range 3 {
		tap.Handoff(c, Handoff{From: "cgi", To: "script", Dir: Up, Name: "stdout", Data: chunk})
	}
	tap.Handoff(c, Handoff{From: "cgi", To: "script", Dir: Down, Name: "stdin", Data: []byte("body")})
	type kept struct {
		name          string
		data, omitted int64
	}
	var got []kept
	for _, e := range sub.TryNext(0) {
		if e.Kind == KindHandoff {
			got = append(got, kept{e.Name, int64(len(e.Data)), e.Omitted})
		}
	}
	want := []kept{
		{"stdout", 40 << 10, 0},
		{"stdout", MaxHopBytes - 40<<10, 80<<10 - MaxHopBytes},
		{"stdout", 0, 40 << 10},
		{"stdin", 4, 0},
	}
	if !slices.Equal(got, want) {
		t.Errorf("hand-offs kept %v, want %v", got, want)
	}
}

// BenchmarkTapConn taps one accepted and one dialed end of a loopback
// connection, as a proxy does for each request it passes on.
func BenchmarkTapConn(b *testing.B) {
	tap := NewTap(NewRecorder(0, 0), "proxy")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer ln.Close()
	dialed, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		b.Fatal(err)
	}
	defer dialed.Close()
	accepted, err := ln.Accept()
	if err != nil {
		b.Fatal(err)
	}
	defer accepted.Close()
	b.ReportAllocs()
	for b.Loop() {
		tap.Conn(accepted, Server)
		tap.Conn(dialed, Client)
	}
}
