// Package tui is the lab's terminal interface, built on Bubble Tea v2: the
// lesson list, and the lesson screen on which a learner or a presenter
// steps through a lesson while its layers run for real and every hop shows
// up live.
//
// The root model (root.go) owns the screens and is the only model that
// returns a tea.View; it routes window sizes to every screen and other
// messages to the one shown. Each screen or panel has a file of its own:
// list.go, lesson.go, lessonkeys.go and layout.go (the lesson screen),
// lessontext.go and actions.go (the lesson's text, its lab blocks said in
// words), stackpanel.go and stackactions.go, journey.go (with diagram.go,
// hop.go and diff.go), explain.go, telnet.go (its lines in console.go,
// its ready-made requests in picker.go), words.go (the glossary),
// leave.go, help.go, toosmall.go and errorscreen.go; present.go is
// presenter mode, a screen that wraps the lesson screen, and timeline.go
// the talk's clock; replay.go plays a lesson's recorded run on the lesson
// screen, for both; study.go and challenges.go follow the learner's
// challenges, exporting.go the E and y keys, rawclient.go the tcell
// client run through tea.Exec.
// Subpackages: remote (the presentation's socket, for notes, next and
// prev); ngw2f-lab telnet itself is stack/telnet/term.
// Components follow soft-serve's shape: Update returns the concrete type,
// View returns a string, SetSize and ShortHelp; tui/common holds what they
// share (sizes, styles, the one key map). The bubbles widgets do the
// work: viewport scrolls every pane, list lists the lessons, a drill's
// requests and the glossary, textinput takes what is typed; each takes
// its keys from the one key map.
//
// Nothing is cut: every line a panel shows goes through wrap (wrap.go),
// directly or in a pane (pane.go), and wraps to the panel's width.
//
// A lab (lab.go) is one lesson being run: a lessons/runner.Runner, the feed
// of what happens outside the TUI, and the Cmds that carry out steps and
// actions. Run stops every lab when the program ends, however it ends.
//
// NOTES:
//   - Nothing blocks in Update, and View does no work a cache cannot keep.
//     Steps, the layer keys (K, r, s), telnet dials and writes, progress
//     saves and exports run in Cmds, and package markdown draws the lesson's text
//     in one; a lab runs one blocking job at a time and says "wait"
//     otherwise (a talk queues its next key). runner.RunStep blocks while
//     it waits for answers. A lab opened after another waits for that
//     one's layers to stop before its first step: they share ports.
//   - Tap events, the runner's outputs and the telnet prompt's screen come
//     through the feed (feed.go) as one message a frame, at most 30 a
//     second, however fast traffic flows. Memory is bounded by the
//     recorder's ring, the Assembler's journey cap (maxJourneys) and the
//     console's line cap.
//   - Messages from a lab's Cmds are wrapped in labMsg: a lab left for the
//     list may still answer, and the root drops what it says.
//   - A value-receiver Update that calls a pointer method must call it
//     before the return statement: in "return m, m.f()" the copy of m may
//     be taken before f changes it.
//   - Presenter mode runs its lessons with a non-interactive runner: a try
//     is described rather than handed over, a drill's requests are sent,
//     and scripted lines are typed a character at a time. A step that
//     fails there is never retried live: the lesson's later steps replay
//     their recording too, so nothing waits in front of an audience.
//   - A lesson that cannot run live on this system (runner.Host.Live: the
//     pre-fork server on Windows) plays its recorded run from its first
//     step, for a learner and in a talk alike, marked REPLAY, with one
//     line that says why. Options.Host lets tests be that system.
//   - Colour never carries meaning alone: marks (▶ ✓ ✗ + - ~) and thick
//     borders for focus keep the screen readable under NO_COLOR.
//   - The styles follow the terminal: the root draws them anew when Bubble
//     Tea reports the colour profile (16 colours get their own, see
//     common/styles.go) or the background, which may come after a hop was
//     drawn. Whatever caches text drawn with them keys on Styles.ID.
package tui
