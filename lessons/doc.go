// Package lessons reads the lab's lessons. A lesson is data, not code: a
// markdown file whose front matter says which lesson it is, whose text is
// the narrative, and whose level-two headings are its steps. Each step's
// fenced ```lab blocks say what the lab does in that step, one action a
// line:
//
//	start rawsock          start a layer
//	stop rawsock           stop it
//	telnet rawsock         open a telnet connection to a layer
//	> GET / HTTP/1.0       type a line on it (sent with CR LF)
//	>                      type an empty line
//	send "GET /\n" + "a"*9 send exact bytes: Go-quoted strings, + and *N
//	wait                   wait for the answer to what was sent
//	close                  close the connection, as telnet's close command
//	expect status 200      check the answer (see Expectations)
//	explain request        show how the lab's HTTP reader parses what was sent
//	explain response       the same for the answer
//	explain environ        the environ the app got for the last request, key
//	                       by key, with what each key means
//	explain packet         the uwsgi packet the last request crossed a hop
//	                       as (uwsgi_pass), field by field
//	kill prefork           kill -9 a worker of a layer (the oldest), and wait
//	                       for its master to replace it
//	signal prefork TTIN    send a layer's master a signal: TTIN adds a worker,
//	                       TTOU removes one, HUP replaces them all, TERM
//	                       stops gracefully, INT and QUIT at once
//	idle proxy 1000        open 1000 connections to a layer that send
//	                       nothing, held until the step ends, and show
//	                       what they cost the lab's process: goroutines,
//	                       open files, threads
//	measure cgi 200 /x     send a layer 200 requests for /x, one after
//	                       another, and show the time each took (median
//	                       and 90th percentile) next to the layers measured
//	                       before in the lesson
//	trickle prefork 6      start 6 slow clients against a layer, one every
//	                       100 ms: each sends its request one byte every
//	                       100 ms, then reads the answer; they run until
//	                       done or the step ends, and a measure meanwhile
//	                       says how many were still waiting for an answer
//	spread proxy 30 /x     send a layer 30 requests for /x, 6 at a time,
//	                       and show which layer behind it served each
//	pause 2.5s             let time pass (up to 10s), as for a timeout
//	                       of a layer's to run out
//	try rawsock            give the learner a telnet prompt on a layer,
//	offer HTTP/1.0         with ready-made requests to pick: a label,
//	> GET / HTTP/1.0       then the lines it types
//	drill proxy            a "break it" drill: each offer is sent to the
//	offer bare LF          layer on a connection of its own, and the lab
//	send "GET /\n\n"       says which layer refused it and why
//
// An offer is either typed lines or one send line, in a try as in a drill.
//
// A layer's own log lines that belong to no request (a pre-fork server's
// hooks, its master's log) are shown after the action that caused them.
//
// Lines starting with # in a lab block are comments. Fenced ```notes
// blocks are speaker notes: kept apart from the text the learner reads,
// shown by ngw2f-lab notes during a presentation.
//
// Fenced ```challenge blocks set the learner a task for the end of the
// lesson, checked against the journeys of their own requests (see
// lessons/challenge for what a check may say):
//
//	id: no-blank-line
//	goal: Get an answer without ever sending the empty line.
//	check: status 200
//	check: not request rawsock ~ \r?\n\r?\n
//	hint: The server reads once.
//
// The lessons the lab ships are embedded in the binary; Load reads one from
// a file, so a presenter can write their own. Every problem in a file is
// reported as FILE:LINE: what is wrong.
package lessons
