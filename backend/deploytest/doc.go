// Package deploytest tests what deploy/ and scripts/ promise, end to end:
// three instances behind a real nginx (scripts/cluster), backups restored
// into fresh databases and under running instances (scripts/backup,
// scripts/restore), and the deployment files themselves (Kubernetes,
// compose, nginx, systemd). The package has tests only.
package deploytest
