package prefork

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// ParseOptions reads the settings a lesson gives after "start prefork",
// named as gunicorn's command-line options:
//
//	app=hello:application   the app, module:callable
//	workers=2               worker processes (--workers)
//	timeout=30              seconds a worker may be silent (--timeout; 0: never)
//	graceful-timeout=30     seconds a graceful stop waits (--graceful-timeout)
//	max-requests=0          requests before a worker is replaced (--max-requests)
//	hooks=talk              the hooks that print: talk (the talk's config.py),
//	                        all, none, or names joined by commas
//	worker-class=sync       sync, or thread: several requests at once per
//	                        process (--worker-class gthread)
//	threads=4               requests a thread worker serves at once (--threads)
//	protocol=http           http, or uwsgi: read nginx's uwsgi_pass packets
//	                        (uWSGI's --protocol uwsgi)
//	forwarded-allow-ips=127.0.0.1
//	                        the addresses whose scheme headers are trusted,
//	                        joined by commas; * for all (--forwarded-allow-ips)
func ParseOptions(args map[string]string) (Options, error) {
	var o Options
	keys := make([]string, 0, len(args))
	for k := range args {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := args[k]
		var err error
		switch k {
		case "app":
			o.App = v
		case "workers":
			o.Workers, err = positive(v)
		case "timeout":
			o.Timeout, err = seconds(v)
			if err == nil && o.Timeout == 0 {
				o.Timeout = -1
			}
		case "graceful-timeout":
			o.GracefulTimeout, err = seconds(v)
		case "max-requests":
			o.MaxRequests, err = strconv.Atoi(v)
			if err == nil && o.MaxRequests < 0 {
				err = fmt.Errorf("negative")
			}
		case "hooks":
			o.Hooks = hookList(v)
		case "worker-class":
			o.WorkerClass = v
		case "threads":
			o.Threads, err = positive(v)
		case "protocol":
			o.Protocol = v
		case "forwarded-allow-ips":
			o.ForwardedAllowIPs = nil
			for _, ip := range strings.Split(v, ",") {
				if ip = strings.TrimSpace(ip); ip != "" {
					o.ForwardedAllowIPs = append(o.ForwardedAllowIPs, ip)
				}
			}
		default:
			return o, fmt.Errorf("prefork has no setting %q (it has app, workers, timeout, graceful-timeout, max-requests, hooks, worker-class, threads, protocol, forwarded-allow-ips)", k)
		}
		if err != nil {
			return o, fmt.Errorf("prefork: %s=%s: want %s", k, v, wantFor(k))
		}
	}
	return o, o.check()
}

// check reports a worker class or protocol the server does not have.
func (o Options) check() error {
	switch {
	case o.WorkerClass != "" && o.WorkerClass != ClassSync && o.WorkerClass != ClassThread:
		return fmt.Errorf("prefork: worker-class=%s: want sync or thread", o.WorkerClass)
	case o.Protocol != "" && o.Protocol != ProtocolHTTP && o.Protocol != ProtocolUwsgi:
		return fmt.Errorf("prefork: protocol=%s: want http or uwsgi", o.Protocol)
	case o.Threads > 1 && o.WorkerClass != ClassThread:
		return fmt.Errorf("prefork: threads=%d needs worker-class=thread: a sync worker serves one request at a time", o.Threads)
	}
	return nil
}

func positive(v string) (int, error) {
	n, err := strconv.Atoi(v)
	if err == nil && n < 1 {
		err = fmt.Errorf("not positive")
	}
	return n, err
}

func seconds(v string) (time.Duration, error) {
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f < 0 || f > 24*3600 {
		return 0, fmt.Errorf("bad seconds")
	}
	return time.Duration(f * float64(time.Second)), nil
}

func hookList(v string) []string {
	switch v {
	case "talk":
		return TalkHooks
	case "all":
		return Hooks
	case "none", "":
		return []string{}
	}
	return strings.Split(v, ",")
}

func wantFor(key string) string {
	switch key {
	case "workers":
		return "a number of workers, 1 or more"
	case "threads":
		return "a number of threads, 1 or more"
	case "max-requests":
		return "a number of requests, 0 for never"
	}
	return "a number of seconds"
}
