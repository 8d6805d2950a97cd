package tui

import (
	"errors"
	"fmt"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"

	"github.com/ngw2f/ngw2f-lab/lessons"
	"github.com/ngw2f/ngw2f-lab/tui/common"
	"github.com/ngw2f/ngw2f-lab/tui/remote"
)

// screenID names the root's screens.
type screenID int

const (
	screenList screenID = iota
	screenLesson
	screenError
	screenPresent
)

// labMsg is a message from one lab's Cmds. The root hands it on only while
// that lab is the one shown: a lab left behind may still answer.
type labMsg struct {
	lab *lab
	msg tea.Msg
}

// model is the root: it owns the screens, routes window sizes to all of
// them and every other message to the one shown, and is the only model
// that returns a tea.View.
type model struct {
	com      common.Common
	opts     Options
	labs     *labSet
	screen   screenID
	list     listScreen
	lesson   lessonScreen
	present  presentScreen
	current  *lab
	closing  <-chan struct{} // closed once the lab left last has stopped
	errs     errorScreen
	small    tooSmall
	showHelp bool
	isDark   bool
	profile  colorprofile.Profile // the colours the terminal shows
}

// newModelWith returns the root model; a presentation takes commands from
// server (nil for none).
func newModelWith(opts Options, labs *labSet, server *remote.Server) model {
	m := model{opts: opts, labs: labs, isDark: true, profile: colorprofile.TrueColor}
	com := common.New(common.NewStyles(opts.Theme, m.isDark, m.colours()))
	m.com, m.small = com, tooSmall{com: com}
	m.list = newListScreen(com, opts.Lessons, opts.Progress)
	if opts.ProgressWarning != nil {
		m.list.notice = opts.ProgressWarning.Error()
	}
	switch {
	case opts.Present != nil:
		p, err := newPresentScreen(com, opts, labs, server)
		if err != nil {
			m.screen = screenError
			m.errs = errorScreen{com: com, failure: &failure{title: "The presentation cannot start", text: err.Error(),
				hint: "Check --from and --to against ngw2f-lab list."}}
			break
		}
		m.present, m.screen = p, screenPresent
	case opts.LessonErr != nil:
		m.screen = screenError
		m.errs = errorScreen{com: com, failure: &failure{title: "This lesson cannot be opened", text: opts.LessonErr.Error(),
			hint: lessonFileHint(opts.LessonErr)}}
	case opts.Lesson != nil:
		m.open(opts.Lesson)
	}
	return m
}

// restyle redraws the styles every screen shares for the terminal's
// background and colours, and what the screens drew in the old ones.
func (m *model) restyle() tea.Cmd {
	*m.com.Styles = *common.NewStyles(m.opts.Theme, m.isDark, m.colours())
	switch m.screen {
	case screenLesson:
		return m.lesson.restyle()
	case screenPresent:
		return m.present.lesson.restyle()
	}
	return nil
}

// colours returns the colour profile the styles are drawn for: the
// terminal's, or none under NO_COLOR.
func (m model) colours() colorprofile.Profile {
	if m.opts.NoColor {
		return colorprofile.Ascii
	}
	return m.profile
}

// lessonFileHint says what to do about a lesson that cannot be read.
func lessonFileHint(err error) string {
	var lerr *lessons.Error
	if errors.As(err, &lerr) {
		return fmt.Sprintf("Fix %s at line %d (lessons/doc.go lists what a lesson file may say) and open it again, or pick a lesson the lab ships (esc).", lerr.File, lerr.Line)
	}
	return "Check the lesson number or the file's path, or pick a lesson from the list (esc)."
}

// open starts a lab for l and shows its lesson screen, or the reason it
// cannot.
func (m *model) open(l *lessons.Lesson) tea.Cmd {
	b, err := newLab(l, m.opts)
	if err != nil {
		m.screen = screenError
		m.errs = errorScreen{com: m.com, failure: &failure{title: fmt.Sprintf("Lesson %d cannot be opened", l.Number),
			text: err.Error(), hint: lessonFileHint(err)}}
		return nil
	}
	b.after = m.closing
	if m.current != nil {
		b.after = m.labs.retire(m.current)
	}
	m.labs.add(b)
	m.current = b
	m.lesson = newLessonScreen(m.com, b, m.after(l))
	m.lesson.SetSize(m.com.Width, m.com.Height)
	m.screen = screenLesson
	return m.lesson.Init()
}

// after returns the written lesson that follows l, or nil.
func (m model) after(l *lessons.Lesson) *lessons.Lesson {
	for _, x := range m.opts.Lessons {
		if x.Number > l.Number && !x.Planned {
			return x
		}
	}
	return nil
}

// Init asks the terminal whether its background is dark.
func (m model) Init() tea.Cmd {
	cmds := []tea.Cmd{tea.RequestBackgroundColor}
	switch m.screen {
	case screenLesson:
		cmds = append(cmds, m.lesson.Init())
	case screenPresent:
		cmds = append(cmds, m.present.Init())
	}
	return tea.Batch(cmds...)
}

// Update routes messages.
func (m model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.com.SetSize(msg.Width, msg.Height)
		m.list.SetSize(msg.Width, msg.Height)
		m.lesson.SetSize(msg.Width, msg.Height)
		m.errs.SetSize(msg.Width, msg.Height)
		m.small.SetSize(msg.Width, msg.Height)
		if m.screen == screenPresent {
			m.present.SetSize(msg.Width, msg.Height)
			return m, m.present.lesson.text.Render()
		}
		return m, m.lesson.text.Render()
	case tea.BackgroundColorMsg:
		m.isDark = msg.IsDark()
		return m, m.restyle()
	case tea.ColorProfileMsg:
		m.profile = msg.Profile
		return m, m.restyle()
	case labMsg:
		if m.screen == screenPresent {
			var cmd tea.Cmd
			m.present, cmd = m.present.Update(msg)
			return m, cmd
		}
		if msg.lab != m.current || m.screen != screenLesson {
			return m, nil
		}
		var cmd tea.Cmd
		m.lesson, cmd = m.lesson.Update(msg.msg)
		return m, cmd
	case openMsg:
		if m.screen == screenPresent {
			return m, nil // a talk opens its own lessons
		}
		cmd := m.open(msg.lesson)
		return m, cmd
	case backMsg:
		if m.screen == screenPresent {
			return m, nil
		}
		cmd := m.back()
		return m, cmd
	case tea.KeyPressMsg:
		if cmd, done := m.globalKey(msg); done {
			return m, cmd
		}
	}
	return m.route(msg)
}

// globalKey handles the keys every screen shares.
func (m *model) globalKey(msg tea.KeyPressMsg) (tea.Cmd, bool) {
	k := m.com.Keys
	if key.Matches(msg, k.ForceQuit) {
		return tea.Quit, true
	}
	if m.showHelp {
		m.showHelp = false
		return nil, true
	}
	typing := (m.screen == screenLesson && m.lesson.captures(msg)) || (m.screen == screenList && m.list.Typing()) ||
		(m.screen == screenPresent && m.present.lesson.captures(msg))
	tooSmall := m.com.Width < common.MinWidth || m.com.Height < common.MinHeight
	switch {
	case typing:
		return nil, false
	case key.Matches(msg, k.Quit):
		return tea.Quit, true
	case tooSmall:
		return nil, true
	case key.Matches(msg, k.Help):
		m.showHelp = true
		return nil, true
	case m.screen == screenError && key.Matches(msg, k.Back):
		return m.back(), true
	}
	return nil, false
}

// back closes the lesson's lab, in the background, and shows the list.
func (m *model) back() tea.Cmd {
	b := m.current
	m.current = nil
	m.screen = screenList
	if b != nil {
		m.closing = m.labs.retire(b)
	}
	return nil
}

// route hands a message to the screen shown.
func (m model) route(msg tea.Msg) (tea.Model, tea.Cmd) {
	var cmd tea.Cmd
	switch m.screen {
	case screenList:
		m.list, cmd = m.list.Update(msg)
	case screenLesson:
		m.lesson, cmd = m.lesson.Update(msg)
	case screenPresent:
		m.present, cmd = m.present.Update(msg)
	}
	return m, cmd
}

// View draws the screen shown, in the alternate screen, with the mouse on.
func (m model) View() tea.View {
	v := tea.NewView(m.content())
	v.AltScreen = true
	v.MouseMode = tea.MouseModeCellMotion
	v.WindowTitle = "ngw2f-lab"
	if m.screen == screenLesson && m.current != nil {
		v.WindowTitle = fmt.Sprintf("ngw2f-lab · lesson %d", m.current.lesson.Number)
	}
	if m.screen == screenPresent {
		v.WindowTitle = "ngw2f-lab · presenting"
	}
	return v
}

func (m model) content() string {
	if m.com.Width == 0 {
		return ""
	}
	if m.com.Width < common.MinWidth || m.com.Height < common.MinHeight {
		return m.small.View()
	}
	if m.showHelp {
		var keys keyHelper = m.list
		switch m.screen {
		case screenLesson:
			keys = m.lesson
		case screenPresent:
			keys = m.present
		case screenError:
			keys = m.errs
		}
		h := newHelpScreen(m.com, keys)
		return h.View()
	}
	switch m.screen {
	case screenLesson:
		return m.lesson.View()
	case screenPresent:
		return m.present.View()
	case screenError:
		return m.errs.View()
	}
	return m.list.View()
}
