package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// clockTick is the unit of the CPU times in /proc/PID/stat (USER_HZ).
const clockTick = 10 * time.Millisecond

// cpuTime is CPU time, in user space and in the kernel. Beside the sum,
// the two say where a side's time goes: a proxy whose kernel time matches
// nginx's differs from it only in its own code.
type cpuTime struct {
	user, sys time.Duration
}

func (c cpuTime) total() time.Duration    { return c.user + c.sys }
func (c cpuTime) plus(d cpuTime) cpuTime  { return cpuTime{c.user + d.user, c.sys + d.sys} }
func (c cpuTime) minus(d cpuTime) cpuTime { return cpuTime{c.user - d.user, c.sys - d.sys} }

// procCPU is the CPU time that process pid has used so far; 0 when it is
// gone or /proc cannot tell.
func procCPU(pid int) cpuTime {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return cpuTime{}
	}
	// The command name, in parentheses, may hold spaces: count from after it.
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 13 {
		return cpuTime{}
	}
	utime, _ := strconv.Atoi(f[11])
	stime, _ := strconv.Atoi(f[12])
	return cpuTime{time.Duration(utime) * clockTick, time.Duration(stime) * clockTick}
}

// treeCPU is procCPU of pid and every process below it. A child is
// listed under the thread that started it, which in a Go program is any
// of its threads: every thread's list is read.
func treeCPU(pid int) cpuTime {
	total := procCPU(pid)
	lists, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/children", pid))
	for _, l := range lists {
		b, _ := os.ReadFile(l)
		for _, c := range strings.Fields(string(b)) {
			if n, err := strconv.Atoi(c); err == nil {
				total = total.plus(treeCPU(n))
			}
		}
	}
	return total
}

// microsPerRequest is CPU time spent over n requests, in microseconds a
// request; n must not be 0.
func microsPerRequest(d time.Duration, n int) float64 {
	return float64(d.Microseconds()) / float64(n)
}

// perRequest words CPU time spent over n requests, in microseconds.
func perRequest(d time.Duration, n int) string {
	if n == 0 {
		return "?"
	}
	return fmt.Sprintf("%.0f µs", microsPerRequest(d, n))
}

// perRequestSplit is perRequest of c, with its user and kernel parts.
func perRequestSplit(c cpuTime, n int) string {
	return fmt.Sprintf("%s (user %s, kernel %s)", perRequest(c.total(), n), perRequest(c.user, n), perRequest(c.sys, n))
}
