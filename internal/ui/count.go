package ui

import "strconv"

// Count is n with noun, in the plural unless n is 1: "1 warning",
// "0 warnings", "2 more checks". Every summary line counts this way.
func Count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}
