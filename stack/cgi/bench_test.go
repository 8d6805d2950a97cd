package cgi

import (
	"io"
	"os/exec"
	"slices"
	"testing"
	"time"

	"github.com/ngw2f/ngw2f-lab/stack/child"
	"github.com/ngw2f/ngw2f-lab/stack/proctest"
)

// BenchmarkScriptStart measures a CGI script's start as the server makes
// it (run), from the binaries the lab runs scripts from: "child", the lean
// child executable (proctest.ChildBinary), which the lab uses when it lies
// beside it, and "lab", the lab's own binary (proctest.LabBinary), its
// fallback, which pays the package init of everything the lab links. Each
// is started as the hello script with a GET's meta-variables, standard
// input and output and a lifeline, and timed from its exec to the first
// byte of its output. It reports the median in milliseconds and the CPU
// time each script used, start to exit.
func BenchmarkScriptStart(b *testing.B) {
	child, lab := proctest.ChildBinary(b), proctest.LabBinary(b)
	b.Run("child", func(b *testing.B) { startScripts(b, child) })
	b.Run("lab", func(b *testing.B) { startScripts(b, lab) })
}

// startScripts starts b.N hello scripts from bin, one at a time.
func startScripts(b *testing.B, bin string) {
	env := []string{
		"GATEWAY_INTERFACE=CGI/1.1", "SERVER_SOFTWARE=" + Software, "SERVER_PROTOCOL=HTTP/1.0",
		"REQUEST_METHOD=GET", "REQUEST_URI=/cgi-bin/hello", "SCRIPT_NAME=/cgi-bin/hello",
		"PATH_INFO=", "QUERY_STRING=", "REMOTE_ADDR=127.0.0.1", "SERVER_NAME=127.0.0.1", "SERVER_PORT=80",
		child.Mark(role("hello")), "GORACE=atexit_sleep_ms=0",
	}
	samples := make([]time.Duration, 0, b.N)
	var cpu time.Duration
	first := make([]byte, 1)
	for range b.N {
		cmd := exec.Command(bin)
		cmd.Env = env
		stdin, stdout, life, err := pipes(cmd)
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
		stdin.Close()
		if _, err := io.ReadFull(stdout, first); err != nil {
			b.Fatalf("the script wrote nothing: %v", err)
		}
		samples = append(samples, time.Since(start))
		b.StopTimer()
		io.Copy(io.Discard, stdout)
		if err := cmd.Wait(); err != nil {
			b.Fatal(err)
		}
		life.Close()
		cpu += cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
		b.StartTimer()
	}
	slices.Sort(samples)
	b.ReportMetric(float64(samples[len(samples)/2].Microseconds())/1000, "ms-p50")
	b.ReportMetric(float64(cpu.Microseconds())/1000/float64(b.N), "cpu-ms/proc")
}
