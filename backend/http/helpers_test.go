package http_test

import (
	"strconv"

	"github.com/ecabinet/ecabinet/backend/auth"
)

var hasher = auth.NewHasher(2)

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
