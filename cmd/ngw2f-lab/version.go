package main

import "runtime/debug"

// version is the release's version, set by .ci/release with
// -ldflags "-X main.version=0.1.0". Other builds leave it empty and take
// the module's version from the build information.
var version = ""

// buildVersion returns what --version prints after "ngw2f-lab version".
func buildVersion() string {
	bi, _ := debug.ReadBuildInfo()
	return describeBuild(version, bi)
}

// shortRevision is how many hex digits of a commit --version shows: as
// many as a Go pseudo-version carries.
const shortRevision = 12

// describeBuild says which version of the lab a build is and which commit
// it was built from. The release's version wins over the module's; the
// commit, and whether the checkout had changes not committed, come from
// the build information's vcs settings, which go build records in a git
// checkout. bi may be nil.
func describeBuild(release string, bi *debug.BuildInfo) string {
	v := release
	var revision, modified string
	if bi != nil {
		if v == "" && bi.Main.Version != "(devel)" {
			v = bi.Main.Version
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				revision = s.Value
			case "vcs.modified":
				modified = s.Value
			}
		}
	}
	if revision == "" {
		if v == "" {
			return "unknown: this build recorded no version and no commit (go run records none, nor go build with -buildvcs=false; go build -buildvcs=true in a git checkout names the commit)"
		}
		return v
	}
	if v == "" {
		v = "development build"
	}
	commit := "commit " + revision[:min(len(revision), shortRevision)]
	if modified == "true" {
		commit += ", modified"
	}
	return v + " (" + commit + ")"
}
