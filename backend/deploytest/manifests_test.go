package deploytest

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/backend/config"
	"github.com/ecabinet/ecabinet/backend/testenv"
	"go.yaml.in/yaml/v3"
)

// doc is one YAML document, read loosely.
type doc = map[string]any

// get walks a document by keys (and list indexes); nil when absent.
func get(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := v.(doc)
			if !ok {
				return nil
			}
			v = m[k]
		case int:
			l, ok := v.([]any)
			if !ok || k >= len(l) {
				return nil
			}
			v = l[k]
		}
	}
	return v
}

// readYAML parses every document of a file.
func readYAML(t *testing.T, path string) []doc {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var docs []doc
	dec := yaml.NewDecoder(bytes.NewReader(b))
	for {
		var d doc
		if err := dec.Decode(&d); err != nil {
			if errors.Is(err, io.EOF) {
				return docs
			}
			t.Fatalf("%s: %v", path, err)
		}
		docs = append(docs, d)
	}
}

// duration parses a configuration duration as the server does.
func duration(t *testing.T, name, v string) time.Duration {
	t.Helper()
	d, err := time.ParseDuration(v)
	if err != nil {
		t.Fatalf("%s=%q: %v", name, v, err)
	}
	return d
}

// The most a stopping instance takes: the delay, then up to the timeout for
// the WebSockets and again for the requests (app.Run).
func stopBudget(t *testing.T, delay, timeout string) time.Duration {
	return duration(t, "ECABINET_SHUTDOWN_DELAY", delay) + 2*duration(t, "ECABINET_SHUTDOWN_TIMEOUT", timeout)
}

// knownVar reports whether the server reads the variable; the cache
// directory belongs to document storage, which deployments set ahead.
func knownVar(name string) bool {
	for _, v := range config.Vars {
		if v.Name == name {
			return true
		}
	}
	return name == "ECABINET_CACHE_DIR"
}

func TestKubernetesManifests(t *testing.T) {
	dir := filepath.Join(root, "deploy", "kubernetes")
	byKind := map[string]doc{}
	kust := readYAML(t, filepath.Join(dir, "kustomization.yaml"))[0]
	for _, r := range get(kust, "resources").([]any) {
		for _, d := range readYAML(t, filepath.Join(dir, r.(string))) {
			if d["apiVersion"] == nil || get(d, "metadata", "name") == nil {
				t.Fatalf("%s: a document without apiVersion or metadata.name", r)
			}
			byKind[d["kind"].(string)] = d
		}
	}
	for _, kind := range []string{"Namespace", "ConfigMap", "Deployment", "Service", "Ingress", "PodDisruptionBudget", "HorizontalPodAutoscaler", "NetworkPolicy"} {
		if byKind[kind] == nil {
			t.Fatalf("no %s in the kustomization", kind)
		}
	}
	cm := byKind["ConfigMap"]["data"].(doc)
	env := map[string]string{}
	for k, v := range cm {
		s, ok := v.(string)
		if !ok {
			t.Fatalf("ConfigMap %s is not a string: %v", k, v)
		}
		if !knownVar(k) {
			t.Errorf("ConfigMap sets %s, which the server does not read", k)
		}
		env[k] = s
	}
	// The server accepts the configuration (with the Secret's URLs).
	env["DATABASE_URL"], env["REDIS_URL"] = "postgres://ecabinet@db:5432/ecabinet", "redis://redis:6379/0"
	if _, err := config.Load(func(k string) string { return env[k] }); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(env["ECABINET_ADDR"], "0.0.0.0:") {
		t.Errorf("ECABINET_ADDR=%s: the probes and the Service cannot reach a loopback address", env["ECABINET_ADDR"])
	}

	dep := byKind["Deployment"]
	if n, _ := get(dep, "spec", "replicas").(int); n < 3 {
		t.Errorf("replicas = %v, want at least 3", get(dep, "spec", "replicas"))
	}
	pod := get(dep, "spec", "template", "spec").(doc)
	c := get(pod, "containers", 0).(doc)
	for probe, path := range map[string]string{"readinessProbe": "/readyz", "livenessProbe": "/healthz", "startupProbe": "/healthz"} {
		if got := get(c, probe, "httpGet", "path"); got != path {
			t.Errorf("%s path = %v, want %s", probe, got, path)
		}
	}
	grace, _ := pod["terminationGracePeriodSeconds"].(int)
	if budget := stopBudget(t, env["ECABINET_SHUTDOWN_DELAY"], env["ECABINET_SHUTDOWN_TIMEOUT"]); time.Duration(grace)*time.Second <= budget {
		t.Errorf("terminationGracePeriodSeconds %d does not cover the shutdown (%v)", grace, budget)
	}
	if get(pod, "securityContext", "runAsNonRoot") != true || get(c, "securityContext", "readOnlyRootFilesystem") != true ||
		get(c, "securityContext", "allowPrivilegeEscalation") != false {
		t.Error("the container must run as non-root, on a read-only root, without privilege escalation")
	}
	if get(c, "resources", "requests", "cpu") == nil || get(c, "resources", "limits", "memory") == nil {
		t.Error("the container needs a CPU request (the autoscaler scales on it) and a memory limit")
	}
	mounts := map[string]string{}
	for _, m := range get(c, "volumeMounts").([]any) {
		mounts[get(m, "mountPath").(string)] = get(m, "name").(string)
	}
	cache := mounts[env["ECABINET_CACHE_DIR"]]
	emptyDir := false
	for _, v := range get(pod, "volumes").([]any) {
		if get(v, "name") == cache && get(v, "emptyDir") != nil {
			emptyDir = true
		}
	}
	if !emptyDir {
		t.Errorf("ECABINET_CACHE_DIR=%s is not an emptyDir volume", env["ECABINET_CACHE_DIR"])
	}
	if get(c, "envFrom", 0, "configMapRef", "name") != get(byKind["ConfigMap"], "metadata", "name") || get(c, "envFrom", 1, "secretRef", "name") == nil {
		t.Error("the container takes its environment from the ConfigMap and a Secret")
	}

	labels := get(dep, "spec", "template", "metadata", "labels").(doc)
	matches := func(kind string, sel any) {
		for k, v := range sel.(doc) {
			if labels[k] != v {
				t.Errorf("the %s selects %s=%v, which the pods do not carry", kind, k, v)
			}
		}
	}
	matches("Service", get(byKind["Service"], "spec", "selector"))
	matches("PodDisruptionBudget", get(byKind["PodDisruptionBudget"], "spec", "selector", "matchLabels"))
	matches("Deployment", get(dep, "spec", "selector", "matchLabels"))
	if get(byKind["PodDisruptionBudget"], "spec", "maxUnavailable") != 1 {
		t.Error("the PodDisruptionBudget should let one pod go at a time")
	}
	hpa := byKind["HorizontalPodAutoscaler"]
	if get(hpa, "spec", "scaleTargetRef", "name") != get(dep, "metadata", "name") {
		t.Error("the autoscaler scales another Deployment")
	}
	minR, _ := get(hpa, "spec", "minReplicas").(int)
	maxR, _ := get(hpa, "spec", "maxReplicas").(int)
	conns, _ := strconv.Atoi(env["ECABINET_DB_MAX_CONNS"])
	if minR < 3 || maxR < minR || maxR*conns > 200 {
		t.Errorf("autoscaler %d-%d pods × %d connections: want at least 3 pods and at most 200 connections", minR, maxR, conns)
	}

	ann := get(byKind["Ingress"], "metadata", "annotations").(doc)
	for _, k := range []string{"proxy-read-timeout", "proxy-send-timeout"} {
		if n, _ := strconv.Atoi(fmt.Sprint(ann["nginx.ingress.kubernetes.io/"+k])); n < 3600 {
			t.Errorf("ingress %s = %v, want at least 3600 s for WebSockets", k, ann["nginx.ingress.kubernetes.io/"+k])
		}
	}
	if ann["nginx.ingress.kubernetes.io/proxy-body-size"] != "100m" || ann["nginx.ingress.kubernetes.io/proxy-request-buffering"] != "off" {
		t.Error("the ingress must take 100 MiB uploads and stream them")
	}
	if get(byKind["Ingress"], "spec", "rules", 0, "http", "paths", 0, "backend", "service", "name") != get(byKind["Service"], "metadata", "name") {
		t.Error("the ingress routes to another Service")
	}

	// The migrations run apart, before the rollout, straight to PostgreSQL.
	if env["ECABINET_MIGRATE"] != "false" {
		t.Error("the pods migrate at start: ECABINET_MIGRATE=false leaves it to the migration Job")
	}
	// /metrics: on its own port, which Prometheus scrapes on each pod, which
	// neither the Service nor the ingress routes, and which only the
	// monitoring namespace may reach.
	metricsPort := ""
	if host, port, err := net.SplitHostPort(env["ECABINET_METRICS_ADDR"]); err != nil || host != "0.0.0.0" {
		t.Errorf("ECABINET_METRICS_ADDR=%s: Prometheus cannot scrape the pods", env["ECABINET_METRICS_ADDR"])
	} else {
		metricsPort = port
	}
	ports := map[string]string{}
	for _, p := range get(c, "ports").([]any) {
		ports[fmt.Sprint(get(p, "name"))] = fmt.Sprint(get(p, "containerPort"))
	}
	if ports["metrics"] != metricsPort || get(dep, "spec", "template", "metadata", "annotations", "prometheus.io/port") != metricsPort {
		t.Errorf("the pods' metrics port %v (annotated %v) is not ECABINET_METRICS_ADDR's %s", ports["metrics"],
			get(dep, "spec", "template", "metadata", "annotations", "prometheus.io/port"), metricsPort)
	}
	for _, p := range get(byKind["Service"], "spec", "ports").([]any) {
		if target := fmt.Sprint(get(p, "targetPort")); target == "metrics" || target == metricsPort {
			t.Error("the Service routes the metrics port")
		}
	}
	np := byKind["NetworkPolicy"]
	matches("NetworkPolicy", get(np, "spec", "podSelector", "matchLabels"))
	for _, rule := range get(np, "spec", "ingress").([]any) {
		for _, p := range get(rule, "ports").([]any) {
			if port := fmt.Sprint(get(p, "port")); (port == "metrics" || port == metricsPort) && get(rule, "from", 0, "namespaceSelector") == nil {
				t.Error("the NetworkPolicy opens the metrics port to every namespace")
			}
		}
	}

	job := readYAML(t, filepath.Join(dir, "migrate-job.yaml"))[0]
	jc := get(job, "spec", "template", "spec", "containers", 0)
	if got := get(jc, "args", 0); got != "migrate" {
		t.Errorf("the migration Job runs %v", got)
	}
	if get(jc, "image") != get(c, "image") {
		t.Errorf("the migration Job runs %v, the pods %v", get(jc, "image"), get(c, "image"))
	}
	if secret := get(jc, "envFrom", 0, "secretRef", "name"); secret == nil || secret == get(c, "envFrom", 1, "secretRef", "name") {
		t.Error("the migration Job needs a Secret of its own: a DATABASE_URL to PostgreSQL itself, not through a transaction pool")
	}
}

func TestComposeFile(t *testing.T) {
	d := readYAML(t, filepath.Join(root, "deploy", "compose", "compose.yaml"))[0]
	services := d["services"].(doc)
	for _, s := range []string{"migrate", "app1", "app2", "app3", "nginx", "postgres", "redis"} {
		if services[s] == nil {
			t.Fatalf("no service %s", s)
		}
	}
	demos := 0
	for _, name := range []string{"app1", "app2", "app3"} {
		s := services[name].(doc)
		env := map[string]string{}
		for k, v := range s["environment"].(doc) {
			env[k] = fmt.Sprint(v)
			if !knownVar(k) {
				t.Errorf("%s sets %s, which the server does not read", name, k)
			}
		}
		if s["ports"] != nil || !strings.HasSuffix(env["ECABINET_METRICS_ADDR"], ":9464") {
			t.Errorf("%s: publishes ports, or has no metrics address of its own (%q)", name, env["ECABINET_METRICS_ADDR"])
		}
		if env["ECABINET_ADDR"] != "0.0.0.0:8080" || env["ECABINET_INSTANCE_ID"] != name ||
			!strings.Contains(env["DATABASE_URL"], "@postgres:5432/") || env["REDIS_URL"] != "redis://redis:6379/0" {
			t.Errorf("%s: %v", name, env)
		}
		if env["ECABINET_DEMO"] != "false" {
			demos++
		}
		if grace := duration(t, "stop_grace_period", s["stop_grace_period"].(string)); grace <= stopBudget(t, env["ECABINET_SHUTDOWN_DELAY"], env["ECABINET_SHUTDOWN_TIMEOUT"]) {
			t.Errorf("%s: stop_grace_period %v does not cover the shutdown", name, grace)
		}
		if s["read_only"] != true || get(s, "depends_on", "postgres", "condition") != "service_healthy" {
			t.Errorf("%s: read-only, after a healthy PostgreSQL", name)
		}
		if env["ECABINET_MIGRATE"] != "false" || get(s, "depends_on", "migrate", "condition") != "service_completed_successfully" {
			t.Errorf("%s: migrates itself, or starts before the migrate service has succeeded", name)
		}
	}
	migrate := services["migrate"].(doc)
	if get(migrate, "command", 0) != "migrate" || !strings.Contains(fmt.Sprint(get(migrate, "environment", "DATABASE_URL")), "@postgres:5432/") {
		t.Errorf("the migrate service: %v", migrate)
	}
	if demos > 1 {
		t.Errorf("the demo is seeded by %d instances; one is enough", demos)
	}
	conf, err := os.ReadFile(filepath.Join(root, "deploy", "compose", "nginx.conf"))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"app1", "app2", "app3"} {
		if !strings.Contains(string(conf), "server "+name+":8080") {
			t.Errorf("nginx.conf does not send to %s", name)
		}
	}
	for _, f := range []string{"compose/nginx.conf", "nginx/ecabinet.conf", "nginx/ecabinet-locations.conf"} {
		if b, err := os.ReadFile(filepath.Join(root, "deploy", f)); err != nil || strings.Contains(string(b), "9464") {
			t.Errorf("deploy/%s proxies to the metrics port (%v)", f, err)
		}
	}
}

// nginx accepts the production config (with a throwaway certificate) and
// the compose one (with the instances' names on loopback).
func TestNginxConfigs(t *testing.T) {
	testenv.RequireProgram(t, "nginx")
	nginx, err := exec.LookPath("nginx")
	if err != nil {
		nginx = "/usr/sbin/nginx"
	}
	dir := t.TempDir()
	locations, err := os.ReadFile(filepath.Join(root, "deploy", "nginx", "ecabinet-locations.conf"))
	if err != nil {
		t.Fatal(err)
	}
	cert, key := selfSigned(t, dir)
	for name, edit := range map[string]func(string) string{
		"nginx/ecabinet.conf": func(s string) string {
			s = strings.ReplaceAll(s, "/etc/ssl/ecabinet/fullchain.pem", cert)
			return strings.ReplaceAll(s, "/etc/ssl/ecabinet/privkey.pem", key)
		},
		// nginx -t resolves the upstream's names (it opens no socket).
		"compose/nginx.conf": func(s string) string {
			return regexp.MustCompile(`server app(\d):8080`).ReplaceAllString(s, "server 127.0.0.1:1808$1")
		},
	} {
		b, err := os.ReadFile(filepath.Join(root, "deploy", name))
		if err != nil {
			t.Fatal(err)
		}
		site := strings.ReplaceAll(edit(string(b)), "/etc/nginx/ecabinet-locations.conf", filepath.Join(dir, "ecabinet-locations.conf"))
		if err := os.WriteFile(filepath.Join(dir, "ecabinet-locations.conf"), locations, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "site.conf"), []byte(site), 0o644); err != nil {
			t.Fatal(err)
		}
		main := fmt.Sprintf("pid %[1]s/nginx.pid;\nerror_log %[1]s/error.log;\nevents {}\nhttp {\n    access_log off;\n    include %[1]s/site.conf;\n}\n", dir)
		if err := os.WriteFile(filepath.Join(dir, "nginx.conf"), []byte(main), 0o644); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(nginx, "-t", "-q", "-e", filepath.Join(dir, "error.log"), "-p", dir, "-c", filepath.Join(dir, "nginx.conf")).CombinedOutput()
		if err != nil {
			t.Errorf("nginx -t refuses deploy/%s: %v\n%s", name, err, out)
		}
	}
}

// selfSigned writes a throwaway certificate and key into dir.
func selfSigned(t *testing.T, dir string) (certFile, keyFile string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "cabinet.example.gov"},
		DNSNames: []string{"cabinet.example.gov"}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	return certFile, keyFile
}

// The unit gives a stopping instance the time it may take, and systemd
// accepts it where systemd-analyze is installed.
func TestSystemdUnit(t *testing.T) {
	path := filepath.Join(root, "deploy", "systemd", "ecabinet.service")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	set := map[string]string{}
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(line, "="); ok && !strings.HasPrefix(line, "#") {
			set[k] = v
		}
	}
	delay, timeout := "5s", "20s" // the example environment file's delay, the default timeout
	if stop := duration(t, "TimeoutStopSec", set["TimeoutStopSec"]); stop <= stopBudget(t, delay, timeout) {
		t.Errorf("TimeoutStopSec=%s does not cover the shutdown", set["TimeoutStopSec"])
	}
	for k, want := range map[string]string{"KillSignal": "SIGTERM", "Restart": "on-failure", "ProtectSystem": "strict",
		"DynamicUser": "yes", "StateDirectory": "ecabinet", "EnvironmentFile": "/etc/ecabinet/ecabinet.env"} {
		if set[k] != want {
			t.Errorf("%s=%s, want %s", k, set[k], want)
		}
	}
	analyze, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Log("systemd-analyze is not installed: the unit's syntax is not verified")
		return
	}
	// verify wants ExecStart to exist and the environment file to be optional.
	unit := strings.ReplaceAll(string(b), "/usr/local/bin/ecabinet", serverBinary(t))
	unit = strings.ReplaceAll(unit, "EnvironmentFile=/", "EnvironmentFile=-/")
	tmp := filepath.Join(t.TempDir(), "ecabinet.service")
	if err := os.WriteFile(tmp, []byte(unit), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(analyze, "verify", tmp).CombinedOutput(); err != nil || len(bytes.TrimSpace(out)) > 0 {
		t.Errorf("systemd-analyze verify: %v\n%s", err, out)
	}
}
