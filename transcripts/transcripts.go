// Package transcripts renders a lesson's run as plain text and keeps the
// recorded runs of every lesson. A transcript reads like `curl -v`: what
// was typed, what the lab did, and for every journey each hop's bytes, "> "
// for what went down the stack and "< " for what came back, with CR and LF
// spelled out.
//
// The files NN-slug.txt in this folder are the lab's golden files: each
// lesson's run, normalized so that it is the same on every machine (dates,
// ports, PIDs and durations as placeholders). A test reruns every lesson
// for real and compares; `ngw2f-lab replay N` prints them without opening a
// socket.
package transcripts

import (
	"embed"
	"fmt"
)

//go:embed *.txt
var recorded embed.FS

// Recorded returns the recorded transcript of the lesson with the given ID
// ("01-http").
func Recorded(id string) ([]byte, error) {
	b, err := recorded.ReadFile(id + ".txt")
	if err != nil {
		return nil, fmt.Errorf("transcripts: no recorded run of lesson %s", id)
	}
	return b, nil
}
