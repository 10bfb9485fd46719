// Package faults holds fault-injection tests that run the real server as
// separate processes: an instance killed with SIGKILL during a burst of
// votes and during a burst of ballot answers, Redis restarted during a live
// session, the Redis primary killed under three Sentinels (the instances
// follow the failover), PostgreSQL stopped and started again, an upload cut
// off half way. They run in CI (scripts/test).
package faults
