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

// procCPU is the CPU time, user and system, that process pid has used so
// far; 0 when it is gone or /proc cannot tell.
func procCPU(pid int) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// The command name, in parentheses, may hold spaces: count from after it.
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 13 {
		return 0
	}
	utime, _ := strconv.Atoi(f[11])
	stime, _ := strconv.Atoi(f[12])
	return time.Duration(utime+stime) * clockTick
}

// treeCPU is procCPU of pid and every process below it. A child is
// listed under the thread that started it, which in a Go program is any
// of its threads: every thread's list is read.
func treeCPU(pid int) time.Duration {
	total := procCPU(pid)
	lists, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/children", pid))
	for _, l := range lists {
		b, _ := os.ReadFile(l)
		for _, c := range strings.Fields(string(b)) {
			if n, err := strconv.Atoi(c); err == nil {
				total += treeCPU(n)
			}
		}
	}
	return total
}

// perRequest words CPU time spent over n requests, in microseconds.
func perRequest(d time.Duration, n int) string {
	if n == 0 {
		return "?"
	}
	return fmt.Sprintf("%.0f µs", float64(d.Microseconds())/float64(n))
}
