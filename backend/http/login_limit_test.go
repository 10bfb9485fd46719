package http_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/ecabinet/ecabinet/backend/apptest"
)

// 100 failed logins from one address (the default limit: 20 × 5), across
// usernames, as from a ministry behind one address, do not lock out a
// member there whose password is right.
func TestAddressLimitDoesNotLockOut(t *testing.T) {
	e := apptest.Start(t, apptest.Backends[0], nil)
	ctx := context.Background()
	c := e.Client()
	for i := 0; i < 100; i++ {
		wrong := map[string]string{"username": fmt.Sprintf("khong-co-%d", i), "password": "not the password"}
		wantError(t, c.Do(ctx, "POST", "/api/v1/auth/login", wrong, nil), 401, "unauthenticated")
	}
	if _, err := e.Client().Login(ctx, "member08", apptest.Password); err != nil {
		t.Fatalf("a member with the right password, from the address past its limit: %v", err)
	}
}
