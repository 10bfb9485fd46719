// Package deploytest tests what deploy/ and scripts/ promise, end to end:
// three instances behind a real nginx (scripts/cluster), backups restored
// into fresh databases and under running instances (scripts/backup,
// scripts/restore), two instances behind a real PgBouncer in transaction
// pooling with the migrations run apart, the README's first production
// start command by command, and the deployment files themselves
// (Kubernetes, compose, nginx, systemd, PgBouncer). The package has tests
// only.
package deploytest
