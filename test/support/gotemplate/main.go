// Renders the Go template on stdin with text/template, as Helm's engine does for templates that
// use no values: the test's check that Helm renders the release charts back to the manifests.
package main

import (
	"io"
	"os"
	"text/template"
)

func main() {
	src, err := io.ReadAll(os.Stdin)
	if err != nil {
		panic(err)
	}
	t, err := template.New("manifests.yaml").Option("missingkey=zero").Parse(string(src))
	if err != nil {
		os.Stderr.WriteString(err.Error() + "\n")
		os.Exit(1)
	}
	if err := t.Execute(os.Stdout, map[string]interface{}{}); err != nil {
		os.Stderr.WriteString(err.Error() + "\n")
		os.Exit(1)
	}
}
