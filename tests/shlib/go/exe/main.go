// A Go program linked externally (-linkmode=external) by the linker under test.
package main

import (
	"fmt"
	"os"
	"sort"
)

func main() {
	m := map[string]int{}
	for _, w := range []string{"b", "a", "c", "a"} {
		m[w]++
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Printf("%s=%d ", k, m[k])
	}
	fmt.Println(len(os.Args))
}
