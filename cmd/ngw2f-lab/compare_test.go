package main

import (
	"testing"

	"github.com/ngw2f/ngw2f-lab/stack/real"
)

func TestCompareFlags(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		args    []string
		want    compareOptions
		wantErr bool
	}{
		{name: "a lesson", args: []string{"3", "--plain"}, want: compareOptions{Arg: "3", Plain: true, Listen: "127.0.0.1"}},
		{name: "where gunicorn is", args: []string{"6", "--gunicorn", "/venv/bin/gunicorn"},
			want: compareOptions{Arg: "6", Listen: "127.0.0.1", Real: realFlags{Paths: real.Paths{Gunicorn: "/venv/bin/gunicorn"}}}},
		{name: "no --real: compare always runs them", args: []string{"3", "--real"}, wantErr: true},
		{name: "no lesson", args: nil, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := flagsOf(newCompareCmd, tt.args)
			if (err != nil) != tt.wantErr {
				t.Fatalf("error %v, want error: %v", err, tt.wantErr)
			}
			if !tt.wantErr && got != tt.want {
				t.Errorf("options %+v, want %+v", got, tt.want)
			}
		})
	}
}
