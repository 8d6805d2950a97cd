package proxy

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"sync/atomic"

	"github.com/ngw2f/ngw2f-lab/stack/proxy/conf"
)

// tempPath is where a *_temp_path directive puts temporary files: a
// directory, and the levels of subdirectories they are spread over.
// "client_body_temp_path body 1 2" puts file 0000001234 in body/4/23/.
type tempPath struct {
	dir    string
	levels []int
}

// parseTempPath reads a *_temp_path directive: a path and up to three
// levels of one or two characters each.
func parseTempPath(d *conf.Directive) (tempPath, error) {
	p := tempPath{dir: d.Args[0]}
	for _, a := range d.Args[1:] {
		if len(a) != 1 || a[0] < '1' || a[0] > '2' {
			return p, d.Errorf(`invalid value "%s"`, a)
		}
		p.levels = append(p.levels, int(a[0]-'0'))
	}
	return p, nil
}

func setTempPath(_ *builder, blk *block, d *conf.Directive) error {
	p, err := parseTempPath(d)
	blk.vals[d.Name] = p
	return err
}

// tempFiles makes a proxy's temporary files, numbered as nginx numbers
// its own: 0000000001, 0000000002, ...
type tempFiles struct {
	seq atomic.Uint32
}

// create makes the next temporary file under p, and the directories it
// goes in when they are missing (nginx makes them as it starts; the
// proxy waits until a file needs them). Only this user may read it.
func (t *tempFiles) create(p tempPath) (*os.File, error) {
	for {
		name := fmt.Sprintf("%010d", t.seq.Add(1))
		dir, end := strings.TrimSuffix(p.dir, "/"), len(name)
		for _, l := range p.levels {
			dir += "/" + name[end-l:end]
			end -= l
		}
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, err
		}
		f, err := os.OpenFile(dir+"/"+name, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
		if errors.Is(err, fs.ErrExist) {
			continue // left by an earlier run: nginx takes the next number too
		}
		return f, err
	}
}
