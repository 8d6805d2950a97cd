package prefork

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestParseOptions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		args    map[string]string
		want    Options
		wantErr string
	}{
		{name: "none", args: map[string]string{}, want: Options{}},
		{name: "the talk's command", args: map[string]string{"workers": "2", "app": "hello:application"},
			want: Options{Workers: 2, App: "hello:application"}},
		{name: "timeouts in seconds", args: map[string]string{"timeout": "1.5", "graceful-timeout": "3"},
			want: Options{Timeout: 1500 * time.Millisecond, GracefulTimeout: 3 * time.Second}},
		{name: "timeout 0 is never", args: map[string]string{"timeout": "0"}, want: Options{Timeout: -1}},
		{name: "hooks by name", args: map[string]string{"hooks": "pre_fork,worker_init"}, want: Options{Hooks: []string{"pre_fork", "worker_init"}}},
		{name: "no hooks", args: map[string]string{"hooks": "none"}, want: Options{Hooks: []string{}}},
		{name: "the talk's hooks", args: map[string]string{"hooks": "talk", "max-requests": "3"}, want: Options{Hooks: TalkHooks, MaxRequests: 3}},
		{name: "no workers", args: map[string]string{"workers": "0"}, wantErr: "workers=0: want a number of workers"},
		{name: "bad timeout", args: map[string]string{"timeout": "soon"}, wantErr: "a number of seconds"},
		{name: "negative max-requests", args: map[string]string{"max-requests": "-1"}, wantErr: "0 for never"},
		{name: "unknown", args: map[string]string{"thread": "4"}, wantErr: `no setting "thread"`},
		{name: "thread worker", args: map[string]string{"worker-class": "thread", "threads": "3"},
			want: Options{WorkerClass: ClassThread, Threads: 3}},
		{name: "uwsgi", args: map[string]string{"protocol": "uwsgi"}, want: Options{Protocol: ProtocolUwsgi}},
		{name: "unknown worker class", args: map[string]string{"worker-class": "gevent"}, wantErr: "want sync or thread"},
		{name: "unknown protocol", args: map[string]string{"protocol": "fastcgi"}, wantErr: "want http or uwsgi"},
		{name: "threads of a sync worker", args: map[string]string{"threads": "4"}, wantErr: "needs worker-class=thread"},
		{name: "no threads", args: map[string]string{"worker-class": "thread", "threads": "0"}, wantErr: "a number of threads"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseOptions(tt.args)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ParseOptions = %+v, %v; want %+v", got, err, tt.want)
			}
		})
	}
}

func TestParseSignal(t *testing.T) {
	tests := []struct {
		name string
		want Signal
		ok   bool
	}{
		{"TTIN", TTIN, true},
		{"SIGTTOU", TTOU, true},
		{"hup", HUP, true},
		{"sigterm", TERM, true},
		{"INT", INT, true},
		{"QUIT", QUIT, true},
		{"USR2", "", false},
		{"KILL", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		got, err := ParseSignal(tt.name)
		if got != tt.want || (err == nil) != tt.ok {
			t.Errorf("ParseSignal(%q) = %q, %v; want %q, ok %v", tt.name, got, err, tt.want, tt.ok)
		}
	}
}
