package prefork

import (
	"errors"
	"io"
	"net"
	"os"
	"os/exec"
	"time"
)

// ErrUnsupported says why the pre-fork server does not run on Windows.
var ErrUnsupported = errors.New("the pre-fork server's workers share one listening socket, which Windows cannot hand to a child process as Unix does (gunicorn itself runs only on Unix); WSL2 runs it live")

// Supported reports whether the pre-fork server runs on this system: on
// Windows it does not, and the error says why. Start refuses first, so
// what follows is never reached here.
func Supported() error { return ErrUnsupported }

func handOff(net.Listener) (*os.File, error) { return nil, ErrUnsupported }

func ownGroup(*exec.Cmd) {}

func openFramePipe(fd uintptr) io.Writer { return os.NewFile(fd, "events") }

type acceptor struct{ addr net.Addr }

func newAcceptor(*os.File, bool) (*acceptor, error)      { return nil, ErrUnsupported }
func (*acceptor) acceptFrom(time.Time) (net.Conn, error) { return nil, ErrUnsupported }
func (*acceptor) close()                                 {}

func killedBy(*os.ProcessState) (int, bool) { return 0, false }

func (w *worker) honourSignals() {}
