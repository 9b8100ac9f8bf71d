// A cgo program for the braze-vs-bfd comparison (tests/test_rust_go.py), linked externally by
// `go build -ldflags=-linkmode=external`: C code with a __thread variable called from goroutines
// locked to their OS threads, plus plain goroutines and channels.  Deterministic output only.
package main

/*
#include <stdio.h>
#include <stdlib.h>

static __thread int tls_counter;

static void set_tls(int v) { tls_counter = v; }

static int bump(int n) {
	for (int i = 0; i < n; i++) tls_counter += i;
	return tls_counter;
}

static char *greet(const char *who) {
	char *buf = malloc(64);
	snprintf(buf, 64, "hello, %s, from C", who);
	return buf;
}
*/
import "C"

import (
	"fmt"
	"runtime"
	"sort"
	"sync"
	"unsafe"
)

func main() {
	cs := C.CString("go")
	g := C.greet(cs)
	fmt.Println(C.GoString(g))
	C.free(unsafe.Pointer(g))
	C.free(unsafe.Pointer(cs))

	var wg sync.WaitGroup
	results := make(chan [2]int, 8)
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			C.set_tls(C.int(1000 * w))
			runtime.Gosched()
			r := int(C.bump(C.int(10 * (w + 1))))
			results <- [2]int{w, r}
		}(w)
	}
	wg.Wait()
	close(results)
	var all [][2]int
	for r := range results {
		all = append(all, r)
	}
	sort.Slice(all, func(i, j int) bool { return all[i][0] < all[j][0] })
	fmt.Println("results:", all)
	ch := make(chan int)
	go func() {
		s := 0
		for i := 0; i < 1000; i++ {
			s += i
		}
		ch <- s
	}()
	fmt.Println("goroutine sum:", <-ch)
}
