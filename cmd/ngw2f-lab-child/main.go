// Command ngw2f-lab-child runs the processes ngw2f-lab starts: the
// pre-fork server's workers and its spare, the CGI gateway's scripts, the
// watchers of the real programs. It links only what they run, where
// ngw2f-lab links the lessons, the terminal interface and the Markdown
// renderer besides, so that a child starts in a few milliseconds: what
// fork gives gunicorn's master, and what a CGI script written in C costs.
//
// The lab starts it when it lies beside the lab's own binary and comes
// from the same build (package lean), and its own binary otherwise:
// the two run the same roles through one dispatch, package child. Run on
// its own, it says what it is for and exits 2; with --roles, it lists the
// roles it runs, one a line.
package main

import (
	"fmt"
	"os"

	"github.com/ngw2f/ngw2f-lab/stack/child"

	// The roles, each registered by its package: the pre-fork worker, the
	// CGI scripts and the real programs' watcher.
	_ "github.com/ngw2f/ngw2f-lab/stack/cgi"
	_ "github.com/ngw2f/ngw2f-lab/stack/prefork"
	_ "github.com/ngw2f/ngw2f-lab/stack/real/watch"

	// The apps a worker serves by module:callable: the gateway's, the
	// toolkit's and the framework's register with their packages.
	_ "github.com/ngw2f/ngw2f-lab/stack/framework"
)

func main() {
	if child.Is() {
		os.Exit(child.Run())
	}
	if len(os.Args) == 2 && os.Args[1] == "--roles" {
		for _, r := range child.Roles() {
			fmt.Println(r)
		}
		return
	}
	fmt.Fprintln(os.Stderr, "ngw2f-lab-child runs the processes ngw2f-lab starts; it does nothing on its own. Run ngw2f-lab.")
	os.Exit(2)
}
