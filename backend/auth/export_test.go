package auth

import (
	"context"
	"time"
)

// Throttle replaces how the service verifies passwords and waits after a
// failure from an address over its limit, and returns that delay.
func (s *Service) Throttle(verify func(next func(ctx context.Context, password, hash string) (bool, error)) func(ctx context.Context, password, hash string) (bool, error),
	sleep func(ctx context.Context, d time.Duration)) time.Duration {
	s.verify, s.sleep = verify(s.verify), sleep
	return throttleDelay
}
