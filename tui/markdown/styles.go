package markdown

import "charm.land/lipgloss/v2"

// Styles are what each element of the text is drawn in. Strong and Emph
// add their attributes to the style of the text around them; the others
// are whole styles. The zero value draws plain text.
type Styles struct {
	Text      lipgloss.Style // paragraphs, list items, table cells
	Heading   lipgloss.Style // headings of every level
	Strong    lipgloss.Style // **strong**, and a table's header row
	Emph      lipgloss.Style // *emphasis*
	Code      lipgloss.Style // `inline code`
	CodeBlock lipgloss.Style // fenced and indented code
	Link      lipgloss.Style // a link's URL
	LinkText  lipgloss.Style // a link's text
	Quote     lipgloss.Style // a block quote's bar
	Rule      lipgloss.Style // thematic breaks and a table's lines
}
