package proxy

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ngw2f/ngw2f-lab/stack/internal/nginxtest"
)

// TestNginxRequestCases sends the proxy every request of the HTTP
// reader's nginx captures (good, malformed and hostile ones) with the
// configuration nginx answered them with, and compares its answer with
// nginx's, byte for byte but for the server's name and the dates.
func TestNginxRequestCases(t *testing.T) {
	up := startUpstream(t)
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "html"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "html", "index.html"), []byte("Hello World (from Nginx)\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	conf := strings.NewReplacer(
		"proxy_pass http://{{addr}}/ok", "proxy_pass http://"+up.addr()+"/ok",
		"{{addr}}", "127.0.0.1:8080", "{{dir}}", filepath.ToSlash(dir)).Replace(nginxtest.ReaderConf)
	p := startProxy(t, conf, nil)
	for _, c := range nginxtest.Cases() {
		t.Run(c.Name, func(t *testing.T) {
			want, err := os.ReadFile(nginxtest.CapturePath(c.Name))
			if err != nil {
				t.Fatal(err)
			}
			got := ask(t, p.Addr().String(), c.Raw, 2*time.Second)
			norm := readerNormalize(retoken(string(got), p.token(nil), nginxtest.Version))
			if norm != string(want) {
				t.Errorf("the proxy answered\n%q\nnginx answered\n%q", norm, want)
			}
		})
	}
}

// readerVolatile are the header values the reader's captures replace.
var readerVolatile = regexp.MustCompile(`(?m)^(Date|Last-Modified|ETag): [^\r\n]*`)

func readerNormalize(s string) string {
	return readerVolatile.ReplaceAllStringFunc(s, func(line string) string {
		name, _, _ := strings.Cut(line, ": ")
		return fmt.Sprintf("%s: <%s>", name, strings.ToLower(name))
	})
}
