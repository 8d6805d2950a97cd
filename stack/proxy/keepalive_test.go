package proxy

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ngw2f/ngw2f-lab/stack/internal/nginxtest"
)

// keepaliveConf lets a connection carry two requests.
const keepaliveConf = `daemon off;
worker_processes 1;
pid {{dir}}/nginx.pid;
error_log {{dir}}/error.log;
events { worker_connections 64; }
http {
    access_log off;
    keepalive_timeout 65;
    keepalive_requests 2;
    client_body_temp_path {{dir}}/body;
    proxy_temp_path {{dir}}/proxy;
    fastcgi_temp_path {{dir}}/fastcgi;
    uwsgi_temp_path {{dir}}/uwsgi;
    scgi_temp_path {{dir}}/scgi;
    server {
        listen {{addr}};
        root {{dir}}/html;
    }
}
`

// TestKeepaliveRequests sends three pipelined requests on one connection
// to a server that allows two: the second answer must already say
// Connection: close, and no third comes. nginx decides it before it
// writes the head; a proxy that decided after would promise keep-alive
// and then close. When nginx is installed it answers the same requests.
func TestKeepaliveRequests(t *testing.T) {
	t.Parallel()
	const get = "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"
	files := map[string]string{"html/index.html": "Hello World (from Nginx)\n"}
	servers := []struct {
		name  string
		start func(t *testing.T) string
	}{
		{"proxy", func(t *testing.T) string {
			dir := t.TempDir()
			if err := os.MkdirAll(filepath.Join(dir, "html"), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, "html", "index.html"), []byte(files["html/index.html"]), 0o644); err != nil {
				t.Fatal(err)
			}
			conf := strings.NewReplacer("{{dir}}", filepath.ToSlash(dir), "{{addr}}", "127.0.0.1:8080").Replace(keepaliveConf)
			return startProxy(t, conf, nil).Addr().String()
		}},
		{"nginx", func(t *testing.T) string {
			return nginxtest.Start(t, nginxtest.Options{Conf: keepaliveConf, Files: files}).Addr
		}},
	}
	connection := regexp.MustCompile(`(?m)^Connection: (.*)\r$`)
	for _, s := range servers {
		t.Run(s.name, func(t *testing.T) {
			t.Parallel()
			got := connection.FindAllStringSubmatch(string(ask(t, s.start(t), strings.Repeat(get, 3), time.Second)), -1)
			var values []string
			for _, m := range got {
				values = append(values, m[1])
			}
			if want := "keep-alive close"; strings.Join(values, " ") != want {
				t.Errorf("Connection headers %q, want %q", values, want)
			}
		})
	}
}
