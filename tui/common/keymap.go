package common

import "charm.land/bubbles/v2/key"

// KeyMap is every key of the lab, in one place: screens match against it
// and the help screen lists it.
type KeyMap struct {
	// The lesson.
	Next, Prev, Run, NextLesson key.Binding
	// Panels and scrolling.
	Tab, ShiftTab, Up, Down, PageUp, PageDown, Top, Bottom key.Binding
	// The journey.
	HopPrev, HopNext, JourneyPrev, JourneyNext, Latest, Diff, Hex, Explain, Search, Glossary key.Binding
	// The stack.
	Kill, Restart, StopStart key.Binding
	// The telnet prompt.
	Send, Escape, Offers, HistoryUp, HistoryDown key.Binding
	// Self-study and presenting.
	Challenges, Hint, Export, CopyCurl, RawTelnet, Hold, PresentNext, PresentPrev key.Binding
	// The lesson list.
	Open, Filter key.Binding
	// Everywhere.
	Help, Back, Quit, ForceQuit key.Binding
}

// DefaultKeyMap returns the lab's keys.
func DefaultKeyMap() *KeyMap {
	b := func(keys []string, help, desc string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
	}
	return &KeyMap{
		Next:        b([]string{"space", "n"}, "space/n", "next step"),
		Prev:        b([]string{"b"}, "b", "back a step"),
		Run:         b([]string{"enter"}, "enter", "run step"),
		NextLesson:  b([]string{"N"}, "N", "next lesson"),
		Tab:         b([]string{"tab"}, "tab", "panel"),
		ShiftTab:    b([]string{"shift+tab"}, "shift+tab", "panel back"),
		Up:          b([]string{"up", "k"}, "↑/k", "up"),
		Down:        b([]string{"down", "j"}, "↓/j", "down"),
		PageUp:      b([]string{"pgup"}, "pgup", "page up"),
		PageDown:    b([]string{"pgdown"}, "pgdown", "page down"),
		Top:         b([]string{"home", "g"}, "home/g", "top"),
		Bottom:      b([]string{"end", "G"}, "end/G", "bottom"),
		HopPrev:     b([]string{"left", "h"}, "←/h", "hop back"),
		HopNext:     b([]string{"right", "l"}, "→/l", "next hop"),
		JourneyPrev: b([]string{"["}, "[", "journey back"),
		JourneyNext: b([]string{"]"}, "]", "next journey"),
		Latest:      b([]string{"L"}, "L", "follow live"),
		Diff:        b([]string{"d"}, "d", "diff"),
		Hex:         b([]string{"x"}, "x", "hex"),
		Explain:     b([]string{"e"}, "e", "explain"),
		Search:      b([]string{"/"}, "/", "search"),
		Glossary:    b([]string{"i"}, "i", "glossary"),
		Kill:        b([]string{"K"}, "K", "kill a worker"),
		Restart:     b([]string{"r"}, "r", "restart a layer"),
		StopStart:   b([]string{"s"}, "s", "stop/start a layer"),
		Send:        b([]string{"enter"}, "enter", "send"),
		Escape:      b([]string{"ctrl+]"}, "^]", "telnet>"),
		Offers:      b([]string{"ctrl+o"}, "ctrl+o", "requests"),
		HistoryUp:   b([]string{"up"}, "↑", "history"),
		HistoryDown: b([]string{"down"}, "↓", "history"),
		Challenges:  b([]string{"c"}, "c", "challenges"),
		Hint:        b([]string{"enter"}, "enter", "a hint"),
		Export:      b([]string{"E"}, "E", "export"),
		CopyCurl:    b([]string{"y"}, "y", "copy as curl"),
		RawTelnet:   b([]string{"T"}, "T", "telnet client"),
		Hold:        b([]string{"H"}, "H", "hop by hop"),
		PresentNext: b([]string{"space", "right", "pgdown", "n"}, "space/→/pgdn", "next"),
		PresentPrev: b([]string{"left", "pgup", "b"}, "←/pgup/b", "back"),
		Open:        b([]string{"enter"}, "enter", "open"),
		Filter:      b([]string{"/"}, "/", "filter"),
		Help:        b([]string{"?"}, "?", "keys"),
		Back:        b([]string{"esc"}, "esc", "back"),
		Quit:        b([]string{"q"}, "q", "quit"),
		ForceQuit:   b([]string{"ctrl+c"}, "ctrl+c", "quit"),
	}
}
