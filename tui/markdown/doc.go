// Package markdown draws a lesson's markdown for the terminal: headings,
// paragraphs wrapped to a width, emphasis, inline code, code blocks,
// lists, tables, links, block quotes and thematic breaks, each in a Lip
// Gloss style the caller gives (Styles), so that the lesson text follows
// the lab's themes, colour profiles and NO_COLOR as the rest of the
// screen does.
//
// It parses with goldmark (CommonMark, and GFM's tables) and draws the
// tree itself. It replaced glamour, whose syntax highlighter's package
// init (chroma's lexers and styles, some 45 ms) every process the lab
// starts from its own binary paid: each pre-fork worker, the spare, each
// CGI script. Lessons need no highlighting: a code block is drawn as its
// own lines in one style.
//
// NOTES:
//   - Lesson files are user input: control characters in them (an ESC
//     that would start a terminal sequence, a carriage return) are drawn
//     as U+FFFD, never sent to the terminal. Tabs become spaces.
//   - A code block's lines are not wrapped, nor is a word longer than the
//     width broken but by the hard wrap of the line; whoever shows the
//     lines wraps what is still too wide. A table too wide for the width
//     has its columns narrowed and their cells wrapped; one that cannot
//     fit at all has its lines cut, with "…".
//   - The drawing keeps glamour's layout where the lessons' screens
//     showed it: a margin of 2, "## " before a heading of level 2 and
//     more, "• " before an unordered item, inline code between spaces
//     that do not break, tables with "│" between columns.
package markdown
