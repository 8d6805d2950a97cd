package progress

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"sync"
	"testing"
)

// TestTwoLabsKeepEachOthersSteps opens the file twice, as two labs do,
// and has each run different steps: the file keeps all of them, and each
// lab sees the other's after its own next save. The second save used to
// overwrite the first.
func TestTwoLabsKeepEachOthersSteps(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), FileName)
	a, _ := Open(path)
	b, _ := Open(path)
	must(t, a.StepDone("01-http", 1, 3))
	must(t, b.StepDone("01-http", 2, 3))
	must(t, b.Solved("02-nginx", "curl"))
	must(t, a.StepDone("01-http", 3, 3))
	again, _ := Open(path)
	got := again.Get("01-http")
	if !reflect.DeepEqual(got.Steps, []int{1, 2, 3}) || !got.Done {
		t.Errorf("01-http on disk: %+v, want steps 1-3 and done", got)
	}
	if got := again.Get("02-nginx").Solved; !reflect.DeepEqual(got, []string{"curl"}) {
		t.Errorf("02-nginx solved %v, want [curl]", got)
	}
	if got := a.Get("02-nginx").Solved; !reflect.DeepEqual(got, []string{"curl"}) {
		t.Errorf("the first lab sees 02-nginx solved %v after its save, want [curl]", got)
	}
}

// envWriter makes the test binary a lab that runs steps 1 to N of lesson
// ID in the progress file PATH, given as "PATH ID N".
const envWriter = "NGW2F_PROGRESS_TEST_WRITER"

func TestMain(m *testing.M) {
	if args := os.Getenv(envWriter); args != "" {
		var path, id string
		var n int
		fmt.Sscan(args, &path, &id, &n)
		s, _ := Open(path)
		for step := 1; step <= n; step++ {
			if err := s.StepDone(id, step, n); err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(1)
			}
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// TestLabsWritingAtOnce has four labs, two of them processes of their
// own, save fifty steps each at the same time: none is lost.
func TestLabsWritingAtOnce(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), FileName)
	const n = 50
	var wg sync.WaitGroup
	for i := range 4 {
		id := "lesson-" + strconv.Itoa(i)
		wg.Go(func() {
			if i < 2 {
				s, _ := Open(path)
				for step := 1; step <= n; step++ {
					if err := s.StepDone(id, step, n); err != nil {
						t.Error(err)
						return
					}
				}
				return
			}
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%s %s %d", envWriter, path, id, n))
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Errorf("lab %d: %v: %s", i, err, out)
			}
		})
	}
	wg.Wait()
	s, warn := Open(path)
	if warn != nil {
		t.Fatal(warn)
	}
	for i := range 4 {
		if got := s.Get("lesson-" + strconv.Itoa(i)); len(got.Steps) != n || !got.Done {
			t.Errorf("lesson-%d: %d steps of %d kept, done %v", i, len(got.Steps), n, got.Done)
		}
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
