package proxy

import (
	"bytes"
	"slices"
	"strings"
	"testing"
)

// writeSizes records the size of each write it takes, and the bytes.
type writeSizes struct {
	sizes []int
	all   bytes.Buffer
}

func (w *writeSizes) Write(p []byte) (int, error) {
	w.sizes = append(w.sizes, len(p))
	return w.all.Write(p)
}

// TestSendPieces holds a spooled body's sending to nginx 1.22's, as
// strace shows it for a 100 KB POST through proxy_pass with the default
// client_body_buffer_size: writev of the 200-byte head and the first
// 8192 bytes of the file, then a pread and a writev of 8192 bytes at a
// time, the last piece shorter.
func TestSendPieces(t *testing.T) {
	head := strings.Repeat("h", 200)
	for _, tc := range []struct {
		name  string
		body  int
		piece int
		want  []int
	}{
		{"several pieces", 20000, 8192, []int{200 + 8192, 8192, 3616}},
		{"whole pieces", 16384, 8192, []int{200 + 8192, 8192}},
		{"one piece", 8192, 8192, []int{200 + 8192}},
		{"less than a piece", 100, 8192, []int{300}},
		{"no body", 0, 8192, []int{200}},
		{"small pieces", 5, 2, []int{202, 2, 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := strings.Repeat("b", tc.body)
			var w writeSizes
			if err := sendPieces(&w, []byte(head), strings.NewReader(body), tc.piece); err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(w.sizes, tc.want) {
				t.Errorf("writes of %v bytes, want %v", w.sizes, tc.want)
			}
			if w.all.String() != head+body {
				t.Error("the bytes sent are not the head and then the body")
			}
		})
	}
}
