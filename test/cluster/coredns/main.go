// Command coredns is CoreDNS with only the plugins the test cluster's DNS needs: the
// Kubernetes zone, caching and error logging. Nothing is forwarded: the cluster has no
// upstream resolver, so names outside cluster.local get no answer.
package main

import (
	_ "github.com/coredns/coredns/plugin/bind"
	_ "github.com/coredns/coredns/plugin/cache"
	_ "github.com/coredns/coredns/plugin/errors"
	_ "github.com/coredns/coredns/plugin/kubernetes"

	"github.com/coredns/coredns/coremain"
)

func main() {
	coremain.Run()
}
