package cgi

import (
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/ngw2f/ngw2f-lab/stack/child"
)

// Script is a CGI script: it reads the request from its environment
// (lookup, as os.LookupEnv) and standard input, writes its answer to standard output, and
// returns its exit status.
type Script func(lookup func(string) (string, bool), stdin io.Reader, stdout io.Writer) int

// scripts are the lab's CGI scripts, by name.
var scripts = map[string]Script{
	"hello": hello,
	"env":   showEnv,
	"slow":  slow,
}

// Scripts returns the names of the lab's scripts, sorted.
func Scripts() []string {
	names := make([]string, 0, len(scripts))
	for n := range scripts {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// role is the child role that runs the script name.
func role(name string) string { return "cgi-script-" + name }

func init() {
	for name, s := range scripts {
		child.Register(role(name), func() int { return s(os.LookupEnv, os.Stdin, os.Stdout) })
	}
}

// hello is the talk's app as a CGI script.
func hello(_ func(string) (string, bool), _ io.Reader, out io.Writer) int {
	fmt.Fprint(out, "Content-Type: text/plain\n\nHello, World! (from CGI)\n")
	return 0
}

// shownBody is the most of a body the env script shows.
const shownBody = 1024

// showEnv answers with the meta-variables it was given, in RFC 3875's
// order (those the server set), then the HTTP_* ones, then the body it
// read: its length, and its first shownBody bytes. It holds no more of a
// body than it shows.
func showEnv(lookup func(string) (string, bool), in io.Reader, out io.Writer) int {
	body := make([]byte, shownBody)
	n, err := io.ReadFull(in, body)
	body = body[:n]
	rest := int64(0)
	if err == nil {
		rest, err = io.Copy(io.Discard, in)
	}
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		fmt.Fprintf(os.Stderr, "env: reading the body: %v\n", err)
		return 1
	}
	fmt.Fprint(out, "Content-Type: text/plain\n\n")
	for _, k := range metaVariables {
		if v, ok := lookup(k); ok {
			fmt.Fprintf(out, "%s=%s\n", k, v)
		}
	}
	var http []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "HTTP_") {
			http = append(http, kv)
		}
	}
	sort.Strings(http)
	for _, kv := range http {
		fmt.Fprintln(out, kv)
	}
	if rest == 0 {
		fmt.Fprintf(out, "read %d bytes of body: %q\n", len(body), body)
	} else {
		fmt.Fprintf(out, "read %d bytes of body, the first %d: %q\n", int64(len(body))+rest, len(body), body)
	}
	return 0
}

// slow sleeps as long as ?seconds=N says (1 when not given, at most 60)
// before it answers: a script that takes its time, or hangs.
func slow(lookup func(string) (string, bool), _ io.Reader, out io.Writer) int {
	d := time.Second
	query, _ := lookup("QUERY_STRING")
	if v, ok := strings.CutPrefix(query, "seconds="); ok {
		if f, err := strconv.ParseFloat(v, 64); err == nil && f >= 0 && f <= 60 {
			d = time.Duration(f * float64(time.Second))
		}
	}
	time.Sleep(d)
	fmt.Fprintf(out, "Content-Type: text/plain\n\nslept %s\n", d)
	return 0
}
