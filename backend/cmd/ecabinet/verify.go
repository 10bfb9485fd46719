package main

import (
	"context"
	"fmt"
	"io"
	"strconv"

	"github.com/ecabinet/ecabinet/backend/store"
)

// ballotVerify checks every signed answer of a ballot from the database
// alone and prints one line per signature; it fails if any does not hold.
func ballotVerify(ctx context.Context, db *store.DB, args []string, stdout io.Writer) error {
	if len(args) != 1 {
		return fmt.Errorf("usage: ecabinet ballot-verify <ballot id>")
	}
	id, err := strconv.ParseInt(args[0], 10, 64)
	if err != nil || id <= 0 {
		return fmt.Errorf("ballot id %q is not a positive integer", args[0])
	}
	checks, err := db.VerifySignatures(ctx, id)
	if err != nil {
		return err
	}
	bad := 0
	for _, c := range checks {
		status := "ok"
		if !c.OK {
			status, bad = "FAILED: "+c.Problem, bad+1
		}
		fmt.Fprintf(stdout, "signature %d\tmember %d\tdevice %d\t%s\n", c.SignatureID, c.MemberID, c.DeviceID, status)
	}
	fmt.Fprintf(stdout, "ballot %d: %d signed answers checked, %d failed\n", id, len(checks), bad)
	if bad > 0 {
		return fmt.Errorf("%d of %d signatures failed", bad, len(checks))
	}
	return nil
}
