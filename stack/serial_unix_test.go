//go:build unix

package stack_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"

	"github.com/ngw2f/ngw2f-lab/stack"
)

// envFdStarved makes the test binary the server of TestAcceptOutlivesFdShortage.
const envFdStarved = "NGW2F_STACK_TEST_FD_STARVED"

func TestMain(m *testing.M) {
	if os.Getenv(envFdStarved) != "" {
		os.Exit(runFdStarved())
	}
	os.Exit(m.Run())
}

// runFdStarved serves "ok" on a Serial, then takes every descriptor its
// 64-file limit leaves, says so, and gives them back when told to.
func runFdStarved() int {
	s := stack.NewSerial(stack.Config{}, "starved", func(c net.Conn) {
		io.WriteString(c, "ok")
		c.Close()
	})
	if err := s.Start(context.Background()); err != nil {
		fmt.Println(err)
		return 1
	}
	defer s.Close()
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &syscall.Rlimit{Cur: 64, Max: 64}); err != nil {
		fmt.Println(err)
		return 1
	}
	var held []*os.File
	for {
		f, err := os.Open(os.DevNull)
		if err != nil {
			break
		}
		held = append(held, f)
	}
	fmt.Println(s.Addr())
	bufio.NewReader(os.Stdin).ReadString('\n') // the test's client is waiting in the backlog
	time.Sleep(200 * time.Millisecond)         // the server fails to accept it meanwhile
	for _, f := range held {
		f.Close()
	}
	io.Copy(io.Discard, os.Stdin) // until the test is done
	return 0
}

// TestAcceptOutlivesFdShortage runs a server (this test binary) that has
// used up its descriptors when a client comes: accept fails with "too
// many open files". Once descriptors are free again, the server must
// serve the client, as nginx and net/http do, instead of leaving its
// port open with nobody accepting.
func TestAcceptOutlivesFdShortage(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), envFdStarved+"=1")
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { in.Close(); cmd.Wait() }()
	addr, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	c, err := net.Dial("tcp", addr[:len(addr)-1])
	if err != nil {
		t.Fatalf("%v (the server said %q)", err, addr)
	}
	defer c.Close()
	io.WriteString(in, "go\n")
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	got, err := io.ReadAll(c)
	if string(got) != "ok" {
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			err = errors.New("no answer within 5 s: the server stopped accepting")
		}
		t.Errorf("the client read %q, %v", got, err)
	}
}
