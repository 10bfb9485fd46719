package http_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/ecabinet/ecabinet/backend/auth"
	"github.com/ecabinet/ecabinet/backend/client"
	"github.com/ecabinet/ecabinet/backend/ecabinet"
)

var hasher = auth.NewHasher(2)

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// addMember creates a member as admin through the API, as an admin does
// (without a password), and sets password through the member's one-time
// link, as the member does.
func addMember(t *testing.T, admin *client.Client, in ecabinet.MemberInput, password string) *ecabinet.Member {
	t.Helper()
	ctx := context.Background()
	var m ecabinet.Member
	if err := admin.Do(ctx, "POST", "/api/v1/members", in, &m); err != nil {
		t.Fatal(err)
	}
	var link ecabinet.PasswordLink
	if err := admin.Do(ctx, "POST", "/api/v1/members/"+itoa(m.ID)+"/password-link", nil, &link); err != nil {
		t.Fatal(err)
	}
	token := link.URL[strings.LastIndex(link.URL, "#")+1:]
	if err := client.New(admin.BaseURL).Do(ctx, "POST", "/api/v1/password-links/use", map[string]string{"token": token, "password": password}, nil); err != nil {
		t.Fatal(err)
	}
	return &m
}
