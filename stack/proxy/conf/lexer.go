package conf

// token is what the lexer returns: the words of one directive and what
// ended it.
type token struct {
	words []string
	end   ending
	line  int // the line the ending was read on
}

// ending says what ended a directive's words.
type ending uint8

const (
	endSemicolon  ending = iota + 1 // ";": a simple directive
	endBlockStart                   // "{": a block directive's opening
	endBlockDone                    // "}": the end of a block
	endFile                         // the end of the file
)

// lexer splits a configuration file into directives the way nginx's
// ngx_conf_read_token does, errors included.
type lexer struct {
	file string
	src  []byte
	pos  int
	line int
}

func newLexer(file string, src []byte) *lexer {
	return &lexer{file: file, src: src, line: 1}
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// next reads the words of the next directive, up to its ";" or "{", or a
// "}" or the end of the file.
func (l *lexer) next() (token, error) {
	var (
		words     []string
		start     int
		lastSpace = true
		needSpace bool
		escaped   bool // the previous byte was a backslash
		dQuoted   bool
		sQuoted   bool
		variable  bool // the previous byte was a '$': a '{' does not open a block
		comment   bool
	)
	for ; l.pos < len(l.src); l.pos++ {
		c := l.src[l.pos]
		if c == '\n' {
			l.line++
			comment = false
		}
		switch {
		case comment:
			continue
		case escaped:
			escaped = false
			continue
		case needSpace:
			switch {
			case isSpace(c):
				lastSpace, needSpace = true, false
				continue
			case c == ';':
				l.pos++
				return token{words, endSemicolon, l.line}, nil
			case c == '{':
				l.pos++
				return token{words, endBlockStart, l.line}, nil
			}
			return token{}, l.errorf(`unexpected "%c"`, c)
		case lastSpace:
			if isSpace(c) {
				continue
			}
			start = l.pos
			switch c {
			case ';', '{':
				if len(words) == 0 {
					return token{}, l.errorf(`unexpected "%c"`, c)
				}
				l.pos++
				end := endSemicolon
				if c == '{' {
					end = endBlockStart
				}
				return token{words, end, l.line}, nil
			case '}':
				if len(words) > 0 {
					return token{}, l.errorf(`unexpected "}"`)
				}
				l.pos++
				return token{nil, endBlockDone, l.line}, nil
			case '#':
				comment = true
				continue
			case '\\':
				escaped = true
			case '"':
				start++
				dQuoted = true
			case '\'':
				start++
				sQuoted = true
			case '$':
				variable = true
			}
			lastSpace = false
			continue
		}
		// Inside a word.
		if c == '{' && variable {
			continue
		}
		variable = false
		found := false
		switch {
		case c == '\\':
			escaped = true
			continue
		case c == '$':
			variable = true
			continue
		case dQuoted:
			if c == '"' {
				dQuoted, needSpace, found = false, true, true
			}
		case sQuoted:
			if c == '\'' {
				sQuoted, needSpace, found = false, true, true
			}
		case isSpace(c) || c == ';' || c == '{':
			lastSpace, found = true, true
		}
		if !found {
			continue
		}
		words = append(words, unescape(l.src[start:l.pos]))
		switch c {
		case ';':
			l.pos++
			return token{words, endSemicolon, l.line}, nil
		case '{':
			l.pos++
			return token{words, endBlockStart, l.line}, nil
		}
	}
	if len(words) > 0 || !lastSpace {
		return token{}, l.errorf(`unexpected end of file, expecting ";" or "}"`)
	}
	return token{nil, endFile, l.line}, nil
}

// unescape turns \" \' and \\ into the character, and \t \r \n into the
// control character, as nginx does in every word; any other backslash is
// kept.
func unescape(b []byte) string {
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		if b[i] == '\\' && i+1 < len(b) {
			switch b[i+1] {
			case '"', '\'', '\\':
				i++
			case 't':
				out = append(out, '\t')
				i++
				continue
			case 'r':
				out = append(out, '\r')
				i++
				continue
			case 'n':
				out = append(out, '\n')
				i++
				continue
			}
		}
		out = append(out, b[i])
	}
	return string(out)
}

func (l *lexer) errorf(format string, args ...any) error {
	return errorAt(l.file, l.line, format, args...)
}
