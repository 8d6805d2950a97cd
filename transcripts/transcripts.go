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
	"strings"
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

// RecordedStep returns the part of a lesson's recorded transcript that
// step i (0-based) printed, from its "Step N of M" heading to the next
// step's, for a presenter whose machine cannot run the step live.
func RecordedStep(id string, i int) (string, error) {
	b, err := Recorded(id)
	if err != nil {
		return "", err
	}
	text := string(b)
	start := strings.Index(text, fmt.Sprintf("\nStep %d of ", i+1))
	if start < 0 {
		return "", fmt.Errorf("transcripts: the recorded run of lesson %s has no step %d", id, i+1)
	}
	text = text[start+1:]
	if end := strings.Index(text[1:], "\nStep "); end >= 0 {
		text = text[:end+1]
	} else if end := strings.Index(text, "\nLesson "); end >= 0 {
		text = text[:end]
	}
	return strings.TrimRight(text, "\n") + "\n", nil
}
