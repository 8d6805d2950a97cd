package conf

// Spec says where a directive may appear and what it takes.
type Spec struct {
	// Contexts are the blocks it may appear in: "main" for the top level,
	// else the name of the enclosing block directive ("http", "server",
	// "location", "upstream", "events", "types").
	Contexts []string
	// Block says it is a block directive, followed by "{".
	Block bool
	// MinArgs and MaxArgs bound its number of arguments; MaxArgs < 0 means
	// no upper bound.
	MinArgs, MaxArgs int
	// Flag says its one argument is "on" or "off".
	Flag bool
	// Once says it may appear only once in a block (nginx's "directive is
	// duplicate").
	Once bool
	// Unsupported, when set, says why the lab refuses a directive nginx
	// knows.
	Unsupported string
}

// Check walks dirs, found in context ctx ("main" at the top), and reports
// the first directive that specs does not allow there, as nginx would.
// Inside a block whose name is in free ("types"), any directive is taken
// as data and not checked. A spec named "CONTEXT/NAME" applies to NAME
// inside CONTEXT blocks, ahead of the spec named NAME: upstream's "server"
// is not http's.
func Check(dirs []*Directive, ctx string, specs map[string]Spec, free ...string) error {
	seen := map[string]bool{}
	for _, d := range dirs {
		s, ok := specs[ctx+"/"+d.Name]
		if !ok {
			s, ok = specs[d.Name]
		}
		switch {
		case !ok:
			return d.Errorf(`unknown directive "%s"`, d.Name)
		case !has(s.Contexts, ctx):
			return d.Errorf(`"%s" directive is not allowed here`, d.Name)
		case !s.Block && d.IsBlock():
			return d.Errorf(`directive "%s" is not terminated by ";"`, d.Name)
		case s.Block && !d.IsBlock():
			return d.Errorf(`directive "%s" has no opening "{"`, d.Name)
		case len(d.Args) < s.MinArgs || s.MaxArgs >= 0 && len(d.Args) > s.MaxArgs:
			return d.Errorf(`invalid number of arguments in "%s" directive`, d.Name)
		case s.Flag && d.Args[0] != "on" && d.Args[0] != "off":
			return d.Errorf(`invalid value "%s" in "%s" directive, it must be "on" or "off"`, d.Args[0], d.Name)
		case s.Once && seen[d.Name]:
			return d.Errorf(`"%s" directive is duplicate`, d.Name)
		case s.Unsupported != "":
			return d.Errorf(`"%s" directive is not supported by ngw2f-lab: %s`, d.Name, s.Unsupported)
		}
		seen[d.Name] = true
		if d.IsBlock() && !has(free, d.Name) {
			if err := Check(d.Block, d.Name, specs, free...); err != nil {
				return err
			}
		}
	}
	return nil
}

func has(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
