package main

import (
	"context"
	"fmt"
	"io"

	"github.com/ecabinet/ecabinet/backend/store"
)

// auditVerify checks the whole audit chain and names the first broken entry.
func auditVerify(ctx context.Context, db *store.DB, args []string, stdout io.Writer) error {
	if len(args) != 1 || args[0] != "verify" {
		return fmt.Errorf("usage: ecabinet audit verify")
	}
	n, brk, err := db.VerifyAudit(ctx)
	if err != nil {
		return err
	}
	if brk != nil {
		fmt.Fprintf(stdout, "audit log BROKEN at entry %d: %s (%d entries before it hold)\n", brk.ID, brk.Reason, n)
		return fmt.Errorf("the audit log is broken at entry %d", brk.ID)
	}
	id, hash, err := db.AuditHead(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "audit log intact: %d entries, head %d %s\n", n, id, hash)
	return nil
}
