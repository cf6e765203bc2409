//go:build race

package bench

// raceEnabled: the race detector multiplies memory use, so memory limits
// are reported, not asserted, under -race.
const raceEnabled = true
