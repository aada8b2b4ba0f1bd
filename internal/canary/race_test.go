//go:build race

package canary

// raceEnabled relaxes wall-clock latency bounds: the race detector slows
// every memory access several-fold, so loopback latency can exceed 100 ms.
const raceEnabled = true
