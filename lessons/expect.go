package lessons

import (
	"fmt"
	"strconv"
	"strings"
)

// Expectation is what an expect action checks about the last exchange.
//
//	expect status 200        the answer's status code
//	expect closed            the server closed the connection cleanly
//	expect reset             the server reset the connection
//	expect open              the connection is still open
//	expect body TEXT         the answer contains TEXT
//	expect read LAYER N      LAYER read exactly N bytes of the request
type Expectation struct {
	What   string // status, closed, reset, open, body or read
	Status int
	Layer  string
	N      int
	Text   string
}

// String says the expectation in words, for transcripts.
func (e Expectation) String() string {
	switch e.What {
	case "status":
		return fmt.Sprintf("the answer's status is %d", e.Status)
	case "closed":
		return "the server closed the connection"
	case "reset":
		return "the server reset the connection"
	case "open":
		return "the connection is still open"
	case "body":
		return fmt.Sprintf("the answer contains %q", e.Text)
	case "read":
		return fmt.Sprintf("%s read %d bytes of the request", e.Layer, e.N)
	}
	return e.What
}

// ParseExpectation reads the words after expect.
func ParseExpectation(args []string) (Expectation, error) {
	if len(args) == 0 {
		return Expectation{}, fmt.Errorf("expect needs what to check")
	}
	e := Expectation{What: args[0]}
	rest := args[1:]
	want := func(n int, usage string) error {
		if len(rest) != n {
			return fmt.Errorf("usage: expect %s", usage)
		}
		return nil
	}
	var err error
	switch e.What {
	case "status":
		if err = want(1, "status CODE"); err == nil {
			e.Status, err = strconv.Atoi(rest[0])
			if err != nil || e.Status < 100 || e.Status > 999 {
				err = fmt.Errorf("expect status wants a three-digit code, not %q", rest[0])
			}
		}
	case "closed", "reset", "open":
		err = want(0, e.What)
	case "body":
		if len(rest) == 0 {
			err = fmt.Errorf("usage: expect body TEXT")
		}
		e.Text = strings.Join(rest, " ")
	case "read":
		if err = want(2, "read LAYER BYTES"); err == nil {
			e.Layer = rest[0]
			e.N, err = strconv.Atoi(rest[1])
			if err != nil || e.N < 0 {
				err = fmt.Errorf("expect read wants a byte count, not %q", rest[1])
			}
		}
	default:
		err = fmt.Errorf("unknown expectation %q (want status, closed, reset, open, body or read)", e.What)
	}
	return e, err
}

func checkExpect(args []string) error {
	_, err := ParseExpectation(args)
	return err
}
