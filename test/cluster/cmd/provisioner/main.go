// Command provisioner is the test cluster's dynamic volume provisioner, in the style of a
// local-path provisioner: for every pending claim of a StorageClass whose provisioner is
// ours, it makes a directory under -root and a `local` PersistentVolume on the one node,
// bound to the claim. A released volume whose reclaim policy is Delete loses its directory
// and its PersistentVolume. Binding is Immediate or WaitForFirstConsumer, as the class says.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	storagelisters "k8s.io/client-go/listers/storage/v1"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/klog/v2"
)

const (
	// Name is the provisioner name StorageClasses give to use this provisioner.
	Name = "cdk8s-stateful.test/local-path"
	// selectedNode is the annotation the scheduler sets on a WaitForFirstConsumer claim.
	selectedNode   = "volume.kubernetes.io/selected-node"
	pathAnnotation = "cdk8s-stateful.test/path"
)

type provisioner struct {
	client kubernetes.Interface
	root   string
	node   string
	ctx    context.Context
}

func main() {
	kubeconfig := flag.String("kubeconfig", "", "kubeconfig of a user allowed to manage volumes")
	root := flag.String("root", "", "directory under which volumes are made")
	node := flag.String("node", "", "name of the node the volumes are on")
	flag.Parse()
	if *kubeconfig == "" || *root == "" || *node == "" {
		fmt.Fprintln(os.Stderr, "usage: provisioner -kubeconfig FILE -root DIR -node NAME")
		os.Exit(2)
	}
	config, err := clientcmd.BuildConfigFromFlags("", *kubeconfig)
	if err != nil {
		klog.Fatal(err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	p := &provisioner{client: kubernetes.NewForConfigOrDie(config), root: *root, node: *node, ctx: ctx}

	factory := informers.NewSharedInformerFactory(p.client, 30*time.Second)
	claims := factory.Core().V1().PersistentVolumeClaims().Informer()
	volumes := factory.Core().V1().PersistentVolumes().Informer()
	classes := factory.Storage().V1().StorageClasses().Lister()
	onClaim := func(obj interface{}) {
		if claim, ok := obj.(*corev1.PersistentVolumeClaim); ok {
			p.provision(claim, classes)
		}
	}
	_, _ = claims.AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc:    onClaim,
		UpdateFunc: func(_, obj interface{}) { onClaim(obj) },
	})
	onVolume := func(obj interface{}) {
		if volume, ok := obj.(*corev1.PersistentVolume); ok {
			p.reclaim(volume)
		}
	}
	_, _ = volumes.AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc:    onVolume,
		UpdateFunc: func(_, obj interface{}) { onVolume(obj) },
	})
	factory.Start(ctx.Done())
	factory.WaitForCacheSync(ctx.Done())
	klog.Infof("provisioning %s volumes under %s on node %s", Name, p.root, p.node)
	<-ctx.Done()
}

func volumeName(claim *corev1.PersistentVolumeClaim) string {
	return "pvc-" + string(claim.UID)
}

func (p *provisioner) provision(claim *corev1.PersistentVolumeClaim, classes storagelisters.StorageClassLister) {
	if claim.Spec.VolumeName != "" || claim.Status.Phase != corev1.ClaimPending || claim.Spec.StorageClassName == nil {
		return
	}
	class, err := classes.Get(*claim.Spec.StorageClassName)
	if err != nil || class.Provisioner != Name {
		return
	}
	if class.VolumeBindingMode != nil && *class.VolumeBindingMode == "WaitForFirstConsumer" && claim.Annotations[selectedNode] == "" {
		return
	}
	name := volumeName(claim)
	dir := filepath.Join(p.root, claim.Namespace+"_"+claim.Name+"_"+name)
	if err := os.MkdirAll(dir, 0o777); err != nil {
		klog.Errorf("claim %s/%s: %v", claim.Namespace, claim.Name, err)
		return
	}
	// Any user of the pod may write, as with a local-path provisioner; fsGroup still applies.
	if err := os.Chmod(dir, 0o777); err != nil {
		klog.Errorf("claim %s/%s: %v", claim.Namespace, claim.Name, err)
		return
	}
	reclaim := corev1.PersistentVolumeReclaimDelete
	if class.ReclaimPolicy != nil {
		reclaim = *class.ReclaimPolicy
	}
	volume := &corev1.PersistentVolume{
		ObjectMeta: metav1.ObjectMeta{
			Name: name,
			Annotations: map[string]string{
				"pv.kubernetes.io/provisioned-by": Name,
				pathAnnotation:                    dir,
			},
		},
		Spec: corev1.PersistentVolumeSpec{
			Capacity:                      corev1.ResourceList{corev1.ResourceStorage: claim.Spec.Resources.Requests[corev1.ResourceStorage]},
			AccessModes:                   claim.Spec.AccessModes,
			PersistentVolumeReclaimPolicy: reclaim,
			StorageClassName:              class.Name,
			VolumeMode:                    claim.Spec.VolumeMode,
			ClaimRef: &corev1.ObjectReference{
				Kind: "PersistentVolumeClaim", APIVersion: "v1",
				Namespace: claim.Namespace, Name: claim.Name, UID: claim.UID,
			},
			PersistentVolumeSource: corev1.PersistentVolumeSource{Local: &corev1.LocalVolumeSource{Path: dir}},
			NodeAffinity: &corev1.VolumeNodeAffinity{Required: &corev1.NodeSelector{
				NodeSelectorTerms: []corev1.NodeSelectorTerm{{MatchExpressions: []corev1.NodeSelectorRequirement{{
					Key: "kubernetes.io/hostname", Operator: corev1.NodeSelectorOpIn, Values: []string{p.node},
				}}}},
			}},
		},
	}
	_, err = p.client.CoreV1().PersistentVolumes().Create(p.ctx, volume, metav1.CreateOptions{})
	if err != nil && !apierrors.IsAlreadyExists(err) {
		klog.Errorf("claim %s/%s: %v", claim.Namespace, claim.Name, err)
		return
	}
	if err == nil {
		klog.Infof("provisioned %s for claim %s/%s at %s", name, claim.Namespace, claim.Name, dir)
	}
}

func (p *provisioner) reclaim(volume *corev1.PersistentVolume) {
	if volume.Annotations["pv.kubernetes.io/provisioned-by"] != Name ||
		volume.Status.Phase != corev1.VolumeReleased ||
		volume.Spec.PersistentVolumeReclaimPolicy != corev1.PersistentVolumeReclaimDelete {
		return
	}
	dir := volume.Annotations[pathAnnotation]
	if dir == "" || filepath.Dir(dir) != filepath.Clean(p.root) {
		klog.Errorf("volume %s: path %q is not under %s; left alone", volume.Name, dir, p.root)
		return
	}
	if err := os.RemoveAll(dir); err != nil {
		klog.Errorf("volume %s: %v", volume.Name, err)
		return
	}
	err := p.client.CoreV1().PersistentVolumes().Delete(p.ctx, volume.Name, metav1.DeleteOptions{})
	if err != nil && !apierrors.IsNotFound(err) {
		klog.Errorf("volume %s: %v", volume.Name, err)
		return
	}
	klog.Infof("deleted released volume %s and %s", volume.Name, dir)
}
