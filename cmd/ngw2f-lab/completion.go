package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ngw2f/ngw2f-lab/lessons"
	"github.com/ngw2f/ngw2f-lab/tui/common"
)

// lessonArgs completes a command's lesson argument with the written
// lessons' numbers, each with its title; files complete too where the
// command also takes a lesson file.
func lessonArgs(files bool) cobra.CompletionFunc {
	return func(_ *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		directive := cobra.ShellCompDirectiveNoFileComp
		if files {
			directive = cobra.ShellCompDirectiveDefault
		}
		if len(args) > 0 {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		all, err := lessons.All()
		if err != nil {
			return nil, cobra.ShellCompDirectiveError
		}
		var out []cobra.Completion
		for _, l := range all {
			if n := fmt.Sprint(l.Number); !l.Planned && strings.HasPrefix(n, toComplete) {
				out = append(out, cobra.CompletionWithDesc(n, l.Title))
			}
		}
		return out, directive
	}
}

// fixedValues completes a flag with the values it takes, each with what
// it means.
func fixedValues(values ...cobra.Completion) cobra.CompletionFunc {
	return cobra.FixedCompletions(values, cobra.ShellCompDirectiveNoFileComp)
}

// themeValues are --theme's values.
var themeValues = fixedValues(
	cobra.CompletionWithDesc(string(common.ThemeDefault), "for dark and light terminals"),
	cobra.CompletionWithDesc(string(common.ThemeHighContrast), "for projectors"),
)
