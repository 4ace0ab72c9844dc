// Renders the Go template on stdin with text/template as Helm's engine does: the data is
// {"Values": <the JSON file named by the first argument, else {}>}, and `add` is Helm's (sprig's)
// integer sum. The test's check that Helm renders the release charts back to the manifests.
package main

import (
	"encoding/json"
	"io"
	"os"
	"text/template"
)

func fail(err error) {
	os.Stderr.WriteString(err.Error() + "\n")
	os.Exit(1)
}

// add sums integers as sprig's add does: JSON numbers (float64) and ints become int64.
func add(numbers ...interface{}) int64 {
	var sum int64
	for _, n := range numbers {
		switch v := n.(type) {
		case float64:
			sum += int64(v)
		case int:
			sum += int64(v)
		}
	}
	return sum
}

func main() {
	src, err := io.ReadAll(os.Stdin)
	if err != nil {
		fail(err)
	}
	values := map[string]interface{}{}
	if len(os.Args) > 1 {
		raw, err := os.ReadFile(os.Args[1])
		if err != nil {
			fail(err)
		}
		if err := json.Unmarshal(raw, &values); err != nil {
			fail(err)
		}
	}
	t, err := template.New("manifests.yaml").Funcs(template.FuncMap{"add": add}).Option("missingkey=error").Parse(string(src))
	if err != nil {
		fail(err)
	}
	if err := t.Execute(os.Stdout, map[string]interface{}{"Values": values}); err != nil {
		fail(err)
	}
}
