package proxy

import (
	"errors"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/ngw2f/ngw2f-lab/stack/proxy/conf"
)

// parseTime reads a time as nginx does (ngx_parse_time): numbers with
// units ms, s, m, h, d, w, M, y, one after another ("1m 30s"), a bare
// number being seconds.
func parseTime(s string) (time.Duration, bool) {
	units := []struct {
		name string
		d    time.Duration
	}{
		{"ms", time.Millisecond}, {"s", time.Second}, {"m", time.Minute}, {"h", time.Hour},
		{"d", 24 * time.Hour}, {"w", 7 * 24 * time.Hour}, {"M", 30 * 24 * time.Hour}, {"y", 365 * 24 * time.Hour},
	}
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, false
	}
	var total time.Duration
	for s != "" {
		i := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == 0 || i > 9 {
			return 0, false
		}
		n, _ := strconv.Atoi(s[:i])
		s = s[i:]
		unit := time.Second
		for _, u := range units {
			if strings.HasPrefix(s, u.name) && (len(s) == len(u.name) || s[len(u.name)] == ' ' || s[len(u.name)] >= '0' && s[len(u.name)] <= '9') {
				unit, s = u.d, s[len(u.name):]
				break
			}
		}
		if s != "" && s[0] != ' ' && (s[0] < '0' || s[0] > '9') {
			return 0, false
		}
		total += time.Duration(n) * unit
		s = strings.TrimLeft(s, " ")
	}
	return total, true
}

// parseSize reads a size as nginx does (ngx_parse_size): a number with an
// optional k, m or g.
func parseSize(s string) (int64, bool) {
	mult := int64(1)
	if n := len(s); n > 0 {
		switch s[n-1] {
		case 'k', 'K':
			mult, s = 1<<10, s[:n-1]
		case 'm', 'M':
			mult, s = 1<<20, s[:n-1]
		case 'g', 'G':
			mult, s = 1<<30, s[:n-1]
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 || n > (1<<62)/mult {
		return 0, false
	}
	return n * mult, true
}

// timeArg reads a directive's time argument i, or says, as nginx does,
// that it is invalid.
func timeArg(d *conf.Directive, i int) (time.Duration, error) {
	t, ok := parseTime(d.Args[i])
	if !ok {
		return 0, d.Errorf(`"%s" directive invalid value`, d.Name)
	}
	return t, nil
}

func sizeArg(d *conf.Directive, i int) (int64, error) {
	n, ok := parseSize(d.Args[i])
	if !ok {
		return 0, d.Errorf(`"%s" directive invalid value`, d.Name)
	}
	return n, nil
}

func numberArg(d *conf.Directive, i int) (int, error) {
	n, err := strconv.Atoi(d.Args[i])
	if err != nil || n < 0 {
		return 0, d.Errorf(`invalid number "%s" in "%s" directive`, d.Args[i], d.Name)
	}
	return n, nil
}

// listen is one listen directive. The lab listens where its caller says;
// the directive is read to check it and to know the port it names.
type listen struct {
	host          string
	port          int
	defaultServer bool
}

// parseListen reads a listen directive: an address ("8080",
// "127.0.0.1:8080", "[::]:8080", "*:8080", "localhost") and parameters.
func parseListen(d *conf.Directive) (listen, error) {
	addr := d.Args[0]
	l := listen{port: 80}
	host, port, err := net.SplitHostPort(addr)
	switch {
	case err == nil:
		l.host = host
	case strings.HasPrefix(addr, "["):
		return l, d.Errorf(`invalid host in "%s" of the "listen" directive`, addr)
	case isDigits(addr):
		port = addr
	default:
		l.host = addr
	}
	if port != "" {
		n, err := strconv.Atoi(port)
		if err != nil || !isDigits(port) || n < 1 || n > 65535 {
			return l, d.Errorf(`invalid port in "%s" of the "listen" directive`, addr)
		}
		l.port = n
	}
	for _, p := range d.Args[1:] {
		name, _, _ := strings.Cut(p, "=")
		switch name {
		case "default_server", "default":
			l.defaultServer = true
		case "ipv6only", "reuseport", "backlog", "rcvbuf", "sndbuf", "deferred", "bind", "so_keepalive", "fastopen":
			// Socket options: accepted, without effect in the lab.
		default:
			return l, d.Errorf(`invalid parameter "%s"`, p)
		}
	}
	return l, nil
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

var errInvalid = errors.New("invalid")

func atoiPositive(s string) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || !isDigits(s) {
		return 0, errInvalid
	}
	return n, nil
}

func atoiNonNegative(s string) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || !isDigits(s) {
		return 0, errInvalid
	}
	return n, nil
}
