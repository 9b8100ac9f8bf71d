// A Go package built as a C shared library (-buildmode=c-shared) and as a C archive
// (-buildmode=c-archive): the Go runtime must be initialised exactly once, by the library-init
// entry in .init_array, before any exported function runs.
package main

import "C"

import (
	"strings"
	"sync"
)

var inits int

func init() { inits++ }

//export GoAdd
func GoAdd(a, b C.int) C.int { return a + b }

//export GoInits
func GoInits() C.int { return C.int(inits) }

//export GoParallelSum
func GoParallelSum(n C.int) C.long {
	var wg sync.WaitGroup
	ch := make(chan int, int(n))
	for i := 1; i <= int(n); i++ {
		wg.Add(1)
		go func(v int) { defer wg.Done(); ch <- v }(i)
	}
	wg.Wait()
	close(ch)
	s := 0
	for v := range ch {
		s += v
	}
	return C.long(s)
}

//export GoRepeatLen
func GoRepeatLen(n C.int) C.int { return C.int(len(strings.Repeat("go", int(n)))) }

func main() {}
