// Command gates-v1.28 prints the default feature gates of Kubernetes 1.28 as kube-apiserver registers
// them, in the form regenerate.sh vendors: {"release", "features": {name: {enabled, stage}}}.
package main

import (
	"encoding/json"
	"os"
	"sort"

	utilfeature "k8s.io/apiserver/pkg/util/feature"
	"k8s.io/component-base/featuregate"
	_ "k8s.io/kubernetes/pkg/features"
)

type gate struct {
	Enabled bool   `json:"enabled"`
	Stage   string `json:"stage"`
}

func main() {
	all := utilfeature.DefaultMutableFeatureGate.GetAll()
	names := make([]string, 0, len(all))
	for name := range all {
		names = append(names, string(name))
	}
	sort.Strings(names)
	features := map[string]gate{}
	for _, name := range names {
		spec := all[featuregate.Feature(name)]
		stage := string(spec.PreRelease)
		if stage == "" {
			stage = "GA"
		}
		features[name] = gate{Enabled: spec.Default, Stage: stage}
	}
	out := json.NewEncoder(os.Stdout)
	out.SetIndent("", " ")
	if err := out.Encode(map[string]any{"release": "v1.28.15", "features": features}); err != nil {
		panic(err)
	}
}
