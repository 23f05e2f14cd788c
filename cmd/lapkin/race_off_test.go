//go:build !race

package main

// raceEnabled is true when the tests are built with -race.
const raceEnabled = false
